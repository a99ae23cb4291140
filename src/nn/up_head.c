/* SPDX-License-Identifier: MIT */
/**
 * @file
 * The upsampling head kernel (see up_head.h). Four input pixels at a time: h for each in
 * registers (a 4 x 4 c1 GEMM block over cin), then the second conv for the pixel's 16 output
 * values (lane r 4 + c of the 4x4 block), a sigmoid, and four 4-float row stores.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "src/nn/up_head.h"

#define MAX_C1 24

struct AvaUpHead {
    size_t cin, c1;
    float min1, max1;
    float *w1;       /* [cin][4 c1], column 4 k + s = input channel s c1 + k */
    float *b1;       /* [4 c1], same order */
    float w2[MAX_C1][16]; /* lane r 4 + c: W2 of output channel a(r, c), input k */
    float b2[16];
    int32_t idx[4][16];   /* lane r 4 + c: 4 (k % 4) + s(r, c) */
};

int ava_up_head_fits(size_t cin, size_t c1)
{
    return cin >= 1 && cin <= 4096 && c1 >= 4 && c1 <= MAX_C1 && c1 % 4 == 0;
}

AvaUpHead *ava_up_head_create(const float *w1, const float *b1, float min1, float max1,
                              const float *w2, const float *b2, size_t cin, size_t c1)
{
    AvaUpHead *k = calloc(1, sizeof(*k));
    if (!k)
        return NULL;
    size_t q = 4 * c1;
    k->cin = cin, k->c1 = c1, k->min1 = min1, k->max1 = max1;
    k->w1 = malloc(cin * q * sizeof(float));
    k->b1 = calloc(q, sizeof(float));
    if (!k->w1 || !k->b1) {
        ava_up_head_close(&k);
        return NULL;
    }
    for (size_t s = 0; s < 4; s++)
        for (size_t j = 0; j < c1; j++) {
            for (size_t c = 0; c < cin; c++)
                k->w1[c * q + j * 4 + s] = w1[(s * c1 + j) * cin + c];
            k->b1[j * 4 + s] = b1 ? b1[s * c1 + j] : 0.0f;
        }
    for (int lane = 0; lane < 16; lane++) {
        /* output row r = 2 i + a1, column c = 2 j + b1: sub-pixel s = 2 i + j of the first
         * depth_to_space, channel a = 2 a1 + b1 of the second conv */
        int r = lane / 4, c = lane % 4, s = (r / 2) * 2 + c / 2, a = (r % 2) * 2 + c % 2;
        for (size_t j = 0; j < c1; j++)
            k->w2[j][lane] = w2[(size_t)a * c1 + j];
        k->b2[lane] = b2 ? b2[a] : 0.0f;
        for (int m = 0; m < 4; m++)
            k->idx[m][lane] = 4 * m + s;
    }
    return k;
}

void ava_up_head_close(AvaUpHead **kp)
{
    if (!kp || !*kp)
        return;
    free((*kp)->w1);
    free((*kp)->b1);
    free(*kp);
    *kp = NULL;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#define TARGET __attribute__((target("avx512f,fma")))

/* 1 / (1 + e^-x); e^v as 2^n p(r), r = v - n ln 2, p Cephes' expf polynomial (about 1 ulp) */
static TARGET inline __m512 sigmoid(__m512 x)
{
    __m512 v = _mm512_max_ps(_mm512_sub_ps(_mm512_setzero_ps(), x), _mm512_set1_ps(-88.0f));
    v = _mm512_min_ps(v, _mm512_set1_ps(88.0f));
    __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(v, _mm512_set1_ps(1.44269504088896341f)),
                                    _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), v);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
    __m512 p = _mm512_set1_ps(1.9875691500e-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
    p = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r), _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
    __m512 e = _mm512_scalef_ps(p, n);
    return _mm512_div_ps(_mm512_set1_ps(1.0f), _mm512_add_ps(e, _mm512_set1_ps(1.0f)));
}

/* Output blocks of the four input pixels at columns x[0..3] of row @p row (nz = c1 / 4
 * registers of h per pixel, a constant after inlining). */
