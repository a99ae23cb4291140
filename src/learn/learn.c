/* SPDX-License-Identifier: MIT */
/**
 * @file
 * `ava learn`: an editor's keep/reject choices (choices.json saved from report.html) fit a
 * preset's weights. Features are the base preset's, plus a lo..hi ramp for every numeric
 * annotation column (lo, hi = 5th and 95th percentile over the title's frames), so a rule
 * the old preset cannot express (say "never dark frames") can still be learnt. Weights come
 * from L2-regularised logistic regression; the report compares the pairwise accuracy (AUC)
 * of old and new weights on held-back choices, 5-fold cross-validated.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/annotators/annset.h"
#include "src/learn/logistic.h"
#include "src/log.h"
#include "src/rank/preset.h"
#include "src/store/store.h"
#include "src/util/fsutil.h"

#define FOLDS 5
#define MAX_CHOICES 100000

typedef struct Data {
    AvaPreset feat;        ///< learnt features (weights unused)
    int n_base;            ///< the first n_base are the base preset's, in order
    double *x;             ///< n x feat.n values u in 0..1
    double *old_score;     ///< base preset score per row
    uint8_t *y;
    int n, cap;
} Data;

static char *read_text(const char *path, const AvaLogger *lg)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        ava_log(lg, AVA_LOG_ERROR, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    char *buf = malloc(16 << 20);
    size_t n = buf ? fread(buf, 1, (16 << 20) - 1, f) : 0;
    int big = buf && !feof(f);
    fclose(f);
    if (!buf || big) {
        ava_log(lg, AVA_LOG_ERROR, "%s: larger than 16 MiB", path);
        free(buf);
        return NULL;
    }
    buf[n] = 0;
    return buf;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The base preset's features, then a percentile ramp for each other numeric column. */
static int build_features(Data *d, const AvaPreset *base, AvaStore *st, const AvaLogger *lg)
{
    d->feat = *base;
    d->n_base = base->n;
    AvaColumnRef *cols = NULL;
    int n_cols = 0, ret = ava_annset_columns(&cols, &n_cols);
    for (int c = 0; ret >= 0 && c < n_cols && d->feat.n < AVA_PRESET_MAX_FEATURES; c++) {
        const AvaColumn *col = cols[c].col;
        if (col->type != AVA_COL_REAL && col->type != AVA_COL_INT)
            continue;
        int have_ramp = 0;
        for (int k = 0; k < base->n; k++)
            have_ramp |= !strcmp(base->f[k].column, col->name) && !base->f[k].is_target;
        if (have_ramp)
            continue;
        const char *name = col->name;
        double *v = NULL;
        int64_t n = 0;
        if ((ret = ava_store_read_columns(st, &name, 1, &v, NULL, &n)) < 0)
            break;
        int64_t m = 0;
        for (int64_t i = 0; i < n; i++)
            if (!isnan(v[i]))
                v[m++] = v[i];
        if (m >= 2) {
            qsort(v, (size_t)m, sizeof(*v), cmp_double);
            double lo = v[m * 5 / 100], hi = v[m * 95 / 100];
            if (hi > lo) {
                AvaPresetFeature *f = &d->feat.f[d->feat.n++];
                memset(f, 0, sizeof(*f));
                snprintf(f->column, sizeof(f->column), "%s", name);
                f->lo = lo;
                f->hi = hi;
            }
        }
        free(v);
    }
    free(cols);
    if (ret < 0)
        ava_log(lg, AVA_LOG_ERROR, "learn: cannot read the title's columns");
    return ret;
}

static int add_row(Data *d, const double *raw, const AvaPreset *base, int keep)
{
    if (d->n == d->cap) {
        int cap = d->cap ? 2 * d->cap : 256;
        double *x = realloc(d->x, (size_t)cap * d->feat.n * sizeof(*x));
        if (x)
            d->x = x;
        double *o = realloc(d->old_score, (size_t)cap * sizeof(*o));
        if (o)
            d->old_score = o;
        uint8_t *y = realloc(d->y, (size_t)cap);
        if (y)
            d->y = y;
        if (!x || !o || !y)
            return AVA_ERR(ENOMEM);
        d->cap = cap;
    }
    double *row = d->x + (size_t)d->n * d->feat.n;
    for (int k = 0; k < d->feat.n; k++)
        row[k] = ava_preset_feature_value(&d->feat.f[k], raw[k]);
    ava_preset_score(base, raw, 1, &d->old_score[d->n]);
    d->y[d->n++] = (uint8_t)keep;
    return 0;
}

