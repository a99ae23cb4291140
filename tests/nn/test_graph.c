/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Kernel test of the XNNPACK graph builder: every op against a plain C reference (double
 * accumulation, TF semantics) on random inputs, odd sizes, batch > 1, with a fixed seed that
 * is printed (override with AVA_TEST_SEED). Output buffers are pre-filled with NaN so a value
 * the runtime fails to write shows up as a mismatch.
 * Tolerance: |xnn - ref| <= 1e-4 * (1 + |ref|).
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>

#include "src/nn/graph.h"
#include "tests/nn/nn_test.h"

static uint64_t rng_state;

static float frand(void) /* uniform in [-1, 1) */
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (float)((double)(rng_state >> 11) / 9007199254740992.0 * 2.0 - 1.0);
}

static float *rand_buf(size_t n)
{
    float *b = malloc(n * sizeof(float));
    for (size_t i = 0; i < n; i++)
        b[i] = frand();
    return b;
}

typedef struct { int n, h, w, c; } Shape;

static double act_ref(double v, enum AvaAct act, double slope)
{
    switch (act) {
    case AVA_ACT_RELU: return v < 0 ? 0 : v;
    case AVA_ACT_RELU6: return v < 0 ? 0 : v > 6 ? 6 : v;
    case AVA_ACT_LEAKY: return v < 0 ? v * slope : v;
    default: return v;
    }
}

/* TF padding along one axis, written from the TF definition. */
static int tf_axis(int in, int k, int s, int d, enum AvaPad pad, int pt, int pb, int *pre)
{
    int eff = (k - 1) * d + 1;
    if (pad == AVA_PAD_SAME) {
        int out = (in + s - 1) / s, total = (out - 1) * s + eff - in;
        *pre = total > 0 ? total / 2 : 0;
        return out;
    }
    *pre = pad == AVA_PAD_EXPLICIT ? pt : 0;
    return (in + (pad == AVA_PAD_EXPLICIT ? pt + pb : 0) - eff) / s + 1;
}

static void conv_ref(const float *x, Shape is, const AvaConvParams *p, float *y, Shape *os)
{
    int sh = p->stride_h ? p->stride_h : 1, sw = p->stride_w ? p->stride_w : 1;
    int d = p->dilation ? p->dilation : 1, pt, pl;
    int oh = tf_axis(is.h, p->kh, sh, d, p->pad, p->pad_top, p->pad_bottom, &pt);
    int ow = tf_axis(is.w, p->kw, sw, d, p->pad, p->pad_left, p->pad_right, &pl);
    int m = p->out_channels, oc = p->depthwise ? is.c * m : m;
    *os = (Shape){ is.n, oh, ow, oc };
    for (int n = 0; n < is.n; n++)
        for (int oy = 0; oy < oh; oy++)
            for (int ox = 0; ox < ow; ox++)
                for (int o = 0; o < oc; o++) {
                    double acc = p->bias ? p->bias[o] : 0;
                    for (int ky = 0; ky < p->kh; ky++)
                        for (int kx = 0; kx < p->kw; kx++) {
                            int iy = oy * sh - pt + ky * d, ix = ox * sw - pl + kx * d;
                            if (iy < 0 || iy >= is.h || ix < 0 || ix >= is.w)
                                continue;
                            const float *px = x + (((size_t)n * is.h + iy) * is.w + ix) * is.c;
                            if (p->depthwise) {
                                int c = o / m, mm = o % m;
                                acc += (double)px[c] *
                                       p->filter[((ky * p->kw + kx) * is.c + c) * m + mm];
                            } else {
                                for (int c = 0; c < is.c; c++)
                                    acc += (double)px[c] *
                                           p->filter[((ky * p->kw + kx) * is.c + c) * oc + o];
                            }
                        }
                    if (p->scale)
                        acc *= p->scale[o];
                    if (p->offset)
                        acc += p->offset[o];
                    y[(((size_t)n * oh + oy) * ow + ox) * oc + o] =
                        (float)act_ref(acc, p->act, p->leaky_slope);
                }
}

static void maxpool_ref(const float *x, Shape is, int kh, int kw, int sh, int sw,
                        enum AvaPad pad, float *y, Shape *os)
{
    int pt, pl;
    int oh = tf_axis(is.h, kh, sh, 1, pad, 0, 0, &pt), ow = tf_axis(is.w, kw, sw, 1, pad, 0, 0, &pl);
    *os = (Shape){ is.n, oh, ow, is.c };
    for (int n = 0; n < is.n; n++)
        for (int oy = 0; oy < oh; oy++)
            for (int ox = 0; ox < ow; ox++)
                for (int c = 0; c < is.c; c++) {
                    float m = -INFINITY;
                    for (int ky = 0; ky < kh; ky++)
                        for (int kx = 0; kx < kw; kx++) {
                            int iy = oy * sh - pt + ky, ix = ox * sw - pl + kx;
                            if (iy < 0 || iy >= is.h || ix < 0 || ix >= is.w)
                                continue; /* TF: padding never wins */
                            float v = x[(((size_t)n * is.h + iy) * is.w + ix) * is.c + c];
                            m = v > m ? v : m;
                        }
                    y[(((size_t)n * oh + oy) * ow + ox) * is.c + c] = m;
                }
}

/* Build, run and compare: one input of shape @p is, output compared to @p ref. */
static void compare(const char *desc, AvaGraph *g, AvaVal x, AvaVal y, const float *in,
                    const float *ref, size_t n_ref)
{
    (void)x;
    int ret = ava_graph_output(g, y);
    if (ret == 0)
        ret = ava_graph_build(g);
    CHECK(desc, ret == 0);
    if (ret < 0)
        return;
    size_t n_in, n_out;
    float *bin = ava_graph_input_data(g, 0, &n_in);
    float *bout = (float *)ava_graph_output_data(g, 0, &n_out);
    memcpy(bin, in, n_in * sizeof(float));
    for (size_t i = 0; i < n_out; i++)
        bout[i] = NAN;
    CHECK("output size", n_out == n_ref);
    CHECK("run", ava_graph_run(g) == 0);
    double max_err = 0;
    size_t bad = 0;
    for (size_t i = 0; i < n_ref && i < n_out; i++) {
        double e = fabs((double)bout[i] - ref[i]);
        if (!(e <= 1e-4 * (1 + fabs(ref[i]))))
            bad++;
        if (!(e <= max_err))
            max_err = e;
    }
    printf("  %-44s %6zu values, max abs err %.3g\n", desc, n_ref, max_err);
    CHECK(desc, bad == 0);
}

/* @p own: with ava_graph_own_kernels (the Winograd kernel where it fits, on CPUs that have it) */
static void test_conv_on(const char *desc, Shape is, AvaConvParams p, int with_bias, int with_bn,
                         int own)
{
    int oc = p.depthwise ? is.c * p.out_channels : p.out_channels;
    size_t nx = (size_t)is.n * is.h * is.w * is.c;
    float *x = rand_buf(nx);
    float *filt = rand_buf((size_t)p.kh * p.kw * is.c * (p.depthwise ? p.out_channels : oc));
    float *bias = with_bias ? rand_buf((size_t)oc) : NULL;
    float *scale = with_bn ? rand_buf((size_t)oc) : NULL, *offset = with_bn ? rand_buf((size_t)oc) : NULL;
    p.filter = filt, p.bias = bias, p.scale = scale, p.offset = offset;
    Shape os;
    float *ref = malloc((size_t)is.n * (is.h + 8) * (is.w + 8) * oc * sizeof(float));
    conv_ref(x, is, &p, ref, &os);
    AvaGraph *g = NULL;
    CHECK("create", ava_graph_create(&g, desc, NULL) == 0);
    if (own)
        printf("  (own kernels: %s)\n", ava_graph_own_kernels(g, 1) ? "on" : "not on this CPU");
    AvaVal vx = ava_graph_input(g, is.n, is.h, is.w, is.c);
    AvaVal vy = ava_graph_conv2d(g, vx, &p);
    int dims[4];
    ava_graph_shape(g, vy, dims);
    CHECK("conv shape", dims[0] == os.n && dims[1] == os.h && dims[2] == os.w && dims[3] == os.c);
    compare(desc, g, vx, vy, x, ref, (size_t)os.n * os.h * os.w * os.c);
    ava_graph_close(&g);
    free(x), free(filt), free(bias), free(scale), free(offset), free(ref);
}