static TARGET inline __attribute__((always_inline)) void
four_pixels(const AvaUpHead *k, const float *row, const size_t x[4], float *out, size_t ow,
            const int nz)
{
    size_t cin = k->cin, q = 4 * k->c1;
    __m512 h[4][6];
#pragma GCC unroll 6
    for (int j = 0; j < nz; j++) {
        __m512 b = _mm512_loadu_ps(k->b1 + 16 * j);
        for (int p = 0; p < 4; p++)
            h[p][j] = b;
    }
    const float *px[4] = { row + x[0] * cin, row + x[1] * cin, row + x[2] * cin,
                           row + x[3] * cin };
    for (size_t c = 0; c < cin; c++) {
        const float *wc = k->w1 + c * q;
#pragma GCC unroll 4
        for (int p = 0; p < 4; p++) {
            __m512 t = _mm512_set1_ps(px[p][c]);
#pragma GCC unroll 6
            for (int j = 0; j < nz; j++)
                h[p][j] = _mm512_fmadd_ps(t, _mm512_loadu_ps(wc + 16 * j), h[p][j]);
        }
    }
    __m512 lo = _mm512_set1_ps(k->min1), hi = _mm512_set1_ps(k->max1), z[4];
    __m512i idx[4];
    for (int m = 0; m < 4; m++)
        idx[m] = _mm512_loadu_si512(k->idx[m]);
#pragma GCC unroll 4
    for (int p = 0; p < 4; p++) {
        z[p] = _mm512_loadu_ps(k->b2);
#pragma GCC unroll 6
        for (int j = 0; j < nz; j++)
            h[p][j] = _mm512_min_ps(_mm512_max_ps(h[p][j], lo), hi);
    }
#pragma GCC unroll 24
    for (int kk = 0; kk < 4 * nz; kk++) {
        __m512 w = _mm512_loadu_ps(k->w2[kk]);
#pragma GCC unroll 4
        for (int p = 0; p < 4; p++)
            z[p] = _mm512_fmadd_ps(_mm512_permutexvar_ps(idx[kk % 4], h[p][kk / 4]), w, z[p]);
    }
#pragma GCC unroll 4
    for (int p = 0; p < 4; p++) {
        __m512 y = sigmoid(z[p]);
        float *o = out + 4 * x[p];
        _mm_storeu_ps(o, _mm512_extractf32x4_ps(y, 0));
        _mm_storeu_ps(o + ow, _mm512_extractf32x4_ps(y, 1));
        _mm_storeu_ps(o + 2 * ow, _mm512_extractf32x4_ps(y, 2));
        _mm_storeu_ps(o + 3 * ow, _mm512_extractf32x4_ps(y, 3));
    }
}

static TARGET inline __attribute__((always_inline)) void
run_nz(const AvaUpHead *k, const float *in, size_t n, size_t h, size_t w, float *out,
       const int nz)
{
    size_t ow = 4 * w;
    for (size_t img = 0; img < n; img++)
        for (size_t y = 0; y < h; y++) {
            const float *row = in + (img * h + y) * w * k->cin;
            float *o = out + (img * 4 * h + 4 * y) * ow;
            for (size_t x0 = 0; x0 < w; x0 += 4) {
                /* past the right edge: the last pixel again (same values written twice) */
                size_t x[4];
                for (int p = 0; p < 4; p++)
                    x[p] = x0 + (size_t)p < w ? x0 + (size_t)p : w - 1;
                four_pixels(k, row, x, o, ow, nz);
            }
        }
}

static TARGET void run_1(const AvaUpHead *k, const float *in, size_t n, size_t h, size_t w,
                         float *out)
{
    run_nz(k, in, n, h, w, out, 1);
}

static TARGET void run_2(const AvaUpHead *k, const float *in, size_t n, size_t h, size_t w,
                         float *out)
{
    run_nz(k, in, n, h, w, out, 2);
}

static TARGET void run_3(const AvaUpHead *k, const float *in, size_t n, size_t h, size_t w,
                         float *out)
{
    run_nz(k, in, n, h, w, out, 3);
}

static TARGET void run_4(const AvaUpHead *k, const float *in, size_t n, size_t h, size_t w,
                         float *out)
{
    run_nz(k, in, n, h, w, out, 4);
}

static TARGET void run_5(const AvaUpHead *k, const float *in, size_t n, size_t h, size_t w,
                         float *out)
{
    run_nz(k, in, n, h, w, out, 5);
}

static TARGET void run_6(const AvaUpHead *k, const float *in, size_t n, size_t h, size_t w,
                         float *out)
{
    run_nz(k, in, n, h, w, out, 6);
}

void ava_up_head_run(const AvaUpHead *k, const float *in, size_t n, size_t h, size_t w,
                     float *out)
{
    static void (*const run[7])(const AvaUpHead *, const float *, size_t, size_t, size_t,
                                float *) = { NULL, run_1, run_2, run_3, run_4, run_5, run_6 };
    run[k->c1 / 4](k, in, n, h, w, out);
}

#else

void ava_up_head_run(const AvaUpHead *k, const float *in, size_t n, size_t h, size_t w,
                     float *out)
{
    (void)k, (void)in, (void)n, (void)h, (void)w, (void)out;
}

#endif
