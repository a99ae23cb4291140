/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Detector windows and the merge of their detections.
 *
 * Both detectors squeeze the whole image into one square input (512 px for SSD), so a face
 * of 3 % of a 1080p frame's height (32 px) would be 8.5 px there, below what the nets find.
 * The plan keeps the whole-image pass (it finds the large faces, which tiles would cut) and,
 * only when needed, adds overlapping tiles sized so that the smallest wanted face reaches
 * min_net_px input pixels; the overlap is wide enough that every face too small for the
 * whole-image pass lies entirely inside some tile. docs/faces.md has the measurements.
 */
#include <math.h>
#include <stdlib.h>

#include "src/faces/faces.h"

static void axis(int len, int side, int ov, int *n, int *step)
{
    if (side >= len) {
        *n = 1;
        *step = 0;
        return;
    }
    *n = (int)ceil((double)(len - ov) / (side - ov));
    if (*n < 2)
        *n = 2;
    *step = (len - side) / (*n - 1);
}

int ava_face_plan_tiles(int w, int h, float min_face_frac, int net_size, float min_net_px,
                        AvaFaceTile *tiles)
{
    tiles[0] = (AvaFaceTile){ 0, 0, w, h };
    int big = w > h ? w : h;
    double face = min_face_frac * h;
    double scale = (double)net_size / big;
    if (!(min_face_frac > 0) || face * scale >= min_net_px)
        return 1;
    /* faces the whole-image pass misses are below this size (source pixels) */
    double reach = min_net_px / scale;
    int ov = (int)ceil(reach * 1.25);
    int side = (int)floor(face * net_size / min_net_px);
    if (side < 2 * ov)
        side = 2 * ov;
    for (;;) {
        int tw = side < w ? side : w, th = side < h ? side : h;
        int nx, ny, sx, sy;
        axis(w, tw, ov, &nx, &sx);
        axis(h, th, ov, &ny, &sy);
        if (nx * ny + 1 <= AVA_FACE_MAX_TILES) {
            int k = 1;
            for (int j = 0; j < ny; j++)
                for (int i = 0; i < nx; i++) {
                    int x = i == nx - 1 ? w - tw : i * sx;
                    int y = j == ny - 1 ? h - th : j * sy;
                    tiles[k++] = (AvaFaceTile){ x, y, tw, th };
                }
            return k;
        }
        side += side / 4; /* too many tiles: coarser (smaller faces then need more score) */
    }
}

static int by_score(const void *a, const void *b)
{
    float sa = ((const AvaFaceDet *)a)->score, sb = ((const AvaFaceDet *)b)->score;
    return (sa < sb) - (sa > sb);
}

static float inter(const AvaFaceDet *a, const AvaFaceDet *b)
{
    float x0 = fmaxf(a->x, b->x), y0 = fmaxf(a->y, b->y);
    float x1 = fminf(a->x + a->w, b->x + b->w), y1 = fminf(a->y + a->h, b->y + b->h);
    return fmaxf(x1 - x0, 0) * fmaxf(y1 - y0, 0);
}

int ava_face_merge(AvaFaceDet *d, int n, float iou, float cover)
{
    if (n > 1)
        qsort(d, (size_t)n, sizeof(*d), by_score);
    int kept = 0;
    for (int i = 0; i < n; i++) {
        int drop = 0;
        float ai = d[i].w * d[i].h;
        for (int k = 0; k < kept && !drop; k++) {
            float in = inter(&d[i], &d[k]);
            float ak = d[k].w * d[k].h;
            if (in >= iou * (ai + ak - in) || in >= cover * ai)
                drop = 1;
        }
        if (!drop)
            d[kept++] = d[i];
    }
    return kept;
}
