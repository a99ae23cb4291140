/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Pass 3, maturity (see maturity.h): overlay samples over the whole title, then the pool
 * frames through nsfwjs MobileNetV2 and PP-OCRv4 det (decoded in the samples' fetch when the
 * nets run), the caption rule, the store.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "src/export/export.h"
#include "src/log.h"
#include "src/maturity/maturity.h"
#include "src/maturity/maturity_config.h"
#include "src/maturity/overlay.h"
#include "src/maturity/text.h"
#include "src/store/store_maturity.h"
#include "src/util/timecode.h"
#if AVA_HAVE_TEXT_DET
#include "src/nn/net_text_det.h"
#endif

#define MAX_WORKERS 64
/* Text-detector boxes read per frame (more are dropped, smallest regions last). */
#define MAX_BOXES 128
/* The caption rule's cross-shot support: lines within this of each other vertically (share
 * of the frame height) count as the same caption band, and a line needs this geometric
 * score to count as a caption-like line. */
#define CAPTION_BAND_DY 0.05
#define CAPTION_LIKE 0.5
/* caption = geometry * (CAPTION_BASE + (1 - CAPTION_BASE) * support) */
#define CAPTION_BASE 0.75

typedef struct Job {
    const AvaMaturityIn *in;
    const char *models_dir;
    const int64_t *pos;             ///< pool phase: the positions measured
    AvaMaturity *m;
    int have_nsfw, have_text;
    int n_specs, use_cls[AVA_CLASSIFIER_MAX]; ///< user classifiers declared, and usable
    AvaMaturityNets nets[MAX_WORKERS];
    uint8_t *scratch[MAX_WORKERS];  ///< 2 * ow * oh: luma and edges at the overlay size
    int ow, oh;
    uint8_t **samples;              ///< sample phase: luma per sample
    const AvaOverlayMask *mask;
    const AvaOverlay *ov;
    int n_ov;
    double *cap_geo, *cap_cy;       ///< per pool frame: best line's geometry score, its centre
    /* One fetch for the samples and the pool frames (when the nets run on the pool anyway):
     * items [0, ns) are the samples; a pool frame's overlay share and text measures wait for
     * the overlays, which need every sample, so its overlay-size luma and its text boxes are
     * kept until then. NULL pool_luma: the pool frames are fetched after the samples. */
    int ns;
    uint8_t *pool_luma;             ///< ow * oh per pool frame
    AvaNormBox *pool_boxes;         ///< MAX_BOXES per pool frame
    int *pool_n_boxes;              ///< per pool frame; -1: the text detector did not run
} Job;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Index of the shot holding position @p pos. */
static int shot_of(const AvaShotResult *sr, int64_t pos)
{
    int lo = 0, hi = sr->n_shots - 1;
    while (lo < hi) {
        int mid = lo + (hi - lo + 1) / 2;
        if (sr->shots[mid].first <= pos)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

/* Position of frame number @p frame, or -1. */
static int64_t pos_of_frame(const AvaMaturityIn *in, int64_t frame)
{
    int64_t lo = 0, hi = in->n - 1;
    while (lo <= hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (in->frames[mid] == frame)
            return mid;
        if (in->frames[mid] < frame)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

/*
 * Overlay samples: up to @p want positions spread evenly over the frames that are neither
 * black nor in a transition; each moved to a keyframe within half the spacing when there is
 * one (a keyframe decodes without the frames before it), sorted, unique.
 */
static int choose_samples(const AvaMaturityIn *in, int want, int64_t **out, int *n_out)
{
    *out = NULL;
    *n_out = 0;
    const AvaShotResult *sr = in->shots;
    uint8_t *bad = calloc((size_t)(in->n ? in->n : 1), 1);
    int64_t *elig = malloc((size_t)(in->n ? in->n : 1) * sizeof(*elig));
    int64_t *pos = malloc((size_t)(want > 0 ? want : 1) * sizeof(*pos));
    int64_t *keys = malloc((size_t)(in->scan->n_keys ? in->scan->n_keys : 1) * sizeof(*keys));
    if (!bad || !elig || !pos || !keys) {
        free(bad);
        free(elig);
        free(pos);
        free(keys);
        return AVA_ERR(ENOMEM);
    }
    for (int k = 0; k < sr->n_transitions; k++)
        for (int64_t i = sr->transitions[k].first; i <= sr->transitions[k].last && i < in->n; i++)
            if (i >= 0)
                bad[i] = 1;
    int64_t ne = 0;
    for (int64_t i = 0; i < in->n; i++)
        if (!bad[i] && !(sr->black && sr->black[i]))
            elig[ne++] = i;
    int nk = 0;
    for (int k = 0; k < in->scan->n_keys; k++) {
        int64_t p = pos_of_frame(in, in->scan->keys[k].index);
        if (p >= 0 && !bad[p] && !(sr->black && sr->black[p]))
            keys[nk++] = p;
    }
    int64_t k_want = want < ne ? want : ne;
    int n = 0, kk = 0;
    for (int64_t k = 0; k < k_want; k++) {
        int64_t q = elig[(2 * k + 1) * ne / (2 * k_want)];
        double half = (double)ne / k_want / 2;
        while (kk < nk && keys[kk] < q - half)
            kk++;
        int64_t best = q;
        for (int t = kk; t < nk && keys[t] <= q + half; t++)
            if (llabs(keys[t] - q) < llabs(best - q) || best == q)
                best = keys[t];
        if (n > 0 && best <= pos[n - 1])
            best = q > pos[n - 1] ? q : -1;
        if (best >= 0)
            pos[n++] = best;
    }
    free(bad);
    free(elig);
    free(keys);
    *out = pos;
    *n_out = n;
    return 0;
}

static int on_sample(void *cookie, int worker, int item, const AvaImage *img)
{
    Job *j = cookie;
    (void)worker;
    if (j->in->interrupt && *j->in->interrupt)
        return AVA_ERR(EINTR);
    ava_overlay_luma(img->rgb, img->width, img->height, img->rgb_stride, j->samples[item], j->ow,
                     j->oh);
    return 0;
}

#if AVA_HAVE_TEXT_DET
static int cmp_area(const void *x, const void *y)
{
    const AvaNormBox *a = x, *b = y;
    double aa = (double)a->w * a->h, ab = (double)b->w * b->h;
    return (aa < ab) - (aa > ab);
}

/* The text detector's boxes on one image, as fractions of it: @p b (MAX_BOXES), @p n. */
static int detect_text(AvaMaturityNets *nt, const uint8_t *rgb, int w, int h, ptrdiff_t stride,
                       AvaNormBox *b, int *n_out)
{
    AvaTextBox tb[MAX_BOXES];
    int n = 0;
    double t0 = now_s();
    int ret = ava_text_det_run(nt->det, rgb, w, h, stride, AVA_MATURITY_TEXT_SIDE, tb,
                               MAX_BOXES, &n);
    nt->text_s += now_s() - t0;
    nt->n_text++;
    if (ret < 0)
        return ret;
    for (int k = 0; k < n; k++)
        b[k] = (AvaNormBox){ tb[k].x / w, tb[k].y / h, tb[k].w / w, tb[k].h / h, tb[k].score };
    *n_out = n;
    return 0;
}

/* Text measures of a frame of @p aspect from its detector boxes @p b (reordered): those
 * outside the @p n_ov overlays, text_frac, the lines and the caption geometry. */
static int measure_text(AvaNormBox *b, int n, double aspect, const AvaOverlay *ov, int n_ov,
                        AvaMaturity *m, double *caption_cy)
{
    AvaNormBox lines[MAX_BOXES];
    n = ava_text_drop_overlays(b, n, ov, n_ov);
    n = ava_text_drop_glyphs(b, n, aspect);
    if (n > 1)
        qsort(b, (size_t)n, sizeof(*b), cmp_area);
    m->text_frac = ava_text_union(b, n);
    if (isnan(m->text_frac))
        return AVA_ERR(ENOMEM);
    m->n_text = n < AVA_MATURITY_MAX_TEXT ? n : AVA_MATURITY_MAX_TEXT;
    if (m->n_text > 0)
        memcpy(m->text, b, (size_t)m->n_text * sizeof(*b));
    int nl = ava_text_lines(b, n, aspect, lines, MAX_BOXES);
    m->caption = 0;
    *caption_cy = NAN;
    for (int k = 0; k < nl; k++) {
        double g = ava_caption_geometry(&lines[k], aspect);
        if (g > m->caption) {
            m->caption = g;
            *caption_cy = lines[k].y + lines[k].h / 2.0;
        }
    }
    m->text_measured = 1;
    return 0;
}
#endif

/* The nets of ava_maturity_image() on one image; the text detector's boxes (MAX_BOXES) go to
 * @p boxes, *n_boxes = -1 when it did not run. */
static int run_nets(AvaMaturityNets *nt, const uint8_t *rgb, int w, int h, ptrdiff_t stride,
                    AvaMaturity *m, AvaNormBox *boxes, int *n_boxes)
{
    *n_boxes = -1;
    int ret = 0;
    if (nt->use_nsfw) {
        if (!nt->nsfw && (ret = ava_nsfw_open(&nt->nsfw, nt->models_dir, nt->lg)) < 0)
            return ret;
        double t0 = now_s();
        ret = ava_nsfw_run(nt->nsfw, rgb, w, h, stride, m->nsfw, m->embedding);
        nt->nsfw_s += now_s() - t0;
        nt->n_nsfw++;
        if (ret < 0)
            return ret;
        double norm = 0;
        for (int k = 0; k < AVA_NSFW_EMBED_DIM; k++)
            norm += (double)m->embedding[k] * m->embedding[k];
        norm = norm > 0 ? 1 / sqrt(norm) : 0;
        for (int k = 0; k < AVA_NSFW_EMBED_DIM; k++)
            m->embedding[k] = (float)(m->embedding[k] * norm);
        m->has_embedding = norm > 0;
        m->measured = 1;
    }
    for (int k = 0; k < AVA_CLASSIFIER_MAX; k++)
        for (int c = 0; c < AVA_CLASSIFIER_MAX_CLASSES; c++)
            m->classes[k][c] = NAN;
    for (int k = 0; k < nt->n_specs && k < AVA_CLASSIFIER_MAX; k++) {
        if (!nt->use_cls[k])
            continue;
        if (!nt->cls[k] &&
            (ret = ava_classifier_open(&nt->cls[k], &nt->specs[k], nt->models_dir, nt->lg)) < 0)
            return ret;
        if ((ret = ava_classifier_run(nt->cls[k], rgb, w, h, stride, m->classes[k])) < 0)
            return ret;
    }
#if AVA_HAVE_TEXT_DET
    if (nt->use_text) {
        if (!nt->det && (ret = ava_text_det_open(&nt->det, nt->models_dir, nt->lg)) < 0)
            return ret;
        ret = detect_text(nt, rgb, w, h, stride, boxes, n_boxes);
    }
#else
    (void)boxes;
#endif
    return ret;
}

/* What ava_maturity_image() makes of run_nets()'s text boxes. */
static int finish_text(AvaNormBox *boxes, int n_boxes, int w, int h, const AvaOverlay *ov,
                       int n_ov, AvaMaturity *m, double *caption_cy)
{
#if AVA_HAVE_TEXT_DET
    if (n_boxes >= 0)
        return measure_text(boxes, n_boxes, (double)w / h, ov, n_ov, m, caption_cy);
#else
    (void)boxes, (void)n_boxes, (void)w, (void)h, (void)ov, (void)n_ov, (void)m,
        (void)caption_cy;
#endif
    return 0;
}

int ava_maturity_image(AvaMaturityNets *nt, const uint8_t *rgb, int w, int h, ptrdiff_t stride,
                       const AvaOverlay *ov, int n_ov, AvaMaturity *m, double *caption_cy)
{
    double cy_dummy;
    if (!caption_cy)
        caption_cy = &cy_dummy;
    *caption_cy = NAN;
    if (!rgb || w < 1 || h < 1 || stride < (ptrdiff_t)w * 3)
        return AVA_ERR(EINVAL);
    AvaNormBox boxes[MAX_BOXES];
    int n_boxes;
    int ret = run_nets(nt, rgb, w, h, stride, m, boxes, &n_boxes);
    if (ret >= 0)
        ret = finish_text(boxes, n_boxes, w, h, ov, n_ov, m, caption_cy);
    return ret;
}

void ava_maturity_nets_close(AvaMaturityNets *nt)
{
    ava_nsfw_close(&nt->nsfw);
    for (int k = 0; k < AVA_CLASSIFIER_MAX; k++)
        ava_classifier_close(&nt->cls[k]);
#if AVA_HAVE_TEXT_DET
    ava_text_det_close(&nt->det);
#endif
}

static AvaMaturityNets *worker_nets(Job *j, int worker)
{
    AvaMaturityNets *nt = &j->nets[worker];
    if (!nt->models_dir) {
        *nt = (AvaMaturityNets){ .models_dir = j->models_dir, .lg = j->in->lg,
                                 .use_nsfw = j->have_nsfw, .use_text = j->have_text,
                                 .specs = j->in->classifiers, .n_specs = j->n_specs };
        memcpy(nt->use_cls, j->use_cls, sizeof(nt->use_cls));
    }
    return nt;
}

static int on_pool(void *cookie, int worker, int item, const AvaImage *img)
{
    Job *j = cookie;
    if (worker >= MAX_WORKERS)
        return AVA_ERR(EINVAL);
    if (j->in->interrupt && *j->in->interrupt)
        return AVA_ERR(EINTR);
    AvaMaturity *m = &j->m[item];
    size_t np = (size_t)j->ow * j->oh;
    int ret;
    if (j->pool_luma) {
        ava_overlay_luma(img->rgb, img->width, img->height, img->rgb_stride,
                         j->pool_luma + (size_t)item * np, j->ow, j->oh);
        ret = run_nets(worker_nets(j, worker), img->rgb, img->width, img->height,
                       img->rgb_stride, m, j->pool_boxes + (size_t)item * MAX_BOXES,
                       &j->pool_n_boxes[item]);
    } else {
        if (!j->scratch[worker] && !(j->scratch[worker] = malloc(2 * np)))
            return AVA_ERR(ENOMEM);
        ava_overlay_luma(img->rgb, img->width, img->height, img->rgb_stride, j->scratch[worker],
                         j->ow, j->oh);
        m->overlay = ava_overlay_visible(j->mask, j->scratch[worker], j->scratch[worker] + np);
        ret = ava_maturity_image(worker_nets(j, worker), img->rgb, img->width, img->height,
                                 img->rgb_stride, j->ov, j->n_ov, m, &j->cap_cy[item]);
        j->cap_geo[item] = m->caption;
    }
    const AvaMaturityIn *in = j->in;
    if (ret >= 0 && in->thumb_dir) {
        char tc[32], path[4400];
        int64_t p = j->pos[item];
        ava_timecode(tc, sizeof(tc), in->t_s[p], in->si->fps, '-');
        snprintf(path, sizeof(path), "%s/%s_f%06lld.thumb.jpg", in->thumb_dir, tc,
                 (long long)in->frames[p]);
        ret = ava_export_thumb(path, img, in->lg);
    }
    return ret;
}

static int on_sample_or_pool(void *cookie, int worker, int item, const AvaImage *img)
{
    Job *j = cookie;
    return item < j->ns ? on_sample(cookie, worker, item, img)
                        : on_pool(cookie, worker, item - j->ns, img);
}

/* After a shared fetch: the pool frames' overlay share and text measures, as on_pool() alone
 * would have measured them. */
static int finish_pool(Job *j, int n_pos)
{
    size_t np = (size_t)j->ow * j->oh;
    uint8_t *scratch = malloc(np);
    if (!scratch)
        return AVA_ERR(ENOMEM);
    int w = j->in->si->display_width, h = j->in->si->display_height, ret = 0;
    for (int i = 0; i < n_pos && ret >= 0; i++) {
        AvaMaturity *m = &j->m[i];
        m->overlay = ava_overlay_visible(j->mask, j->pool_luma + (size_t)i * np, scratch);
        j->cap_cy[i] = NAN;
        ret = finish_text(j->pool_boxes + (size_t)i * MAX_BOXES, j->pool_n_boxes[i], w, h,
                          j->ov, j->n_ov, m, &j->cap_cy[i]);
        j->cap_geo[i] = m->caption;
    }
    free(scratch);
    return ret;
}

/* The caption's cross-shot support (ava_caption_support()) over the pool's shots. */
static int caption_support(const AvaMaturityIn *in, const int64_t *pos, int n_pos, Job *j)
{
    int *shot = malloc((size_t)(n_pos ? n_pos : 1) * sizeof(*shot));
    double *cap = malloc((size_t)(n_pos ? n_pos : 1) * sizeof(*cap));
    int ret = shot && cap ? 0 : AVA_ERR(ENOMEM);
    for (int i = 0; i < n_pos && ret >= 0; i++)
        shot[i] = shot_of(in->shots, pos[i]);
    if (ret >= 0)
        ret = ava_caption_support(j->cap_geo, j->cap_cy, shot, n_pos, cap);
    for (int i = 0; i < n_pos && ret >= 0; i++)
        if (j->m[i].text_measured)
            j->m[i].caption = cap[i];
    free(shot);
    free(cap);
    return ret;
}

/* @p pool, @p n_pool: the pool frames to fetch with the samples (see Job), or NULL, 0. */
static int find_overlays(const AvaMaturityIn *in, Job *j, AvaOverlayMask *mask,
                         AvaMaturityOut *out, const AvaExportItem *pool, int n_pool)
{
    int want = in->overlay_samples > 0 ? in->overlay_samples : AVA_MATURITY_SAMPLES;
    int64_t *spos = NULL;
    int ns = 0;
    int ret = choose_samples(in, want, &spos, &ns);
    if (ret < 0)
        return ret;
    size_t np = (size_t)j->ow * j->oh;
    AvaExportItem *items = calloc((size_t)ns + (size_t)n_pool + 1, sizeof(*items));
    uint8_t *buf = malloc((ns ? (size_t)ns : 1) * np);
    j->samples = malloc((size_t)(ns ? ns : 1) * sizeof(*j->samples));
    int *shot = malloc((size_t)(ns ? ns : 1) * sizeof(*shot));
    if (!items || !buf || !j->samples || !shot)
        ret = AVA_ERR(ENOMEM);
    for (int k = 0; k < ns && ret >= 0; k++) {
        double t;
        items[k].frame = in->frames[spos[k]];
        ret = ava_store_frame_time(in->st, items[k].frame, &items[k].pts, &t);
        j->samples[k] = buf + (size_t)k * np;
        shot[k] = shot_of(in->shots, spos[k]);
    }
    if (n_pool > 0)
        memcpy(items + ns, pool, (size_t)n_pool * sizeof(*items));
    j->ns = ns;
    int threads = in->n_threads < MAX_WORKERS ? in->n_threads : MAX_WORKERS;
    if (ret >= 0 && ns + n_pool > 0)
        ret = ava_fetch_frames(in->path, in->si, in->scan, items, ns + n_pool, threads,
                               n_pool > 0 ? on_sample_or_pool : on_sample, j, in->lg);
    out->n_samples = ns;
    for (int k = 0; k < ns && ret >= 0; k++)
        out->n_sample_shots += k == 0 || shot[k] != shot[k - 1];
    if (ret >= 0)
        ret = ava_overlay_find((const uint8_t *const *)j->samples, shot, ns, j->ow, j->oh, mask,
                               out->overlays, AVA_MATURITY_MAX_OVERLAYS, &out->n_overlays);
    free(spos);
    free(items);
    free(buf);
    free(j->samples);
    j->samples = NULL;
    free(shot);
    return ret;
}

/* Open one instance of each net on this thread to see whether the models are usable. */
static void probe_models(Job *j, const AvaLogger *lg)
{
    AvaLogger quiet = { NULL, ava_log_default_callback, -1 };
    AvaNsfw *nsfw = NULL;
    j->have_nsfw = ava_nsfw_open(&nsfw, j->models_dir, &quiet) >= 0;
    ava_nsfw_close(&nsfw);
    const char *why_text = "this build has no ONNX loader";
#if AVA_HAVE_TEXT_DET
    AvaTextDet *det = NULL;
    j->have_text = ava_text_det_open(&det, j->models_dir, &quiet) >= 0;
    ava_text_det_close(&det);
    why_text = "its model is missing or unusable";
#endif
    if (!j->have_nsfw)
        ava_log(lg, AVA_LOG_WARNING, "%s: no nudity or text measures: the maturity models in %s "
                "are missing or unusable (run scripts/fetch-models.sh); static overlays only",
                j->in->path, j->models_dir);
    else if (!j->have_text)
        ava_log(lg, AVA_LOG_WARNING, "%s: no on-screen text measures: %s", j->in->path,
                why_text);
    if (!j->have_nsfw)
        j->have_text = 0;
    /* user classifiers: each one that cannot be loaded (its error logged) is left out */
    j->n_specs = j->in->classifiers ? j->in->n_classifiers : 0;
    if (j->n_specs > AVA_CLASSIFIER_MAX)
        j->n_specs = AVA_CLASSIFIER_MAX;
    for (int k = 0; k < j->n_specs; k++) {
        AvaClassifier *c = NULL;
        j->use_cls[k] = ava_classifier_open(&c, &j->in->classifiers[k], j->models_dir, lg) >= 0;
        ava_classifier_close(&c);
        if (!j->use_cls[k])
            ava_log(lg, AVA_LOG_WARNING, "%s: classifier %s left out", j->in->path,
                    j->in->classifiers[k].name);
    }
}

int ava_maturity_pass(const AvaMaturityIn *in, const int64_t *pos, int n_pos, AvaMaturity *m,
                      AvaMaturityOut *out)
{
    memset(out, 0, sizeof(*out));
    if (n_pos < 0 || (n_pos > 0 && (!pos || !m)))
        return AVA_ERR(EINVAL);
    if (n_pos > 0)
        memset(m, 0, (size_t)n_pos * sizeof(*m));
    for (int i = 0; i < n_pos; i++)
        for (int k = 0; k < AVA_CLASSIFIER_MAX; k++)
            for (int c = 0; c < AVA_CLASSIFIER_MAX_CLASSES; c++)
                m[i].classes[k][c] = NAN;
    for (int i = 0; i < n_pos; i++)
        if (pos[i] < 0 || pos[i] >= in->n)
            return AVA_ERR(EINVAL);
    double t0 = now_s();
    Job j = { .in = in, .m = m };
    j.models_dir = in->models_dir ? in->models_dir : ava_models_default_dir();
    ava_overlay_size(in->si->display_width, in->si->display_height, &j.ow, &j.oh);
    int ret = ava_store_maturity_create(in->st, in->lg);
    if (ret < 0)
        return ret;
    AvaOverlayMask mask = { 0 };
    probe_models(&j, in->lg);
    out->ran = j.have_nsfw;
    out->text_ran = j.have_text;
    for (int k = 0; k < j.n_specs; k++)
        out->n_classifiers_ran += j.use_cls[k];
    j.pos = pos;
    AvaExportItem *items = calloc((size_t)(n_pos ? n_pos : 1), sizeof(*items));
    j.cap_geo = calloc((size_t)(n_pos ? n_pos : 1), sizeof(double));
    j.cap_cy = calloc((size_t)(n_pos ? n_pos : 1), sizeof(double));
    if (!items || !j.cap_geo || !j.cap_cy)
        ret = AVA_ERR(ENOMEM);
    for (int k = 0; k < n_pos && ret >= 0; k++) {
        double t;
        items[k].frame = in->frames[pos[k]];
        ret = ava_store_frame_time(in->st, items[k].frame, &items[k].pts, &t);
    }
    /* The nets measure every pool frame: decode them with the samples. */
    int shared = n_pos > 0 && (j.have_nsfw || out->n_classifiers_ran > 0);
    if (ret >= 0 && shared) {
        j.pool_luma = malloc((size_t)n_pos * j.ow * j.oh);
        j.pool_boxes = malloc((size_t)n_pos * MAX_BOXES * sizeof(*j.pool_boxes));
        j.pool_n_boxes = malloc((size_t)n_pos * sizeof(*j.pool_n_boxes));
        if (!j.pool_luma || !j.pool_boxes || !j.pool_n_boxes)
            ret = AVA_ERR(ENOMEM);
    }
    if (ret >= 0)
        ret = find_overlays(in, &j, &mask, out, shared ? items : NULL, shared ? n_pos : 0);
    j.mask = &mask;
    j.ov = out->overlays;
    j.n_ov = out->n_overlays;
    int threads = in->n_threads < MAX_WORKERS ? in->n_threads : MAX_WORKERS;
    /* without the nets the pool frames are decoded only for the overlays' visible share */
    if (ret >= 0 && shared)
        ret = finish_pool(&j, n_pos);
    else if (ret >= 0 && n_pos > 0 && out->n_overlays > 0)
        ret = ava_fetch_frames(in->path, in->si, in->scan, items, n_pos, threads, on_pool, &j,
                               in->lg);
    free(j.pool_luma);
    free(j.pool_boxes);
    free(j.pool_n_boxes);
    int nn = 0, nd = 0;
    double sn = 0, sd = 0;
    for (int w = 0; w < MAX_WORKERS; w++) {
        ava_maturity_nets_close(&j.nets[w]);
        free(j.scratch[w]);
        nn += j.nets[w].n_nsfw;
        nd += j.nets[w].n_text;
        sn += j.nets[w].nsfw_s;
        sd += j.nets[w].text_s;
    }
    out->nsfw_ms = nn ? 1000 * sn / nn : 0;
    out->text_ms = nd ? 1000 * sd / nd : 0;
    if (ret >= 0)
        ret = caption_support(in, pos, n_pos, &j);
    if (ret >= 0)
        ret = ava_store_begin(in->st);
    for (int k = 0; k < out->n_overlays && ret >= 0; k++)
        ret = ava_store_put_overlay(in->st, k + 1, &out->overlays[k], in->lg);
    for (int k = 0; k < n_pos && ret >= 0; k++) {
        ret = ava_store_put_maturity(in->st, in->frames[pos[k]], &m[k], m[k].text_measured,
                                     in->lg);
        for (int c = 0; c < j.n_specs && ret >= 0; c++)
            if (j.use_cls[c] && !isnan(m[k].classes[c][0]))
                ret = ava_store_put_classes(in->st, in->frames[pos[k]], &in->classifiers[c],
                                            m[k].classes[c], in->lg);
    }
    if (ret >= 0)
        ret = ava_store_commit(in->st);
    ava_overlay_mask_free(&mask);
    free(items);
    free(j.cap_geo);
    free(j.cap_cy);
    out->seconds = now_s() - t0;
    if (ret >= 0) {
        ava_log(in->lg, AVA_LOG_INFO, "%s: maturity on %d frames (nsfw %.1f ms, text %.1f ms "
                "a frame), overlays %d from %d samples over %d shots, %.1f s", in->path, n_pos,
                out->nsfw_ms, out->text_ms, out->n_overlays, out->n_samples,
                out->n_sample_shots, out->seconds);
        for (int k = 0; k < out->n_overlays; k++) {
            const AvaOverlay *o = &out->overlays[k];
            ava_log(in->lg, AVA_LOG_VERBOSE, "%s: overlay %d at x %.3f y %.3f w %.3f h %.3f, "
                    "persistence %.2f, %d shots", in->path, k + 1, (double)o->box.x,
                    (double)o->box.y, (double)o->box.w, (double)o->box.h, (double)o->box.score,
                    o->n_shots);
        }
    }
    return ret;
}
