/* SPDX-License-Identifier: MIT */
/** @file Pass 2: faces, tracks, characters, face terms of the score (see pass2.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "src/export/export.h"
#include "src/faces/faces.h"
#include "src/faces/pass2.h"
#include "src/faces/spill.h"
#include "src/log.h"
#include "src/store/store_faces.h"

#define MAX_FACES 32
#define MAX_WORKERS 64
#define MAX_MAIN 64
/* A face joins a track last seen at most this long before (seconds, beyond the sampling). */
#define TRACK_GAP_S 1.0
#define TRACK_MIN_IOU 0.3
/* Faces per track averaged into its descriptor. */
#define TRACK_BEST 3

typedef struct Job {
    const AvaFacesIn *in;
    AvaFacesOut *out;
    AvaFaceChainSettings cs;
    AvaFaceChain *chains[MAX_WORKERS];
    AvaFaceSpill *spill;
    int64_t n_faces;
} Job;

typedef struct Track {
    int shot;
    int64_t first_pos, last_pos;
    int n;
    float box[4];
    float desc_last[AVA_FACE_DESC_DIM];
    int last_ok;            ///< the last face is recognisable (ava_face_recognisable())
    int seed;               ///< some face is: the track may found a character
    int best[TRACK_BEST];   ///< global face indices, best quality first (-1 unused)
    float desc[AVA_FACE_DESC_DIM];
    double dur;
    int cluster, character;
} Track;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int on_frame(void *cookie, int worker, int item, const AvaImage *img)
{
    Job *j = cookie;
    if (worker >= MAX_WORKERS)
        return AVA_ERR(EINVAL);
    if (j->in->interrupt && *j->in->interrupt)
        return AVA_ERR(EINTR);
    if (!j->chains[worker]) {
        int ret = ava_face_chain_open(&j->chains[worker], &j->cs);
        if (ret < 0)
            return ret;
    }
    AvaFramePeople *p = &j->out->items[item];
    AvaFace faces[MAX_FACES];
    int n = 0;
    int ret = ava_face_chain_run(j->chains[worker], img->rgb, img->width, img->height,
                                 img->rgb_stride, faces, MAX_FACES, &n);
    if (ret < 0 || n == 0)
        return ret;
    p->f = malloc((size_t)n * sizeof(*p->f));
    p->character = calloc((size_t)n, sizeof(*p->character));
    if (!p->f || !p->character)
        return AVA_ERR(ENOMEM);
    for (int k = 0; k < n; k++)
        ava_face_measures_of(&faces[k], &p->f[k]);
    p->n = n;
    return ava_face_spill_put(j->spill, faces, n, &p->spill_at);
}

/* Pass-1 preset score of every position, as score_and_select() computes it. */
static int base_scores(const AvaFacesIn *in, double *raw)
{
    enum { BLOCK = 8192 };
    const AvaPreset *p = in->preset;
    const char *names[AVA_PRESET_MAX_FEATURES];
    ava_preset_columns(p, names);
    double *values = malloc((size_t)BLOCK * p->n * sizeof(double));
    if (!values)
        return AVA_ERR(ENOMEM);
    int64_t at = 0, next = 0;
    int ret = 0;
    while (ret >= 0 && at < in->n) {
        int64_t got = 0;
        ret = ava_store_read_columns_block(in->st, names, p->n, next, BLOCK, values, &got, &next);
        if (ret >= 0 && (got == 0 || at + got > in->n))
            ret = AVA_ERR_STORE;
        if (ret < 0)
            break;
        for (int k = 1; k < p->n; k++)
            memmove(values + (size_t)k * got, values + (size_t)k * BLOCK,
                    (size_t)got * sizeof(double));
        ava_preset_score(p, values, got, raw + at);
        at += got;
    }
    free(values);
    return ret;
}

static int cmp_i64(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return (a > b) - (a < b);
}

/* Positions to analyse: per shot the top_m eligible frames by pass-1 score and one frame
 * every sample_s; never black or transition frames. Sorted, unique. */
