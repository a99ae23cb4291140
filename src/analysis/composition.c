/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Composition measures (see composition.h): spectral-residual saliency (Hou & Zhang,
 * CVPR 2007) on a 64-px-wide luma copy through FFTW, then rule of thirds, symmetry,
 * negative space, visual complexity and depth of field from it.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <fftw3.h>

#include "ava/ava.h"
#include "src/analysis/composition.h"
#include "src/analysis/stats.h"
#include "src/util/clones.h"

/* Pixels per inner run of the complexity pass: sums of squared Laplacians (< 2^20 each)
 * stay within 32 bits. */
#define COMPOSITION_SEG 1024

struct AvaSaliency {
    int w, h;              ///< map size (64 wide)
    double *in;            ///< w x h real
    fftw_complex *spec;    ///< h x (w/2+1)
    double *logamp, *tmp;
    float *map;            ///< w x h, 0..1
    double *thirds_w;      ///< w x h: closeness of each cell to the thirds, 0..1
    int img_w;             ///< width of the images the instance was opened for
    uint8_t *cell_of_x;    ///< img_w entries: the map column of each image column
    fftw_plan fwd, inv;
};

static pthread_once_t planner_once = PTHREAD_ONCE_INIT;

/* FFTW's planner is not thread-safe by default; every worker plans its own transforms. */
static void make_planner_thread_safe(void)
{
    fftw_make_planner_thread_safe();
}

void ava_saliency_close(AvaSaliency **s_out)
{
    AvaSaliency *s = s_out ? *s_out : NULL;
    if (!s)
        return;
    if (s->fwd)
        fftw_destroy_plan(s->fwd);
    if (s->inv)
        fftw_destroy_plan(s->inv);
    fftw_free(s->in);
    fftw_free(s->spec);
    free(s->logamp);
    free(s->tmp);
    free(s->map);
    free(s->thirds_w);
    free(s->cell_of_x);
    free(s);
    *s_out = NULL;
}

static double gauss(double d2, double sigma)
{
    return exp(-d2 / (2 * sigma * sigma));
}

/* Closeness of each map cell to the nearest power point, or (half weight) to a third line. */
static void thirds_weights(double *wt, int mw, int mh)
{
    for (int y = 0; y < mh; y++)
        for (int x = 0; x < mw; x++) {
            double u = (x + 0.5) / mw, t = (y + 0.5) / mh;
            double du = fmin(fabs(u - 1.0 / 3), fabs(u - 2.0 / 3));
            double dt = fmin(fabs(t - 1.0 / 3), fabs(t - 2.0 / 3));
            wt[y * mw + x] = fmax(gauss(du * du + dt * dt, 0.08),
                                  0.5 * gauss(fmin(du, dt) * fmin(du, dt), 0.05));
        }
}

int ava_saliency_open(AvaSaliency **s_out, int img_w, int img_h)
{
    pthread_once(&planner_once, make_planner_thread_safe);
    AvaSaliency *s = calloc(1, sizeof(*s));
    if (!s)
        return AVA_ERR(ENOMEM);
    s->w = AVA_SALIENCY_W;
    s->h = (int)lrint((double)AVA_SALIENCY_W * img_h / img_w);
    if (s->h < 8)
        s->h = 8;
    if (s->h > 4 * AVA_SALIENCY_W)
        s->h = 4 * AVA_SALIENCY_W;
    size_t n = (size_t)s->w * s->h, nc = (size_t)s->h * (s->w / 2 + 1);
    s->in = fftw_alloc_real(n);
    s->spec = fftw_alloc_complex(nc);
    s->logamp = malloc(nc * sizeof(double));
    s->tmp = malloc(n * sizeof(double));
    s->map = malloc(n * sizeof(float));
    s->thirds_w = malloc(n * sizeof(double));
    s->img_w = img_w;
    s->cell_of_x = malloc((size_t)(img_w > 0 ? img_w : 1));
    if (s->in && s->spec)
        s->fwd = fftw_plan_dft_r2c_2d(s->h, s->w, s->in, s->spec, FFTW_ESTIMATE);
    if (s->in && s->spec)
        s->inv = fftw_plan_dft_c2r_2d(s->h, s->w, s->spec, s->in, FFTW_ESTIMATE);
    if (!s->in || !s->spec || !s->logamp || !s->tmp || !s->map || !s->thirds_w || !s->cell_of_x ||
        !s->fwd ||
        !s->inv) {
        ava_saliency_close(&s);
        return AVA_ERR(ENOMEM);
    }
    thirds_weights(s->thirds_w, s->w, s->h);
    for (int cell = 0; cell < s->w; cell++)
        for (int x = cell * img_w / s->w; x < (cell + 1) * img_w / s->w; x++)
            s->cell_of_x[x] = (uint8_t)cell;
    *s_out = s;
    return 0;
}

