/* SPDX-License-Identifier: MIT */
/** @file Tone, colourfulness, Laplacian sharpness, frame differences (see stats.h). */
#include <math.h>
#include <stdlib.h>

#include "src/analysis/stats.h"
#include "src/util/clones.h"

AVA_CLONES
void ava_tone_stats(const uint8_t *luma, int w, int h, int stride, AvaToneStats *out)
{
    uint64_t hist[256] = { 0 };
    for (int y = 0; y < h; y++) {
        const uint8_t *p = luma + (size_t)y * stride;
        for (int x = 0; x < w; x++)
            hist[p[x]]++;
    }
    double n = (double)w * h, sum = 0, sum2 = 0, lo = 0, hi = 0, black = 0;
    for (int v = 0; v < 256; v++) {
        sum += (double)v * hist[v];
        sum2 += (double)v * v * hist[v];
        if (v <= 5)
            lo += hist[v];
        if (v >= 250)
            hi += hist[v];
        if (v <= 24)
            black += hist[v];
    }
    double mean = sum / n;
    double var = sum2 / n - mean * mean;
    out->brightness = mean / 255.0;
    out->contrast = sqrt(var > 0 ? var : 0) / 255.0;
    out->shadows = lo / n;
    out->highlights = hi / n;
    out->black_ratio = black / n;
}

AVA_CLONES
double ava_colorfulness(const uint8_t *rgb, int w, int h, int stride)
{
    /* Integer sums of rg and 2*yb (exact), converted once at the end. */
    int64_t s_rg = 0, s_yb2 = 0;
    uint64_t s2_rg = 0, s2_yb2 = 0;
    for (int y = 0; y < h; y++) {
        const uint8_t *p = rgb + (size_t)y * stride;
        int32_t r_rg = 0, r_yb2 = 0;
        uint64_t r2_rg = 0, r2_yb2 = 0;
        for (int x = 0; x < w; x++, p += 3) {
            int rg = p[0] - p[1];
            int yb2 = p[0] + p[1] - 2 * p[2];
            r_rg += rg;
            r_yb2 += yb2;
            r2_rg += (uint64_t)(rg * rg);
            r2_yb2 += (uint64_t)(yb2 * yb2);
        }
        s_rg += r_rg;
        s_yb2 += r_yb2;
        s2_rg += r2_rg;
        s2_yb2 += r2_yb2;
    }
    double n = (double)w * h;
    double m_rg = s_rg / n, m_yb = s_yb2 / (2 * n);
    double v_rg = (double)s2_rg / n - m_rg * m_rg;
    double v_yb = (double)s2_yb2 / (4 * n) - m_yb * m_yb;
    if (v_rg < 0)
        v_rg = 0;
    if (v_yb < 0)
        v_yb = 0;
    return sqrt(v_rg + v_yb) + 0.3 * sqrt(m_rg * m_rg + m_yb * m_yb);
}

AVA_CLONES
double ava_laplacian_variance(const uint8_t *luma, int w, int h, int stride)
{
    if (w < 3 || h < 3)
        return 0;
    double sum = 0, sum2 = 0;
    for (int y = 1; y < h - 1; y++) {
        const uint8_t *p = luma + (size_t)y * stride;
        int64_t rs = 0, rs2 = 0;
        for (int x = 1; x < w - 1; x++) {
            int l = p[x - 1] + p[x + 1] + p[x - stride] + p[x + stride] - 4 * p[x];
            rs += l;
            rs2 += (int64_t)l * l;
        }
        sum += (double)rs;
        sum2 += (double)rs2;
    }
    double n = (double)(w - 2) * (h - 2);
    double mean = sum / n;
    double v = sum2 / n - mean * mean;
    return v > 0 ? v : 0;
}

AVA_CLONES
double ava_luma_mad(const uint8_t *a, const uint8_t *b, int w, int h, int stride)
{
    uint64_t s = 0;
    for (int y = 0; y < h; y++) {
        const uint8_t *pa = a + (size_t)y * stride, *pb = b + (size_t)y * stride;
        for (int x = 0; x < w; x++)
            s += (uint64_t)abs(pa[x] - pb[x]);
    }
    return (double)s / ((double)w * h * 255.0);
}

/* OpenCV's 8-bit RGB -> HSV (modules/imgproc/src/color_hsv.simd.hpp): fixed point with
 * 12 fractional bits and division tables (sdiv[v] = lrint((255 << 12) / v), hdiv[d] =
 * lrint((180 << 12) / (6 d))), so values match cv2.cvtColor exactly. The table entries are
 * computed per pixel by div_round() instead of looked up, so that the loop vectorises
 * without gathers. */
#define HSV_SHIFT 12