static void test_conv(const char *desc, Shape is, AvaConvParams p, int with_bias, int with_bn)
{
    test_conv_on(desc, is, p, with_bias, with_bn, 0);
}

/* 3x3 stride-1 convs on the Winograd kernel: partial channel vectors (5, 17, 33 in), every
 * output tiling (8, 16, 24, 40 = 32 + 8, 56 = 32 + 24), odd sizes (a half output tile),
 * batch 2, asymmetric padding as the text detector's head uses, activations. */
static void test_own_convs(void)
{
    test_conv_on("own 3x3 pad1 batch2 13x11x5->24 bias+bn relu", (Shape){ 2, 13, 11, 5 },
                 (AvaConvParams){ .kh = 3, .kw = 3, .pad = AVA_PAD_EXPLICIT, .pad_top = 1,
                                  .pad_right = 1, .pad_bottom = 1, .pad_left = 1,
                                  .out_channels = 24, .act = AVA_ACT_RELU }, 1, 1, 1);
    test_conv_on("own 3x3 explicit(2,8,8,2) 9x7x24->40", (Shape){ 1, 9, 7, 24 },
                 (AvaConvParams){ .kh = 3, .kw = 3, .pad = AVA_PAD_EXPLICIT, .pad_top = 2,
                                  .pad_right = 8, .pad_bottom = 8, .pad_left = 2,
                                  .out_channels = 40 }, 1, 0, 1);
    test_conv_on("own 3x3 valid 6x5x17->56 relu6", (Shape){ 1, 6, 5, 17 },
                 (AvaConvParams){ .kh = 3, .kw = 3, .pad = AVA_PAD_VALID, .out_channels = 56,
                                  .act = AVA_ACT_RELU6 }, 0, 1, 1);
    test_conv_on("own 3x3 same 8x8x3->16", (Shape){ 1, 8, 8, 3 },
                 (AvaConvParams){ .kh = 3, .kw = 3, .pad = AVA_PAD_SAME, .out_channels = 16 },
                 1, 0, 1);
    test_conv_on("own 3x3 same 5x4x33->8 leaky", (Shape){ 1, 5, 4, 33 },
                 (AvaConvParams){ .kh = 3, .kw = 3, .pad = AVA_PAD_SAME, .out_channels = 8,
                                  .act = AVA_ACT_LEAKY, .leaky_slope = 0.2f }, 1, 0, 1);
}

/* Depthwise convs on our kernel: 3x3 and 5x5, stride 1 and 2, one and two channel groups a
 * pass (16, 32, 48 channels), odd sizes, batch 2, inputs smaller than the window. */
static void test_own_dwconvs(void)
{
    test_conv_on("own dw 3x3 pad1 batch2 11x9x16 bn relu", (Shape){ 2, 11, 9, 16 },
                 (AvaConvParams){ .kh = 3, .kw = 3, .pad = AVA_PAD_EXPLICIT, .pad_top = 1,
                                  .pad_right = 1, .pad_bottom = 1, .pad_left = 1,
                                  .depthwise = 1, .out_channels = 1, .act = AVA_ACT_RELU },
                 1, 1, 1);
    test_conv_on("own dw 3x3 s2 same 13x10x32", (Shape){ 1, 13, 10, 32 },
                 (AvaConvParams){ .kh = 3, .kw = 3, .stride_h = 2, .stride_w = 2,
                                  .pad = AVA_PAD_SAME, .depthwise = 1, .out_channels = 1 },
                 1, 0, 1);
    test_conv_on("own dw 5x5 pad2 9x12x48 relu6", (Shape){ 1, 9, 12, 48 },
                 (AvaConvParams){ .kh = 5, .kw = 5, .pad = AVA_PAD_EXPLICIT, .pad_top = 2,
                                  .pad_right = 2, .pad_bottom = 2, .pad_left = 2,
                                  .depthwise = 1, .out_channels = 1, .act = AVA_ACT_RELU6 },
                 1, 1, 1);
    test_conv_on("own dw 5x5 s2 same 8x7x32", (Shape){ 1, 8, 7, 32 },
                 (AvaConvParams){ .kh = 5, .kw = 5, .stride_h = 2, .stride_w = 2,
                                  .pad = AVA_PAD_SAME, .depthwise = 1, .out_channels = 1 },
                 1, 0, 1);
    test_conv_on("own dw 5x5 valid 6x5x16", (Shape){ 1, 6, 5, 16 },
                 (AvaConvParams){ .kh = 5, .kw = 5, .pad = AVA_PAD_VALID, .depthwise = 1,
                                  .out_channels = 1 }, 1, 0, 1);
    test_conv_on("own dw 5x5 pad2 1x2x16 (window past the input)", (Shape){ 1, 1, 2, 16 },
                 (AvaConvParams){ .kh = 5, .kw = 5, .pad = AVA_PAD_EXPLICIT, .pad_top = 2,
                                  .pad_right = 2, .pad_bottom = 2, .pad_left = 2,
                                  .depthwise = 1, .out_channels = 1 }, 1, 0, 1);
}

/* hswish(dw(pad(x + o))) with the add and the hardswish fused into our depthwise kernel: the
 * padding is not offset, so border pixels differ from interior ones. */
static void test_own_dw_fused(const char *desc, Shape is, int k, int stride, int per_channel)
{
    int p = k / 2;
    AvaConvParams pd = { .kh = k, .kw = k, .stride_h = stride, .stride_w = stride,
                         .pad = AVA_PAD_EXPLICIT, .pad_top = p, .pad_right = p, .pad_bottom = p,
                         .pad_left = p, .depthwise = 1, .out_channels = 1 };
    size_t nx = (size_t)is.n * is.h * is.w * is.c;
    float *x = rand_buf(nx), *xo = malloc(nx * sizeof(float));
    float *f = rand_buf((size_t)k * k * is.c), *b = rand_buf((size_t)is.c);
    float *o = rand_buf((size_t)is.c);
    for (size_t i = 0; i < nx; i++)
        xo[i] = x[i] + o[per_channel ? i % (size_t)is.c : 0];
    pd.filter = f, pd.bias = b;
    Shape os;
    float *ref = malloc(nx * sizeof(float));
    conv_ref(xo, is, &pd, ref, &os);
    size_t ny = (size_t)os.n * os.h * os.w * os.c;
    for (size_t i = 0; i < ny; i++) {
        double v = ref[i], r = v + 3 < 0 ? 0 : v + 3 > 6 ? 6 : v + 3;
        ref[i] = (float)(v * r / 6);
    }
    AvaGraph *g = NULL;
    CHECK("create", ava_graph_create(&g, desc, NULL) == 0);
    ava_graph_own_kernels(g, 1);
    AvaVal vx = ava_graph_input(g, is.n, is.h, is.w, is.c);
    AvaVal va = ava_graph_affine(g, vx, NULL, o, per_channel ? is.c : 1);
    AvaVal vy = ava_graph_hardswish(g, ava_graph_conv2d(g, va, &pd));
    compare(desc, g, vx, vy, x, ref, ny);
    ava_graph_close(&g);
    free(x), free(xo), free(f), free(b), free(o), free(ref);
}

