/* SPDX-License-Identifier: MIT */
/** @file The selection stage: pool, penalties, scale, MMR, indices, rows (see stage.h). */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/log.h"
#include "src/select/stage.h"
#include "src/store/store_pool.h"

enum { POOL_BLUR = 1, POOL_EYES_CLOSED = 2, POOL_CAPTION = 4 };
/* Frames an editor would never take, whatever their score or variety. */
#define POOL_BAD (POOL_BLUR | POOL_EYES_CLOSED | POOL_CAPTION)

/* Frames columns behind the diversity vector, the scale fallback and the reasons. */
static const char *const vec_cols[] = { "saliency_x", "saliency_y", "saliency_spread", "thirds",
                                        "symmetry", "negative_space", "motion_blur_risk",
                                        "sharpness_log" };
enum { C_SX, C_SY, C_SPREAD, C_THIRDS, C_SYM, C_NEG, C_BLUR, C_SHARP, N_VEC_COLS };

/* A frame reads as blurred at this motion-blur risk, or below this sharpness_log. */
#define BLUR_RISK 0.5
#define BLUR_SHARPNESS_LOG 1.5
/* Eyes read as closed below this eye aspect ratio (docs/faces.md: closed < ~0.15). */
#define EYES_CLOSED 0.15
/* A caption is burned in at this caption score (docs/analyze.md, "On-screen text"). */
#define CAPTION 0.5
/* The swaps after MMR raise the diversity index alone, among frames scored in the top three
 * quarters of the pool's range (rel >= 0.25): the score has had its say in the greedy set
 * and keeps weak frames out (docs/analyze.md, "Selection"). */
#define REFINE_FLOOR 0.25

void ava_pool_free(AvaPool *pool)
{
    for (int i = 0; pool->it && i < pool->n; i++)
        free(pool->it[i].why);
    free(pool->it);
    free(pool->pos);
    free(pool->m);
    free(pool->picks);
    memset(pool, 0, sizeof(*pool));
}

static AvaRankInput rank_input(const AvaSelectIn *in)
{
    const AvaPreset *p = in->p;
    return (AvaRankInput){ .n = in->n, .score = in->score, .t_s = in->t_s,
                           .shots = in->shots->shots, .n_shots = in->shots->n_shots,
                           .shot_edge_frames = p->shot_edge_frames, .min_gap_s = p->min_gap_s,
                           .mains = in->faces && in->faces->ran ? in->faces->mains : NULL,
                           .n_main = in->faces ? in->faces->n_main : 0,
                           .per_main = p->faces.stills_per_character };
}

int ava_select_pool(const AvaSelectIn *in, AvaPool *pool)
{
    memset(pool, 0, sizeof(*pool));
    const AvaPresetDiversity *d = &in->p->diversity;
    int64_t want = (int64_t)d->pool_factor * in->count;
    if (want < d->pool_min)
        want = d->pool_min;
    if (want < in->count)
        want = in->count;
    /* Bounded: MMR costs pool x picks similarities. */
    if (want > in->count + 2000)
        want = in->count + 2000;
    AvaPick *cand = calloc((size_t)want, sizeof(*cand));
    if (!cand)
        return AVA_ERR(ENOMEM);
    /* The pool keeps candidates a quarter of min_gap_s apart in a shot (MMR applies the
     * gap itself between picks): several per shot without runs of adjacent frames. */
    AvaRankInput ri = rank_input(in);
    ri.min_gap_s = in->p->min_gap_s / 4;
    int n = ava_rank_select(&ri, (int)want, cand);
    if (n < 0) {
        free(cand);
        return n;
    }
    pool->it = calloc((size_t)(n ? n : 1), sizeof(*pool->it));
    pool->pos = calloc((size_t)(n ? n : 1), sizeof(*pool->pos));
    pool->m = calloc((size_t)(n ? n : 1), sizeof(*pool->m));
    pool->picks = calloc((size_t)(in->count ? in->count : 1), sizeof(*pool->picks));
    if (!pool->it || !pool->pos || !pool->m || !pool->picks) {
        free(cand);
        ava_pool_free(pool);
        return AVA_ERR(ENOMEM);
    }
    /* Frame order: the maturity pass decodes them by seeking, nearest first. */
    for (int i = 0; i < n; i++)
        for (int j = i; j > 0 && cand[j].pos < cand[j - 1].pos; j--) {
            AvaPick t = cand[j];
            cand[j] = cand[j - 1];
            cand[j - 1] = t;
        }
    for (int i = 0; i < n; i++) {
        pool->it[i].pos = pool->pos[i] = cand[i].pos;
        pool->it[i].shot = cand[i].shot;
        pool->it[i].base = cand[i].score;
        pool->it[i].prev_pick = -1;
    }
    pool->n = n;
    free(cand);
    return 0;
}

