/* SPDX-License-Identifier: MIT */
/** @file Static overlays from edge persistence across shots (see overlay.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "src/maturity/overlay.h"

/* Components: pixels within this Chebyshev distance are joined (letters of a word). */
#define JOIN_PX 2
/* Smallest component kept: pixels and box side, analysis px. */
#define MIN_PIXELS 8
#define MIN_SIDE 3
/* Boxes larger than this share of the frame are scene structure, not an overlay. */
#define MAX_AREA 0.25
/* A line this thin spanning this share of a side is a letterbox or pillarbox edge. */
#define BORDER_THIN 4
#define BORDER_SPAN 0.5

void ava_overlay_size(int dw, int dh, int *w, int *h)
{
    int ow = dw < AVA_OVERLAY_WIDTH ? dw : AVA_OVERLAY_WIDTH;
    int oh = (int)(((int64_t)dh * ow + dw / 2) / dw);
    *w = ow > 1 ? ow : 1;
    *h = oh > 1 ? oh : 1;
}

void ava_overlay_luma(const uint8_t *rgb, int w, int h, ptrdiff_t stride, uint8_t *out, int ow,
                      int oh)
{
    for (int y = 0; y < oh; y++) {
        int y0 = (int)((int64_t)y * h / oh), y1 = (int)((int64_t)(y + 1) * h / oh);
        if (y1 <= y0)
            y1 = y0 + 1;
        for (int x = 0; x < ow; x++) {
            int x0 = (int)((int64_t)x * w / ow), x1 = (int)((int64_t)(x + 1) * w / ow);
            if (x1 <= x0)
                x1 = x0 + 1;
            uint64_t sum = 0, cnt = 0;
            for (int yy = y0; yy < y1; yy++) {
                const uint8_t *p = rgb + (ptrdiff_t)yy * stride + (ptrdiff_t)x0 * 3;
                for (int xx = x0; xx < x1; xx++, p += 3, cnt++)
                    sum += 19595u * p[0] + 38470u * p[1] + 7471u * p[2];
            }
            out[(size_t)y * ow + x] = (uint8_t)((sum / cnt + 32768) >> 16);
        }
    }
}

void ava_overlay_edges(const uint8_t *l, int w, int h, uint8_t *e)
{
    memset(e, 0, (size_t)w * h);
    for (int y = 1; y + 1 < h; y++) {
        const uint8_t *a = l + (size_t)(y - 1) * w, *b = a + w, *c = b + w;
        uint8_t *d = e + (size_t)y * w;
        for (int x = 1; x + 1 < w; x++) {
            int gx = (a[x + 1] + 2 * b[x + 1] + c[x + 1]) - (a[x - 1] + 2 * b[x - 1] + c[x - 1]);
            int gy = (c[x - 1] + 2 * c[x] + c[x + 1]) - (a[x - 1] + 2 * a[x] + a[x + 1]);
            int ax = abs(gx), ay = abs(gy);
            if (ax + ay < 8 * AVA_OVERLAY_EDGE_TH)
                continue;
            /* direction in 8 bins of 45 degrees: the axis (tan(22.5) = 0.4142 ~ 53 / 128)
             * and the sign along it */
            int bin, neg;
            if (128 * ay <= 53 * ax) {
                bin = 1;
                neg = gx < 0;
            } else if (128 * ax <= 53 * ay) {
                bin = 3;
                neg = gy < 0;
            } else {
                bin = (gx > 0) == (gy > 0) ? 2 : 4;
                neg = gx < 0;
            }
            d[x] = (uint8_t)(bin + 4 * neg);
        }
    }
}

typedef struct Comp {
    int x0, y0, x1, y1;     ///< inclusive box, analysis px
    int64_t n;              ///< persistent pixels
    double freq;            ///< sum of their edge frequencies
    int label;              ///< component labels merged into this one share the first
    int keep;
} Comp;