/* hswish(conv1x1(x)) on our pointwise kernel: every output tiling (8 .. 56), pixel counts
 * not a multiple of 8 (the padded tail), batch 2, bias + bn, relu6 clamp before. */
static void test_own_pw(const char *desc, Shape is, int cout, enum AvaAct act)
{
    AvaConvParams p = { .kh = 1, .kw = 1, .out_channels = cout, .act = act };
    size_t nx = (size_t)is.n * is.h * is.w * is.c, ny = nx / is.c * cout;
    float *x = rand_buf(nx), *f = rand_buf((size_t)is.c * cout), *b = rand_buf((size_t)cout);
    float *sc = rand_buf((size_t)cout), *of = rand_buf((size_t)cout);
    p.filter = f, p.bias = b, p.scale = sc, p.offset = of;
    for (size_t i = 0; i < nx; i++)
        x[i] *= 4; /* values on both sides of hardswish's -3 and 3 */
    float *ref = malloc(ny * sizeof(float));
    Shape os;
    conv_ref(x, is, &p, ref, &os);
    for (size_t i = 0; i < ny; i++) {
        double v = ref[i], r = v + 3 < 0 ? 0 : v + 3 > 6 ? 6 : v + 3;
        ref[i] = (float)(v * r / 6);
    }
    AvaGraph *g = NULL;
    CHECK("create", ava_graph_create(&g, desc, NULL) == 0);
    ava_graph_own_kernels(g, 1);
    AvaVal vx = ava_graph_input(g, is.n, is.h, is.w, is.c);
    AvaVal vy = ava_graph_hardswish(g, ava_graph_conv2d(g, vx, &p));
    compare(desc, g, vx, vy, x, ref, ny);
    ava_graph_close(&g);
    free(x), free(f), free(b), free(sc), free(of), free(ref);
}

/* Steps: a = own conv(x); b = own conv(a * 0.5 + 0.25); y = b + conv1x1(a): a crosses from
 * our kernel's step to two XNNPACK steps, b from one, and the graph output is XNNPACK's. */
static void test_own_steps(void)
{
    Shape is = { 1, 10, 9, 7 }, sa, sb, sc;
    AvaConvParams pa = { .kh = 3, .kw = 3, .pad = AVA_PAD_SAME, .out_channels = 24 };
    AvaConvParams pb = { .kh = 3, .kw = 3, .pad = AVA_PAD_SAME, .out_channels = 16,
                         .act = AVA_ACT_RELU };
    AvaConvParams pc = { .kh = 1, .kw = 1, .out_channels = 16 };
    float *x = rand_buf((size_t)10 * 9 * 7), *fa = rand_buf((size_t)9 * 7 * 24);
    float *fb = rand_buf((size_t)9 * 24 * 16), *fc = rand_buf((size_t)24 * 16);
    float *ba = rand_buf(24), *bb = rand_buf(16);
    pa.filter = fa, pa.bias = ba, pb.filter = fb, pb.bias = bb, pc.filter = fc;
    size_t na = (size_t)10 * 9 * 24, nb = (size_t)10 * 9 * 16;
    float *a = malloc(na * sizeof(float)), *a2 = malloc(na * sizeof(float));
    float *b = malloc(nb * sizeof(float)), *c = malloc(nb * sizeof(float));
    conv_ref(x, is, &pa, a, &sa);
    for (size_t i = 0; i < na; i++)
        a2[i] = a[i] * 0.5f + 0.25f;
    conv_ref(a2, sa, &pb, b, &sb);
    conv_ref(a, sa, &pc, c, &sc);
    for (size_t i = 0; i < nb; i++)
        b[i] += c[i];
    AvaGraph *g = NULL;
    CHECK("create", ava_graph_create(&g, "own steps", NULL) == 0);
    ava_graph_own_kernels(g, 1);
    AvaVal vx = ava_graph_input(g, 1, 10, 9, 7);
    AvaVal va = ava_graph_conv2d(g, vx, &pa);
    float h = 0.5f, q = 0.25f;
    AvaVal vb = ava_graph_conv2d(g, ava_graph_affine(g, va, &h, &q, 1), &pb);
    AvaVal vy = ava_graph_add(g, vb, ava_graph_conv2d(g, va, &pc), AVA_ACT_NONE);
    compare("own conv, XNNPACK, own conv, add", g, vx, vy, x, b, nb);
    ava_graph_close(&g);
    free(x), free(fa), free(fb), free(fc), free(ba), free(bb);
    free(a), free(a2), free(b), free(c);
}

/* out[y b + i][x b + j][k] = in[y][x][(i b + j) c + k] */
static void d2s_ref(const float *x, Shape is, int b, float *y)
{
    int c = is.c / (b * b);
    for (int n = 0; n < is.n; n++)
        for (int yy = 0; yy < is.h; yy++)
            for (int xx = 0; xx < is.w; xx++)
                for (int i = 0; i < b; i++)
                    for (int j = 0; j < b; j++)
                        for (int k = 0; k < c; k++)
                            y[(((size_t)n * is.h * b + yy * b + i) * is.w * b + xx * b + j) * c + k] =
                                x[(((size_t)n * is.h + yy) * is.w + xx) * is.c + (i * b + j) * c + k];
}

/* sigmoid(d2s(conv1x1 -> 4 (d2s(relu(conv1x1 -> 4 c1 (x)))))), the up_head.h kernel with own
 * kernels on: a width that is not a multiple of 4, batch 2, c1 = 8 and 24 */
static void test_up_head(const char *desc, Shape is, int c1)
{
    AvaConvParams p1 = { .kh = 1, .kw = 1, .out_channels = 4 * c1, .act = AVA_ACT_RELU };
    AvaConvParams p2 = { .kh = 1, .kw = 1, .out_channels = 4 };
    float *x = rand_buf((size_t)is.n * is.h * is.w * is.c);
    float *f1 = rand_buf((size_t)is.c * 4 * c1), *b1 = rand_buf((size_t)4 * c1);
    float *f2 = rand_buf((size_t)c1 * 4), *b2 = rand_buf(4);
    p1.filter = f1, p1.bias = b1, p2.filter = f2, p2.bias = b2;
    size_t n1 = (size_t)is.n * is.h * is.w * 4 * c1, n2 = (size_t)is.n * is.h * is.w * 16;
    float *h = malloc(n1 * sizeof(float)), *u = malloc(n1 * sizeof(float));
    float *z = malloc(n2 * sizeof(float)), *y = malloc(n2 * sizeof(float));
    Shape sh, su, sz;
    conv_ref(x, is, &p1, h, &sh);
    d2s_ref(h, sh, 2, u);
    su = (Shape){ is.n, 2 * is.h, 2 * is.w, c1 };
    conv_ref(u, su, &p2, z, &sz);
    d2s_ref(z, sz, 2, y);
    for (size_t i = 0; i < n2; i++)
        y[i] = (float)(1.0 / (1.0 + exp(-(double)y[i])));
    AvaGraph *g = NULL;
    CHECK("create", ava_graph_create(&g, desc, NULL) == 0);
    ava_graph_own_kernels(g, 1);
    AvaVal vx = ava_graph_input(g, is.n, is.h, is.w, is.c);
    AvaVal v = ava_graph_depth_to_space(g, ava_graph_conv2d(g, vx, &p1), 2);
    v = ava_graph_sigmoid(g, ava_graph_depth_to_space(g, ava_graph_conv2d(g, v, &p2), 2));
    int d[4];
    CHECK("up head shape", ava_graph_shape(g, v, d) == 4 && d[0] == is.n && d[1] == 4 * is.h &&
                           d[2] == 4 * is.w && d[3] == 1);
    compare(desc, g, vx, v, x, y, n2);
    ava_graph_close(&g);
    free(x), free(f1), free(b1), free(f2), free(b2), free(h), free(u), free(z), free(y);
}