/* choices.json: {"database": "ava.sqlite", "title_key": "...", "choices": [{"frame": N,
 * "choice": "keep" | "reject"}, ...]}; the database path is relative to the file. */
static int load_choices(Data *d, const char *path, const AvaPreset *base, int first,
                        const AvaLogger *lg)
{
    char *text = read_text(path, lg);
    if (!text)
        return AVA_ERR_CONFIG;
    cJSON *root = cJSON_Parse(text);
    free(text);
    int ret = AVA_ERR_CONFIG;
    AvaStore *st = NULL;
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "choices");
    const cJSON *db = cJSON_GetObjectItemCaseSensitive(root, "database");
    if (!cJSON_IsArray(list)) {
        ava_log(lg, AVA_LOG_ERROR, "%s: not a choices file (no \"choices\" array)", path);
        goto done;
    }
    char db_path[8192], dir[4096];
    snprintf(dir, sizeof(dir), "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = 0;
    else
        snprintf(dir, sizeof(dir), ".");
    const char *dbname = cJSON_IsString(db) ? db->valuestring : "ava.sqlite";
    if (strstr(dbname, "..") || dbname[0] == '/') {
        ava_log(lg, AVA_LOG_ERROR, "%s: \"database\" must be a file name beside it", path);
        goto done;
    }
    snprintf(db_path, sizeof(db_path), "%s/%s", dir, dbname);
    if ((ret = ava_store_open_readonly(&st, db_path, lg)) < 0)
        goto done;
    if (first && (ret = build_features(d, base, st, lg)) < 0)
        goto done;
    const char *names[AVA_PRESET_MAX_FEATURES];
    ava_preset_columns(&d->feat, names);
    const cJSON *c;
    int k = 0;
    cJSON_ArrayForEach(c, list)
    {
        const cJSON *fr = cJSON_GetObjectItemCaseSensitive(c, "frame");
        const cJSON *ch = cJSON_GetObjectItemCaseSensitive(c, "choice");
        if (!cJSON_IsNumber(fr) || !cJSON_IsString(ch) ||
            (strcmp(ch->valuestring, "keep") && strcmp(ch->valuestring, "reject"))) {
            ava_log(lg, AVA_LOG_ERROR, "%s: choices[%d] needs \"frame\" and \"choice\": "
                    "\"keep\" or \"reject\"", path, k);
            ret = AVA_ERR_CONFIG;
            goto done;
        }
        if (d->n >= MAX_CHOICES)
            break;
        double raw[AVA_PRESET_MAX_FEATURES];
        ret = ava_store_read_frame_reals(st, (int64_t)fr->valuedouble, names, d->feat.n, raw);
        if (ret == AVA_ERR(ENOENT)) {
            ava_log(lg, AVA_LOG_WARNING, "%s: frame %lld is not in %s; skipped", path,
                    (long long)fr->valuedouble, db_path);
            ret = 0;
            k++;
            continue;
        }
        /* raw[] follows d->feat's columns; the base score needs the base's order, which
         * is the same prefix. */
        if (ret >= 0)
            ret = add_row(d, raw, base, !strcmp(ch->valuestring, "keep"));
        if (ret < 0)
            goto done;
        k++;
    }
    ret = 0;
done:
    ava_store_close(&st);
    cJSON_Delete(root);
    return ret;
}

static int write_preset(const char *out, const char *name, const AvaPreset *base,
                        const Data *d, const double *w, int n_choices, const AvaLogger *lg)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *list = root ? cJSON_CreateArray() : NULL;
    if (!list) {
        cJSON_Delete(root);
        return AVA_ERR(ENOMEM);
    }
    char desc[256];
    snprintf(desc, sizeof(desc), "learnt by ava learn from %d editor choices, starting from %s",
             n_choices, base->name);
    cJSON_AddStringToObject(root, "name", name);
    cJSON_AddStringToObject(root, "description", desc);
    cJSON_AddNumberToObject(root, "shot_edge_frames", base->shot_edge_frames);
    cJSON_AddNumberToObject(root, "min_gap_s", base->min_gap_s);
    cJSON_AddItemToObject(root, "features", list);
    double wmax = 0;
    for (int k = 0; k < d->feat.n; k++)
        wmax = fabs(w[k]) > wmax ? fabs(w[k]) : wmax;
    for (int k = 0; k < d->feat.n; k++) {
        if (wmax > 0 && fabs(w[k]) < 0.01 * wmax)
            continue;
        const AvaPresetFeature *f = &d->feat.f[k];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(list, o);
        cJSON_AddStringToObject(o, "column", f->column);
        /* Logit units scaled so the largest weight is 1; the ranking is unchanged. */
        cJSON_AddNumberToObject(o, "weight", wmax > 0 ? w[k] / wmax : 0);
        if (f->is_target) {
            cJSON_AddNumberToObject(o, "target", f->target);
            cJSON_AddNumberToObject(o, "width", f->width);
        } else {
            cJSON_AddNumberToObject(o, "lo", f->lo);
            cJSON_AddNumberToObject(o, "hi", f->hi);
        }
    }
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    if (!text)
        return AVA_ERR(ENOMEM);
    int ret = ava_write_file_atomic(out, text, strlen(text), lg);
    cJSON_free(text);
    return ret;
}

