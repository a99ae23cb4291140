/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Winograd F(4x4, 3x3) convolution (see winograd.h). A batch of output tiles at a time
 * (numbered over rows and images, so only the last batch is padded to the GEMM's 8 rows):
 * their 6x6 input tiles are transformed (V = B^T d B, 36 values per tile and channel), then
 * 36 GEMMs M[e] = V[e] U[e] over the channels (U = G g G^T, transformed once at creation,
 * in double), then the output transform Y = A^T M A, bias and clamp. A batch's V and M stay
 * in L2 while its GEMMs read them. Interpolation points 0, +-1,
 * +-2 (Lavin and Gray's matrices).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "src/nn/winograd.h"

#define TB 8  /* tiles (GEMM rows) per microkernel call */
#define NE 36 /* transformed values per tile: 6 x 6 */

struct AvaWino {
    size_t cin, cout;
    int pad_top, pad_left;
    float min, max;
    float *u;    /* [NE][cin][cout] */
    float *bias; /* [cout] */
};

int ava_wino_fits(size_t cin, size_t cout)
{
    return cin >= 1 && cin <= 4096 && cout >= 8 && cout <= 4096 && cout % 8 == 0;
}

/* Tiles transformed and multiplied together (over rows and images, a multiple of TB): their
 * V and M take at most about 768 KiB, to stay in L2 while the 36 GEMMs read them. */
static size_t batch_tiles(const AvaWino *k)
{
    size_t nb = (size_t)768 * 1024 / (NE * (k->cin + k->cout) * sizeof(float)) / TB * TB;
    return nb < TB ? TB : nb > 48 ? 48 : nb;
}

size_t ava_wino_scratch_size(const AvaWino *k, size_t ow)
{
    (void)ow;
    /* V, M and a row of zeros for the padding */
    return (NE * batch_tiles(k) * (k->cin + k->cout) + k->cin + 16) * sizeof(float) + 64;
}

AvaWino *ava_wino_create(const float *w, const float *b, size_t cin, size_t cout, int pad_top,
                         int pad_left, float min, float max)
{
    static const double G[6][3] = { { 1.0 / 4, 0, 0 },
                                    { -1.0 / 6, -1.0 / 6, -1.0 / 6 },
                                    { -1.0 / 6, 1.0 / 6, -1.0 / 6 },
                                    { 1.0 / 24, 1.0 / 12, 1.0 / 6 },
                                    { 1.0 / 24, -1.0 / 12, 1.0 / 6 },
                                    { 0, 0, 1 } };
    AvaWino *k = calloc(1, sizeof(*k));
    if (!k)
        return NULL;
    k->cin = cin, k->cout = cout;
    k->pad_top = pad_top, k->pad_left = pad_left;
    k->min = min, k->max = max;
    k->u = malloc(NE * cin * cout * sizeof(float));
    k->bias = calloc(cout, sizeof(float));
    if (!k->u || !k->bias) {
        ava_wino_close(&k);
        return NULL;
    }
    if (b)
        memcpy(k->bias, b, cout * sizeof(float));
    for (size_t o = 0; o < cout; o++)
        for (size_t c = 0; c < cin; c++) {
            double g[3][3], gg[6][3]; /* gg = G g */
            for (int y = 0; y < 3; y++)
                for (int x = 0; x < 3; x++)
                    g[y][x] = w[((o * 3 + (size_t)y) * 3 + (size_t)x) * cin + c];
            for (int i = 0; i < 6; i++)
                for (int x = 0; x < 3; x++)
                    gg[i][x] = G[i][0] * g[0][x] + G[i][1] * g[1][x] + G[i][2] * g[2][x];
            for (int i = 0; i < 6; i++)
                for (int j = 0; j < 6; j++)
                    k->u[((size_t)(i * 6 + j) * cin + c) * cout + o] =
                        (float)(gg[i][0] * G[j][0] + gg[i][1] * G[j][1] + gg[i][2] * G[j][2]);
        }
    return k;
}

void ava_wino_close(AvaWino **kp)
{
    if (!kp || !*kp)
        return;
    free((*kp)->u);
    free((*kp)->bias);
    free(*kp);
    *kp = NULL;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#define TARGET __attribute__((target("avx512f,avx512vl,fma")))

static TARGET inline __mmask16 lanes(size_t n)
{
    return n >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << n) - 1);
}

/* 1-D input transform B^T d of F(4, 3) (points 0, +-1, +-2), on 6 vectors */
static TARGET inline void in_1d(const __m512 d[6], __m512 t[6])
{
    __m512 four = _mm512_set1_ps(4.0f), five = _mm512_set1_ps(5.0f), two = _mm512_set1_ps(2.0f);
    __m512 a = _mm512_fnmadd_ps(four, d[2], d[4]), b = _mm512_fnmadd_ps(four, d[1], d[3]);
    __m512 c = _mm512_sub_ps(d[4], d[2]), e = _mm512_mul_ps(two, _mm512_sub_ps(d[3], d[1]));
    t[0] = _mm512_fmadd_ps(four, d[0], _mm512_fnmadd_ps(five, d[2], d[4]));
    t[1] = _mm512_add_ps(a, b);
    t[2] = _mm512_sub_ps(a, b);
    t[3] = _mm512_add_ps(c, e);
    t[4] = _mm512_sub_ps(c, e);
    t[5] = _mm512_fmadd_ps(four, d[1], _mm512_fnmadd_ps(five, d[3], d[5]));
}

/* V[e][t][.] for the TB tiles of a block; p[t][i][j]: input pixel (row i, column j of tile t)
 * or the zero row. */
static TARGET void input_tiles(const float *const (*p)[6][6], size_t cin, float *v,
                               size_t stride_e)
{
    for (int t = 0; t < TB; t++)
        for (size_t ch = 0; ch < cin; ch += 16) {
            __mmask16 m = lanes(cin - ch);
            __m512 r[6][6]; /* r[i][.] = row i of d, transformed along it */
            for (int i = 0; i < 6; i++) {
                __m512 d[6];
                for (int j = 0; j < 6; j++)
                    d[j] = _mm512_maskz_loadu_ps(m, p[t][i][j] + ch);
                in_1d(d, r[i]);
            }
            float *o = v + (size_t)t * cin + ch;
            for (int j = 0; j < 6; j++) { /* B^T (d B), column j */
                __m512 c[6], y[6];
                for (int i = 0; i < 6; i++)
                    c[i] = r[i][j];
                in_1d(c, y);
                for (int i = 0; i < 6; i++)
                    _mm512_mask_storeu_ps(o + (size_t)(i * 6 + j) * stride_e, m, y[i]);
            }
        }
}

/* c[TB][nz 16 + ny 8] = a[TB][K] b[K][.]: nz zmm and ny ymm columns (constants after
 * inlining, so the accumulators stay in registers). */
static TARGET inline __attribute__((always_inline)) void
gemm_block(const float *a, size_t lda, const float *b, size_t ldb, float *c, size_t ldc,
           size_t K, const int nz, const int ny)
{
    __m512 z0[TB], z1[TB];
    __m256 y0[TB];
#pragma GCC unroll 8
    for (int r = 0; r < TB; r++) {
        z0[r] = z1[r] = _mm512_setzero_ps();
        y0[r] = _mm256_setzero_ps();
    }
    for (size_t k = 0; k < K; k++) {
        const float *bk = b + k * ldb;
        __m512 w0 = nz > 0 ? _mm512_loadu_ps(bk) : _mm512_setzero_ps();
        __m512 w1 = nz > 1 ? _mm512_loadu_ps(bk + 16) : _mm512_setzero_ps();
        __m256 wy = ny ? _mm256_loadu_ps(bk + 16 * nz) : _mm256_setzero_ps();
#pragma GCC unroll 8
        for (int r = 0; r < TB; r++) {
            __m512 x = _mm512_set1_ps(a[(size_t)r * lda + k]);
            if (nz > 0)
                z0[r] = _mm512_fmadd_ps(x, w0, z0[r]);
            if (nz > 1)
                z1[r] = _mm512_fmadd_ps(x, w1, z1[r]);
            if (ny)
                y0[r] = _mm256_fmadd_ps(_mm512_castps512_ps256(x), wy, y0[r]);
        }
    }
#pragma GCC unroll 8
    for (int r = 0; r < TB; r++) {
        float *cr = c + (size_t)r * ldc;
        if (nz > 0)
            _mm512_storeu_ps(cr, z0[r]);
        if (nz > 1)
            _mm512_storeu_ps(cr + 16, z1[r]);
        if (ny)
            _mm256_storeu_ps(cr + 16 * nz, y0[r]);
    }
}

static TARGET void gemm_32(const float *a, size_t lda, const float *b, size_t ldb, float *c,
                           size_t ldc, size_t K)
{
    gemm_block(a, lda, b, ldb, c, ldc, K, 2, 0);
}

static TARGET void gemm_24(const float *a, size_t lda, const float *b, size_t ldb, float *c,
                           size_t ldc, size_t K)
{
    gemm_block(a, lda, b, ldb, c, ldc, K, 1, 1);
}

static TARGET void gemm_16(const float *a, size_t lda, const float *b, size_t ldb, float *c,
                           size_t ldc, size_t K)
{
    gemm_block(a, lda, b, ldb, c, ldc, K, 1, 0);
}

static TARGET void gemm_8(const float *a, size_t lda, const float *b, size_t ldb, float *c,
                          size_t ldc, size_t K)
{
    gemm_block(a, lda, b, ldb, c, ldc, K, 0, 1);
}

/* M[t][.] = V[t][.] U over a block of TB tiles, all output channels. */
static TARGET void gemm_tiles(const float *v, const float *u, float *m, size_t cin, size_t cout)
{
    size_t n = 0;
    for (; n + 32 <= cout && cout - n != 24; n += 32) /* 56 = 32 + 24, not 32 + 16 + 8 */
        gemm_32(v, cin, u + n, cout, m + n, cout, cin);
    size_t rem = cout - n;
    if (rem == 24)
        gemm_24(v, cin, u + n, cout, m + n, cout, cin);
    else if (rem == 16)
        gemm_16(v, cin, u + n, cout, m + n, cout, cin);
    else if (rem == 8)
        gemm_8(v, cin, u + n, cout, m + n, cout, cin);
}

/* 1-D output transform A^T m of F(4, 3), 6 vectors to 4 */
static TARGET inline void out_1d(const __m512 m[6], __m512 y[4])
{
    __m512 p = _mm512_add_ps(m[1], m[2]), q = _mm512_sub_ps(m[1], m[2]);
    __m512 r = _mm512_add_ps(m[3], m[4]), s = _mm512_sub_ps(m[3], m[4]);
    y[0] = _mm512_add_ps(_mm512_add_ps(m[0], p), r);
    y[1] = _mm512_fmadd_ps(_mm512_set1_ps(2.0f), s, q);
    y[2] = _mm512_fmadd_ps(_mm512_set1_ps(4.0f), r, p);
    y[3] = _mm512_add_ps(_mm512_fmadd_ps(_mm512_set1_ps(8.0f), s, q), m[5]);
}

/* Y = A^T M A for tile t, + bias, clamped, stored where inside the output. */
static TARGET void output_tile(const AvaWino *k, const float *mt, size_t stride_e, float *out,
                               size_t oy, size_t ox, size_t oh, size_t ow)
{
    size_t cout = k->cout;
    __m512 lo = _mm512_set1_ps(k->min), hi = _mm512_set1_ps(k->max);
    int rows = oh - oy < 4 ? (int)(oh - oy) : 4, cols = ow - ox < 4 ? (int)(ow - ox) : 4;
    for (size_t ch = 0; ch < cout; ch += 16) {
        __mmask16 msk = lanes(cout - ch);
        __m512 s[4][6]; /* A^T M: s[i][j] */
        for (int j = 0; j < 6; j++) {
            __m512 m[6], y[4];
            for (int i = 0; i < 6; i++)
                m[i] = _mm512_maskz_loadu_ps(msk, mt + (size_t)(i * 6 + j) * stride_e + ch);
            out_1d(m, y);
            for (int i = 0; i < 4; i++)
                s[i][j] = y[i];
        }
        __m512 bias = _mm512_maskz_loadu_ps(msk, k->bias + ch);
        for (int i = 0; i < rows; i++) {
            __m512 y[4];
            out_1d(s[i], y);
            for (int j = 0; j < cols; j++)
                _mm512_mask_storeu_ps(out + ((oy + (size_t)i) * ow + ox + (size_t)j) * cout + ch,
                                      msk, _mm512_min_ps(_mm512_max_ps(_mm512_add_ps(y[j], bias),
                                                                       lo), hi));
        }
    }
}

static TARGET void run_avx512(const AvaWino *k, const float *in, size_t n, size_t ih, size_t iw,
                              float *out, size_t oh, size_t ow, void *scratch)
{
    size_t cin = k->cin, cout = k->cout, nb = batch_tiles(k);
    size_t ntx = (ow + 3) / 4, per_img = (oh + 3) / 4 * ntx, total = n * per_img;
    float *v = scratch, *mm = v + NE * nb * cin, *zeros = mm + NE * nb * cout;
    memset(zeros, 0, (cin + 16) * sizeof(float));
    for (size_t b0 = 0; b0 < total; b0 += nb) {
        size_t cnt = total - b0 < nb ? total - b0 : nb, cntp = (cnt + TB - 1) / TB * TB;
        for (size_t t0 = 0; t0 < cntp; t0 += TB) {
            const float *p[TB][6][6];
            for (int t = 0; t < TB; t++) {
                size_t id = b0 + t0 + (size_t)t, img = id / per_img, r = id % per_img;
                const float *src = in + img * ih * iw * cin;
                long r0 = (long)(4 * (r / ntx)) - k->pad_top;
                long c0 = (long)(4 * (r % ntx)) - k->pad_left;
                for (int i = 0; i < 6; i++)
                    for (int j = 0; j < 6; j++) {
                        long y = r0 + i, x = c0 + j;
                        int inside = t0 + (size_t)t < cnt && y >= 0 && y < (long)ih && x >= 0 &&
                                     x < (long)iw;
                        p[t][i][j] = inside ? src + ((size_t)y * iw + (size_t)x) * cin : zeros;
                    }
            }
            input_tiles((const float *const (*)[6][6])p, cin, v + t0 * cin, cntp * cin);
        }
        for (int e = 0; e < NE; e++)
            for (size_t t0 = 0; t0 < cntp; t0 += TB)
                gemm_tiles(v + ((size_t)e * cntp + t0) * cin, k->u + (size_t)e * cin * cout,
                           mm + ((size_t)e * cntp + t0) * cout, cin, cout);
        for (size_t t = 0; t < cnt; t++) {
            size_t id = b0 + t, img = id / per_img, r = id % per_img;
            output_tile(k, mm + t * cout, cntp * cout, out + img * oh * ow * cout,
                        4 * (r / ntx), 4 * (r % ntx), oh, ow);
        }
    }
}

void ava_wino_run(const AvaWino *k, const float *in, size_t n, size_t ih, size_t iw, float *out,
                  size_t oh, size_t ow, void *scratch)
{
    run_avx512(k, in, n, ih, iw, out, oh, ow, scratch);
}

#else

void ava_wino_run(const AvaWino *k, const float *in, size_t n, size_t ih, size_t iw, float *out,
                  size_t oh, size_t ow, void *scratch)
{
    (void)k, (void)in, (void)n, (void)ih, (void)iw, (void)out, (void)oh, (void)ow, (void)scratch;
}

#endif