static int grow(Comp **c, int *cap, int n)
{
    if (n < *cap)
        return 0;
    int nc = *cap ? *cap * 2 : 64;
    Comp *p = realloc(*c, (size_t)nc * sizeof(*p));
    if (!p)
        return AVA_ERR(ENOMEM);
    *c = p;
    *cap = nc;
    return 0;
}

/* Label the persistent pixels (lab: 0 none, k+1 component k), joining within JOIN_PX. */
static int label_components(const uint8_t *pers, const uint16_t *count, int n_samples, int w,
                            int h, int32_t *lab, Comp **comps, int *n_comps)
{
    int32_t *stack = malloc((size_t)w * h * sizeof(*stack));
    if (!stack)
        return AVA_ERR(ENOMEM);
    memset(lab, 0, (size_t)w * h * sizeof(*lab));
    int nc = 0, cap = 0;
    Comp *c = NULL;
    for (int i = 0; i < w * h; i++) {
        if (!pers[i] || lab[i])
            continue;
        if (grow(&c, &cap, nc) < 0) {
            free(stack);
            free(c);
            return AVA_ERR(ENOMEM);
        }
        Comp *k = &c[nc++];
        *k = (Comp){ .x0 = w, .y0 = h, .x1 = -1, .y1 = -1, .label = nc };
        int sp = 0;
        stack[sp++] = i;
        lab[i] = nc;
        while (sp) {
            int p = stack[--sp], px = p % w, py = p / w;
            k->n++;
            k->freq += (double)count[p] / n_samples;
            k->x0 = px < k->x0 ? px : k->x0;
            k->x1 = px > k->x1 ? px : k->x1;
            k->y0 = py < k->y0 ? py : k->y0;
            k->y1 = py > k->y1 ? py : k->y1;
            for (int dy = -JOIN_PX; dy <= JOIN_PX; dy++)
                for (int dx = -JOIN_PX; dx <= JOIN_PX; dx++) {
                    int qx = px + dx, qy = py + dy;
                    if (qx < 0 || qy < 0 || qx >= w || qy >= h)
                        continue;
                    int q = qy * w + qx;
                    if (pers[q] && !lab[q]) {
                        lab[q] = nc;
                        stack[sp++] = q;
                    }
                }
        }
    }
    free(stack);
    *comps = c;
    *n_comps = nc;
    return 0;
}

/* Mean edge frequency over the ring of width r around the box (clipped to the image). */
static double ring_freq(const Comp *k, const uint16_t *count, int n_samples, int w, int h)
{
    int bh = k->y1 - k->y0 + 1;
    int r = bh / 2 > 3 ? bh / 2 : 3;
    int x0 = k->x0 - r > 0 ? k->x0 - r : 0, x1 = k->x1 + r < w - 1 ? k->x1 + r : w - 1;
    int y0 = k->y0 - r > 0 ? k->y0 - r : 0, y1 = k->y1 + r < h - 1 ? k->y1 + r : h - 1;
    double sum = 0;
    int64_t cnt = 0;
    for (int y = y0; y <= y1; y++)
        for (int x = x0; x <= x1; x++) {
            if (x >= k->x0 && x <= k->x1 && y >= k->y0 && y <= k->y1)
                continue;
            sum += count[(size_t)y * w + x];
            cnt++;
        }
    return cnt ? sum / n_samples / cnt : 0;
}

static int cmp_comp(const void *x, const void *y)
{
    const Comp *a = x, *b = y;
    if (a->n != b->n)
        return a->n < b->n ? 1 : -1;
    return a->label - b->label;
}

