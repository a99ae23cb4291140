/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Depthwise convolution kernel (see dwconv.h). Per output row and 16-channel group: the
 * taps in registers, then the row's pixels, those whose window lies inside the input without
 * bounds checks, the border ones with. A fused input offset o adds o times the sum of the
 * taps that fall inside the input: one per row inside, counted tap by tap at the border.
 */
#include <stdlib.h>
#include <string.h>

#include "src/nn/dwconv.h"

struct AvaDwconv {
    size_t c;
    int k, stride, pad_top, pad_left;
    float min, max;
    float *w; /* [k][k][c] */
    float *b; /* [c] */
    float *in_off; /* [c] added to the input (not to its zero padding), or NULL */
    int hswish;    /* x * relu6(x + 3) / 6 after the clamp */
};

int ava_dwconv_fuse_input_offset(AvaDwconv *d, const float *off, size_t n)
{
    if (d->in_off || !(n == 1 || n == d->c) || !(d->in_off = malloc(d->c * sizeof(float))))
        return -1;
    for (size_t i = 0; i < d->c; i++)
        d->in_off[i] = off[n == 1 ? 0 : i];
    return 0;
}

void ava_dwconv_fuse_hswish(AvaDwconv *d)
{
    d->hswish = 1;
}

int ava_dwconv_fits(size_t channels, int k, int stride)
{
    return channels >= 16 && channels <= 65536 && channels % 16 == 0 && (k == 3 || k == 5) &&
           (stride == 1 || stride == 2);
}

AvaDwconv *ava_dwconv_create(const float *w, const float *b, size_t channels, int k, int stride,
                             int pad_top, int pad_left, float min, float max)
{
    AvaDwconv *d = calloc(1, sizeof(*d));
    if (!d)
        return NULL;
    d->c = channels, d->k = k, d->stride = stride;
    d->pad_top = pad_top, d->pad_left = pad_left, d->min = min, d->max = max;
    d->w = malloc((size_t)k * k * channels * sizeof(float));
    d->b = calloc(channels, sizeof(float));
    if (!d->w || !d->b) {
        ava_dwconv_close(&d);
        return NULL;
    }
    memcpy(d->w, w, (size_t)k * k * channels * sizeof(float));
    if (b)
        memcpy(d->b, b, channels * sizeof(float));
    return d;
}

