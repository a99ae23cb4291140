/* SPDX-License-Identifier: MIT */
/** @file Preset files: parsing, validation and the scoring formula (see preset.h). */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "src/log.h"
#include "src/rank/preset.h"

static int valid_name(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return 0;
    return 1;
}

static int get_number(const cJSON *o, const char *key, double *v, int required)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!x)
        return required ? -1 : 0;
    if (!cJSON_IsNumber(x) || !isfinite(x->valuedouble))
        return -1;
    *v = x->valuedouble;
    return 1;
}

const char *const ava_preset_face_columns[] = {
    "eye_open", "yaw", "pitch", "face_sharpness", "face_size", "expr_happy", "expr_negative",
    "main_character", "extras_only", NULL,
};

static int known_face_column(const char *c)
{
    for (int i = 0; ava_preset_face_columns[i]; i++)
        if (!strcmp(c, ava_preset_face_columns[i]))
            return 1;
    return 0;
}

/* "features" arrays of the preset and of its "faces" object. */
static int parse_features(const cJSON *features, AvaPresetFeature *out, int *n_out, int min_n,
                          int faces, const char *origin, const AvaLogger *lg)
{
    const char *what = faces ? "faces.features" : "features";
    if (!cJSON_IsArray(features) || cJSON_GetArraySize(features) < min_n ||
        cJSON_GetArraySize(features) > AVA_PRESET_MAX_FEATURES) {
        ava_log(lg, AVA_LOG_ERROR, "%s: \"%s\" must be an array of %d..%d objects", origin, what,
                min_n, AVA_PRESET_MAX_FEATURES);
        return AVA_ERR_CONFIG;
    }
    int n = 0;
    const cJSON *f;
    cJSON_ArrayForEach(f, features)
    {
        AvaPresetFeature *pf = &out[n];
        const cJSON *col = cJSON_GetObjectItemCaseSensitive(f, "column");
        if (!cJSON_IsString(col) || strlen(col->valuestring) >= sizeof(pf->column) ||
            !valid_name(col->valuestring) || (faces && !known_face_column(col->valuestring))) {
            ava_log(lg, AVA_LOG_ERROR, "%s: %s[%d].column must be a %s", origin, what, n,
                    faces ? "face quantity (docs/analyze.md)" : "column name [a-z0-9_]");
            return AVA_ERR_CONFIG;
        }
        snprintf(pf->column, sizeof(pf->column), "%s", col->valuestring);
        if (get_number(f, "weight", &pf->weight, 1) < 0) {
            ava_log(lg, AVA_LOG_ERROR, "%s: %s[%d] (%s): \"weight\" must be a number",
                    origin, what, n, pf->column);
            return AVA_ERR_CONFIG;
        }
        int has_target = get_number(f, "target", &pf->target, 0);
        if (has_target > 0) {
            pf->is_target = 1;
            if (get_number(f, "width", &pf->width, 1) < 0 || !(pf->width > 0)) {
                ava_log(lg, AVA_LOG_ERROR, "%s: %s[%d] (%s): \"width\" must be > 0",
                        origin, what, n, pf->column);
                return AVA_ERR_CONFIG;
            }
        } else if (has_target < 0 || get_number(f, "lo", &pf->lo, 1) < 0 ||
                   get_number(f, "hi", &pf->hi, 1) < 0 || !(pf->hi > pf->lo)) {
            ava_log(lg, AVA_LOG_ERROR,
                    "%s: %s[%d] (%s): needs numbers \"lo\" < \"hi\" (or \"target\" and "
                    "\"width\")",
                    origin, what, n, pf->column);
            return AVA_ERR_CONFIG;
        }
        n++;
    }
    *n_out = n;
    return 0;
}