/* lrint(num / d) for 0 <= num < 2^24 and 1 <= d <= 255 (halves to even, as lrint in the
 * default rounding mode): the float quotient is within 0.07 of num / d, so its rounding is
 * at most one off, and the exact remainder says which way. */
static inline int div_round(int num, int d)
{
    int q = (int)((float)num / (float)d + 0.5f);
    int r2 = 2 * (num - q * d);
    int odd = q & 1;
    q += (r2 > d) - (r2 < -d);
    q += (r2 == d) & odd;
    q -= (r2 == -d) & odd;
    return q;
}

AVA_CLONES
void ava_rgb_to_hsv(const uint8_t *restrict rgb, int w, int h, int stride,
                    uint8_t *restrict hsv)
{
    const int round = 1 << (HSV_SHIFT - 1);
    for (int y = 0; y < h; y++) {
        const uint8_t *restrict p = rgb + (size_t)y * stride;
        uint8_t *restrict o = hsv + (size_t)y * w * 3;
        for (int x = 0; x < w; x++) {
            int r = p[3 * x], g = p[3 * x + 1], b = p[3 * x + 2];
            int v = r > g ? r : g;
            v = v > b ? v : b;
            int mn = r < g ? r : g;
            mn = mn < b ? mn : b;
            int diff = v - mn;
            int hh = v == r ? g - b : v == g ? b - r + 2 * diff : r - g + 4 * diff;
            /* entry 0 of both tables is 0, and then diff = hh = 0 anyway */
            int sdiv = div_round(255 << HSV_SHIFT, v > 0 ? v : 1);
            int hdiv = div_round((180 << HSV_SHIFT) / 6, diff > 0 ? diff : 1);
            int s = (diff * sdiv + round) >> HSV_SHIFT;
            hh = (hh * hdiv + round) >> HSV_SHIFT;
            hh += hh < 0 ? 180 : 0;
            hh -= hh >= 180 ? 180 : 0;
            o[3 * x] = (uint8_t)hh;
            o[3 * x + 1] = (uint8_t)s;
            o[3 * x + 2] = (uint8_t)v;
        }
    }
}

AVA_CLONES
double ava_hsv_content_delta(const uint8_t *a, const uint8_t *b, int n_pixels)
{
    uint64_t dh = 0, ds = 0, dv = 0;
    for (int i = 0; i < n_pixels; i++, a += 3, b += 3) {
        dh += (uint64_t)abs(a[0] - b[0]);
        ds += (uint64_t)abs(a[1] - b[1]);
        dv += (uint64_t)abs(a[2] - b[2]);
    }
    return ((double)dh + (double)ds + (double)dv) / (3.0 * n_pixels);
}

/* Widest cell summed with contiguous (vectorised) row adds; wider ones take the plain loop. */
#define THUMB_CELL_BYTES 1536

AVA_CLONES
void ava_grid_thumbnail(const uint8_t *rgb, int w, int h, int stride, int gw, int gh,
                        uint8_t *out)
{
    for (int gy = 0; gy < gh; gy++) {
        int y0 = gy * h / gh, y1 = (gy + 1) * h / gh;
        if (y1 <= y0)
            y1 = y0 + 1;
        if (y1 > h)
            y1 = h;
        for (int gx = 0; gx < gw; gx++) {
            int x0 = gx * w / gw, x1 = (gx + 1) * w / gw;
            if (x1 <= x0)
                x1 = x0 + 1;
            if (x1 > w)
                x1 = w;
            uint64_t s[3] = { 0, 0, 0 };
            int bytes = 3 * (x1 - x0);
            if (bytes <= THUMB_CELL_BYTES) {
                /* Column sums over the cell's rows (< 2^32 for any height), then by channel. */
                uint32_t col[THUMB_CELL_BYTES];
                for (int i = 0; i < bytes; i++)
                    col[i] = 0;
                for (int y = y0; y < y1; y++) {
                    const uint8_t *p = rgb + (size_t)y * stride + (size_t)x0 * 3;
                    for (int i = 0; i < bytes; i++)
                        col[i] += p[i];
                }
                for (int i = 0; i < bytes; i += 3) {
                    s[0] += col[i];
                    s[1] += col[i + 1];
                    s[2] += col[i + 2];
                }
            } else {
                for (int y = y0; y < y1; y++) {
                    const uint8_t *p = rgb + (size_t)y * stride + (size_t)x0 * 3;
                    for (int x = x0; x < x1; x++, p += 3) {
                        s[0] += p[0];
                        s[1] += p[1];
                        s[2] += p[2];
                    }
                }
            }
            uint64_t n = (uint64_t)(y1 - y0) * (x1 - x0);
            uint8_t *o = out + ((size_t)gy * gw + gx) * 3;
            for (int c = 0; c < 3; c++)
                o[c] = (uint8_t)(n ? (s[c] + n / 2) / n : 0);
        }
    }
}
