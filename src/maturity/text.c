/* SPDX-License-Identifier: MIT */
/** @file Text area, lines and the caption rule (see text.h and docs/analyze.md). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "src/maturity/text.h"

static double clamp01(double v)
{
    return v < 0 ? 0 : v > 1 ? 1 : v;
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

double ava_text_union(const AvaNormBox *b, int n)
{
    if (n <= 0)
        return 0;
    /* Coordinate compression: the union is exact on the grid of all box edges. */
    double *xs = malloc((size_t)4 * n * sizeof(*xs));
    if (!xs)
        return NAN;
    double *ys = xs + 2 * n;
    for (int i = 0; i < n; i++) {
        xs[2 * i] = clamp01(b[i].x);
        xs[2 * i + 1] = clamp01((double)b[i].x + b[i].w);
        ys[2 * i] = clamp01(b[i].y);
        ys[2 * i + 1] = clamp01((double)b[i].y + b[i].h);
    }
    qsort(xs, (size_t)2 * n, sizeof(*xs), cmp_double);
    qsort(ys, (size_t)2 * n, sizeof(*ys), cmp_double);
    double area = 0;
    for (int i = 0; i + 1 < 2 * n; i++) {
        double cx = (xs[i] + xs[i + 1]) / 2, wx = xs[i + 1] - xs[i];
        if (wx <= 0)
            continue;
        for (int j = 0; j + 1 < 2 * n; j++) {
            double cy = (ys[j] + ys[j + 1]) / 2, hy = ys[j + 1] - ys[j];
            if (hy <= 0)
                continue;
            for (int k = 0; k < n; k++)
                if (cx >= b[k].x && cx <= b[k].x + b[k].w && cy >= b[k].y &&
                    cy <= b[k].y + b[k].h) {
                    area += wx * hy;
                    break;
                }
        }
    }
    free(xs);
    return clamp01(area);
}

static double inter(const AvaNormBox *a, double x0, double y0, double x1, double y1)
{
    double ix = fmin(a->x + a->w, x1) - fmax(a->x, x0);
    double iy = fmin(a->y + a->h, y1) - fmax(a->y, y0);
    return ix > 0 && iy > 0 ? ix * iy : 0;
}

int ava_text_drop_overlays(AvaNormBox *b, int n, const AvaOverlay *ov, int n_ov)
{
    int out = 0;
    for (int i = 0; i < n; i++) {
        double area = (double)b[i].w * b[i].h;
        int inside = 0;
        for (int k = 0; k < n_ov && !inside; k++) {
            const AvaNormBox *o = &ov[k].box;
            double m = AVA_TEXT_OVERLAY_MARGIN;
            inside = 2 * inter(&b[i], o->x - m, o->y - m, o->x + o->w + m, o->y + o->h + m) >=
                     area;
        }
        if (!inside)
            b[out++] = b[i];
    }
    return out;
}

int ava_text_drop_glyphs(AvaNormBox *b, int n, double aspect)
{
    int out = 0;
    for (int i = 0; i < n; i++)
        if (b[i].h > 0 && b[i].w * aspect >= AVA_TEXT_MIN_ASPECT * b[i].h)
            b[out++] = b[i];
    return out;
}

int ava_text_lines(const AvaNormBox *b, int n, double aspect, AvaNormBox *lines, int max)
{
    int nl = 0;
    for (int i = 0; i < n && nl < max; i++)
        lines[nl++] = b[i];
    for (int changed = 1; changed;) {
        changed = 0;
        for (int a = 0; a < nl; a++)
            for (int c = a + 1; c < nl; c++) {
                AvaNormBox *p = &lines[a], *q = &lines[c];
                double ov = fmin(p->y + p->h, q->y + q->h) - fmax(p->y, q->y);
                double gap = fmax(p->x, q->x) - fmin(p->x + p->w, q->x + q->w);
                /* heights in units of the frame width, to compare with horizontal gaps */
                double hmin = fmin(p->h, q->h), hmax = fmax(p->h, q->h) / aspect;
                if (2 * ov < hmin || gap > hmax)
                    continue;
                double x0 = fmin(p->x, q->x), y0 = fmin(p->y, q->y);
                double x1 = fmax(p->x + p->w, q->x + q->w), y1 = fmax(p->y + p->h, q->y + q->h);
                *p = (AvaNormBox){ (float)x0, (float)y0, (float)(x1 - x0), (float)(y1 - y0),
                                   fmaxf(p->score, q->score) };
                lines[c] = lines[--nl];
                changed = 1;
                c--;
            }
    }
    return nl;
}

double ava_caption_geometry(const AvaNormBox *l, double aspect)
{
    double cx = l->x + l->w / 2.0, cy = l->y + l->h / 2.0;
    /* bottom band: full from 0.72 of the height down, nothing above 0.60; top band (some
     * subtitles, e.g. for a second speaker): 0.8 at most, full above 0.15, none below 0.25 */
    double band = fmax(clamp01((cy - 0.60) / 0.12), 0.8 * clamp01((0.25 - cy) / 0.10));
    /* centred: full within 0.08 of the middle, none 0.25 away */
    double centre = clamp01((0.25 - fabs(cx - 0.5)) / 0.17);
    /* a line of text: width / height (pixels) full from 4, none at 2 */
    double ratio = l->h > 0 ? l->w * aspect / l->h : 0;
    double shape = clamp01((ratio - 2) / 2);
    /* the height of subtitle text: full for 2.5 % .. 12 % of the frame height */
    double height = l->h < 0.025 ? clamp01((l->h - 0.0125) / 0.0125)
                                 : clamp01((0.20 - l->h) / 0.08);
    return band * centre * shape * height;
}

int ava_caption_support(const double *geo, const double *cy, const int *shot, int n,
                        double *caption)
{
    /* dense shot indices, in order of first appearance */
    int *dense = malloc((size_t)(n ? n : 1) * sizeof(*dense));
    uint8_t *hit = calloc((size_t)(n ? n : 1), 1);
    if (!dense || !hit) {
        free(dense);
        free(hit);
        return AVA_ERR(ENOMEM);
    }
    int n_shots = 0;
    for (int i = 0; i < n; i++) {
        int d = -1;
        for (int k = 0; k < i && d < 0; k++)
            if (shot[k] == shot[i])
                d = dense[k];
        dense[i] = d >= 0 ? d : n_shots++;
    }
    for (int i = 0; i < n; i++) {
        caption[i] = geo[i];
        if (geo[i] <= 0 || n_shots < 2)
            continue;
        memset(hit, 0, (size_t)n_shots);
        int hits = 0;
        for (int k = 0; k < n; k++)
            if (dense[k] != dense[i] && !hit[dense[k]] && geo[k] >= AVA_CAPTION_LIKE &&
                fabs(cy[k] - cy[i]) <= AVA_CAPTION_BAND_DY) {
                hit[dense[k]] = 1;
                hits++;
            }
        double support = (double)hits / (n_shots - 1);
        caption[i] = geo[i] * (AVA_CAPTION_BASE + (1 - AVA_CAPTION_BASE) * support);
    }
    free(dense);
    free(hit);
    return 0;
}