static int parse_faces(AvaPresetFaces *fp, const cJSON *o, const char *origin,
                       const AvaLogger *lg)
{
    static const struct { const char *key; double lo, hi; } keys[] = {
        { "sample_s", 0.04, 3600 }, { "top_m", 0, 100 }, { "min_face_frac", 0, 1 },
        { "min_score", 0.01, 0.99 }, { "stills_per_character", 0, 100 },
        { "extra_max_s", 0, 1e6 }, { "extra_share", 0, 1 }, { "character_threshold", 0.05, 2 },
    };
    double *dst[] = { &fp->sample_s, NULL, &fp->min_face_frac, &fp->min_score, NULL,
                      &fp->extra_max_s, &fp->extra_share, &fp->character_threshold };
    if (!o)
        return 0;
    if (!cJSON_IsObject(o)) {
        ava_log(lg, AVA_LOG_ERROR, "%s: \"faces\" must be an object", origin);
        return AVA_ERR_CONFIG;
    }
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        double v;
        int r = get_number(o, keys[i].key, &v, 0);
        if (r < 0 || (r > 0 && (v < keys[i].lo || v > keys[i].hi))) {
            ava_log(lg, AVA_LOG_ERROR, "%s: \"faces.%s\" must be %g..%g", origin, keys[i].key,
                    keys[i].lo, keys[i].hi);
            return AVA_ERR_CONFIG;
        }
        if (r > 0 && dst[i])
            *dst[i] = v;
        else if (r > 0 && i == 1)
            fp->top_m = (int)v;
        else if (r > 0)
            fp->stills_per_character = (int)v;
    }
    const cJSON *features = cJSON_GetObjectItemCaseSensitive(o, "features");
    return features ? parse_features(features, fp->f, &fp->n, 0, 1, origin, lg) : 0;
}

const char *const ava_preset_div_parts[AVA_DIV_PARTS] = {
    "embedding", "colour", "composition", "scale", "camera", "characters", "time",
};

/* Numbers of object @p o (named @p what) into dst[i] for keys[i], each within lo..hi. */
typedef struct NumKey {
    const char *key;
    double lo, hi;
    double *dst;
} NumKey;

static int parse_numbers(const cJSON *o, const char *what, const NumKey *keys, int n,
                         const char *origin, const AvaLogger *lg)
{
    if (!cJSON_IsObject(o)) {
        ava_log(lg, AVA_LOG_ERROR, "%s: \"%s\" must be an object", origin, what);
        return AVA_ERR_CONFIG;
    }
    const cJSON *x;
    cJSON_ArrayForEach(x, o)
    {
        int i = 0;
        while (i < n && strcmp(keys[i].key, x->string))
            i++;
        if (i == n) {
            ava_log(lg, AVA_LOG_ERROR, "%s: \"%s.%s\" is not a known key", origin, what,
                    x->string);
            return AVA_ERR_CONFIG;
        }
        if (!cJSON_IsNumber(x) || !(x->valuedouble >= keys[i].lo) ||
            !(x->valuedouble <= keys[i].hi)) {
            ava_log(lg, AVA_LOG_ERROR, "%s: \"%s.%s\" must be a number in %g..%g", origin,
                    what, keys[i].key, keys[i].lo, keys[i].hi);
            return AVA_ERR_CONFIG;
        }
        *keys[i].dst = x->valuedouble;
    }
    return 0;
}

static int parse_maturity(AvaPresetMaturity *m, const cJSON *o, const char *origin,
                          const AvaLogger *lg)
{
    const NumKey keys[] = {
        { "nudity", 0, 100, &m->nudity }, { "text", 0, 100, &m->text },
        { "caption", 0, 100, &m->caption }, { "overlay", 0, 100, &m->overlay },
        { "max_nudity", 0, 1, &m->max_nudity }, { "suggestive", 0, 100, &m->suggestive },
    };
    return o ? parse_numbers(o, "maturity", keys, 6, origin, lg) : 0;
}