static void test_maxpool(const char *desc, Shape is, int kh, int kw, int sh, int sw,
                         enum AvaPad pad, float shift)
{
    size_t nx = (size_t)is.n * is.h * is.w * is.c;
    float *x = rand_buf(nx), *ref = malloc(nx * sizeof(float) * 2);
    for (size_t i = 0; i < nx; i++)
        x[i] += shift; /* shift < -1: all negative, so zero padding would be caught */
    Shape os;
    maxpool_ref(x, is, kh, kw, sh, sw, pad, ref, &os);
    AvaGraph *g = NULL;
    ava_graph_create(&g, desc, NULL);
    AvaVal vx = ava_graph_input(g, is.n, is.h, is.w, is.c);
    AvaVal vy = ava_graph_maxpool(g, vx, kh, kw, sh, sw, pad);
    compare(desc, g, vx, vy, x, ref, (size_t)os.n * os.h * os.w * os.c);
    ava_graph_close(&g);
    free(x), free(ref);
}

static void test_avgpool(void)
{
    Shape is = { 2, 9, 8, 3 };
    int kh = 3, kw = 2, sh = 2, sw = 3, oh = (9 - 3) / 2 + 1, ow = (8 - 2) / 3 + 1;
    float *x = rand_buf((size_t)2 * 9 * 8 * 3), ref[2 * 4 * 3 * 3];
    for (int n = 0; n < 2; n++)
        for (int y = 0; y < oh; y++)
            for (int xx = 0; xx < ow; xx++)
                for (int c = 0; c < 3; c++) {
                    double acc = 0;
                    for (int ky = 0; ky < kh; ky++)
                        for (int kx = 0; kx < kw; kx++)
                            acc += x[(((size_t)n * 9 + y * sh + ky) * 8 + xx * sw + kx) * 3 + c];
                    ref[((n * oh + y) * ow + xx) * 3 + c] = (float)(acc / (kh * kw));
                }
    AvaGraph *g = NULL;
    ava_graph_create(&g, "avgpool", NULL);
    AvaVal vx = ava_graph_input(g, is.n, is.h, is.w, is.c);
    AvaVal vy = ava_graph_avgpool(g, vx, kh, kw, sh, sw);
    compare("avgpool 3x2 s(2,3) valid batch2 9x8x3", g, vx, vy, x, ref, (size_t)2 * oh * ow * 3);
    ava_graph_close(&g);
    free(x);
}

static void test_dense(void)
{
    Shape is = { 2, 3, 3, 5 };
    int in = 45, out = 7;
    float *x = rand_buf((size_t)is.n * in), *w = rand_buf((size_t)in * out), *b = rand_buf((size_t)out);
    float ref[2 * 7];
    for (int n = 0; n < is.n; n++)
        for (int o = 0; o < out; o++) {
            double acc = b[o];
            for (int i = 0; i < in; i++)
                acc += (double)x[n * in + i] * w[i * out + o];
            ref[n * out + o] = (float)act_ref(acc, AVA_ACT_RELU, 0);
        }
    AvaGraph *g = NULL;
    ava_graph_create(&g, "dense", NULL);
    AvaVal vx = ava_graph_input(g, is.n, is.h, is.w, is.c);
    AvaVal vy = ava_graph_dense(g, vx, out, w, b, AVA_ACT_RELU);
    compare("dense 2x(3x3x5) -> 7, relu", g, vx, vy, x, ref, 14);
    ava_graph_close(&g);
    free(x), free(w), free(b);
}

/* add with a broadcast bias, then leaky ReLU, then clamp, then pad. */
static void test_eltwise(void)
{
    Shape is = { 1, 5, 7, 3 };
    size_t nx = 5 * 7 * 3;
    float *x = rand_buf(nx);
    const int pre[4] = { 0, 1, 2, 0 }, post[4] = { 0, 2, 1, 0 };
    int oh = 5 + 3, ow = 7 + 3;
    float *ref = malloc((size_t)oh * ow * 3 * sizeof(float));
    for (int y = 0; y < oh; y++)
        for (int xx = 0; xx < ow; xx++)
            for (int c = 0; c < 3; c++) {
                int iy = y - pre[1], ix = xx - pre[2];
                float v = -0.5f;
                if (iy >= 0 && iy < 5 && ix >= 0 && ix < 7) {
                    double a = x[(iy * 7 + ix) * 3 + c] + 2.0 * x[c]; /* x + 2x[0,0,0,:] */
                    a = act_ref(a, AVA_ACT_LEAKY, 0.1);
                    v = (float)(a < -0.2 ? -0.2 : a > 0.9 ? 0.9 : a);
                }
                ref[(y * ow + xx) * 3 + c] = v;
            }
    /* The broadcast operand [1,1,1,3] = 2 * x[0,0,0,:] is made inside the graph: a global
     * max pool to 1x1, then a 1x1 depthwise conv with zero filter and that as its bias. */
    float zero[3] = { 0, 0, 0 }, bias[3] = { 2 * x[0], 2 * x[1], 2 * x[2] };
    AvaGraph *g = NULL;
    ava_graph_create(&g, "eltwise", NULL);
    AvaVal vx = ava_graph_input(g, 1, 5, 7, 3);
    AvaVal pooled = ava_graph_maxpool(g, vx, 5, 7, 5, 7, AVA_PAD_VALID); /* [1,1,1,3] */
    AvaVal vb = ava_graph_conv2d(g, pooled, &(AvaConvParams){ .kh = 1, .kw = 1, .depthwise = 1,
                                 .out_channels = 1, .filter = zero, .bias = bias });
    AvaVal s = ava_graph_add(g, vx, vb, AVA_ACT_NONE);
    s = ava_graph_leaky_relu(g, s, 0.1f);
    s = ava_graph_clamp(g, s, -0.2f, 0.9f);
    s = ava_graph_pad(g, s, pre, post, -0.5f);
    (void)is;
    compare("add(bcast)+leaky+clamp+pad 5x7x3", g, vx, s, x, ref, (size_t)oh * ow * 3);
    ava_graph_close(&g);
    free(x), free(ref);
}

static void silent(void *cookie, int level, const char *fmt, va_list ap)
{
    (void)cookie, (void)level, (void)fmt, (void)ap;
}

static void test_errors(void)
{
    AvaGraph *g = NULL;
    static const AvaLogger quiet = { NULL, silent, AVA_LOG_DEBUG };
    ava_graph_create(&g, "bad", &quiet);
    AvaVal vx = ava_graph_input(g, 1, 4, 4, 3);
    float f[27] = { 0 };
    AvaVal y = ava_graph_conv2d(g, vx, &(AvaConvParams){ .kh = 7, .kw = 7, .out_channels = 1,
                                .filter = f });
    CHECK("kernel larger than input refused", y == AVA_VAL_NONE);
    y = ava_graph_maxpool(g, vx, 2, 2, 2, 2, AVA_PAD_SAME); /* sticky: still refused */
    CHECK("errors are sticky", y == AVA_VAL_NONE);
    CHECK("build returns the first error", ava_graph_build(g) == AVA_ERR(EINVAL));
    CHECK("no buffers after failure", ava_graph_input_data(g, 0, NULL) == NULL);
    CHECK("run refused", ava_graph_run(g) == AVA_ERR(EINVAL));
    ava_graph_close(&g);
    CHECK("close NULLs", g == NULL);
    ava_graph_close(&g);
}

