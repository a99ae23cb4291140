/* SPDX-License-Identifier: MIT */
/**
 * @file
 * 68-point landmarks: face-api's FaceFeatureExtractor (denseBlock4 x 4, avgPool 7x7 s2) +
 * FaceProcessor's dense layer + FaceLandmark68NetBase.postProcess, on XNNPACK.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "src/log.h"
#include "src/nn/graph.h"
#include "src/nn/net_landmark68.h"
#include "src/nn/preprocess.h"
#include "src/nn/tfjs_manifest.h"

#define SIZE AVA_LANDMARK68_SIZE
#define N_OUT (2 * AVA_LANDMARK68_POINTS)

static const float mean_rgb[3] = { 122.782f, 117.001f, 104.298f };

struct AvaLandmark68 {
    const AvaLogger *lg;
    AvaGraph *g;
    float *in;
    const float *out;
};

void ava_landmark68_close(AvaLandmark68 **cp)
{
    if (!cp || !*cp)
        return;
    ava_graph_close(&(*cp)->g);
    free(*cp);
    *cp = NULL;
}

static const float *get(const AvaTfjsWeights *w, const char *block, const char *layer,
                        const char *part, int ndim, const int *shape, const AvaLogger *lg)
{
    char name[96];
    snprintf(name, sizeof(name), "%s%s%s/%s", block, *block ? "/" : "", layer, part);
    const AvaTensor *t = ava_tfjs_expect(w, name, ndim, shape, lg);
    return t ? t->data : NULL;
}

/* common/depthwiseSeparableConv.ts: separableConv2d(stride, 'same') + bias, no activation. */
static AvaVal sep_conv(AvaGraph *g, AvaVal x, const AvaTfjsWeights *w, const char *block,
                       const char *layer, int cin, int cout, int stride, enum AvaAct act,
                       const AvaLogger *lg)
{
    const float *dw = get(w, block, layer, "depthwise_filter", 4, (const int[]){ 3, 3, cin, 1 }, lg);
    const float *pw = get(w, block, layer, "pointwise_filter", 4,
                          (const int[]){ 1, 1, cin, cout }, lg);
    const float *b = get(w, block, layer, "bias", 1, (const int[]){ cout }, lg);
    if (!dw || !pw || !b)
        return AVA_VAL_NONE;
    x = ava_graph_conv2d(g, x, &(AvaConvParams){ .kh = 3, .kw = 3, .stride_h = stride,
                         .stride_w = stride, .pad = AVA_PAD_SAME, .depthwise = 1,
                         .out_channels = 1, .filter = dw });
    return ava_graph_conv2d(g, x, &(AvaConvParams){ .kh = 1, .kw = 1, .out_channels = cout,
                            .filter = pw, .bias = b, .act = act });
}

/* faceFeatureExtractor/denseBlock.ts denseBlock4, with the same order of additions. */
static AvaVal dense_block(AvaGraph *g, AvaVal x, const AvaTfjsWeights *w, const char *block,
                          int cin, int cout, int first, const AvaLogger *lg)
{
    AvaVal out1;
    if (first) {
        const float *f = get(w, block, "conv0", "filters", 4, (const int[]){ 3, 3, cin, cout }, lg);
        const float *b = get(w, block, "conv0", "bias", 1, (const int[]){ cout }, lg);
        if (!f || !b)
            return AVA_VAL_NONE;
        out1 = ava_graph_conv2d(g, x, &(AvaConvParams){ .kh = 3, .kw = 3, .stride_h = 2,
                                .stride_w = 2, .pad = AVA_PAD_SAME, .out_channels = cout,
                                .filter = f, .bias = b, .act = AVA_ACT_RELU });
    } else {
        out1 = sep_conv(g, x, w, block, "conv0", cin, cout, 2, AVA_ACT_RELU, lg);
    }
    if (out1 == AVA_VAL_NONE)
        return AVA_VAL_NONE;
    AvaVal out2 = sep_conv(g, out1, w, block, "conv1", cout, cout, 1, AVA_ACT_NONE, lg);
    if (out2 == AVA_VAL_NONE)
        return AVA_VAL_NONE;
    AvaVal in3 = ava_graph_add(g, out1, out2, AVA_ACT_RELU);
    AvaVal out3 = sep_conv(g, in3, w, block, "conv2", cout, cout, 1, AVA_ACT_NONE, lg);
    if (out3 == AVA_VAL_NONE)
        return AVA_VAL_NONE;
    AvaVal in4 = ava_graph_add(g, out1, ava_graph_add(g, out2, out3, AVA_ACT_NONE), AVA_ACT_RELU);
    AvaVal out4 = sep_conv(g, in4, w, block, "conv3", cout, cout, 1, AVA_ACT_NONE, lg);
    if (out4 == AVA_VAL_NONE)
        return AVA_VAL_NONE;
    AvaVal s34 = ava_graph_add(g, out3, out4, AVA_ACT_NONE);
    return ava_graph_add(g, out1, ava_graph_add(g, out2, s34, AVA_ACT_NONE), AVA_ACT_RELU);
}