static const AvaFramePeople *people_at(const AvaFacesOut *o, int64_t pos)
{
    return o && o->ran && pos >= 0 && pos < o->n && o->item_at[pos] >= 0
               ? &o->items[o->item_at[pos]] : NULL;
}

/* The analysed frame nearest to @p pos in its shot (pass 2 samples every faces.sample_s),
 * standing for a frame pass 2 did not look at (the baselines' frames); -1 when none. */
static int64_t nearest_analysed(const AvaSelectIn *in, int64_t pos, int shot)
{
    const AvaFacesOut *o = in->faces;
    if (!o || !o->ran || shot < 0)
        return -1;
    if (o->item_at[pos] >= 0)
        return pos;
    const AvaShotSpan *sh = &in->shots->shots[shot];
    for (int64_t d = 1; pos - d >= sh->first || pos + d <= sh->last; d++) {
        if (pos - d >= sh->first && o->item_at[pos - d] >= 0)
            return pos - d;
        if (pos + d <= sh->last && o->item_at[pos + d] >= 0)
            return pos + d;
    }
    return -1;
}

/* The diversity vector of position @p pos (no embedding) and its scale; cols receives the
 * vec_cols values. */
static int build_vec(const AvaSelectIn *in, int64_t pos, int shot, AvaDivVec *v, double *cols,
                     int *from_face)
{
    int64_t frame = in->frames[pos];
    memset(v, 0, sizeof(*v));
    v->pos = pos;
    v->shot = shot;
    v->t_s = in->t_s[pos];
    v->camera = in->camera && shot >= 0 ? in->camera[shot] : -1;
    int ret = ava_store_read_frame_reals(in->st, frame, vec_cols, N_VEC_COLS, cols);
    if (ret < 0)
        return ret;
    int got = ava_store_read_blob(in->st, "thumb", frame, v->thumb, AVA_THUMB_BYTES);
    if (got == AVA_THUMB_BYTES)
        ava_div_vec_hist(v);
    else if (got < 0 && got != AVA_ERR(ENOENT))
        return got;
    v->sal_x = cols[C_SX];
    v->sal_y = cols[C_SY];
    v->thirds = cols[C_THIRDS];
    v->symmetry = cols[C_SYM];
    int64_t fp = nearest_analysed(in, pos, shot);
    const AvaFramePeople *pp = fp >= 0 ? people_at(in->faces, fp) : NULL;
    double h = 0;
    for (int k = 0; pp && k < pp->n; k++)
        h = fmax(h, pp->f[k].height_frac);
    *from_face = h > 0;
    v->scale = h > 0 ? ava_shot_scale_from_face(h)
                     : ava_shot_scale_from_saliency(cols[C_SPREAD], cols[C_NEG]);
    v->mains = fp >= 0 ? in->faces->mains[fp] : 0;
    return 0;
}

typedef struct Contrib {
    char feature[80];
    double c;
} Contrib;

static int cmp_contrib(const void *x, const void *y)
{
    double a = fabs(((const Contrib *)x)->c), b = fabs(((const Contrib *)y)->c);
    return (a < b) - (a > b);
}