static int choose_frames(const AvaFacesIn *in, const double *raw, int64_t **pos_out,
                         int64_t *n_out)
{
    const AvaPresetFaces *fp = &in->preset->faces;
    const AvaShotResult *sr = in->shots;
    uint8_t *bad = calloc((size_t)in->n, 1);
    int64_t cap = 1024, n = 0;
    int64_t *pos = malloc((size_t)cap * sizeof(*pos));
    if (!bad || !pos) {
        free(bad);
        free(pos);
        return AVA_ERR(ENOMEM);
    }
    for (int64_t i = 0; i < in->n; i++)
        bad[i] = sr->black[i] || isnan(raw[i]);
    for (int k = 0; k < sr->n_transitions; k++)
        for (int64_t i = sr->transitions[k].first; i <= sr->transitions[k].last; i++)
            bad[i] = 1;
    for (int s = 0; s < sr->n_shots; s++) {
        const AvaShotSpan *sh = &sr->shots[s];
        int64_t len = sh->last - sh->first + 1;
        int64_t need = n + fp->top_m + 2 + (int64_t)((in->t_s[sh->last] - in->t_s[sh->first]) /
                                                     fp->sample_s);
        if (need > cap) {
            while (cap < need)
                cap *= 2;
            int64_t *np = realloc(pos, (size_t)cap * sizeof(*pos));
            if (!np) {
                free(bad);
                free(pos);
                return AVA_ERR(ENOMEM);
            }
            pos = np;
        }
        int64_t first = n;
        int edge = in->preset->shot_edge_frames;
        if (len <= 2 * edge)
            edge = (int)((len - 1) / 2);
        for (int m = 0; m < fp->top_m; m++) {
            int64_t best = -1;
            for (int64_t i = sh->first + edge; i <= sh->last - edge; i++) {
                if (bad[i])
                    continue;
                int taken = 0;
                for (int64_t q = first; q < n && !taken; q++)
                    taken = pos[q] == i;
                if (!taken && (best < 0 || raw[i] > raw[best]))
                    best = i;
            }
            if (best >= 0)
                pos[n++] = best;
        }
        double t0 = in->t_s[sh->first], next = t0 + fp->sample_s / 2;
        if (in->t_s[sh->last] - t0 < fp->sample_s)
            next = t0 + (in->t_s[sh->last] - t0) / 2;
        for (int64_t i = sh->first; i <= sh->last; i++) {
            if (in->t_s[i] + 1e-9 < next)
                continue;
            next += fp->sample_s;
            if (bad[i])
                continue;
            int taken = 0;
            for (int64_t q = first; q < n && !taken; q++)
                taken = pos[q] == i;
            if (!taken)
                pos[n++] = i;
        }
    }
    free(bad);
    if (n > 1)
        qsort(pos, (size_t)n, sizeof(*pos), cmp_i64);
    *pos_out = pos;
    *n_out = n;
    return 0;
}

static double iou(const float *a, const AvaFaceMeasures *f)
{
    double x0 = fmax(a[0], f->x), y0 = fmax(a[1], f->y);
    double x1 = fmin(a[0] + a[2], f->x + f->w), y1 = fmin(a[1] + a[3], f->y + f->h);
    double inter = (x1 > x0 && y1 > y0) ? (x1 - x0) * (y1 - y0) : 0;
    double uni = (double)a[2] * a[3] + (double)f->w * f->h - inter;
    return uni > 0 ? inter / uni : 0;
}

static double desc_dist(const float *a, const float *b)
{
    double s = 0;
    for (int k = 0; k < AVA_FACE_DESC_DIM; k++)
        s += ((double)a[k] - b[k]) * ((double)a[k] - b[k]);
    return sqrt(s);
}

/* Best-face quality: big, sharp, frontal, eyes open, not cut by the frame edge. */
static double face_quality(const AvaFaceMeasures *f)
{
    double size = fmin(1.0, f->height_frac / 0.3);
    double sharp = fmin(1.0, fmax(0.1, f->sharpness / 300.0));
    double frontal = fmax(0.05, cos(f->yaw * M_PI / 180) * cos(f->pitch * M_PI / 180));
    double eyes = fmin(f->eye_open[0], f->eye_open[1]) < 0.15 ? 0.5 : 1.0;
    return size * sharp * frontal * eyes * (1.0 - f->edge_cut);
}