int ava_learn(const char *const *choice_files, int n_files, const char *preset,
              const char *out, const char *name, const AvaLogger *lg, AvaLearnReport *rep)
{
    if (!choice_files || n_files < 1 || !out || !rep)
        return AVA_ERR(EINVAL);
    memset(rep, 0, sizeof(*rep));
    AvaPreset base;
    char path[4096];
    int ret = ava_preset_resolve(preset ? preset : "default", path, sizeof(path), lg);
    if (ret >= 0)
        ret = ava_preset_load(&base, path, lg);
    if (ret < 0)
        return ret;
    Data d = { 0 };
    for (int i = 0; ret >= 0 && i < n_files; i++)
        ret = load_choices(&d, choice_files[i], &base, i == 0, lg);
    int *rows = NULL;
    double *w = NULL, *score = NULL;
    if (ret < 0)
        goto done;
    int keep = 0;
    for (int i = 0; i < d.n; i++)
        keep += d.y[i];
    rep->n_choices = d.n;
    rep->n_keep = keep;
    rep->n_reject = d.n - keep;
    if (keep == 0 || keep == d.n || d.n < 2 * FOLDS) {
        ava_log(lg, AVA_LOG_ERROR, "learn: need keeps and rejects, %d choices at least "
                "(have %d keeps, %d rejects)", 2 * FOLDS, keep, d.n - keep);
        ret = AVA_ERR_CONFIG;
        goto done;
    }
    int dim = d.feat.n;
    rows = malloc((size_t)d.n * sizeof(*rows));
    w = malloc((size_t)dim * sizeof(*w));
    score = malloc((size_t)d.n * sizeof(*score));
    if (!rows || !w || !score) {
        ret = AVA_ERR(ENOMEM);
        goto done;
    }
    const double lambda = 1e-3;
    const int iterations = 3000;
    /* Folds by position (i mod 5): deterministic; every choice is held back once. */
    double auc_old = 0, auc_new = 0, weight = 0;
    for (int f = 0; f < FOLDS; f++) {
        int n_train = 0, n_test = 0;
        for (int i = 0; i < d.n; i++)
            if (i % FOLDS != f)
                rows[n_train++] = i;
        int *test = rows + n_train;
        for (int i = 0; i < d.n; i++)
            if (i % FOLDS == f)
                test[n_test++] = i;
        double bias;
        ava_logistic_fit(d.x, d.y, dim, rows, n_train, lambda, iterations, w, &bias);
        for (int t = 0; t < n_test; t++)
            score[test[t]] = ava_logistic_score(d.x, dim, test[t], w, bias);
        double an = ava_pairwise_accuracy(score, d.y, test, n_test);
        double ao = ava_pairwise_accuracy(d.old_score, d.y, test, n_test);
        if (!isnan(an) && !isnan(ao)) {
            auc_new += an * n_test;
            auc_old += ao * n_test;
            weight += n_test;
        }
    }
    rep->auc_old = weight > 0 ? auc_old / weight : NAN;
    rep->auc_new = weight > 0 ? auc_new / weight : NAN;
    rep->folds = FOLDS;
    for (int i = 0; i < d.n; i++)
        rows[i] = i;
    double bias;
    ava_logistic_fit(d.x, d.y, dim, rows, d.n, lambda, iterations, w, &bias);
    ret = write_preset(out, name && *name ? name : "learned", &base, &d, w, d.n, lg);
done:
    free(rows);
    free(w);
    free(score);
    free(d.x);
    free(d.old_score);
    free(d.y);
    return ret;
}