/* The score's parts of one candidate, largest magnitude first, as a JSON array (top 6). */
static int why_json(const AvaSelectIn *in, AvaPoolItem *it, const AvaMaturity *m)
{
    const AvaPreset *p = in->p;
    Contrib c[AVA_PRESET_MAX_FEATURES * 2 + 8 + AVA_CLASSIFIER_MAX * AVA_CLASSIFIER_MAX_CLASSES];
    int n = 0;
    double vals[AVA_PRESET_MAX_FEATURES], terms[AVA_PRESET_MAX_FEATURES];
    const char *names[AVA_PRESET_MAX_FEATURES];
    ava_preset_columns(p, names);
    int ret = ava_store_read_frame_reals(in->st, in->frames[it->pos], names, p->n, vals);
    if (ret < 0)
        return ret;
    for (int k = 0; k < p->n; k++) {
        snprintf(c[n].feature, sizeof(c[n].feature), "%s", p->f[k].column);
        c[n++].c = p->f[k].weight * ava_preset_feature_value(&p->f[k], vals[k]);
    }
    if (ava_faces_terms(in->faces, &p->faces, it->pos, terms) >= 0)
        for (int k = 0; k < p->faces.n; k++) {
            snprintf(c[n].feature, sizeof(c[n].feature), "face_%s", p->faces.f[k].column);
            c[n++].c = terms[k];
        }
    if (it->bonus != 0) {
        snprintf(c[n].feature, sizeof(c[n].feature), "scale_%s", ava_shot_scale_name(it->scale));
        c[n++].c = it->bonus;
    }
    const AvaPresetMaturity *mr = &p->maturity;
    if (m->measured && it->nudity > 0) {
        snprintf(c[n].feature, sizeof(c[n].feature), "nudity");
        c[n++].c = -mr->nudity * it->nudity;
    }
    if (m->measured && mr->suggestive * m->nsfw[AVA_NSFW_SEXY] > 0) {
        snprintf(c[n].feature, sizeof(c[n].feature), "suggestive");
        c[n++].c = -mr->suggestive * m->nsfw[AVA_NSFW_SEXY];
    }
    const struct { const char *name; double w, x; } pen[] = {
        { "on_screen_text", mr->text, m->text_frac }, { "caption", mr->caption, m->caption },
        { "overlay", mr->overlay, m->overlay },
    };
    for (int k = 0; k < 3; k++)
        if (pen[k].w * pen[k].x > 0) {
            snprintf(c[n].feature, sizeof(c[n].feature), "%s", pen[k].name);
            c[n++].c = -pen[k].w * pen[k].x;
        }
    for (int k = 0; k < p->n_classifiers; k++)
        for (int q = 0; q < p->classifiers[k].n_classes && n < (int)(sizeof(c) / sizeof(c[0]));
             q++)
            if (isfinite(m->classes[k][q]) && p->cls_penalty[k][q] * m->classes[k][q] > 0) {
                snprintf(c[n].feature, sizeof(c[n].feature), "%s_%s", p->classifiers[k].name,
                         p->classifiers[k].classes[q]);
                c[n++].c = -p->cls_penalty[k][q] * m->classes[k][q];
            }
    qsort(c, (size_t)n, sizeof(*c), cmp_contrib);
    cJSON *arr = cJSON_CreateArray();
    for (int k = 0, shown = 0; arr && k < n && shown < 6; k++) {
        if (fabs(c[k].c) < 5e-4)
            continue;
        cJSON *o = cJSON_CreateObject();
        if (!o)
            break;
        cJSON_AddItemToArray(arr, o);
        cJSON_AddStringToObject(o, "feature", c[k].feature);
        cJSON_AddNumberToObject(o, "contribution", round(c[k].c * 1000) / 1000);
        shown++;
    }
    it->why = arr ? cJSON_PrintUnformatted(arr) : NULL;
    cJSON_Delete(arr);
    return it->why ? 0 : AVA_ERR(ENOMEM);
}