typedef struct FaceRef {
    int item, k;
    int track;
    double quality;
} FaceRef;

/* Tracks within each shot, in position order (deterministic). */
static int build_tracks(const AvaFacesIn *in, AvaFacesOut *o, AvaFaceSpill *spill, FaceRef *refs,
                        Track **tracks_out, int *n_tracks_out)
{
    double step = in->preset->faces.sample_s;
    int cap = 64, nt = 0;
    Track *tr = malloc((size_t)cap * sizeof(*tr));
    AvaFace *heavy = malloc(MAX_FACES * sizeof(*heavy)); /* descriptors of one frame */
    if (!tr || !heavy) {
        free(tr);
        free(heavy);
        return AVA_ERR(ENOMEM);
    }
    int ret = 0;
    int g = 0, shot = -1, shot_first_track = 0;
    for (int it = 0; it < o->n_items; it++) {
        AvaFramePeople *p = &o->items[it];
        while (shot + 1 < in->shots->n_shots && in->shots->shots[shot + 1].first <= p->pos) {
            shot++;
            shot_first_track = nt;
        }
        if (p->n > 0 && (ret = ava_face_spill_get(spill, p->spill_at, p->n, heavy)) < 0)
            break;
        for (int k = 0; k < p->n; k++, g++) {
            const AvaFaceMeasures *f = &p->f[k];
            refs[g] = (FaceRef){ it, k, -1, face_quality(f) };
            int best = -1;
            double best_v = 0;
            for (int t = shot_first_track; t < nt; t++) {
                if (tr[t].last_pos >= p->pos ||
                    in->t_s[p->pos] - in->t_s[tr[t].last_pos] > step + TRACK_GAP_S)
                    continue;
                double ov = iou(tr[t].box, f), d = desc_dist(tr[t].desc_last, heavy[k].descriptor);
                /* descriptors of profiles and blurred faces match anyone */
                int same = d < AVA_FACE_CLUSTER_THRESHOLD && tr[t].last_ok &&
                           ava_face_recognisable(f);
                if (ov < TRACK_MIN_IOU && !same)
                    continue;
                double v = ov + (same ? 1.0 - d : 0);
                if (best < 0 || v > best_v) {
                    best = t;
                    best_v = v;
                }
            }
            if (best < 0) {
                if (nt == cap) {
                    Track *nt2 = realloc(tr, (size_t)(cap *= 2) * sizeof(*tr));
                    if (!nt2) {
                        free(tr);
                        free(heavy);
                        return AVA_ERR(ENOMEM);
                    }
                    tr = nt2;
                }
                best = nt++;
                tr[best] = (Track){ .shot = shot, .first_pos = p->pos, .best = { -1, -1, -1 } };
            }
            Track *t = &tr[best];
            t->last_pos = p->pos;
            t->n++;
            t->box[0] = f->x;
            t->box[1] = f->y;
            t->box[2] = f->w;
            t->box[3] = f->h;
            memcpy(t->desc_last, heavy[k].descriptor, sizeof(t->desc_last));
            t->last_ok = ava_face_recognisable(f);
            t->seed |= t->last_ok;
            refs[g].track = best;
            /* keep the TRACK_BEST best faces, ties to the earlier one */
            for (int b = 0; b < TRACK_BEST; b++) {
                if (t->best[b] < 0 || refs[g].quality > refs[t->best[b]].quality) {
                    memmove(t->best + b + 1, t->best + b, (size_t)(TRACK_BEST - 1 - b) *
                            sizeof(int));
                    t->best[b] = g;
                    break;
                }
            }
        }
    }
    for (int t = 0; ret >= 0 && t < nt; t++) {
        const AvaShotSpan *sh = &in->shots->shots[tr[t].shot];
        double shot_len = in->t_s[sh->last] - in->t_s[sh->first] + 1.0 / (in->si->fps > 0 ? in->si->fps : 25);
        tr[t].dur = fmin(shot_len, in->t_s[tr[t].last_pos] - in->t_s[tr[t].first_pos] + step);
        double sum[AVA_FACE_DESC_DIM] = { 0 }, norm = 0;
        for (int b = 0; ret >= 0 && b < TRACK_BEST && tr[t].best[b] >= 0; b++) {
            const FaceRef *r = &refs[tr[t].best[b]];
            ret = ava_face_spill_get(spill, o->items[r->item].spill_at + r->k, 1, heavy);
            for (int k = 0; ret >= 0 && k < AVA_FACE_DESC_DIM; k++)
                sum[k] += heavy->descriptor[k];
        }
        for (int k = 0; k < AVA_FACE_DESC_DIM; k++)
            norm += sum[k] * sum[k];
        norm = norm > 0 ? sqrt(norm) : 1;
        for (int k = 0; k < AVA_FACE_DESC_DIM; k++)
            tr[t].desc[k] = (float)(sum[k] / norm);
    }
    free(heavy);
    if (ret < 0) {
        free(tr);
        return ret;
    }
    *tracks_out = tr;
    *n_tracks_out = nt;
    return 0;
}