static int parse_diversity(AvaPresetDiversity *d, const cJSON *o, const char *origin,
                           const AvaLogger *lg)
{
    if (!o)
        return 0;
    double pool_factor = d->pool_factor, pool_min = d->pool_min;
    const NumKey keys[] = {
        { "lambda", 0, 1, &d->lambda }, { "near_duplicate", 0.5, 1, &d->near_duplicate },
        { "tau_s", 0, 600, &d->tau_s }, { "pool_factor", 1, 100, &pool_factor },
        { "pool_min", 1, 10000, &pool_min }, { "repeat_visual", 0, 1, &d->repeat_visual },
    };
    cJSON *copy = cJSON_Duplicate(o, 1);
    if (!copy && o)
        return AVA_ERR(ENOMEM);
    cJSON *weights = cJSON_DetachItemFromObjectCaseSensitive(copy, "weights");
    int ret = parse_numbers(copy, "diversity", keys, 6, origin, lg);
    if (ret >= 0 && weights) {
        NumKey wk[AVA_DIV_PARTS];
        double w[AVA_DIV_PARTS] = { 0 }; /* the parts not named weigh 0 */
        for (int k = 0; k < AVA_DIV_PARTS; k++)
            wk[k] = (NumKey){ ava_preset_div_parts[k], 0, 100, &w[k] };
        ret = parse_numbers(weights, "diversity.weights", wk, AVA_DIV_PARTS, origin, lg);
        double sum = 0;
        for (int k = 0; k < AVA_DIV_PARTS; k++)
            sum += w[k];
        if (ret >= 0 && !(sum > 0)) {
            ava_log(lg, AVA_LOG_ERROR, "%s: \"diversity.weights\" must not all be 0", origin);
            ret = AVA_ERR_CONFIG;
        }
        for (int k = 0; ret >= 0 && k < AVA_DIV_PARTS; k++)
            d->w[k] = w[k] / sum;
    }
    d->pool_factor = (int)pool_factor;
    d->pool_min = (int)pool_min;
    cJSON_Delete(weights);
    cJSON_Delete(copy);
    return ret;
}

static int parse_canvas(AvaPresetCanvas *c, const cJSON *o, const char *origin,
                        const AvaLogger *lg)
{
    if (!o)
        return 0;
    const cJSON *a = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, "aspect") : NULL;
    double v = 0;
    if (cJSON_IsNumber(a)) {
        v = a->valuedouble;
        snprintf(c->aspect_text, sizeof(c->aspect_text), "%.4g", v);
    } else if (cJSON_IsString(a)) {
        int num = 0, den = 0;
        char end = 0;
        if (sscanf(a->valuestring, "%d:%d%c", &num, &den, &end) == 2 && num > 0 && den > 0 &&
            num <= 100 && den <= 100) {
            v = (double)num / den;
            snprintf(c->aspect_text, sizeof(c->aspect_text), "%d:%d", num, den);
        }
    }
    if (!cJSON_IsObject(o) || (a && !(v >= 0.1 && v <= 10))) {
        ava_log(lg, AVA_LOG_ERROR, "%s: \"canvas.aspect\" must be \"W:H\" (1..100 each) or "
                "a number 0.1..10", origin);
        return AVA_ERR_CONFIG;
    }
    c->aspect = a ? v : 0;
    return 0;
}

static int parse_scale_bonus(double *bonus, const cJSON *o, const char *origin,
                             const AvaLogger *lg)
{
    NumKey keys[AVA_SCALE_N];
    for (int k = 0; k < AVA_SCALE_N; k++)
        keys[k] = (NumKey){ ava_shot_scale_name(k), -10, 10, &bonus[k] };
    return o ? parse_numbers(o, "shot_scale", keys, AVA_SCALE_N, origin, lg) : 0;
}