/* Penalties, exclusion, scale bonus, reasons' flags and the vector of pool item @p i. */
static int measure_item(const AvaSelectIn *in, AvaPool *pool, int i)
{
    AvaPoolItem *it = &pool->it[i];
    const AvaMaturity *m = &pool->m[i];
    const AvaPresetMaturity *mr = &in->p->maturity;
    double cols[N_VEC_COLS];
    int ret = build_vec(in, it->pos, it->shot, &it->v, cols, &it->scale_from_face);
    if (ret < 0)
        return ret;
    it->scale = it->v.scale;
    if (m->measured && m->has_embedding) {
        it->v.embedding = m->embedding;
        it->v.embed_dim = AVA_NSFW_EMBED_DIM;
    }
    it->nudity = m->measured ? (double)m->nsfw[AVA_NSFW_PORN] + m->nsfw[AVA_NSFW_HENTAI] : NAN;
    it->penalty = mr->text * m->text_frac + mr->caption * m->caption + mr->overlay * m->overlay +
                  (m->measured ? mr->nudity * it->nudity + mr->suggestive * m->nsfw[AVA_NSFW_SEXY]
                               : 0);
    /* user classifiers' classes (NAN: that classifier did not run) */
    for (int k = 0; k < in->p->n_classifiers; k++)
        for (int c = 0; c < in->p->classifiers[k].n_classes; c++)
            if (isfinite(m->classes[k][c]))
                it->penalty += in->p->cls_penalty[k][c] * m->classes[k][c];
    it->excluded = m->measured && it->nudity >= mr->max_nudity;
    it->bonus = it->scale >= 0 ? in->p->scale_bonus[it->scale] : 0;
    it->score = it->base + it->bonus - it->penalty;
    if (cols[C_BLUR] >= BLUR_RISK || cols[C_SHARP] < BLUR_SHARPNESS_LOG)
        it->flags |= POOL_BLUR;
    const AvaFramePeople *pp = people_at(in->faces, it->pos);
    double terms[AVA_PRESET_MAX_FEATURES];
    int lead = in->faces ? ava_faces_terms(in->faces, &in->p->faces, it->pos, terms) : -1;
    if (pp && lead >= 0 && fmin(pp->f[lead].eye_open[0], pp->f[lead].eye_open[1]) < EYES_CLOSED)
        it->flags |= POOL_EYES_CLOSED;
    if (m->caption >= CAPTION)
        it->flags |= POOL_CAPTION;
    return why_json(in, it, m);
}

static int cmp_pick_idx(const void *x, const void *y, void *ctx)
{
    const AvaPoolItem *it = ctx;
    const AvaPoolItem *a = &it[*(const int *)x], *b = &it[*(const int *)y];
    if (a->score != b->score)
        return a->score < b->score ? 1 : -1;
    return (a->pos > b->pos) - (a->pos < b->pos);
}

static void sort_picks(AvaPool *pool)
{
    /* insertion sort: a handful of picks, and qsort_r is not C11 */
    for (int i = 1; i < pool->n_picks; i++)
        for (int j = i; j > 0 && cmp_pick_idx(&pool->picks[j - 1], &pool->picks[j], pool->it) > 0;
             j--) {
            int t = pool->picks[j];
            pool->picks[j] = pool->picks[j - 1];
            pool->picks[j - 1] = t;
        }
}

/* The rule for a shot's second pick that keeps pool item @p i out, in editor words; 0 none. */
static int repeat_reason(const AvaSelInput *si, AvaPool *pool, int i)
{
    for (int rule = AVA_REPEAT_CLOSE; rule <= AVA_REPEAT_ALIKE; rule++)
        for (int k = 0; k < pool->n_picks; k++)
            if (ava_select_repeat_rule(si, i, pool->picks[k]) == rule) {
                snprintf(pool->it[i].reason, sizeof(pool->it[i].reason), "%s pick %d",
                         rule == AVA_REPEAT_CLOSE ? "too close to" : "looks like",
                         pool->it[pool->picks[k]].pick_rank);
                return 1;
            }
    return 0;
}