int ava_overlay_find(const uint8_t *const *luma, const int *shot, int n, int w, int h,
                     AvaOverlayMask *mask, AvaOverlay *ov, int max, int *n_ov)
{
    memset(mask, 0, sizeof(*mask));
    *n_ov = 0;
    if (n < 0 || w < 1 || h < 1 || n > 65535)
        return AVA_ERR(EINVAL);
    size_t np = (size_t)w * h;
    mask->w = w;
    mask->h = h;
    mask->mask = calloc(np, 1);
    uint8_t *edges = malloc((n ? (size_t)n : 1) * np);
    uint16_t *count4 = calloc(AVA_OVERLAY_DIRS * np, sizeof(*count4));
    uint16_t *in_shot = calloc(AVA_OVERLAY_DIRS * np, sizeof(*in_shot));
    uint16_t *shots_with = calloc(AVA_OVERLAY_DIRS * np, sizeof(*shots_with));
    uint16_t *count = calloc(np, sizeof(*count));
    uint8_t *pers = calloc(np, 1);
    int32_t *lab = malloc(np * sizeof(*lab));
    Comp *c = NULL;
    int nc = 0, ret = 0;
    if (!mask->mask || !edges || !count4 || !in_shot || !shots_with || !count || !pers || !lab) {
        ret = AVA_ERR(ENOMEM);
        goto done;
    }
    /* Per pixel and edge direction: samples and shots with that edge. Shots are runs of
     * equal ids (samples are in time order). */
    int n_runs = 0;
    for (int i = 0; i < n; i++) {
        uint8_t *e = edges + (size_t)i * np;
        ava_overlay_edges(luma[i], w, h, e);
        for (size_t p = 0; p < np; p++)
            if (e[p]) {
                count4[(e[p] - 1) * np + p]++;
                in_shot[(e[p] - 1) * np + p]++;
            }
        if (i + 1 == n || shot[i + 1] != shot[i]) {
            int run_first = i;
            while (run_first > 0 && shot[run_first - 1] == shot[i])
                run_first--;
            int len = i - run_first + 1;
            for (size_t p = 0; p < AVA_OVERLAY_DIRS * np; p++) {
                shots_with[p] += 2 * in_shot[p] >= len;
                in_shot[p] = 0;
            }
            n_runs++;
        }
    }
    if (n_runs < AVA_OVERLAY_MIN_SHOTS)
        goto done;
    int need_shots = (int)ceil(AVA_OVERLAY_MIN_SHOT_SHARE * n_runs - 1e-9);
    if (need_shots < AVA_OVERLAY_MIN_SHOTS)
        need_shots = AVA_OVERLAY_MIN_SHOTS;
    int need_count = (int)ceil(AVA_OVERLAY_MIN_FREQ * n - 1e-9);
    /* a pixel's edge: its most frequent direction (pers = that bin + 1 when persistent) */
    for (size_t p = 0; p < np; p++) {
        int best = 0;
        for (int b = 1; b < AVA_OVERLAY_DIRS; b++)
            if (count4[b * np + p] > count4[best * np + p])
                best = b;
        count[p] = count4[best * np + p];
        pers[p] = count[p] >= need_count && shots_with[best * np + p] >= need_shots
                      ? (uint8_t)(best + 1) : 0;
    }
    if ((ret = label_components(pers, count, n, w, h, lab, &c, &nc)) < 0)
        goto done;
    for (int k = 0; k < nc; k++) {
        Comp *q = &c[k];
        int bw = q->x1 - q->x0 + 1, bh = q->y1 - q->y0 + 1;
        q->keep = q->n >= MIN_PIXELS && bw >= MIN_SIDE && bh >= MIN_SIDE &&
                  (double)bw * bh <= MAX_AREA * w * h &&
                  !(bh <= BORDER_THIN && bw >= BORDER_SPAN * w) &&
                  !(bw <= BORDER_THIN && bh >= BORDER_SPAN * h) &&
                  ring_freq(q, count, n, w, h) <= AVA_OVERLAY_MAX_RING_FREQ;
    }
    /* Join kept components on one line (the words of a watermark): vertical overlap of half
     * the smaller height, horizontal gap at most 1.5 times the larger height. */
    for (int changed = 1; changed;) {
        changed = 0;
        for (int a = 0; a < nc; a++)
            for (int b = 0; b < nc && c[a].keep; b++) {
                if (a == b || !c[b].keep)
                    continue;
                int ha = c[a].y1 - c[a].y0 + 1, hb = c[b].y1 - c[b].y0 + 1;
                int ov_y = (c[a].y1 < c[b].y1 ? c[a].y1 : c[b].y1) -
                           (c[a].y0 > c[b].y0 ? c[a].y0 : c[b].y0) + 1;
                int gap = c[a].x0 > c[b].x1 ? c[a].x0 - c[b].x1 - 1
                          : c[b].x0 > c[a].x1 ? c[b].x0 - c[a].x1 - 1 : 0;
                int hmin = ha < hb ? ha : hb, hmax = ha > hb ? ha : hb;
                if (2 * ov_y < hmin || 2 * gap > 3 * hmax)
                    continue;
                c[a].x0 = c[a].x0 < c[b].x0 ? c[a].x0 : c[b].x0;
                c[a].y0 = c[a].y0 < c[b].y0 ? c[a].y0 : c[b].y0;
                c[a].x1 = c[a].x1 > c[b].x1 ? c[a].x1 : c[b].x1;
                c[a].y1 = c[a].y1 > c[b].y1 ? c[a].y1 : c[b].y1;
                c[a].n += c[b].n;
                c[a].freq += c[b].freq;
                c[b].keep = 0;
                for (size_t p = 0; p < np; p++)
                    if (lab[p] == c[b].label)
                        lab[p] = c[a].label;
                changed = 1;
            }
    }
    int *keep_of = calloc((size_t)nc + 1, sizeof(*keep_of));
    if (!keep_of) {
        ret = AVA_ERR(ENOMEM);
        goto done;
    }
    for (int k = 0; k < nc; k++)
        keep_of[c[k].label] = c[k].keep;
    for (size_t p = 0; p < np; p++)
        if (lab[p] && keep_of[lab[p]]) {
            mask->mask[p] = pers[p];
            mask->n_mask++;
        }
    free(keep_of);
    if (nc > 1)
        qsort(c, (size_t)nc, sizeof(*c), cmp_comp);
    for (int k = 0; k < nc && *n_ov < max; k++) {
        if (!c[k].keep)
            continue;
        AvaOverlay *o = &ov[(*n_ov)++];
        o->box = (AvaNormBox){ (float)c[k].x0 / w, (float)c[k].y0 / h,
                               (float)(c[k].x1 - c[k].x0 + 1) / w,
                               (float)(c[k].y1 - c[k].y0 + 1) / h,
                               (float)(c[k].freq / c[k].n) };
        /* shots in which at least half of its pixels have their edge in at least half of
         * that shot's samples */
        o->n_shots = 0;
        for (int i = 0; i < n;) {
            int j = i;
            while (j < n && shot[j] == shot[i])
                j++;
            int64_t hit = 0;
            for (int y = c[k].y0; y <= c[k].y1; y++)
                for (int x = c[k].x0; x <= c[k].x1; x++) {
                    size_t p = (size_t)y * w + x;
                    if (lab[p] != c[k].label)
                        continue;
                    int cnt = 0;
                    for (int s = i; s < j; s++)
                        cnt += edges[(size_t)s * np + p] == pers[p];
                    hit += 2 * cnt >= j - i;
                }
            o->n_shots += 2 * hit >= c[k].n;
            i = j;
        }
    }
done:
    if (ret < 0)
        ava_overlay_mask_free(mask);
    free(edges);
    free(count);
    free(count4);
    free(in_shot);
    free(shots_with);
    free(pers);
    free(lab);
    free(c);
    return ret;
}

double ava_overlay_visible(const AvaOverlayMask *m, const uint8_t *luma, uint8_t *scratch)
{
    if (!m->mask || m->n_mask == 0)
        return 0;
    ava_overlay_edges(luma, m->w, m->h, scratch);
    int64_t hit = 0;
    for (size_t p = 0; p < (size_t)m->w * m->h; p++)
        hit += m->mask[p] && scratch[p] == m->mask[p];
    return (double)hit / m->n_mask;
}

void ava_overlay_mask_free(AvaOverlayMask *m)
{
    if (!m)
        return;
    free(m->mask);
    memset(m, 0, sizeof(*m));
}