static int build(AvaLandmark68 *c, const AvaTfjsWeights *w)
{
    AvaGraph *g = c->g;
    AvaVal x = ava_graph_input(g, 1, SIZE, SIZE, 3);
    static const char *const blocks[4] = { "dense0", "dense1", "dense2", "dense3" };
    int ch = 3;
    for (int i = 0; i < 4; i++) {
        int cout = 32 << i;
        if ((x = dense_block(g, x, w, blocks[i], ch, cout, i == 0, c->lg)) == AVA_VAL_NONE)
            return AVA_ERR_MODEL; /* already logged */
        ch = cout;
    }
    x = ava_graph_avgpool(g, x, 7, 7, 2, 2);
    const float *fw = get(w, "", "fc", "weights", 2, (const int[]){ 256, N_OUT }, c->lg);
    const float *fb = get(w, "", "fc", "bias", 1, (const int[]){ N_OUT }, c->lg);
    if (!fw || !fb)
        return AVA_ERR_MODEL;
    x = ava_graph_dense(g, x, N_OUT, fw, fb, AVA_ACT_NONE);
    ava_graph_output(g, x);
    return ava_graph_build(g);
}

int ava_landmark68_open(AvaLandmark68 **out, const char *models_dir, const AvaLogger *lg)
{
    if (!out || !models_dir)
        return AVA_ERR(EINVAL);
    char path[4096];
    if (snprintf(path, sizeof(path), "%s/face_landmark_68/"
                 "face_landmark_68_model-weights_manifest.json", models_dir) >= (int)sizeof(path))
        return AVA_ERR(EINVAL);
    AvaLandmark68 *c = calloc(1, sizeof(*c));
    if (!c)
        return AVA_ERR(ENOMEM);
    c->lg = lg;
    AvaTfjsWeights *w = NULL;
    int ret = ava_tfjs_load(&w, path, lg);
    if (ret >= 0)
        ret = ava_graph_create(&c->g, "face_landmark_68", lg);
    if (ret >= 0)
        ret = build(c, w);
    ava_tfjs_close(&w); /* the graph holds its own copies */
    if (ret < 0) {
        ava_landmark68_close(&c);
        return ret;
    }
    c->in = ava_graph_input_data(c->g, 0, NULL);
    c->out = ava_graph_output_data(c->g, 0, NULL);
    *out = c;
    return 0;
}

int ava_landmark68_run(AvaLandmark68 *c, const uint8_t *rgb, int w, int h, ptrdiff_t stride,
                       float pts[2 * AVA_LANDMARK68_POINTS])
{
    if (!c || !rgb || !pts || w < 1 || h < 1 || w > 65536 || h > 65536 ||
        stride < 3 * (ptrdiff_t)w)
        return AVA_ERR(EINVAL);
    int ox, oy;
    ava_nn_center_offset(w, h, &ox, &oy);
    ava_nn_square_resize(rgb, w, h, stride, ox, oy, SIZE, mean_rgb, c->in);
    int ret = ava_graph_run(c->g);
    if (ret < 0)
        return ret;
    /* postProcess: (out * 112 - pad) / dims, in float32 tensors as tfjs does; pad is half the
     * difference of the scaled sides (face-api's formula, whatever the odd pixel). */
    double scale = (double)SIZE / (w > h ? w : h), sw = w * scale, shh = h * scale;
    float pad_x = (float)(sw < shh ? fabs(sw - shh) / 2 : 0);
    float pad_y = (float)(shh < sw ? fabs(sw - shh) / 2 : 0);
    float dim_x = (float)sw, dim_y = (float)shh;
    for (int i = 0; i < AVA_LANDMARK68_POINTS; i++) {
        float rx = (c->out[2 * i] * (float)SIZE - pad_x) / dim_x;
        float ry = (c->out[2 * i + 1] * (float)SIZE - pad_y) / dim_y;
        pts[2 * i] = rx * (float)w; /* FaceLandmarks: relative * image size */
        pts[2 * i + 1] = ry * (float)h;
    }
    return 0;
}

const float *ava_landmark68_raw(const AvaLandmark68 *c)
{
    return c ? c->out : NULL;
}
