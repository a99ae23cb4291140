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
    return n * (3 * sizeof(float) + 2);
}

/*
 * Index of the nearest of the k centres for each sample, branch-free over a constant k so
 * that the loop vectorises across samples (always inlined with k a literal).
 */
static inline __attribute__((always_inline)) void
assign_nearest(const float *L, const float *A, const float *B, int n, int k,
               const float (*centre)[3], uint8_t *assign)
{
    for (int i = 0; i < n; i++) {
        /* The index is kept as a float so the selects stay in one vector type. */
        float bd = INFINITY, best = 0;
        for (int j = 0; j < k; j++) {
            float d0 = L[i] - centre[j][0], d1 = A[i] - centre[j][1], d2 = B[i] - centre[j][2];
            float d = d0 * d0 + d1 * d1 + d2 * d2;
            best = d < bd ? (float)j : best;
            bd = d < bd ? d : bd;
        }
        assign[i] = (uint8_t)best;
    }
}

AVA_CLONES
static void assign_all(const float *L, const float *A, const float *B, int n, int k,
                       const float (*centre)[3], uint8_t *assign)
{
    switch (k) {
    case 1: assign_nearest(L, A, B, n, 1, centre, assign); break;
    case 2: assign_nearest(L, A, B, n, 2, centre, assign); break;
    case 3: assign_nearest(L, A, B, n, 3, centre, assign); break;
    case 4: assign_nearest(L, A, B, n, 4, centre, assign); break;
    case 5: assign_nearest(L, A, B, n, 5, centre, assign); break;
    case 6: assign_nearest(L, A, B, n, 6, centre, assign); break;
    case 7: assign_nearest(L, A, B, n, 7, centre, assign); break;
    default: assign_nearest(L, A, B, n, AVA_DOMINANT_MAX_K, centre, assign); break;
    }
}

void ava_dominant_colors(const uint8_t *rgb, int w, int h, int stride, int step, int k,
                         void *scratch, AvaDominant *out)
{
    memset(out, 0, sizeof(*out));
    if (k < 1)
        k = 1;
    if (k > AVA_DOMINANT_MAX_K)
        k = AVA_DOMINANT_MAX_K;
    int nx = (w + step - 1) / step, ny = (h + step - 1) / step, n = nx * ny;
    /* Samples as three float planes (L*, a*, b*) and two assignment arrays. */
    float *L = scratch, *A = L + n, *B = A + n;
    uint8_t *assign = (uint8_t *)(B + n), *next = assign + n;
    double lin[256];
    for (int v = 0; v < 256; v++)
        lin[v] = srgb_to_linear(v / 255.0);
    /* L* histogram in 0.5 steps, for the quantiles of the initial centres. */
    int hist[201] = { 0 };
    int i = 0;
    for (int y = 0; y < h; y += step)
        for (int x = 0; x < w; x += step, i++) {
            const uint8_t *p = rgb + (size_t)y * stride + (size_t)x * 3;
            double lab[3];
            double l = lab_of_linear(lin[p[0]], lin[p[1]], lin[p[2]], lab);
            L[i] = (float)lab[0];
            A[i] = (float)lab[1];
            B[i] = (float)lab[2];
            int bin = (int)(l * 2 + 0.5);
            hist[bin < 0 ? 0 : bin > 200 ? 200 : bin]++;
        }

    /* Initial centres: the samples closest to the L* quantiles (2j+1)/(2k). */
    float centre[AVA_DOMINANT_MAX_K][3];
    for (int j = 0; j < k; j++) {
        int64_t rank = (2 * j + 1) * (int64_t)n / (2 * k), seen = 0;
        int bin = 0;
        while (bin < 200 && seen + hist[bin] <= rank)
            seen += hist[bin++];
        float target = (float)(bin / 2.0);
        int best = 0;
        float bd = INFINITY;
        for (i = 0; i < n; i++) {
            float d = fabsf(L[i] - target);
            if (d < bd) {
                bd = d;
                best = i;
            }
        }
        centre[j][0] = L[best];
        centre[j][1] = A[best];
        centre[j][2] = B[best];
    }

    /* Lloyd iterations; after the first, only the samples that moved update the sums. */
    double count[AVA_DOMINANT_MAX_K] = { 0 };
    double sum[AVA_DOMINANT_MAX_K][3] = { { 0 } };
    assign_all(L, A, B, n, k, (const float (*)[3])centre, assign);
    for (i = 0; i < n; i++) {
        count[assign[i]]++;
        sum[assign[i]][0] += L[i];
        sum[assign[i]][1] += A[i];
        sum[assign[i]][2] += B[i];
    }
    for (int iter = 1;; iter++) {
        for (int j = 0; j < k; j++)
            if (count[j] > 0)
                for (int c = 0; c < 3; c++)
                    centre[j][c] = (float)(sum[j][c] / count[j]);
        if (iter == 12)
            break;
        assign_all(L, A, B, n, k, (const float (*)[3])centre, next);
        int changed = 0;
        for (i = 0; i < n; i++) {
            int from = assign[i], to = next[i];
            if (from == to)
                continue;
            changed = 1;
            count[from]--;
            count[to]++;
            sum[from][0] -= L[i];
            sum[from][1] -= A[i];
            sum[from][2] -= B[i];
            sum[to][0] += L[i];
            sum[to][1] += A[i];
            sum[to][2] += B[i];
        }
        uint8_t *t = assign;
        assign = next;
        next = t;
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
        for (int c = 0; c < 3; c++)
            out->lab[j][c] = centre[order[j]][c];
        out->weight[j] = count[order[j]] / n;
        ava_lab_to_srgb(out->lab[j], out->rgb[j]);
    }
}