typedef struct Cluster {
    int label;
    double time;
    int n_tracks;
    int best_face;   ///< global face index
} Cluster;

static int cmp_cluster(const void *x, const void *y)
{
    const Cluster *a = x, *b = y;
    if (a->time != b->time)
        return a->time < b->time ? 1 : -1;
    return a->label - b->label;
}

/* What a face feature of the preset measures (docs/analyze.md). */
static double face_quantity(const char *col, const AvaFaceMeasures *f, int is_main,
                            int extras_only)
{
    if (!strcmp(col, "eye_open"))
        return fmin(f->eye_open[0], f->eye_open[1]);
    if (!strcmp(col, "yaw"))
        return f->yaw;
    if (!strcmp(col, "pitch"))
        return f->pitch;
    if (!strcmp(col, "face_sharpness"))
        return f->sharpness;
    if (!strcmp(col, "face_size"))
        return f->height_frac;
    if (!strcmp(col, "expr_happy"))
        return f->expression[1];
    if (!strcmp(col, "expr_negative"))
        return (double)f->expression[2] + f->expression[3] + f->expression[4] + f->expression[5];
    if (!strcmp(col, "main_character"))
        return is_main;
    if (!strcmp(col, "extras_only"))
        return extras_only;
    return NAN;
}

/* The lead face: the largest face of a main character, else the largest face; -1 none. */
static int lead_face(const AvaFacesOut *o, const AvaFramePeople *p, int *lead_main)
{
    int lead = -1;
    *lead_main = 0;
    for (int k = 0; k < p->n; k++) {
        int is_main = p->character[k] >= 1 && p->character[k] <= o->n_main;
        double area = (double)p->f[k].w * p->f[k].h;
        if (lead < 0 || is_main > *lead_main ||
            (is_main == *lead_main && area > (double)p->f[lead].w * p->f[lead].h)) {
            lead = k;
            *lead_main = is_main;
        }
    }
    return lead;
}

static void frame_terms(const AvaPresetFaces *fp, AvaFacesOut *o, AvaFramePeople *p)
{
    p->adj = 0;
    int lead_main, lead = lead_face(o, p, &lead_main);
    if (lead < 0)
        return;
    for (int k = 0; k < fp->n; k++)
        p->adj += fp->f[k].weight *
                  ava_preset_feature_value(&fp->f[k], face_quantity(fp->f[k].column, &p->f[lead],
                                                                    lead_main, !lead_main));
}

int ava_faces_terms(const AvaFacesOut *o, const AvaPresetFaces *fp, int64_t pos, double *terms)
{
    const AvaFramePeople *p = o->ran && pos >= 0 && pos < o->n && o->item_at[pos] >= 0
                                  ? &o->items[o->item_at[pos]] : NULL;
    int lead_main, lead = p ? lead_face(o, p, &lead_main) : -1;
    for (int k = 0; k < fp->n; k++)
        terms[k] = lead < 0 ? 0
                            : fp->f[k].weight *
                                  ava_preset_feature_value(
                                      &fp->f[k], face_quantity(fp->f[k].column, &p->f[lead],
                                                               lead_main, !lead_main));
    return lead;
}