/* Editor words for why pool item @p i was not picked. */
static void reason(const AvaSelectIn *in, const AvaSelInput *si, AvaPool *pool, int i)
{
    AvaPoolItem *it = &pool->it[i];
    const AvaMaturity *m = &pool->m[i];
    const AvaPresetMaturity *mr = &in->p->maturity;
    double lowest = INFINITY;
    for (int k = 0; k < pool->n_picks; k++)
        lowest = fmin(lowest, pool->it[pool->picks[k]].score);
    if (it->excluded) {
        snprintf(it->reason, sizeof(it->reason), "nudity");
        return;
    }
    if (it->flags & POOL_BAD) {
        snprintf(it->reason, sizeof(it->reason), "%s",
                 it->flags & POOL_EYES_CLOSED ? "eyes closed"
                 : it->flags & POOL_BLUR      ? "blur"
                                              : "caption");
        return;
    }
    if (it->r.dup_of >= 0) {
        snprintf(it->reason, sizeof(it->reason), "near-duplicate of pick %d",
                 pool->it[it->r.dup_of].pick_rank);
        return;
    }
    if (pool->n_picks == 0) {
        snprintf(it->reason, sizeof(it->reason), "no pick");
        return;
    }
    /* With stills still wanted a lower score did not keep it out: a rule did. */
    if (pool->n_picks < in->count && repeat_reason(si, pool, i))
        return;
    if (it->score < lowest && it->base + it->bonus >= lowest) {
        /* A penalty sank it: name the largest. */
        double nud = m->measured ? mr->nudity * it->nudity + mr->suggestive * m->nsfw[AVA_NSFW_SEXY]
                                 : 0;
        double t = mr->text * m->text_frac, cap = mr->caption * m->caption,
               ov = mr->overlay * m->overlay;
        const char *w = nud >= t && nud >= cap && nud >= ov ? "nudity"
                        : cap >= t && cap >= ov             ? "caption"
                        : t >= ov                           ? "on-screen text"
                                                            : "logo or watermark";
        double top = fmax(fmax(nud, t), fmax(cap, ov));
        for (int k = 0; k < in->p->n_classifiers; k++)
            for (int q = 0; q < in->p->classifiers[k].n_classes; q++) {
                double x = isfinite(m->classes[k][q])
                               ? in->p->cls_penalty[k][q] * m->classes[k][q] : 0;
                if (x > top) {
                    top = x;
                    w = in->p->classifiers[k].classes[q];
                }
            }
        snprintf(it->reason, sizeof(it->reason), "%s", w);
        return;
    }
    if (it->score < lowest && (it->flags & POOL_EYES_CLOSED)) {
        snprintf(it->reason, sizeof(it->reason), "eyes closed");
        return;
    }
    if (it->score < lowest && (it->flags & POOL_BLUR)) {
        snprintf(it->reason, sizeof(it->reason), "blur");
        return;
    }
    if (it->score < lowest) {
        snprintf(it->reason, sizeof(it->reason), "lower score than picks");
        return;
    }
    /* As good as a pick: the rules for a shot's second pick, diversity or the shot rounds
     * decided. */
    if (repeat_reason(si, pool, i))
        return;
    if (it->r.nearest >= 0)
        snprintf(it->reason, sizeof(it->reason), "too similar to pick %d",
                 pool->it[it->r.nearest].pick_rank);
    else
        snprintf(it->reason, sizeof(it->reason), "lower score than picks");
}

static int eligible(const AvaSelectIn *in, const AvaShotSpan *sh, int64_t i)
{
    int64_t len = sh->last - sh->first + 1;
    int edge = in->p->shot_edge_frames;
    if (len <= 2 * edge)
        edge = (int)((len - 1) / 2);
    return i >= sh->first + edge && i <= sh->last - edge && !isnan(in->score[i]);
}