/* "classifiers": the declarations of src/maturity/classifier.h plus "penalties". */
static int parse_classifiers(AvaPreset *p, const cJSON *o, const char *origin,
                             const AvaLogger *lg)
{
    if (!o)
        return 0;
    char *text = cJSON_PrintUnformatted(o);
    if (!text)
        return AVA_ERR(ENOMEM);
    int ret = ava_classifier_specs_parse(text, p->classifiers, AVA_CLASSIFIER_MAX,
                                         &p->n_classifiers, lg);
    cJSON_free(text);
    if (ret < 0)
        return AVA_ERR_CONFIG;
    for (int k = 0; k < p->n_classifiers; k++) {
        const cJSON *pen =
            cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(o, k), "penalties");
        if (!pen)
            continue;
        char what[96];
        snprintf(what, sizeof(what), "classifiers[%d].penalties", k);
        NumKey keys[AVA_CLASSIFIER_MAX_CLASSES];
        for (int c = 0; c < p->classifiers[k].n_classes; c++)
            keys[c] = (NumKey){ p->classifiers[k].classes[c], 0, 100, &p->cls_penalty[k][c] };
        if ((ret = parse_numbers(pen, what, keys, p->classifiers[k].n_classes, origin, lg)) < 0)
            return ret;
    }
    return 0;
}

int ava_preset_parse(AvaPreset *p, const char *json, const char *origin, const AvaLogger *lg)
{
    memset(p, 0, sizeof(*p));
    p->shot_edge_frames = 2;
    p->min_gap_s = 1.0;
    p->faces = (AvaPresetFaces){ .sample_s = 0.5, .top_m = 3, .min_face_frac = 0.1,
                                 .min_score = 0.5, .stills_per_character = 1,
                                 .extra_max_s = 1.0, .extra_share = 0.1,
                                 .character_threshold = 0.38 };
    p->maturity = (AvaPresetMaturity){ .nudity = 1.0, .suggestive = 0.1, .text = 0.5,
                                       .caption = 0.3, .overlay = 0.1, .max_nudity = 0.9 };
    AvaDivParams dp;
    ava_div_params_default(&dp);
    p->diversity = (AvaPresetDiversity){ .lambda = dp.lambda, .near_duplicate = dp.near_dup,
                                         .tau_s = 0, .pool_factor = 4, .pool_min = 16,
                                         .repeat_visual = 0.9 };
    memcpy(p->diversity.w, dp.w, sizeof(dp.w));
    snprintf(p->path, sizeof(p->path), "%s", origin);
    cJSON *root = cJSON_Parse(json);
    if (!root || !cJSON_IsObject(root)) {
        ava_log(lg, AVA_LOG_ERROR, "%s: not a JSON object (error near: %.20s)", origin,
                cJSON_GetErrorPtr() ? cJSON_GetErrorPtr() : "?");
        cJSON_Delete(root);
        return AVA_ERR_CONFIG;
    }
    int ret = AVA_ERR_CONFIG;
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(root, "name");
    if (!cJSON_IsString(name) || strlen(name->valuestring) >= sizeof(p->name)) {
        ava_log(lg, AVA_LOG_ERROR, "%s: \"name\" must be a short string", origin);
        goto done;
    }
    snprintf(p->name, sizeof(p->name), "%s", name->valuestring);
    double v;
    int r = get_number(root, "shot_edge_frames", &v, 0);
    if (r < 0 || (r > 0 && (v < 0 || v > 1000))) {
        ava_log(lg, AVA_LOG_ERROR, "%s: \"shot_edge_frames\" must be 0..1000", origin);
        goto done;
    }
    if (r > 0)
        p->shot_edge_frames = (int)v;
    r = get_number(root, "min_gap_s", &v, 0);
    if (r < 0 || (r > 0 && (v < 0 || v > 3600))) {
        ava_log(lg, AVA_LOG_ERROR, "%s: \"min_gap_s\" must be 0..3600", origin);
        goto done;
    }
    if (r > 0)
        p->min_gap_s = v;
    const cJSON *features = cJSON_GetObjectItemCaseSensitive(root, "features");
    if (parse_features(features, p->f, &p->n, 1, 0, origin, lg) < 0 ||
        parse_faces(&p->faces, cJSON_GetObjectItemCaseSensitive(root, "faces"), origin, lg) < 0 ||
        parse_maturity(&p->maturity, cJSON_GetObjectItemCaseSensitive(root, "maturity"), origin,
                       lg) < 0 ||
        parse_diversity(&p->diversity, cJSON_GetObjectItemCaseSensitive(root, "diversity"),
                        origin, lg) < 0 ||
        parse_canvas(&p->canvas, cJSON_GetObjectItemCaseSensitive(root, "canvas"), origin,
                     lg) < 0 ||
        parse_scale_bonus(p->scale_bonus, cJSON_GetObjectItemCaseSensitive(root, "shot_scale"),
                          origin, lg) < 0 ||
        parse_classifiers(p, cJSON_GetObjectItemCaseSensitive(root, "classifiers"), origin,
                          lg) < 0)
        goto done;
    ret = 0;
done:
    cJSON_Delete(root);
    return ret;
}