/* Separable Gaussian blur of a w x h double image in place (sigma in px, 3-sigma taps),
 * w <= AVA_SALIENCY_W. */
AVA_CLONES
static void blur(double *img, double *tmp, int w, int h, double sigma)
{
    int r = (int)ceil(3 * sigma);
    double k[64];
    if (r > 31)
        r = 31;
    double sum = 0;
    for (int i = -r; i <= r; i++)
        sum += k[i + r] = exp(-i * i / (2 * sigma * sigma));
    for (int i = 0; i <= 2 * r; i++)
        k[i] /= sum;
    /* Each output sums its taps in the same order as a direct loop would, but over a
     * border-padded row and whole rows at a time, so the loops vectorise across x. */
    double pad[AVA_SALIENCY_W + 64], acc[AVA_SALIENCY_W];
    for (int y = 0; y < h; y++) {
        const double *row = img + (size_t)y * w;
        for (int j = 0; j < w + 2 * r; j++)
            pad[j] = row[j - r < 0 ? 0 : j - r >= w ? w - 1 : j - r];
        for (int x = 0; x < w; x++)
            acc[x] = 0;
        for (int i = 0; i <= 2 * r; i++)
            for (int x = 0; x < w; x++)
                acc[x] += k[i] * pad[x + i];
        memcpy(tmp + (size_t)y * w, acc, (size_t)w * sizeof(*acc));
    }
    for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++)
            acc[x] = 0;
        for (int i = -r; i <= r; i++) {
            const double *row = tmp + (size_t)(y + i < 0 ? 0 : y + i >= h ? h - 1 : y + i) * w;
            for (int x = 0; x < w; x++)
                acc[x] += k[i + r] * row[x];
        }
        memcpy(img + (size_t)y * w, acc, (size_t)w * sizeof(*acc));
    }
}

AVA_CLONES
const float *ava_saliency_run(AvaSaliency *s, const uint8_t *luma, int w, int h, int stride)
{
    /* Box-downsample the luma to the map size. */
    for (int y = 0; y < s->h; y++) {
        int y0 = y * h / s->h, y1 = (y + 1) * h / s->h;
        if (y1 <= y0)
            y1 = y0 + 1;
        for (int x = 0; x < s->w; x++) {
            int x0 = x * w / s->w, x1 = (x + 1) * w / s->w;
            if (x1 <= x0)
                x1 = x0 + 1;
            unsigned sum = 0, n = 0;
            for (int yy = y0; yy < y1; yy++)
                for (int xx = x0; xx < x1; xx++, n++)
                    sum += luma[(size_t)yy * stride + xx];
            s->in[y * s->w + x] = sum / (double)n / 255.0;
        }
    }
    fftw_execute(s->fwd);
    int cw = s->w / 2 + 1, nc = s->h * cw;
    double *amp = s->tmp; /* nc <= w * h; free until the blur */
    for (int i = 0; i < nc; i++) {
        amp[i] = hypot(s->spec[i][0], s->spec[i][1]);
        s->logamp[i] = log(amp[i] + 1e-9);
    }
    /* Spectral residual: log amplitude minus its 3x3 local mean (with wrap-around in the
     * rows, which are periodic). Then back with the original phase. */
    for (int y = 0; y < s->h; y++)
        for (int x = 0; x < cw; x++) {
            double m = 0;
            int n = 0;
            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++) {
                    int yy = (y + dy + s->h) % s->h, xx = x + dx;
                    if (xx < 0 || xx >= cw)
                        continue;
                    m += s->logamp[yy * cw + xx];
                    n++;
                }
            int i = y * cw + x;
            double e = exp(s->logamp[i] - m / n);
            double cr = amp[i] > 1e-12 ? s->spec[i][0] / amp[i] : 1,
                   ci = amp[i] > 1e-12 ? s->spec[i][1] / amp[i] : 0;
            s->spec[i][0] = e * cr;
            s->spec[i][1] = e * ci;
        }
    fftw_execute(s->inv);
    int n = s->w * s->h;
    for (int i = 0; i < n; i++)
        s->in[i] = s->in[i] * s->in[i];
    blur(s->in, s->tmp, s->w, s->h, 2.5);
    double mx = 0;
    for (int i = 0; i < n; i++)
        mx = s->in[i] > mx ? s->in[i] : mx;
    for (int i = 0; i < n; i++)
        s->map[i] = (float)(mx > 0 ? s->in[i] / mx : 0);
    return s->map;
}

void ava_saliency_size(const AvaSaliency *s, int *w, int *h)
{
    *w = s->w;
    *h = s->h;
}