static int store_all(const AvaFacesIn *in, AvaFacesOut *o, AvaFaceSpill *spill,
                     const FaceRef *refs, int n_refs, const Track *tr, int nt, const Cluster *cl,
                     int nc)
{
    AvaStore *st = in->st;
    int ret = ava_store_begin(st);
    for (int g = 0; g < n_refs && ret >= 0; g++) {
        const AvaFramePeople *p = &o->items[refs[g].item];
        AvaFace f;
        ret = ava_face_spill_get(spill, p->spill_at + refs[g].k, 1, &f);
        ava_face_apply_measures(&p->f[refs[g].k], &f);
        if (ret >= 0)
            ret = ava_store_put_face(st, g + 1, in->frames[p->pos], &f, refs[g].quality,
                                     refs[g].track + 1);
    }
    for (int t = 0; t < nt && ret >= 0; t++)
        ret = ava_store_put_face_track(st, t + 1, tr[t].shot, in->frames[tr[t].first_pos],
                                       in->frames[tr[t].last_pos], tr[t].n, tr[t].dur,
                                       tr[t].character, tr[t].best[0] + 1);
    for (int c = 0; c < nc && ret >= 0; c++) {
        const FaceRef *r = &refs[cl[c].best_face];
        ret = ava_store_put_character(st, c + 1, cl[c].time, cl[c].n_tracks, c >= o->n_main,
                                      cl[c].best_face + 1, in->frames[o->items[r->item].pos]);
    }
    if (ret >= 0)
        ret = ava_store_commit(st);
    return ret;
}

static int characters(const AvaFacesIn *in, AvaFacesOut *o, AvaFaceSpill *spill)
{
    const AvaPresetFaces *fp = &in->preset->faces;
    int n_refs = 0;
    for (int i = 0; i < o->n_items; i++)
        n_refs += o->items[i].n;
    o->n_faces = n_refs;
    FaceRef *refs = malloc((size_t)(n_refs ? n_refs : 1) * sizeof(*refs));
    Track *tr = NULL;
    int nt = 0, nc = 0;
    float *desc = NULL;
    int *labels = NULL;
    uint8_t *seed = NULL;
    Cluster *cl = NULL;
    int ret = refs ? build_tracks(in, o, spill, refs, &tr, &nt) : AVA_ERR(ENOMEM);
    if (ret >= 0 && nt > 0) {
        desc = malloc((size_t)nt * AVA_FACE_DESC_DIM * sizeof(*desc));
        labels = malloc((size_t)nt * sizeof(*labels));
        seed = malloc((size_t)nt);
        if (!desc || !labels || !seed)
            ret = AVA_ERR(ENOMEM);
        for (int t = 0; t < nt && ret >= 0; t++) {
            memcpy(desc + (size_t)t * AVA_FACE_DESC_DIM, tr[t].desc, sizeof(tr[t].desc));
            seed[t] = (uint8_t)tr[t].seed;
        }
        /* only tracks with a recognisable face found characters; the others join one or
         * stay nobody's (character 0) */
        if (ret >= 0)
            ret = ava_face_cluster_seeded(desc, nt, AVA_FACE_DESC_DIM,
                                          (float)fp->character_threshold, seed, labels, &nc);
    }
    if (ret >= 0 && nc > 0 && !(cl = calloc((size_t)nc, sizeof(*cl))))
        ret = AVA_ERR(ENOMEM);
    if (ret >= 0 && nc > 0) {
        for (int c = 0; c < nc; c++)
            cl[c] = (Cluster){ .label = c, .best_face = -1 };
        for (int t = 0; t < nt; t++) {
            if (labels[t] < 0)
                continue;
            Cluster *c = &cl[labels[t]];
            c->time += tr[t].dur;
            c->n_tracks++;
            int b = tr[t].best[0];
            if (tr[t].seed && (c->best_face < 0 || refs[b].quality > refs[c->best_face].quality))
                c->best_face = b;
        }
        qsort(cl, (size_t)nc, sizeof(*cl), cmp_cluster);
        int *id_of = malloc((size_t)nc * sizeof(*id_of));
        o->screen_time = malloc((size_t)nc * sizeof(double));
        if (!id_of || !o->screen_time) {
            free(id_of);
            ret = AVA_ERR(ENOMEM);
        } else {
            for (int c = 0; c < nc; c++) {
                id_of[cl[c].label] = c + 1;
                o->screen_time[c] = cl[c].time;
                int extra = cl[c].time < fp->extra_max_s || cl[c].time < fp->extra_share * cl[0].time;
                if (!extra && o->n_main == c && c < MAX_MAIN)
                    o->n_main = c + 1;
            }
            o->n_characters = nc;
            for (int t = 0; t < nt; t++)
                tr[t].character = labels[t] >= 0 ? id_of[labels[t]] : 0;
            for (int g = 0; g < n_refs; g++)
                o->items[refs[g].item].character[refs[g].k] = tr[refs[g].track].character;
            free(id_of);
        }
    }
    if (ret >= 0) {
        for (int i = 0; i < o->n_items; i++) {
            AvaFramePeople *p = &o->items[i];
            frame_terms(fp, o, p);
            for (int k = 0; k < p->n; k++)
                if (p->character[k] >= 1 && p->character[k] <= o->n_main)
                    o->mains[p->pos] |= UINT64_C(1) << (p->character[k] - 1);
        }
        ret = store_all(in, o, spill, refs, n_refs, tr, nt, cl, nc);
    }
    free(refs);
    free(tr);
    free(desc);
    free(labels);
    free(seed);
    free(cl);
    return ret;
}