/* mul (with a per-channel operand made in-graph by a global average pool), affine (scalar
 * and per channel), sigmoid and hardswish against double references; 9x11x5, odd sizes. */
static void test_eltwise2(void)
{
    const int H = 9, W = 11, C = 5;
    size_t nx = (size_t)H * W * C;
    float *x = rand_buf(nx), *ref = malloc(nx * sizeof(float));
    double mean[5] = { 0 };
    for (size_t i = 0; i < nx; i++)
        mean[i % C] += x[i] / (H * W);
    const float sa = 1.5f, sb = -0.25f, ca[5] = { 2, -1, 0.5f, 3, 1 }, cb[5] = { 0, 1, -2, 0.5f, 0.1f };
    for (size_t i = 0; i < nx; i++) {
        int c = (int)(i % C);
        double v = ((double)x[i] * sa + sb) * ca[c] + cb[c]; /* affine, then per channel */
        v = v * mean[c];                                      /* mul by the pooled mean */
        double sg = 1 / (1 + exp(-v));
        ref[i] = (float)(sg * fmin(fmax(sg + 3, 0), 6) / 6);  /* hardswish(sigmoid(.)) */
    }
    AvaGraph *g = NULL;
    ava_graph_create(&g, "eltwise2", NULL);
    AvaVal vx = ava_graph_input(g, 1, H, W, C);
    AvaVal pooled = ava_graph_global_avgpool(g, vx);
    AvaVal y = ava_graph_affine(g, vx, &sa, &sb, 1);
    y = ava_graph_affine(g, y, ca, cb, C);
    y = ava_graph_mul(g, y, pooled);
    y = ava_graph_hardswish(g, ava_graph_sigmoid(g, y));
    compare("gap+affine(1,C)+mul(bcast)+sigmoid+hswish", g, vx, y, x, ref, nx);
    ava_graph_close(&g);
    free(x), free(ref);
}

/* Deconvolution: a general one (3x2 kernel, stride (2,3), 4 -> 6 channels) against a
 * scatter-add reference, and the grouped all-ones one that is a x3 nearest upsample. */
static void test_deconv(void)
{
    const int H = 5, W = 4, CI = 4, CO = 6, KH = 3, KW = 2, SH = 2, SW = 3;
    size_t nx = (size_t)H * W * CI, nw = (size_t)CO * KH * KW * CI;
    float *x = rand_buf(nx), *w = rand_buf(nw), *b = rand_buf(CO);
    int OH = (H - 1) * SH + KH, OW = (W - 1) * SW + KW;
    size_t ny = (size_t)OH * OW * CO;
    double *acc = calloc(ny, sizeof(double));
    for (int iy = 0; iy < H; iy++)
        for (int ix = 0; ix < W; ix++)
            for (int o = 0; o < CO; o++)
                for (int ky = 0; ky < KH; ky++)
                    for (int kx = 0; kx < KW; kx++)
                        for (int i = 0; i < CI; i++)
                            acc[(((size_t)iy * SH + ky) * OW + ix * SW + kx) * CO + o] +=
                                (double)x[((size_t)iy * W + ix) * CI + i] *
                                w[(((size_t)o * KH + ky) * KW + kx) * CI + i];
    float *ref = malloc(ny * sizeof(float));
    for (size_t i = 0; i < ny; i++)
        ref[i] = (float)fmax(acc[i] + b[i % CO], 0); /* relu */
    AvaGraph *g = NULL;
    ava_graph_create(&g, "deconv", NULL);
    AvaVal vx = ava_graph_input(g, 1, H, W, CI);
    AvaVal y = ava_graph_deconv2d(g, vx, &(AvaDeconvParams){ .kh = KH, .kw = KW, .stride_h = SH,
        .stride_w = SW, .groups = 1, .out_channels = CO, .filter = w, .bias = b,
        .act = AVA_ACT_RELU });
    compare("deconv 3x2 s(2,3) 5x4x4->6 relu", g, vx, y, x, ref, ny);
    ava_graph_close(&g);
    /* nearest x3 */
    size_t nu = (size_t)H * 3 * W * 3 * CI;
    float *ones = malloc((size_t)CI * 9 * sizeof(float)), *up = malloc(nu * sizeof(float));
    for (int i = 0; i < CI * 9; i++)
        ones[i] = 1;
    for (int yy = 0; yy < H * 3; yy++)
        for (int xx = 0; xx < W * 3; xx++)
            for (int c = 0; c < CI; c++)
                up[((size_t)yy * W * 3 + xx) * CI + c] = x[((size_t)(yy / 3) * W + xx / 3) * CI + c];
    ava_graph_create(&g, "upsample", NULL);
    vx = ava_graph_input(g, 1, H, W, CI);
    y = ava_graph_deconv2d(g, vx, &(AvaDeconvParams){ .kh = 3, .kw = 3, .stride_h = 3,
        .stride_w = 3, .groups = CI, .out_channels = CI, .filter = ones });
    compare("nearest x3 as grouped ones deconv 5x4x4", g, vx, y, x, up, nu);
    ava_graph_close(&g);
    free(x), free(w), free(b), free(acc), free(ref), free(ones), free(up);
}

/* A long chain of unary ops grows the value table many times while each new value copies
 * its shape from the previous one (a use-after-realloc if the shape is read in place). */
static void test_long_chain(void)
{
    AvaGraph *g = NULL;
    CHECK("create", ava_graph_create(&g, "chain", NULL) == 0);
    AvaVal x = ava_graph_input(g, 1, 3, 5, 2), y = x;
    for (int i = 0; i < 300; i++) /* clamp to [-1 + i/1000, 2 - i/1000] */
        y = ava_graph_clamp(g, y, -1.0f + i / 1000.0f, 2.0f - i / 1000.0f);
    int dims[4];
    CHECK("chain shape", ava_graph_shape(g, y, dims) == 4 && dims[1] == 3 && dims[2] == 5 &&
                         dims[3] == 2);
    CHECK("chain output", ava_graph_output(g, y) == 0);
    CHECK("chain build", ava_graph_build(g) == 0);
    float *in = ava_graph_input_data(g, 0, NULL);
    if (in) {
        for (int i = 0; i < 30; i++)
            in[i] = (float)(i - 15) / 5.0f; /* -3 .. 2.8 */
        CHECK("chain run", ava_graph_run(g) == 0);
        const float *out = ava_graph_output_data(g, 0, NULL);
        int bad = 0;
        for (int i = 0; i < 30; i++) { /* the tightest bounds: [-0.701, 1.701] */
            float v = in[i] < -0.701f ? -0.701f : in[i] > 1.701f ? 1.701f : in[i];
            bad += fabsf(out[i] - v) > 1e-6f;
        }
        CHECK("chain values", bad == 0);
    }
    ava_graph_close(&g);
}

/* Build with @p y as the only output, fill the inputs (in order of ava_graph_input), run and
 * compare with @p want within @p tol (0: exact; the cases below add and copy small
 * integers or halves, which float32 holds exactly). */