static int shot_of(const AvaSelectIn *in, int64_t pos)
{
    int lo = 0, hi = in->shots->n_shots - 1;
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (in->shots->shots[mid].first <= pos)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

/* Positions of the two baselines: the top @p k eligible frames by score alone, and @p k
 * frames at uniform times (t = (j + 0.5) D / k, the nearest frame with a score). */
static int baselines(const AvaSelectIn *in, int k, int64_t *top, int *n_top, int64_t *uni,
                     int *n_uni)
{
    *n_top = *n_uni = 0;
    for (int s = 0; s < in->shots->n_shots; s++) {
        const AvaShotSpan *sh = &in->shots->shots[s];
        for (int64_t i = sh->first; i <= sh->last; i++) {
            if (!eligible(in, sh, i))
                continue;
            /* keep top[] sorted by score, best first */
            int j;
            if (*n_top < k) {
                j = (*n_top)++;
            } else {
                if (!(in->score[i] > in->score[top[k - 1]]))
                    continue;
                j = k - 1;
            }
            while (j > 0 && in->score[i] > in->score[top[j - 1]]) {
                top[j] = top[j - 1];
                j--;
            }
            top[j] = i;
        }
    }
    double t0 = in->t_s[0], dur = in->t_s[in->n - 1] - t0;
    for (int j = 0; j < k; j++) {
        double t = t0 + (j + 0.5) * dur / k;
        int64_t best = -1;
        for (int64_t i = 0; i < in->n; i++)
            if (!isnan(in->score[i]) &&
                (best < 0 || fabs(in->t_s[i] - t) < fabs(in->t_s[best] - t)))
                best = i;
        if (best < 0)
            break;
        int dup = 0;
        for (int q = 0; q < *n_uni; q++)
            dup |= uni[q] == best;
        if (!dup)
            uni[(*n_uni)++] = best;
    }
    return 0;
}

/* Index of a set of positions, every vector built from the store without embeddings. */
static int index_of(const AvaSelectIn *in, const AvaDivParams *dp, const char *what,
                    const int64_t *pos, int n, double *idx)
{
    AvaDivVec *v = calloc((size_t)(n ? n : 1), sizeof(*v));
    if (!v)
        return AVA_ERR(ENOMEM);
    int ret = 0;
    for (int i = 0; i < n && ret >= 0; i++) {
        double cols[N_VEC_COLS];
        int from_face;
        ret = build_vec(in, pos[i], shot_of(in, pos[i]), &v[i], cols, &from_face);
    }
    if (ret >= 0)
        *idx = ava_div_index(dp, v, NULL, n);
    if (ret >= 0 && n >= 2) {
        /* mean similarity per part, to see what makes a set varied */
        double mean[AVA_DIV_PARTS] = { 0 }, parts[AVA_DIV_PARTS];
        int pairs = 0;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++, pairs++) {
                ava_div_similarity(dp, &v[i], &v[j], parts);
                for (int k = 0; k < AVA_DIV_PARTS; k++)
                    mean[k] += parts[k];
            }
        ava_log(in->lg, AVA_LOG_VERBOSE, "%s: %s: index %.3f; mean similarity embedding %.3f "
                "colour %.3f composition %.3f scale %.3f camera %.3f characters %.3f time %.3f",
                in->path, what, *idx, mean[0] / pairs, mean[1] / pairs, mean[2] / pairs,
                mean[3] / pairs, mean[4] / pairs, mean[5] / pairs, mean[6] / pairs);
    }
    free(v);
    return ret;
}

/* Crop box of a pick: main characters' faces, else all faces, else the salient mass. */
static void crop_of(const AvaSelectIn *in, AvaPoolItem *it)
{
    const AvaFramePeople *pp = people_at(in->faces, it->pos);
    double box[4] = { 0, 0, 0, 0 };
    int faces = 0;
    for (int pass = 0; pass < 2 && !faces; pass++)
        for (int k = 0; pp && k < pp->n; k++) {
            int is_main = pp->character[k] >= 1 && pp->character[k] <= in->faces->n_main;
            if (pass == 0 && !is_main)
                continue;
            const AvaFaceMeasures *f = &pp->f[k];
            if (!faces) {
                box[0] = f->x, box[1] = f->y, box[2] = f->w, box[3] = f->h;
            } else {
                double x1 = fmax(box[0] + box[2], f->x + f->w), y1 = fmax(box[1] + box[3], f->y + f->h);
                box[0] = fmin(box[0], f->x);
                box[1] = fmin(box[1], f->y);
                box[2] = x1 - box[0];
                box[3] = y1 - box[1];
            }
            faces++;
        }
    if (!faces && !isnan(it->v.sal_x) && !isnan(it->v.sal_y)) {
        /* a box around the salient centre, a fifth of the frame a side */
        box[2] = in->width / 5.0;
        box[3] = in->height / 5.0;
        box[0] = it->v.sal_x * in->width - box[2] / 2;
        box[1] = it->v.sal_y * in->height - box[3] / 2;
    }
    double aspect = in->p->canvas.aspect > 0 ? in->p->canvas.aspect
                                             : (double)in->width / in->height;
    ava_crop_suggest(in->width, in->height, aspect, box[2] > 0 ? box : NULL, faces > 0,
                     it->crop);
}

/* shots.scale: the most common scale of the shot's pool frames (ties: the best-scored
 * frame's); shots without pool frames: the scale of their best eligible frame. */