int ava_faces_pass2(const AvaFacesIn *in, AvaFacesOut *o)
{
    memset(o, 0, sizeof(*o));
    double t0 = now_s();
    int ret = ava_store_faces_create(in->st);
    if (ret < 0)
        return ret;
    Job j = { .in = in, .out = o };
    ava_face_chain_default_settings(&j.cs);
    const char *dir = ava_models_default_dir();
    j.cs.models_dir = dir;
    j.cs.min_face_frac = (float)in->preset->faces.min_face_frac;
    j.cs.min_score = (float)in->preset->faces.min_score;
    /* one warning line rather than the chain's error per missing file */
    j.cs.logger = *in->lg;
    j.cs.logger.max_level = -1;
    if (ava_face_chain_open(&j.chains[0], &j.cs) < 0) {
        ava_log(in->lg, AVA_LOG_WARNING, "%s: no faces: the face models in %s are missing or "
                "unusable (run scripts/fetch-models.sh)", in->path, dir);
        return 0;
    }
    j.cs.logger = *in->lg;
    ret = ava_face_spill_open(&j.spill, in->lg);
    double *raw = malloc((size_t)(in->n ? in->n : 1) * sizeof(*raw));
    int64_t *pos = NULL, n_pos = 0;
    AvaExportItem *items = NULL;
    o->n = in->n;
    o->item_at = malloc((size_t)(in->n ? in->n : 1) * sizeof(*o->item_at));
    o->mains = calloc((size_t)(in->n ? in->n : 1), sizeof(*o->mains));
    if (ret >= 0 && (!raw || !o->item_at || !o->mains))
        ret = AVA_ERR(ENOMEM);
    if (ret >= 0)
        ret = base_scores(in, raw);
    if (ret >= 0)
        ret = choose_frames(in, raw, &pos, &n_pos);
    if (ret >= 0 && n_pos > INT32_MAX)
        ret = AVA_ERR_LIMIT;
    if (ret >= 0) {
        o->items = calloc((size_t)(n_pos ? n_pos : 1), sizeof(*o->items));
        items = calloc((size_t)(n_pos ? n_pos : 1), sizeof(*items));
        if (!o->items || !items)
            ret = AVA_ERR(ENOMEM);
    }
    for (int64_t i = 0; ret >= 0 && i < in->n; i++)
        o->item_at[i] = -1;
    for (int64_t k = 0; ret >= 0 && k < n_pos; k++) {
        o->items[k].pos = pos[k];
        o->item_at[pos[k]] = (int32_t)k;
        double t;
        ret = ava_store_frame_time(in->st, in->frames[pos[k]], &items[k].pts, &t);
        items[k].frame = in->frames[pos[k]];
    }
    o->n_items = (int)n_pos;
    o->ran = 1;
    if (ret >= 0 && n_pos > 0) {
        int threads = in->n_threads < MAX_WORKERS ? in->n_threads : MAX_WORKERS;
        ret = ava_fetch_frames(in->path, in->si, in->scan, items, (int)n_pos, threads, on_frame,
                               &j, in->lg);
    }
    for (int w = 0; w < MAX_WORKERS; w++)
        ava_face_chain_close(&j.chains[w]);
    if (ret >= 0)
        ret = characters(in, o, j.spill);
    ava_face_spill_close(&j.spill);
    free(raw);
    free(pos);
    free(items);
    o->seconds = now_s() - t0;
    if (ret >= 0)
        ava_log(in->lg, AVA_LOG_INFO, "%s: faces %lld on %d frames, characters %d (main %d), "
                "%.1f s", in->path, (long long)o->n_faces, o->n_items, o->n_characters,
                o->n_main, o->seconds);
    return ret;
}