AVA_CLONES
void ava_composition(const AvaSaliency *s, const uint8_t *luma, int w, int h, int stride,
                     AvaComposition *out)
{
    memset(out, 0, sizeof(*out));
    if (w != s->img_w)
        return;
    const float *m = s->map;
    int mw = s->w, mh = s->h;
    double mass = 0, cx = 0, cy = 0, thirds = 0, low = 0;
    for (int y = 0; y < mh; y++)
        for (int x = 0; x < mw; x++) {
            double v = m[y * mw + x], u = (x + 0.5) / mw, t = (y + 0.5) / mh;
            mass += v;
            cx += v * u;
            cy += v * t;
            thirds += v * s->thirds_w[y * mw + x];
            low += v < 0.15;
        }
    if (mass > 0) {
        out->saliency_x = cx / mass;
        out->saliency_y = cy / mass;
        out->thirds = thirds / mass;
        double sp = 0;
        for (int y = 0; y < mh; y++)
            for (int x = 0; x < mw; x++) {
                double du = (x + 0.5) / mw - out->saliency_x, dt = (y + 0.5) / mh - out->saliency_y;
                sp += m[y * mw + x] * (du * du + dt * dt);
            }
        out->saliency_spread = sqrt(sp / mass);
    }
    out->negative_space = low / (mw * mh);

    /* Symmetry: 1 - mean |L(x, y) - L(w - 1 - x, y)| / 255 over the left half. */
    uint64_t diff = 0, edges = 0;
    for (int y = 0; y < h; y++) {
        const uint8_t *r = luma + (size_t)y * stride;
        for (int x = 0; x < w / 2; x++)
            diff += (uint64_t)abs(r[x] - r[w - 1 - x]);
    }
    out->symmetry = w >= 2 ? 1.0 - (double)diff / ((double)(w / 2) * h * 255.0) : 1.0;

    /* Complexity: share of pixels whose gradient (central differences) exceeds 24 levels.
     * Depth of field: Laplacian statistics inside and outside the salient cells. One pass per
     * row over masks, so the compiler can vectorise it. */
    int64_t fg_sum = 0, fg_sum2 = 0, bg_sum = 0, bg_sum2 = 0;
    long fg_n = 0, bg_n = 0;
    uint8_t salient_col[AVA_SALIENCY_W];
    int32_t fg_mask[COMPOSITION_SEG];
    /* A map row covers several image rows: with one segment per row its mask is reused. */
    const int one_seg = w - 2 <= COMPOSITION_SEG;
    int mask_row = -1;
    for (int y = 1; y < h - 1; y++) {
        const uint8_t *r = luma + (size_t)y * stride;
        const int map_row = y * mh / h;
        const float *mrow = m + (size_t)map_row * mw;
        for (int i = 0; i < mw; i++)
            salient_col[i] = mrow[i] >= 0.5f;
        for (int seg = 1; seg < w - 1; seg += COMPOSITION_SEG) {
            int end = seg + COMPOSITION_SEG < w - 1 ? seg + COMPOSITION_SEG : w - 1;
            if (!one_seg || map_row != mask_row)
                for (int x = seg; x < end; x++)
                    fg_mask[x - seg] = -(int32_t)salient_col[s->cell_of_x[x]];
            mask_row = map_row;
            int32_t ne = 0, fs = 0, bs = 0, nf = 0;
            uint32_t fs2 = 0, bs2 = 0;
            for (int x = seg; x < end; x++) {
                int32_t gx = r[x + 1] - r[x - 1], gy = r[x + stride] - r[x - stride];
                ne += gx * gx + gy * gy > 24 * 24;
                int32_t lap = r[x - 1] + r[x + 1] + r[x - stride] + r[x + stride] - 4 * r[x];
                int32_t fm = fg_mask[x - seg];
                uint32_t l2 = (uint32_t)(lap * lap);
                fs += lap & fm;
                bs += lap & ~fm;
                fs2 += l2 & (uint32_t)fm;
                bs2 += l2 & ~(uint32_t)fm;
                nf -= fm;
            }
            edges += (uint64_t)ne;
            fg_sum += fs;
            bg_sum += bs;
            fg_sum2 += fs2;
            bg_sum2 += bs2;
            fg_n += nf;
            bg_n += (end - seg) - nf;
        }
    }
    out->complexity = w > 2 && h > 2 ? (double)edges / ((double)(w - 2) * (h - 2)) : 0;
    /* Depth of field: how much sharper the salient region is than the rest (log10 ratio of
     * Laplacian variances; > 0 subject sharper, ~0 all equally sharp). */
    double fm = fg_n ? (double)fg_sum / fg_n : 0, bm = bg_n ? (double)bg_sum / bg_n : 0;
    double fv = fg_n ? (double)fg_sum2 / fg_n - fm * fm : 0;
    double bv = bg_n ? (double)bg_sum2 / bg_n - bm * bm : 0;
    out->depth_of_field = fg_n && bg_n ? log10((1 + fv) / (1 + bv)) : 0;
}
