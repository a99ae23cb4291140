/* SPDX-License-Identifier: MIT */
/** @file Square padding + bilinear resize + mean/255 normalisation (face-api's input path). */
#include <math.h>

#include "src/nn/preprocess.h"

void ava_nn_center_offset(int w, int h, int *ox, int *oy)
{
    /* padToSquare: round(diff / 2) zeros appended, the rest prepended. */
    int diff = w > h ? w - h : h - w, pre = diff - (int)floor(diff * 0.5 + 0.5);
    *ox = w < h ? pre : 0;
    *oy = h < w ? pre : 0;
}

/* The tap columns are computed once per call: 2.8 -> 1.8 ms for a 1920x1280 image at 416. */
/* mean != NULL: (v - mean[c]) / 255; else v / div - sub (both in float32, as tfjs). */
static void square_resize(const uint8_t *rgb, int w, int h, ptrdiff_t stride, int ox, int oy,
                          int size, const float *mean, float div, float sub, float *dst)
{
    int s = w > h ? w : h, n = size;
    double ratio = (double)s / n;
    int tx0[AVA_PREPROCESS_MAX_SIZE], tx1[AVA_PREPROCESS_MAX_SIZE];
    double tdx[AVA_PREPROCESS_MAX_SIZE];
    for (int col = 0; col < n; col++) {
        double fx = ratio * col;
        int x0 = (int)floor(fx), x1 = (int)ceil(fx);
        tx0[col] = x0 - ox; /* image column, or out of range = padding */
        tx1[col] = (x1 > s - 1 ? s - 1 : x1) - ox;
        tdx[col] = fx - x0;
    }
    static const uint8_t zeros[3] = { 0, 0, 0 };
    for (int r = 0; r < n; r++) {
        double fy = ratio * r;
        int y0 = (int)floor(fy), y1 = (int)ceil(fy);
        if (y1 > s - 1)
            y1 = s - 1;
        double dy = fy - y0;
        y0 -= oy;
        y1 -= oy;
        const uint8_t *row0 = y0 >= 0 && y0 < h ? rgb + (ptrdiff_t)y0 * stride : NULL;
        const uint8_t *row1 = y1 >= 0 && y1 < h ? rgb + (ptrdiff_t)y1 * stride : NULL;
        for (int col = 0; col < n; col++) {
            int x0 = tx0[col], x1 = tx1[col];
            int in0 = x0 >= 0 && x0 < w, in1 = x1 >= 0 && x1 < w;
            double dx = tdx[col];
            const uint8_t *tl = row0 && in0 ? row0 + x0 * 3 : zeros;
            const uint8_t *tr = row0 && in1 ? row0 + x1 * 3 : zeros;
            const uint8_t *bl = row1 && in0 ? row1 + x0 * 3 : zeros;
            const uint8_t *br = row1 && in1 ? row1 + x1 * 3 : zeros;
            for (int ch = 0; ch < 3; ch++) {
                double top = tl[ch] + (double)(tr[ch] - tl[ch]) * dx;
                double bottom = bl[ch] + (double)(br[ch] - bl[ch]) * dx;
                float v = (float)(top + (bottom - top) * dy);
                *dst++ = mean ? (v - mean[ch]) / 255.0f : v / div - sub;
            }
        }
    }
}

void ava_nn_square_resize(const uint8_t *rgb, int w, int h, ptrdiff_t stride, int ox, int oy,
                          int size, const float mean[3], float *dst)
{
    square_resize(rgb, w, h, stride, ox, oy, size, mean, 0, 0, dst);
}

void ava_nn_square_resize_scaled(const uint8_t *rgb, int w, int h, ptrdiff_t stride, int ox,
                                 int oy, int size, float div, float sub, float *dst)
{
    square_resize(rgb, w, h, stride, ox, oy, size, NULL, div, sub, dst);
}
