/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Shot detection over pass-1 signals (see shot_detect.h).
 *
 * Hard cuts: PySceneDetect's AdaptiveDetector rule: a frame's content_delta divided by the
 * mean of its cut_window neighbours each side must reach cut_ratio, and the delta itself
 * cut_min_content. Sustained change (fast motion, a morph effect) raises the neighbours too
 * and so never cuts.
 * Fades: a run of black frames (blackdetect's rule: black_ratio >= pic_th) with the frames
 * whose brightness falls steadily into it and rises steadily out of it; the new shot starts
 * in the middle of the black run.
 * Dissolves: a run of frames with moderate change (twin comparison, Zhang et al. 1993) that
 * is accepted only if every frame is close to a cross-blend (1-a) A + a B of the frames
 * before and after the run, with a rising a, tested on the 16x9 thumbnails, and if the
 * luma variance dips in the middle as a blend's does (Alattar 1993: for images with
 * correlation r the variance at a = 0.5 is (1 + r) / 2 of the ends' mean), which a zoom or
 * a morph that happens to look blend-like at 16x9 does not.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ava/ava.h"
#include "src/shots/shot_detect.h"

void ava_shot_params_default(AvaShotParams *p)
{
    *p = (AvaShotParams){
        .cut_ratio = 3.0,
        .cut_min_content = 15.0,
        .cut_window = 2,
        .min_shot_frames = 15,
        .black_pic_th = 0.98,
        .gradual_low = 2.0,
        .gradual_max_frames = 90,
        .blend_max_residual = 0.30,
        .dissolve_max_var_ratio = 0.85,
    };
}

const char *ava_shot_kind_name(int kind)
{
    switch (kind) {
    case AVA_SHOT_CUT: return "cut";
    case AVA_SHOT_FADE: return "fade";
    case AVA_SHOT_DISSOLVE: return "dissolve";
    case AVA_SHOT_BLACK: return "black";
    default: return "start";
    }
}

void ava_shot_result_free(AvaShotResult *r)
{
    if (!r)
        return;
    free(r->shots);
    free(r->transitions);
    free(r->black);
    memset(r, 0, sizeof(*r));
}

typedef struct SpanList {
    AvaShotSpan *v;
    int n, cap;
} SpanList;

static int push(SpanList *l, int64_t first, int64_t last, int kind)
{
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 64;
        AvaShotSpan *v = realloc(l->v, (size_t)cap * sizeof(*v));
        if (!v)
            return AVA_ERR(ENOMEM);
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = (AvaShotSpan){ first, last, kind };
    return 0;
}

/* Brightness must move by at least this per frame to count as part of a fade. */
#define FADE_STEP 0.0015
#define FADE_MAX_FRAMES 90

static int find_fades(const AvaShotSignals *s, const uint8_t *black, SpanList *trans,
                      SpanList *starts)
{
    const double *br = s->brightness;
    for (int64_t i = 0; i < s->n;) {
        if (!black[i]) {
            i++;
            continue;
        }
        int64_t b0 = i, b1 = i;
        while (b1 + 1 < s->n && black[b1 + 1])
            b1++;
        int64_t fo = b0, fi = b1;
        while (fo > 0 && b0 - fo < FADE_MAX_FRAMES && !black[fo - 1] &&
               br[fo - 1] > br[fo] + FADE_STEP)
            fo--;
        while (fi + 1 < s->n && fi - b1 < FADE_MAX_FRAMES && !black[fi + 1] &&
               br[fi + 1] > br[fi] + FADE_STEP)
            fi++;
        int faded = b0 - fo >= 2 || fi - b1 >= 2;
        int ret = push(trans, fo, fi, faded ? AVA_SHOT_FADE : AVA_SHOT_BLACK);
        /* The boundary sits in the middle of the black run (PySceneDetect's ThresholdDetector
         * with fade_bias 0); none at the title's very start or end. */
        int64_t mid = b0 + (b1 - b0 + 1) / 2;
        if (ret == 0 && b0 > 0 && b1 + 1 < s->n)
            ret = push(starts, mid, mid, faded ? AVA_SHOT_FADE : AVA_SHOT_CUT);
        if (ret < 0)
            return ret;
        i = fi + 1;
    }
    return 0;
}

static int in_spans(const SpanList *l, int64_t i)
{
    for (int k = 0; k < l->n; k++)
        if (i >= l->v[k].first && i <= l->v[k].last + 1)
            return 1;
    return 0;
}

static int is_cut(const AvaShotSignals *s, const AvaShotParams *p, int64_t i)
{
    double c = s->content[i];
    if (isnan(c) || c < p->cut_min_content)
        return 0;
    double sum = 0;
    int m = 0;
    for (int64_t j = i - p->cut_window; j <= i + p->cut_window; j++) {
        if (j == i || j < 1 || j >= s->n || isnan(s->content[j]))
            continue;
        sum += s->content[j];
        m++;
    }
    double avg = m ? sum / m : 0;
    double ratio = avg > 1e-5 ? c / avg : 255.0;
    return ratio >= p->cut_ratio;
}

/* Least-squares blend position of T between A and B and the residual relative to |B-A|. */
static void blend_fit(const uint8_t *a, const uint8_t *b, const uint8_t *t, double *alpha,
                      double *residual)
{
    double ab = 0, at = 0;
    for (int k = 0; k < AVA_THUMB_BYTES; k++) {
        double d = (double)b[k] - a[k];
        ab += d * d;
        at += ((double)t[k] - a[k]) * d;
    }
    double al = ab > 0 ? at / ab : 0;
    double r = 0;
    for (int k = 0; k < AVA_THUMB_BYTES; k++) {
        double e = t[k] - ((1 - al) * a[k] + al * b[k]);
        r += e * e;
    }
    *alpha = al;
    *residual = ab > 0 ? sqrt(r / ab) : INFINITY;
}

/* Mean absolute thumbnail difference A-B below which two ends are "the same picture". */
#define DISSOLVE_MIN_CHANGE 12.0

static int test_dissolve(const AvaShotSignals *sig, const AvaShotParams *p, AvaThumbFn thumb,
                         void *cookie, int64_t s0, int64_t e, int64_t *mid)
{
    uint8_t a[AVA_THUMB_BYTES], b[AVA_THUMB_BYTES], t[AVA_THUMB_BYTES];
    int ret = thumb(cookie, s0 - 1, a);
    if (ret >= 0)
        ret = thumb(cookie, e, b);
    if (ret < 0)
        return ret;
    double change = 0;
    for (int k = 0; k < AVA_THUMB_BYTES; k++)
        change += fabs((double)a[k] - b[k]);
    if (change / AVA_THUMB_BYTES < DISSOLVE_MIN_CHANGE)
        return 0;
    double prev_alpha = 0, first_alpha = NAN, last_alpha = 0;
    *mid = -1;
    for (int64_t k = s0; k < e; k++) {
        if ((ret = thumb(cookie, k, t)) < 0)
            return ret;
        double al, r;
        blend_fit(a, b, t, &al, &r);
        if (r > p->blend_max_residual || al < -0.15 || al > 1.15 || al < prev_alpha - 0.1)
            return 0;
        if (isnan(first_alpha))
            first_alpha = al;
        if (*mid < 0 && al >= 0.5)
            *mid = k;
        prev_alpha = al > prev_alpha ? al : prev_alpha;
        last_alpha = al;
    }
    if (last_alpha - first_alpha < 0.5)
        return 0;
    if (*mid < 0)
        *mid = e;
    if (sig->contrast) {
        double va = sig->contrast[s0 - 1] * sig->contrast[s0 - 1];
        double vb = sig->contrast[e] * sig->contrast[e];
        double vm = sig->contrast[*mid] * sig->contrast[*mid];
        if (!(vm <= p->dissolve_max_var_ratio * 0.5 * (va + vb)))
            return 0;
    }
    return 1;
}

static int find_dissolves(const AvaShotSignals *s, const AvaShotParams *p, AvaThumbFn thumb,
                          void *cookie, const SpanList *cuts, SpanList *trans,
                          SpanList *starts)
{
    int n_fades = trans->n;
    for (int64_t i = 1; i < s->n;) {
        double c = s->content[i];
        if (isnan(c) || c < p->gradual_low || in_spans(cuts, i)) {
            i++;
            continue;
        }
        int64_t e = i;
        while (e + 1 < s->n && e + 1 - i < p->gradual_max_frames && !isnan(s->content[e + 1]) &&
               s->content[e + 1] >= p->gradual_low && !in_spans(cuts, e + 1))
            e++;
        int overlaps = 0;
        for (int k = 0; k < n_fades; k++)
            if (e >= trans->v[k].first && i <= trans->v[k].last)
                overlaps = 1;
        int64_t mid = -1;
        if (!overlaps && e - i + 1 >= 4) {
            int ret = test_dissolve(s, p, thumb, cookie, i, e, &mid);
            if (ret < 0)
                return ret;
            if (ret > 0 && ((ret = push(trans, i, e - 1, AVA_SHOT_DISSOLVE)) < 0 ||
                            (ret = push(starts, mid, mid, AVA_SHOT_DISSOLVE)) < 0))
                return ret;
        }
        i = e + 1;
    }
    return 0;
}

static int cmp_span(const void *x, const void *y)
{
    const AvaShotSpan *a = x, *b = y;
    return (a->first > b->first) - (a->first < b->first);
}

int ava_detect_shots(const AvaShotSignals *s, const AvaShotParams *p, AvaThumbFn thumb,
                     void *cookie, AvaShotResult *out)
{
    memset(out, 0, sizeof(*out));
    SpanList trans = { 0 }, starts = { 0 }, cuts = { 0 };
    int ret = AVA_ERR(ENOMEM);
    uint8_t *black = calloc((size_t)s->n + 1, 1);
    if (!black)
        goto fail;
    for (int64_t i = 0; i < s->n; i++)
        black[i] = s->black_ratio[i] >= p->black_pic_th;
    if ((ret = find_fades(s, black, &trans, &starts)) < 0)
        goto fail;
    for (int64_t i = 1; i < s->n; i++)
        if (is_cut(s, p, i) && !in_spans(&trans, i) && (ret = push(&cuts, i, i, AVA_SHOT_CUT)) < 0)
            goto fail;
    if (thumb && (ret = find_dissolves(s, p, thumb, cookie, &cuts, &trans, &starts)) < 0)
        goto fail;
    for (int k = 0; k < cuts.n; k++)
        if ((ret = push(&starts, cuts.v[k].first, cuts.v[k].first, AVA_SHOT_CUT)) < 0)
            goto fail;
    if (starts.n > 1)
        qsort(starts.v, (size_t)starts.n, sizeof(*starts.v), cmp_span);
    if (trans.n > 1)
        qsort(trans.v, (size_t)trans.n, sizeof(*trans.v), cmp_span);

    SpanList shots = { 0 };
    if ((ret = push(&shots, 0, s->n - 1, AVA_SHOT_START)) < 0)
        goto fail;
    for (int k = 0; k < starts.n; k++) {
        int64_t b = starts.v[k].first;
        AvaShotSpan *last = &shots.v[shots.n - 1];
        if (b - last->first < p->min_shot_frames || b >= s->n)
            continue;
        last->last = b - 1;
        if ((ret = push(&shots, b, s->n - 1, starts.v[k].kind)) < 0) {
            free(shots.v);
            goto fail;
        }
    }
    out->shots = shots.v;
    out->n_shots = shots.n;
    out->transitions = trans.v;
    out->n_transitions = trans.n;
    out->black = black;
    free(starts.v);
    free(cuts.v);
    return 0;
fail:
    free(black);
    free(trans.v);
    free(starts.v);
    free(cuts.v);
    return ret;
}
