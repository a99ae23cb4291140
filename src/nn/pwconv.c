/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Pointwise conv + hardswish kernel (see pwconv.h). The last pixels (fewer than 8) go
 * through a zero-padded copy in the scratch.
 */
#include <stdlib.h>
#include <string.h>

#include "src/nn/pwconv.h"

#define TB 8 /* pixels per block */

struct AvaPwconv {
    size_t cin, cout;
    float min, max;
    float *w; /* [cin][cout] */
    float *b; /* [cout] */
};

int ava_pwconv_fits(size_t cin, size_t cout)
{
    return cin >= 1 && cin <= 65536 && cout >= 8 && cout <= 65536 && cout % 8 == 0;
}

AvaPwconv *ava_pwconv_create(const float *w, const float *b, size_t cin, size_t cout, float min,
                             float max)
{
    AvaPwconv *k = calloc(1, sizeof(*k));
    if (!k)
        return NULL;
    k->cin = cin, k->cout = cout, k->min = min, k->max = max;
    k->w = malloc(cin * cout * sizeof(float));
    k->b = calloc(cout, sizeof(float));
    if (!k->w || !k->b) {
        ava_pwconv_close(&k);
        return NULL;
    }
    for (size_t o = 0; o < cout; o++)
        for (size_t c = 0; c < cin; c++)
            k->w[c * cout + o] = w[o * cin + c];
    if (b)
        memcpy(k->b, b, cout * sizeof(float));
    return k;
}

size_t ava_pwconv_scratch_size(const AvaPwconv *k)
{
    return TB * (k->cin + k->cout) * sizeof(float) + 64;
}

void ava_pwconv_close(AvaPwconv **kp)
{
    if (!kp || !*kp)
        return;
    free((*kp)->w);
    free((*kp)->b);
    free(*kp);
    *kp = NULL;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#define TARGET __attribute__((target("avx512f,avx512vl,fma")))

static TARGET inline __m512 hswish(__m512 x, __m512 lo, __m512 hi)
{
    x = _mm512_min_ps(_mm512_max_ps(x, lo), hi);
    __m512 r = _mm512_min_ps(_mm512_max_ps(_mm512_add_ps(x, _mm512_set1_ps(3.0f)),
                                           _mm512_setzero_ps()), _mm512_set1_ps(6.0f));
    return _mm512_mul_ps(x, _mm512_mul_ps(r, _mm512_set1_ps(1.0f / 6.0f)));
}

/* out[TB][n0 .. n0 + 16 nz + 8 ny) for TB pixels of @p a (row stride cin); nz, ny constants
 * after inlining. */
static TARGET inline __attribute__((always_inline)) void
block(const AvaPwconv *k, const float *a, float *c, size_t n0, const int nz, const int ny)
{
    size_t cin = k->cin, cout = k->cout;
    const float *b = k->w + n0;
    __m512 z0[TB], z1[TB];
    __m256 y0[TB];
    __m512 b0 = nz > 0 ? _mm512_loadu_ps(k->b + n0) : _mm512_setzero_ps();
    __m512 b1 = nz > 1 ? _mm512_loadu_ps(k->b + n0 + 16) : _mm512_setzero_ps();
    __m256 by = ny ? _mm256_loadu_ps(k->b + n0 + 16 * nz) : _mm256_setzero_ps();
#pragma GCC unroll 8
    for (int r = 0; r < TB; r++)
        z0[r] = b0, z1[r] = b1, y0[r] = by;
    for (size_t kk = 0; kk < cin; kk++) {
        const float *bk = b + kk * cout;
        __m512 w0 = nz > 0 ? _mm512_loadu_ps(bk) : _mm512_setzero_ps();
        __m512 w1 = nz > 1 ? _mm512_loadu_ps(bk + 16) : _mm512_setzero_ps();
        __m256 wy = ny ? _mm256_loadu_ps(bk + 16 * nz) : _mm256_setzero_ps();
#pragma GCC unroll 8
        for (int r = 0; r < TB; r++) {
            __m512 x = _mm512_set1_ps(a[(size_t)r * cin + kk]);
            if (nz > 0)
                z0[r] = _mm512_fmadd_ps(x, w0, z0[r]);
            if (nz > 1)
                z1[r] = _mm512_fmadd_ps(x, w1, z1[r]);
            if (ny)
                y0[r] = _mm256_fmadd_ps(_mm512_castps512_ps256(x), wy, y0[r]);
        }
    }
    __m512 lo = _mm512_set1_ps(k->min), hi = _mm512_set1_ps(k->max);
#pragma GCC unroll 8
    for (int r = 0; r < TB; r++) {
        float *cr = c + (size_t)r * cout + n0;
        if (nz > 0)
            _mm512_storeu_ps(cr, hswish(z0[r], lo, hi));
        if (nz > 1)
            _mm512_storeu_ps(cr + 16, hswish(z1[r], lo, hi));
        if (ny)
            _mm256_storeu_ps(cr + 16 * nz,
                             _mm512_castps512_ps256(hswish(_mm512_castps256_ps512(y0[r]), lo, hi)));
    }
}

static TARGET void block_32(const AvaPwconv *k, const float *a, float *c, size_t n0)
{
    block(k, a, c, n0, 2, 0);
}

static TARGET void block_24(const AvaPwconv *k, const float *a, float *c, size_t n0)
{
    block(k, a, c, n0, 1, 1);
}

static TARGET void block_16(const AvaPwconv *k, const float *a, float *c, size_t n0)
{
    block(k, a, c, n0, 1, 0);
}

static TARGET void block_8(const AvaPwconv *k, const float *a, float *c, size_t n0)
{
    block(k, a, c, n0, 0, 1);
}

/* all output channels of TB pixels */
static TARGET void pixels8(const AvaPwconv *k, const float *a, float *c)
{
    size_t n = 0, cout = k->cout;
    for (; n + 32 <= cout && cout - n != 24; n += 32) /* 56 = 32 + 24, not 32 + 16 + 8 */
        block_32(k, a, c, n);
    size_t rem = cout - n;
    if (rem == 24)
        block_24(k, a, c, n);
    else if (rem == 16)
        block_16(k, a, c, n);
    else if (rem == 8)
        block_8(k, a, c, n);
}

void ava_pwconv_run(const AvaPwconv *k, const float *in, size_t pixels, float *out,
                    void *scratch)
{
    size_t p = 0;
    for (; p + TB <= pixels; p += TB)
        pixels8(k, in + p * k->cin, out + p * k->cout);
    if (p < pixels) {
        float *a = scratch, *c = a + TB * k->cin;
        memset(a, 0, TB * k->cin * sizeof(float));
        memcpy(a, in + p * k->cin, (pixels - p) * k->cin * sizeof(float));
        pixels8(k, a, c);
        memcpy(out + p * k->cout, c, (pixels - p) * k->cout * sizeof(float));
    }
}

#else

void ava_pwconv_run(const AvaPwconv *k, const float *in, size_t pixels, float *out,
                    void *scratch)
{
    (void)k, (void)in, (void)pixels, (void)out, (void)scratch;
}

#endif