static int shot_scales(const AvaSelectIn *in, const AvaPool *pool)
{
    AvaRankInput ri = rank_input(in);
    int ret = 0;
    for (int s = 0; s < in->shots->n_shots && ret >= 0; s++) {
        int votes[AVA_SCALE_N] = { 0 };
        double best_score[AVA_SCALE_N];
        for (int k = 0; k < AVA_SCALE_N; k++)
            best_score[k] = -INFINITY;
        int any = 0;
        for (int i = 0; i < pool->n; i++) {
            const AvaPoolItem *it = &pool->it[i];
            if (it->shot != s || it->scale < 0)
                continue;
            votes[it->scale]++;
            best_score[it->scale] = fmax(best_score[it->scale], it->score);
            any = 1;
        }
        int scale = AVA_SCALE_UNKNOWN;
        if (any) {
            for (int k = 0; k < AVA_SCALE_N; k++)
                if (votes[k] && (scale < 0 || votes[k] > votes[scale] ||
                                 (votes[k] == votes[scale] && best_score[k] > best_score[scale])))
                    scale = k;
        } else {
            int64_t best = ava_rank_shot_best(&ri, s);
            if (best < 0)
                best = (in->shots->shots[s].first + in->shots->shots[s].last) / 2;
            AvaDivVec v;
            double cols[N_VEC_COLS];
            int from_face;
            ret = build_vec(in, best, s, &v, cols, &from_face);
            scale = v.scale;
        }
        if (ret >= 0)
            ret = ava_store_set_shot_scale(in->st, s, ava_shot_scale_name(scale));
    }
    return ret;
}

static int store_rows(const AvaSelectIn *in, AvaPool *pool)
{
    int ret = ava_store_pool_create(in->st);
    for (int i = 0; i < pool->n && ret >= 0; i++) {
        const AvaPoolItem *it = &pool->it[i];
        int near = it->pick_rank ? it->prev_pick : it->r.nearest;
        double sim = it->pick_rank ? it->prev_sim : it->r.nearest_sim;
        AvaPoolRow row = {
            .frame = in->frames[it->pos], .shot = it->shot, .base_score = it->base,
            .penalty = it->penalty, .score = it->excluded ? NAN : it->score,
            .shot_scale = ava_shot_scale_name(it->scale), .pick_rank = it->pick_rank,
            .reason = it->pick_rank ? NULL : it->reason,
            .similar_to = near >= 0 ? in->frames[pool->it[near].pos] : -1,
            .similarity = near >= 0 ? sim : NAN, .why = it->why,
        };
        ret = ava_store_put_pool(in->st, &row);
    }
    if (ret >= 0)
        ret = ava_store_put_diversity(in->st, "picks", pool->n_picks, pool->idx_picks);
    if (ret >= 0)
        ret = ava_store_put_diversity(in->st, "top_score", pool->n_top, pool->idx_top);
    if (ret >= 0)
        ret = ava_store_put_diversity(in->st, "uniform", pool->n_uniform, pool->idx_uniform);
    if (ret >= 0)
        ret = shot_scales(in, pool);
    return ret;
}

