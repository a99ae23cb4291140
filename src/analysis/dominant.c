/* SPDX-License-Identifier: MIT */
/** @file sRGB <-> CIELAB and a small deterministic k-means (see dominant.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "src/analysis/dominant.h"
#include "src/util/clones.h"

static double srgb_to_linear(double c)
{
    return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

static double linear_to_srgb(double c)
{
    return c <= 0.0031308 ? 12.92 * c : 1.055 * pow(c, 1 / 2.4) - 0.055;
}

/* D65 white point of sRGB, and the CIE 1976 L*a*b* companding function. */
static const double XN = 0.95047, YN = 1.0, ZN = 1.08883;

static double lab_f(double t)
{
    const double d = 6.0 / 29.0;
    return t > d * d * d ? cbrt(t) : t / (3 * d * d) + 4.0 / 29.0;
}

static double lab_finv(double t)
{
    const double d = 6.0 / 29.0;
    return t > d ? t * t * t : 3 * d * d * (t - 4.0 / 29.0);
}

/* Linear-light sRGB to L*a*b*; returns L*. */
static double lab_of_linear(double r, double g, double b, double lab[3])
{
    double x = 0.4124564 * r + 0.3575761 * g + 0.1804375 * b;
    double y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b;
    double z = 0.0193339 * r + 0.1191920 * g + 0.9503041 * b;
    double fx = lab_f(x / XN), fy = lab_f(y / YN), fz = lab_f(z / ZN);
    lab[0] = 116 * fy - 16;
    lab[1] = 500 * (fx - fy);
    lab[2] = 200 * (fy - fz);
    return lab[0];
}

void ava_srgb_to_lab(const uint8_t rgb[3], double lab[3])
{
    lab_of_linear(srgb_to_linear(rgb[0] / 255.0), srgb_to_linear(rgb[1] / 255.0),
                  srgb_to_linear(rgb[2] / 255.0), lab);
}

static uint8_t to_byte(double v)
{
    v = linear_to_srgb(v) * 255.0;
    return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : lrint(v));
}

void ava_lab_to_srgb(const double lab[3], uint8_t rgb[3])
{
    double fy = (lab[0] + 16) / 116, fx = fy + lab[1] / 500, fz = fy - lab[2] / 200;
    double x = XN * lab_finv(fx), y = YN * lab_finv(fy), z = ZN * lab_finv(fz);
    double r = 3.2404542 * x - 1.5371385 * y - 0.4985314 * z;
    double g = -0.9692660 * x + 1.8760108 * y + 0.0415560 * z;
    double b = 0.0556434 * x - 0.2040259 * y + 1.0572252 * z;
    rgb[0] = to_byte(r);
    rgb[1] = to_byte(g);
    rgb[2] = to_byte(b);
}

size_t ava_dominant_scratch_size(int w, int h, int step)
{
    size_t n = (size_t)((w + step - 1) / step) * ((h + step - 1) / step);
    return n * (3 * sizeof(double) + sizeof(int));
}

AVA_CLONES
void ava_dominant_colors(const uint8_t *rgb, int w, int h, int stride, int step, int k,
                         void *scratch, AvaDominant *out)
{
    memset(out, 0, sizeof(*out));
    if (k < 1)
        k = 1;
    if (k > AVA_DOMINANT_MAX_K)
        k = AVA_DOMINANT_MAX_K;
    int nx = (w + step - 1) / step, ny = (h + step - 1) / step, n = nx * ny;
    double *lab = scratch;
    int *assign = (int *)(lab + 3 * (size_t)n);
    double lin[256];
    for (int v = 0; v < 256; v++)
        lin[v] = srgb_to_linear(v / 255.0);
    /* L* histogram in 0.5 steps, for the quantiles of the initial centres. */
    int hist[201] = { 0 };
    int i = 0;
    for (int y = 0; y < h; y += step)
        for (int x = 0; x < w; x += step, i++) {
            const uint8_t *p = rgb + (size_t)y * stride + (size_t)x * 3;
            double l = lab_of_linear(lin[p[0]], lin[p[1]], lin[p[2]], lab + 3 * (size_t)i);
            int bin = (int)(l * 2 + 0.5);
            hist[bin < 0 ? 0 : bin > 200 ? 200 : bin]++;
        }

    /* Initial centres: the samples closest to the L* quantiles (2j+1)/(2k). */
    double centre[AVA_DOMINANT_MAX_K][3];
    for (int j = 0; j < k; j++) {
        int64_t rank = (2 * j + 1) * (int64_t)n / (2 * k), seen = 0;
        int bin = 0;
        while (bin < 200 && seen + hist[bin] <= rank)
            seen += hist[bin++];
        double target = bin / 2.0;
        int best = 0;
        double bd = INFINITY;
        for (i = 0; i < n; i++) {
            double d = fabs(lab[3 * (size_t)i] - target);
            if (d < bd) {
                bd = d;
                best = i;
            }
        }
        memcpy(centre[j], lab + 3 * (size_t)best, sizeof(centre[j]));
    }

    double count[AVA_DOMINANT_MAX_K];
    for (int iter = 0; iter < 12; iter++) {
        int changed = 0;
        double sum[AVA_DOMINANT_MAX_K][3] = { { 0 } };
        memset(count, 0, sizeof(count));
        for (i = 0; i < n; i++) {
            const double *p = lab + 3 * (size_t)i;
            int best = 0;
            double bd = INFINITY;
            for (int j = 0; j < k; j++) {
                double d0 = p[0] - centre[j][0], d1 = p[1] - centre[j][1],
                       d2 = p[2] - centre[j][2];
                double d = d0 * d0 + d1 * d1 + d2 * d2;
                if (d < bd) {
                    bd = d;
                    best = j;
                }
            }
            if (iter == 0 || assign[i] != best)
                changed = 1;
            assign[i] = best;
            count[best]++;
            for (int c = 0; c < 3; c++)
                sum[best][c] += p[c];
        }
        for (int j = 0; j < k; j++)
            if (count[j] > 0)
                for (int c = 0; c < 3; c++)
                    centre[j][c] = sum[j][c] / count[j];
        if (!changed)
            break;
    }

    /* Drop empty clusters, order by weight (ties: darker first), convert back to sRGB. */
    int order[AVA_DOMINANT_MAX_K], m = 0;
    for (int j = 0; j < k; j++)
        if (count[j] > 0)
            order[m++] = j;
    for (int a = 1; a < m; a++)
        for (int b = a; b > 0; b--) {
            int x = order[b - 1], y = order[b];
            int swap = count[y] > count[x] ||
                       (count[y] == count[x] && centre[y][0] < centre[x][0]);
            if (!swap)
                break;
            order[b - 1] = y;
            order[b] = x;
        }
    out->k = m;
    for (int j = 0; j < m; j++) {
        memcpy(out->lab[j], centre[order[j]], sizeof(out->lab[j]));
        out->weight[j] = count[order[j]] / n;
        ava_lab_to_srgb(out->lab[j], out->rgb[j]);
    }
}