void ava_faces_adjust(const AvaFacesOut *o, const AvaShotResult *shots, double *score)
{
    if (!o->ran)
        return;
    for (int s = 0; s < shots->n_shots; s++) {
        const AvaShotSpan *sh = &shots->shots[s];
        int any = 0;
        for (int64_t i = sh->first; i <= sh->last && !any; i++)
            any = o->item_at[i] >= 0 && o->items[o->item_at[i]].n > 0;
        if (!any)
            continue;
        for (int64_t i = sh->first; i <= sh->last; i++)
            score[i] = o->item_at[i] >= 0 ? score[i] + o->items[o->item_at[i]].adj : NAN;
    }
}

char *ava_faces_json(const AvaFacesOut *o, int64_t pos)
{
    cJSON *arr = cJSON_CreateArray();
    const AvaFramePeople *p = o->ran && pos >= 0 && pos < o->n && o->item_at[pos] >= 0
                                  ? &o->items[o->item_at[pos]] : NULL;
    for (int k = 0; arr && p && k < p->n; k++) {
        const AvaFaceMeasures *f = &p->f[k];
        cJSON *x = cJSON_CreateObject();
        if (!x)
            break;
        cJSON_AddItemToArray(arr, x);
        int c = p->character[k];
        cJSON_AddNumberToObject(x, "character", c);
        cJSON_AddBoolToObject(x, "main", c >= 1 && c <= o->n_main);
        double box[4] = { round(f->x), round(f->y), round(f->w), round(f->h) };
        cJSON_AddItemToObject(x, "box", cJSON_CreateDoubleArray(box, 4));
        int best = 0;
        for (int e = 1; e < AVA_FACE_EXPRESSIONS; e++)
            if (f->expression[e] > f->expression[best])
                best = e;
        cJSON_AddStringToObject(x, "expression", ava_face_expression_label(best));
        cJSON_AddNumberToObject(x, "yaw", round(f->yaw * 10) / 10);
        cJSON_AddNumberToObject(x, "eyes_open", round(fmin(f->eye_open[0], f->eye_open[1]) *
                                                      1000) / 1000);
    }
    char *s = arr ? cJSON_PrintUnformatted(arr) : NULL;
    cJSON_Delete(arr);
    return s;
}

void ava_faces_out_free(AvaFacesOut *o)
{
    for (int i = 0; o->items && i < o->n_items; i++) {
        free(o->items[i].f);
        free(o->items[i].character);
    }
    free(o->items);
    free(o->item_at);
    free(o->mains);
    free(o->screen_time);
    memset(o, 0, sizeof(*o));
}