static void check_values(const char *desc, AvaGraph *g, AvaVal y, const float *const *in,
                         int n_in, const float *want, size_t n_want, double tol)
{
    int ret = ava_graph_output(g, y);
    if (ret == 0)
        ret = ava_graph_build(g);
    CHECK(desc, ret == 0);
    if (ret < 0)
        return;
    for (int i = 0; i < n_in; i++) {
        size_t n;
        float *b = ava_graph_input_data(g, i, &n);
        memcpy(b, in[i], n * sizeof(float));
    }
    size_t n_out;
    float *out = (float *)ava_graph_output_data(g, 0, &n_out);
    for (size_t i = 0; i < n_out; i++)
        out[i] = NAN;
    CHECK("output size", n_out == n_want);
    CHECK("run", ava_graph_run(g) == 0);
    size_t bad = 0;
    for (size_t i = 0; i < n_want && i < n_out; i++)
        if (!(fabs((double)out[i] - want[i]) <= tol * (1 + fabs(want[i])))) {
            if (bad++ < 4)
                fprintf(stderr, "  %s: [%zu] = %g, want %g\n", desc, i, out[i], want[i]);
        }
    printf("  %-44s %6zu values, %zu wrong\n", desc, n_want, bad);
    CHECK(desc, bad == 0);
}

/* upsample_nearest on its own: out[y][x] = in[y / sh][x / sw]. */
static void test_upsample(void)
{
    /* 1x2x3x1 by (2, 3): each row of [1 2 3; 4 5 6] twice, each value three times. */
    const float x[6] = { 1, 2, 3, 4, 5, 6 };
    const float want[36] = {
        1, 1, 1, 2, 2, 2, 3, 3, 3,
        1, 1, 1, 2, 2, 2, 3, 3, 3,
        4, 4, 4, 5, 5, 5, 6, 6, 6,
        4, 4, 4, 5, 5, 5, 6, 6, 6,
    };
    AvaGraph *g = NULL;
    ava_graph_create(&g, "upsample", NULL);
    AvaVal vx = ava_graph_input(g, 1, 2, 3, 1);
    AvaVal y = ava_graph_upsample_nearest(g, vx, 2, 3);
    int d[4];
    CHECK("upsample shape", ava_graph_shape(g, y, d) == 4 && d[0] == 1 && d[1] == 4 &&
                            d[2] == 9 && d[3] == 1);
    check_values("upsample (2,3) 2x3x1", g, y, (const float *const[]){ x }, 1, want, 36, 0);
    ava_graph_close(&g);

    /* Batch 2, 3x1x2 by (1, 4): in = 100 n + 10 y + c, so out[n][y][x][c] = 100 n + 10 y + c
     * for every x (the width 1 is copied 4 times, the height kept). */
    float xb[2 * 3 * 1 * 2], wb[2 * 3 * 4 * 2];
    for (int n = 0; n < 2; n++)
        for (int yy = 0; yy < 3; yy++)
            for (int c = 0; c < 2; c++) {
                xb[(n * 3 + yy) * 2 + c] = (float)(100 * n + 10 * yy + c);
                for (int xx = 0; xx < 4; xx++)
                    wb[((n * 3 + yy) * 4 + xx) * 2 + c] = (float)(100 * n + 10 * yy + c);
            }
    ava_graph_create(&g, "upsample batch", NULL);
    vx = ava_graph_input(g, 2, 3, 1, 2);
    y = ava_graph_upsample_nearest(g, vx, 1, 4);
    check_values("upsample (1,4) batch2 3x1x2", g, y, (const float *const[]){ xb }, 1, wb,
                 48, 0);
    ava_graph_close(&g);
}

/* depth_to_space, DCR order: out[y b + i][x b + j][k] = in[y][x][(i b + j) c + k]. */
static void test_depth_to_space(void)
{
    /* 1x1x2x8, block 2, c = 2. Pixel x holds 8 x + 0..7; output row i, column 2 x + j takes
     * channels (2 i + j) 2 + {0, 1} of pixel x:
     * row 0: x0 j0 {0,1}, x0 j1 {2,3}, x1 j0 {8,9}, x1 j1 {10,11}; row 1: {4,5} {6,7} {12,13}
     * {14,15}. */
    float x[16];
    for (int i = 0; i < 16; i++)
        x[i] = (float)i;
    const float want[16] = { 0, 1, 2, 3, 8, 9, 10, 11, 4, 5, 6, 7, 12, 13, 14, 15 };
    AvaGraph *g = NULL;
    ava_graph_create(&g, "d2s", NULL);
    AvaVal vx = ava_graph_input(g, 1, 1, 2, 8);
    AvaVal y = ava_graph_depth_to_space(g, vx, 2);
    int d[4];
    CHECK("d2s shape", ava_graph_shape(g, y, d) == 4 && d[1] == 2 && d[2] == 4 && d[3] == 2);
    check_values("depth_to_space b2 1x2x8 -> 2x4x2", g, y, (const float *const[]){ x }, 1,
                 want, 16, 0);
    ava_graph_close(&g);

    /* Odd block and batch: 2x2x1x9, block 3, c = 1. in[n][y][0][ch] = 100 n + 10 y + ch, so
     * out[n][3 y + i][j] = 100 n + 10 y + 3 i + j. */
    float xb[2 * 2 * 9], wb[2 * 6 * 3];
    for (int n = 0; n < 2; n++)
        for (int yy = 0; yy < 2; yy++)
            for (int ch = 0; ch < 9; ch++) {
                xb[(n * 2 + yy) * 9 + ch] = (float)(100 * n + 10 * yy + ch);
                wb[(n * 6 + yy * 3 + ch / 3) * 3 + ch % 3] = (float)(100 * n + 10 * yy + ch);
            }
    ava_graph_create(&g, "d2s odd", NULL);
    vx = ava_graph_input(g, 2, 2, 1, 9);
    y = ava_graph_depth_to_space(g, vx, 3);
    check_values("depth_to_space b3 batch2 2x1x9 -> 6x3x1", g, y,
                 (const float *const[]){ xb }, 1, wb, 36, 0);
    ava_graph_close(&g);
    ava_graph_create(&g, "d2s bad", &(const AvaLogger){ NULL, silent, AVA_LOG_DEBUG });
    vx = ava_graph_input(g, 1, 1, 1, 6);
    CHECK("d2s refuses channels not a multiple of block^2",
          ava_graph_depth_to_space(g, vx, 2) == AVA_VAL_NONE);
    ava_graph_close(&g);
}

/*
 * a + upsample(b) where a is made by an elementwise op and read only by the add: the graph
 * fuses them into one broadcast add over a's 5-D view. Same values whichever side the
 * upsample is on, and when the fusion does not apply (a is an input, a is read twice).
 * x = [1 -2 3 -4; 5 -6 7 -8], a = x - 1 = [0 -3 2 -5; 4 -7 6 -9], b = [10 -2] upsampled by 2:
 * [10 10 -2 -2] on both rows. a + up = [10 7 0 -7; 14 3 4 -11]; relu: [10 7 0 0; 14 3 4 0].
 * a = x: [11 8 1 -6; 15 4 5 -10]. (a + up) + a = [10 4 2 -12; 18 -4 10 -20].
 */