int ava_select_finish(const AvaSelectIn *in, AvaPool *pool, AvaPick *picks)
{
    const AvaPreset *p = in->p;
    int ret = 0;
    for (int i = 0; i < pool->n && ret >= 0; i++)
        ret = measure_item(in, pool, i);
    if (ret < 0)
        return ret;
    AvaDivParams dp;
    ava_div_params_default(&dp);
    memcpy(dp.w, p->diversity.w, sizeof(dp.w));
    dp.lambda = p->diversity.lambda;
    dp.near_dup = p->diversity.near_duplicate;
    dp.tau_s = p->diversity.tau_s > 0 ? p->diversity.tau_s
                                      : fmin(600, fmax(1, in->duration_s / (2.0 * in->count)));
    AvaSelCand *c = calloc((size_t)(pool->n ? pool->n : 1), sizeof(*c));
    AvaDivVec *v = calloc((size_t)(pool->n ? pool->n : 1), sizeof(*v));
    AvaSelResult *r = calloc((size_t)(pool->n ? pool->n : 1), sizeof(*r));
    int64_t *bpos = calloc((size_t)in->count * 2 + 1, sizeof(*bpos));
    double *shot_len = calloc((size_t)(in->shots->n_shots ? in->shots->n_shots : 1),
                              sizeof(*shot_len));
    if (!c || !v || !r || !bpos || !shot_len) {
        ret = AVA_ERR(ENOMEM);
        goto done;
    }
    for (int i = 0; i < pool->n; i++) {
        c[i] = (AvaSelCand){ .score = pool->it[i].score,
                             .excluded = pool->it[i].excluded || (pool->it[i].flags & POOL_BAD) };
        v[i] = pool->it[i].v;
    }
    for (int k = 0; k < in->shots->n_shots; k++)
        shot_len[k] = in->t_s[in->shots->shots[k].last] - in->t_s[in->shots->shots[k].first];
    AvaSelInput si = { .n = pool->n, .c = c, .v = v, .p = &dp, .min_gap_s = p->min_gap_s,
                       .n_main = in->faces && in->faces->ran ? in->faces->n_main : 0,
                       .per_main = p->faces.stills_per_character,
                       /* repeats of a shot no closer than N uniform times would be, or
                        * than a third of the shot when that is less */
                       .repeat_gap_s = in->count > 0 ? in->duration_s / in->count : 0,
                       .shot_len_s = shot_len,
                       .repeat_visual = p->diversity.repeat_visual < 1
                                            ? p->diversity.repeat_visual : 0,
                       .refine = 1, .refine_lambda = 0, .refine_floor = REFINE_FLOOR };
    int m = ava_select_mmr(&si, in->count, pool->picks, r);
    if (m < 0) {
        ret = m;
        goto done;
    }
    pool->n_picks = m;
    for (int i = 0; i < pool->n; i++)
        pool->it[i].r = r[i];
    sort_picks(pool);
    for (int k = 0; k < m; k++) {
        AvaPoolItem *it = &pool->it[pool->picks[k]];
        it->pick_rank = k + 1;
        for (int q = 0; q < k; q++) {
            double sim = ava_div_similarity(&dp, &it->v, &pool->it[pool->picks[q]].v, NULL);
            if (it->prev_pick < 0 || sim > it->prev_sim) {
                it->prev_pick = pool->picks[q];
                it->prev_sim = sim;
            }
        }
        crop_of(in, it);
        picks[k] = (AvaPick){ it->pos, it->shot, it->score };
    }
    for (int i = 0; i < pool->n; i++)
        if (!pool->it[i].pick_rank)
            reason(in, &si, pool, i);
    /* The index of every set from the same vectors (thumb layout in the embedding part),
     * so the three are measured alike. */
    int64_t *top = bpos, *uni = bpos + in->count;
    int64_t *pick_pos = calloc((size_t)(m ? m : 1), sizeof(*pick_pos));
    if (!pick_pos) {
        ret = AVA_ERR(ENOMEM);
        goto done;
    }
    for (int k = 0; k < m; k++)
        pick_pos[k] = pool->it[pool->picks[k]].pos;
    ret = index_of(in, &dp, "picks", pick_pos, m, &pool->idx_picks);
    free(pick_pos);
    if (ret >= 0)
        ret = baselines(in, m > 0 ? m : 1, top, &pool->n_top, uni, &pool->n_uniform);
    if (ret >= 0 && m == 0)
        pool->n_top = pool->n_uniform = 0;
    if (ret >= 0)
        ret = index_of(in, &dp, "top_score", top, pool->n_top, &pool->idx_top);
    if (ret >= 0)
        ret = index_of(in, &dp, "uniform", uni, pool->n_uniform, &pool->idx_uniform);
    if (ret >= 0) {
        int dups = 0, excl = 0;
        for (int i = 0; i < pool->n; i++) {
            dups += !pool->it[i].pick_rank && !pool->it[i].excluded && pool->it[i].r.dup_of >= 0;
            excl += pool->it[i].excluded;
        }
        ava_log(in->lg, AVA_LOG_INFO, "%s: selection: %d of a pool of %d (near-duplicates %d, "
                "excluded %d); diversity index picks %.3f, top-score %.3f, uniform %.3f (N=%d)",
                in->path, m, pool->n, dups, excl, pool->idx_picks, pool->idx_top,
                pool->idx_uniform, m);
        ret = store_rows(in, pool);
    }
done:
    free(c);
    free(v);
    free(r);
    free(bpos);
    free(shot_len);
    return ret;
}