int ava_preset_load(AvaPreset *p, const char *path, const AvaLogger *lg)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        ava_log(lg, AVA_LOG_ERROR, "%s: cannot open preset: %s", path, strerror(errno));
        return AVA_ERR_CONFIG;
    }
    char *buf = malloc(1 << 20);
    if (!buf) {
        fclose(f);
        return AVA_ERR(ENOMEM);
    }
    size_t n = fread(buf, 1, (1 << 20) - 1, f);
    int too_big = !feof(f);
    fclose(f);
    if (too_big) {
        ava_log(lg, AVA_LOG_ERROR, "%s: preset larger than 1 MiB", path);
        free(buf);
        return AVA_ERR_CONFIG;
    }
    buf[n] = 0;
    int ret = ava_preset_parse(p, buf, path, lg);
    free(buf);
    return ret;
}

void ava_preset_columns(const AvaPreset *p, const char **names)
{
    for (int k = 0; k < p->n; k++)
        names[k] = p->f[k].column;
}

double ava_preset_feature_value(const AvaPresetFeature *f, double x)
{
    if (isnan(x))
        return 0;
    double u;
    if (f->is_target) {
        u = 1 - fabs(x - f->target) / f->width;
        return u < 0 ? 0 : u;
    }
    u = (x - f->lo) / (f->hi - f->lo);
    return u < 0 ? 0 : u > 1 ? 1 : u;
}

void ava_preset_score(const AvaPreset *p, const double *values, int64_t n, double *score)
{
    for (int64_t i = 0; i < n; i++) {
        double s = 0;
        for (int k = 0; k < p->n; k++)
            s += p->f[k].weight * ava_preset_feature_value(&p->f[k], values[(size_t)k * n + i]);
        score[i] = s;
    }
}

int ava_preset_resolve(const char *arg, char *path, size_t size, const AvaLogger *lg)
{
    struct stat sb;
    if (strchr(arg, '/') || strstr(arg, ".json")) {
        snprintf(path, size, "%s", arg);
        return 0;
    }
    if (!valid_name(arg)) {
        ava_log(lg, AVA_LOG_ERROR, "preset '%s': a name is [a-z0-9_]+ (or give a file path)",
                arg);
        return AVA_ERR_CONFIG;
    }
    const char *dirs[2] = { getenv("AVA_PRESET_DIR"), AVA_SOURCE_ROOT "/presets" };
    for (int i = 0; i < 2; i++) {
        if (!dirs[i])
            continue;
        snprintf(path, size, "%s/%s.json", dirs[i], arg);
        if (stat(path, &sb) == 0)
            return 0;
    }
    ava_log(lg, AVA_LOG_ERROR, "preset '%s' not found in $AVA_PRESET_DIR or %s/presets", arg,
            AVA_SOURCE_ROOT);
    return AVA_ERR_CONFIG;
}