static void test_add_upsample(void)
{
    static const float x[8] = { 1, -2, 3, -4, 5, -6, 7, -8 }, b[2] = { 10, -2 }, minus1 = -1;
    static const char *const names[4] = {
        "fused a + up(b), relu 2x4x1", "fused up(b) + a 2x4x1",
        "unfused: a is the input", "unfused: a read twice",
    };
    static const float want[4][8] = {
        { 10, 7, 0, 0, 14, 3, 4, 0 },
        { 10, 7, 0, -7, 14, 3, 4, -11 },
        { 11, 8, 1, -6, 15, 4, 5, -10 },
        { 10, 4, 2, -12, 18, -4, 10, -20 },
    };
    for (int variant = 0; variant < 4; variant++) {
        AvaGraph *g = NULL;
        ava_graph_create(&g, names[variant], NULL);
        AvaVal vx = ava_graph_input(g, 1, 2, 4, 1), vb = ava_graph_input(g, 1, 1, 2, 1);
        AvaVal a = variant == 2 ? vx : ava_graph_affine(g, vx, NULL, &minus1, 1);
        AvaVal up = ava_graph_upsample_nearest(g, vb, 2, 2), y;
        if (variant == 1)
            y = ava_graph_add(g, up, a, AVA_ACT_NONE);
        else
            y = ava_graph_add(g, a, up, variant == 0 ? AVA_ACT_RELU : AVA_ACT_NONE);
        if (variant == 3)
            y = ava_graph_add(g, y, a, AVA_ACT_NONE);
        check_values(names[variant], g, y, (const float *const[]){ x, b }, 2, want[variant], 8,
                     0);
        ava_graph_close(&g);
    }
}

/* The fused add on odd shapes, batch 2, factors (3, 2), 3 channels, a made by a clamp:
 * y[n][r][q][c] = clamp(x[n][r][q][c], -0.5, 0.5) + b[n][r / 3][q / 2][c] (random values). */
static void test_add_upsample_odd(void)
{
    const int N = 2, H = 2, W = 3, C = 3, SH = 3, SW = 2, OH = H * SH, OW = W * SW;
    size_t nx = (size_t)N * OH * OW * C, nb = (size_t)N * H * W * C;
    float *x = rand_buf(nx), *b = rand_buf(nb), *want = malloc(nx * sizeof(float));
    for (int n = 0; n < N; n++)
        for (int r = 0; r < OH; r++)
            for (int q = 0; q < OW; q++)
                for (int c = 0; c < C; c++) {
                    size_t i = (((size_t)n * OH + r) * OW + q) * C + c;
                    float v = x[i] < -0.5f ? -0.5f : x[i] > 0.5f ? 0.5f : x[i];
                    want[i] = v + b[(((size_t)n * H + r / SH) * W + q / SW) * C + c];
                }
    AvaGraph *g = NULL;
    ava_graph_create(&g, "add_up odd", NULL);
    AvaVal vx = ava_graph_input(g, N, OH, OW, C), vb = ava_graph_input(g, N, H, W, C);
    AvaVal a = ava_graph_clamp(g, vx, -0.5f, 0.5f);
    AvaVal y = ava_graph_add(g, a, ava_graph_upsample_nearest(g, vb, SH, SW), AVA_ACT_NONE);
    check_values("fused clamp + up(3,2) batch2 6x6x3", g, y, (const float *const[]){ x, b }, 2,
                 want, nx, 1e-6);
    ava_graph_close(&g);
    free(x), free(b), free(want);
}

/* The upsampled value broadcast over the batch: a [2, 4, 2, 1] + up(b [1, 2, 1, 1], 2, 2).
 * x[n][r][q] = 10 n + 2 r + q, a = 2 x (an affine).
 * b = [1 -1]: up rows 0-1 add 1, rows 2-3 add -1, in both batches.
 * y[n][r][q] = 2 (10 n + 2 r + q) + (r < 2 ? 1 : -1). */
static void test_add_upsample_batch_broadcast(void)
{
    float x[16], want[16], two = 2;
    const float b[2] = { 1, -1 };
    for (int n = 0; n < 2; n++)
        for (int r = 0; r < 4; r++)
            for (int q = 0; q < 2; q++) {
                x[(n * 4 + r) * 2 + q] = (float)(10 * n + 2 * r + q);
                want[(n * 4 + r) * 2 + q] = (float)(2 * (10 * n + 2 * r + q) + (r < 2 ? 1 : -1));
            }
    AvaGraph *g = NULL;
    ava_graph_create(&g, "add_up batch broadcast", NULL);
    AvaVal vx = ava_graph_input(g, 2, 4, 2, 1), vb = ava_graph_input(g, 1, 2, 1, 1);
    AvaVal a = ava_graph_affine(g, vx, &two, NULL, 1);
    AvaVal y = ava_graph_add(g, a, ava_graph_upsample_nearest(g, vb, 2, 2), AVA_ACT_NONE);
    check_values("2x + up(b) broadcast over batch 2", g, y, (const float *const[]){ x, b }, 2,
                 want, 16, 0);
    ava_graph_close(&g);
}

/* affine leaves out the multiply or the add that is an identity. x = [1 2 3 4 5 6] as
 * 1x1x2x3. */
static void test_affine_identities(void)
{
    static const float x[6] = { 1, 2, 3, 4, 5, 6 };
    static const float cs[3] = { 2, 1, -1 }, co[3] = { 0.5f, 0, 1 }, ones[3] = { 1, 1, 1 };
    static const float zeros[3] = { 0, 0, 0 }, three = 3, minus2 = -2;
    struct { const char *desc; const float *s, *o; int n; float want[6]; } cases[] = {
        /* x c + o per channel: (1 2 + .5, 2, -3 + 1, 4 2 + .5, 5, -6 + 1) */
        { "affine per channel, both", cs, co, 3, { 2.5f, 2, -2, 8.5f, 5, -5 } },
        { "affine offset only (scalar 3)", NULL, &three, 1, { 4, 5, 6, 7, 8, 9 } },
        { "affine scale only (scalar -2)", &minus2, NULL, 1, { -2, -4, -6, -8, -10, -12 } },
        { "affine identity (NULL, NULL)", NULL, NULL, 1, { 1, 2, 3, 4, 5, 6 } },
        { "affine identity (ones, zeros)", ones, zeros, 3, { 1, 2, 3, 4, 5, 6 } },
        { "affine scale per channel, zero offset", cs, zeros, 3, { 2, 2, -3, 8, 5, -6 } },
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        AvaGraph *g = NULL;
        ava_graph_create(&g, cases[k].desc, NULL);
        AvaVal vx = ava_graph_input(g, 1, 1, 2, 3);
        AvaVal y = ava_graph_affine(g, vx, cases[k].s, cases[k].o, cases[k].n);
        check_values(cases[k].desc, g, y, (const float *const[]){ x }, 1, cases[k].want, 6, 0);
        ava_graph_close(&g);
    }
}

/* A conv's bias, scale and offset folded into its filter and bias: 1x1 conv, 2 -> 2,
 * filter TF [in, out] = [[1, 0], [1, -1]] (out0 = x0 + x1, out1 = -x1), bias (1, 0),
 * scale (2, 3), offset (-1, 0.5). Pixel (1, 2): conv + bias (4, -2), times scale (8, -6),
 * plus offset (7, -5.5). Pixel (3, 4): (8, -4) -> (16, -12) -> (15, -11.5). */