void ava_dwconv_close(AvaDwconv **dp)
{
    if (!dp || !*dp)
        return;
    free((*dp)->w);
    free((*dp)->b);
    free((*dp)->in_off);
    free(*dp);
    *dp = NULL;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#define TARGET __attribute__((target("avx512f,fma")))

/* Pixel @p ox of the row at the input's border: taps checked one by one. */
static TARGET inline __attribute__((always_inline)) void
border_pixel(const AvaDwconv *d, const float *const rows[5], const __m512 (*w)[5][5], size_t iw,
             size_t ox, float *orow, size_t ch, const int K, const int NG)
{
    size_t c = d->c;
    long ix0 = (long)(ox * (size_t)d->stride) - d->pad_left;
    for (int g = 0; g < NG; g++) {
        __m512 acc = _mm512_loadu_ps(d->b + ch + 16 * (size_t)g);
        __m512 off = d->in_off ? _mm512_loadu_ps(d->in_off + ch + 16 * (size_t)g)
                               : _mm512_setzero_ps();
        for (int ky = 0; ky < K; ky++)
            for (int kx = 0; kx < K; kx++) {
                long ix = ix0 + kx;
                if (ix >= 0 && ix < (long)iw)
                    acc = _mm512_fmadd_ps(
                        _mm512_add_ps(_mm512_loadu_ps(rows[ky] + (size_t)ix * c + 16 * (size_t)g),
                                      off), w[g][ky][kx], acc);
            }
        _mm512_storeu_ps(orow + ox * c + ch + 16 * (size_t)g, acc);
    }
}

/* Clamp, then hardswish if fused, over the row's channels [ch, ch + 16 NG) just written. */
static TARGET void finish_row(const AvaDwconv *d, float *orow, size_t ow, size_t ch, int NG)
{
    __m512 lo = _mm512_set1_ps(d->min), hi = _mm512_set1_ps(d->max);
    __m512 three = _mm512_set1_ps(3.0f), six = _mm512_set1_ps(6.0f);
    __m512 sixth = _mm512_set1_ps(1.0f / 6.0f), zero = _mm512_setzero_ps();
    for (size_t ox = 0; ox < ow; ox++)
        for (int g = 0; g < NG; g++) {
            float *p = orow + ox * d->c + ch + 16 * (size_t)g;
            __m512 x = _mm512_min_ps(_mm512_max_ps(_mm512_loadu_ps(p), lo), hi);
            if (d->hswish) {
                __m512 r = _mm512_min_ps(_mm512_max_ps(_mm512_add_ps(x, three), zero), six);
                x = _mm512_mul_ps(x, _mm512_mul_ps(r, sixth));
            }
            _mm512_storeu_ps(p, x);
        }
}

/* One output row, channels [ch, ch + 16 NG): K (3 or 5) and NG (1 or 2) constants after
 * inlining, the taps in registers. */
static TARGET inline __attribute__((always_inline)) void
row(const AvaDwconv *d, const float *img, size_t ih, size_t iw, size_t oy, float *orow,
    size_t ow, size_t ch, const int K, const int NG)
{
    size_t c = d->c, s = (size_t)d->stride;
    __m512 w[2][5][5];
    const float *rows[5], *any = NULL;
    for (int ky = 0; ky < K; ky++) {
        long iy = (long)(oy * s) - d->pad_top + ky;
        int valid = iy >= 0 && iy < (long)ih;
        rows[ky] = valid ? img + (size_t)iy * iw * c + ch : NULL;
        any = valid ? rows[ky] : any;
        for (int g = 0; g < NG; g++)
            for (int kx = 0; kx < K; kx++) /* a row outside the input: zero taps */
                w[g][ky][kx] = valid ? _mm512_loadu_ps(d->w + ((size_t)ky * K + kx) * c + ch +
                                                       16 * (size_t)g)
                                     : _mm512_setzero_ps();
    }
    if (!any) { /* the window misses the input */
        for (size_t ox = 0; ox < ow; ox++)
            for (int g = 0; g < NG; g++)
                _mm512_storeu_ps(orow + ox * c + ch + 16 * (size_t)g,
                                 _mm512_loadu_ps(d->b + ch + 16 * (size_t)g));
        finish_row(d, orow, ow, ch, NG);
        return;
    }
    for (int ky = 0; ky < K; ky++) /* a readable row stands in for the zero-weighted ones */
        rows[ky] = rows[ky] ? rows[ky] : any;
    __m512 bias_in[2]; /* inside the row: bias + offset x the taps of the rows inside */
    for (int g = 0; g < NG; g++) {
        __m512 sum = _mm512_setzero_ps();
        for (int ky = 0; ky < K; ky++)
            for (int kx = 0; kx < K; kx++)
                sum = _mm512_add_ps(sum, w[g][ky][kx]);
        __m512 off = d->in_off ? _mm512_loadu_ps(d->in_off + ch + 16 * (size_t)g)
                               : _mm512_setzero_ps();
        bias_in[g] = _mm512_fmadd_ps(off, sum, _mm512_loadu_ps(d->b + ch + 16 * (size_t)g));
    }
    /* columns whose window is inside: ox s - pad_left >= 0 and ox s - pad_left + K <= iw */
    size_t x0 = d->pad_left > 0 ? ((size_t)d->pad_left + s - 1) / s : 0;
    size_t x1 = iw + (size_t)d->pad_left >= (size_t)K ? (iw + (size_t)d->pad_left - K) / s + 1 : 0;
    x1 = x1 < ow ? x1 : ow;
    x0 = x0 < x1 ? x0 : x1;
    for (size_t ox = 0; ox < x0; ox++)
        border_pixel(d, rows, (const __m512 (*)[5][5])w, iw, ox, orow, ch, K, NG);
    for (size_t ox = x0; ox < x1; ox++) {
        __m512 acc[2] = { bias_in[0], NG > 1 ? bias_in[1] : bias_in[0] };
        const float *col = rows[0] + (ox * s - (size_t)d->pad_left) * c;
#pragma GCC unroll 5
        for (int ky = 0; ky < K; ky++) {
            const float *p = rows[ky] + (col - rows[0]);
#pragma GCC unroll 5
            for (int kx = 0; kx < K; kx++)
#pragma GCC unroll 2
                for (int g = 0; g < NG; g++)
                    acc[g] = _mm512_fmadd_ps(_mm512_loadu_ps(p + (size_t)kx * c + 16 * g),
                                             w[g][ky][kx], acc[g]);
        }
        for (int g = 0; g < NG; g++)
            _mm512_storeu_ps(orow + ox * c + ch + 16 * (size_t)g, acc[g]);
    }
    for (size_t ox = x1; ox < ow; ox++)
        border_pixel(d, rows, (const __m512 (*)[5][5])w, iw, ox, orow, ch, K, NG);
    finish_row(d, orow, ow, ch, NG);
}

static TARGET inline __attribute__((always_inline)) void
run_k(const AvaDwconv *d, const float *in, size_t n, size_t ih, size_t iw, float *out,
      size_t oh, size_t ow, const int K)
{
    /* 3x3: two channel groups a pass (18 taps in registers), 5x5: one (25) */
    size_t step = K == 3 && d->c % 32 == 0 ? 32 : 16;
    for (size_t img = 0; img < n; img++)
        for (size_t oy = 0; oy < oh; oy++)
            for (size_t ch = 0; ch < d->c; ch += step) {
                const float *src = in + img * ih * iw * d->c;
                float *dst = out + (img * oh + oy) * ow * d->c;
                if (step == 32)
                    row(d, src, ih, iw, oy, dst, ow, ch, K, 2);
                else
                    row(d, src, ih, iw, oy, dst, ow, ch, K, 1);
            }
}

static TARGET void run_3(const AvaDwconv *d, const float *in, size_t n, size_t ih, size_t iw,
                         float *out, size_t oh, size_t ow)
{
    run_k(d, in, n, ih, iw, out, oh, ow, 3);
}

static TARGET void run_5(const AvaDwconv *d, const float *in, size_t n, size_t ih, size_t iw,
                         float *out, size_t oh, size_t ow)
{
    run_k(d, in, n, ih, iw, out, oh, ow, 5);
}

void ava_dwconv_run(const AvaDwconv *d, const float *in, size_t n, size_t ih, size_t iw,
                    float *out, size_t oh, size_t ow)
{
    (d->k == 3 ? run_3 : run_5)(d, in, n, ih, iw, out, oh, ow);
}

#else

void ava_dwconv_run(const AvaDwconv *d, const float *in, size_t n, size_t ih, size_t iw,
                    float *out, size_t oh, size_t ow)
{
    (void)d, (void)in, (void)n, (void)ih, (void)iw, (void)out, (void)oh, (void)ow;
}

#endif