static void test_conv_affine_fold(void)
{
    static const float x[4] = { 1, 2, 3, 4 }, f[4] = { 1, 0, 1, -1 }, bias[2] = { 1, 0 };
    static const float scale[2] = { 2, 3 }, offset[2] = { -1, 0.5f };
    static const float want[4] = { 7, -5.5f, 15, -11.5f }, want_relu[4] = { 7, 0, 15, 0 };
    for (int relu = 0; relu < 2; relu++) {
        AvaGraph *g = NULL;
        ava_graph_create(&g, "conv fold", NULL);
        AvaVal vx = ava_graph_input(g, 1, 1, 2, 2);
        AvaVal y = ava_graph_conv2d(g, vx, &(AvaConvParams){ .kh = 1, .kw = 1, .out_channels = 2,
            .filter = f, .bias = bias, .scale = scale, .offset = offset,
            .act = relu ? AVA_ACT_RELU : AVA_ACT_NONE });
        check_values(relu ? "conv 1x1 bias+scale+offset, relu" : "conv 1x1 bias+scale+offset",
                     g, y, (const float *const[]){ x }, 1, relu ? want_relu : want, 4, 0);
        ava_graph_close(&g);
    }
}

/* A deconvolution with kernel = stride and one group becomes a 1x1 conv to k k out channels
 * and depth_to_space(k). 1x1x2x1 input (1, 2), 2x2 kernel, stride 2, 2 out channels,
 * filter [out, kh, kw, in]: o0 = [1 2; 3 4], o1 = [0 -1; 0 1], bias (0.5, 0).
 * out[r][q][o] = in[q / 2] w_o[r][q % 2] + bias_o:
 * o0 row 0: 1.5 2.5 2.5 4.5, row 1: 3.5 4.5 6.5 8.5; o1 row 0: 0 -1 0 -2, row 1: 0 1 0 2. */
static void test_deconv_as_d2s(void)
{
    static const float x[2] = { 1, 2 }, w[8] = { 1, 2, 3, 4, 0, -1, 0, 1 }, bias[2] = { 0.5f, 0 };
    static const float want[16] = { 1.5f, 0, 2.5f, -1, 2.5f, 0, 4.5f, -2,
                                     3.5f, 0, 4.5f, 1, 6.5f, 0, 8.5f, 2 };
    AvaGraph *g = NULL;
    ava_graph_create(&g, "deconv k=s", NULL);
    AvaVal vx = ava_graph_input(g, 1, 1, 2, 1);
    AvaVal y = ava_graph_deconv2d(g, vx, &(AvaDeconvParams){ .kh = 2, .kw = 2, .stride_h = 2,
        .stride_w = 2, .groups = 1, .out_channels = 2, .filter = w, .bias = bias });
    int d[4];
    CHECK("deconv k=s shape", ava_graph_shape(g, y, d) == 4 && d[1] == 2 && d[2] == 4 &&
                              d[3] == 2);
    check_values("deconv 2x2 s2 (1x1 conv + d2s) 1x2x1->2", g, y, (const float *const[]){ x },
                 1, want, 16, 0);
    ava_graph_close(&g);
}

int main(void)
{
    const char *env = getenv("AVA_TEST_SEED");
    uint64_t seed = env ? strtoull(env, NULL, 0) : 0x5eed2024u;
    rng_state = seed ? seed : 1;
    printf("nn_graph: seed 0x%llx (set AVA_TEST_SEED to change)\n", (unsigned long long)seed);

    test_conv("conv 3x3 s2 same 13x11x7->5 bias+bn relu6", (Shape){ 1, 13, 11, 7 },
              (AvaConvParams){ .kh = 3, .kw = 3, .stride_h = 2, .stride_w = 2,
                               .pad = AVA_PAD_SAME, .out_channels = 5, .act = AVA_ACT_RELU6 },
              1, 1);
    test_conv("conv 3x5 s(1,2) valid batch2 9x10x3->4 leaky", (Shape){ 2, 9, 10, 3 },
              (AvaConvParams){ .kh = 3, .kw = 5, .stride_h = 1, .stride_w = 2,
                               .pad = AVA_PAD_VALID, .out_channels = 4, .act = AVA_ACT_LEAKY,
                               .leaky_slope = 0.1f }, 0, 0);
    test_conv("conv 3x3 dil2 explicit(1,2,0,1) 11x9x6->3", (Shape){ 1, 11, 9, 6 },
              (AvaConvParams){ .kh = 3, .kw = 3, .dilation = 2, .pad = AVA_PAD_EXPLICIT,
                               .pad_top = 1, .pad_right = 2, .pad_bottom = 0, .pad_left = 1,
                               .out_channels = 3 }, 1, 0);
    test_conv("conv 1x1 17x15x33->29 bias relu", (Shape){ 1, 17, 15, 33 },
              (AvaConvParams){ .kh = 1, .kw = 1, .out_channels = 29, .act = AVA_ACT_RELU },
              1, 0);
    test_conv("dwconv 3x3 pad1 x2 11x9x5 bn relu", (Shape){ 1, 11, 9, 5 },
              (AvaConvParams){ .kh = 3, .kw = 3, .pad = AVA_PAD_EXPLICIT, .pad_top = 1,
                               .pad_right = 1, .pad_bottom = 1, .pad_left = 1, .depthwise = 1,
                               .out_channels = 2, .act = AVA_ACT_RELU }, 1, 1);
    test_conv("dwconv 3x3 s2 same 14x13x19", (Shape){ 1, 14, 13, 19 },
              (AvaConvParams){ .kh = 3, .kw = 3, .stride_h = 2, .stride_w = 2,
                               .pad = AVA_PAD_SAME, .depthwise = 1, .out_channels = 1 }, 0, 0);
    test_maxpool("maxpool 2x2 s2 same 7x9x3 (odd)", (Shape){ 1, 7, 9, 3 }, 2, 2, 2, 2,
                 AVA_PAD_SAME, 0);
    test_maxpool("maxpool 2x2 s1 same 13x13x4, all negative", (Shape){ 1, 13, 13, 4 }, 2, 2,
                 1, 1, AVA_PAD_SAME, -3);
    test_maxpool("maxpool 3x3 s2 valid batch3 9x8x2", (Shape){ 3, 9, 8, 2 }, 3, 3, 2, 2,
                 AVA_PAD_VALID, 0);
    test_avgpool();
    test_dense();
    test_eltwise();
    test_errors();
    test_long_chain();
    test_eltwise2();
    test_deconv();
    test_upsample();
    test_depth_to_space();
    test_add_upsample();
    test_add_upsample_odd();
    test_add_upsample_batch_broadcast();
    test_affine_identities();
    test_conv_affine_fold();
    test_deconv_as_d2s();
    test_own_convs();
    test_own_steps();
    test_own_dwconvs();
    test_own_pw("own pw+hswish batch2 5x3x7->24 (30 pixels)", (Shape){ 2, 5, 3, 7 }, 24,
                AVA_ACT_NONE);
    test_own_pw("own pw+hswish 4x4x33->56 relu6", (Shape){ 1, 4, 4, 33 }, 56, AVA_ACT_RELU6);
    test_own_pw("own pw+hswish 3x3x16->8", (Shape){ 1, 3, 3, 16 }, 8, AVA_ACT_NONE);
    test_own_pw("own pw+hswish 2x7x5->48", (Shape){ 1, 2, 7, 5 }, 48, AVA_ACT_NONE);
    test_own_dw_fused("own x + o, dw 3x3 pad1, hswish 9x11x32", (Shape){ 1, 9, 11, 32 }, 3, 1, 1);
    test_own_dw_fused("own x + o (scalar), dw 5x5 s2, hswish batch2 10x7x16",
                      (Shape){ 2, 10, 7, 16 }, 5, 2, 0);
    test_up_head("up head batch2 3x7x5, c1 8", (Shape){ 2, 3, 7, 5 }, 8);
    test_up_head("up head 5x9x24, c1 24", (Shape){ 1, 5, 9, 24 }, 24);
    return nn_test_report("nn_graph");
}
