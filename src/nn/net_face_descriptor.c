/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Face descriptor: faceRecognitionNet/{FaceRecognitionNet,convLayer,residualLayer,
 * scaleLayer}.ts on XNNPACK. Each conv's bias and scale layer (x * weights + biases) are
 * folded into the conv at load time. residualDown's tf.concat with zeros (channels of the
 * pooled shortcut, a row and a column of the strided branch) becomes static_constant_pad,
 * which this XNNPACK has (it lacks concatenate).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/nn/face_common.h"
#include "src/nn/graph.h"
#include "src/nn/net_face_descriptor.h"
#include "src/nn/preprocess.h"
#include "src/nn/tfjs_manifest.h"

#define SIZE AVA_FACE_DESCRIPTOR_SIZE
#define DIM AVA_FACE_DESCRIPTOR_DIM

struct AvaFaceDescriptor {
    const AvaLogger *lg;
    AvaGraph *g;
    float *in;
    const float *out;
};

void ava_face_descriptor_close(AvaFaceDescriptor **cp)
{
    if (!cp || !*cp)
        return;
    ava_graph_close(&(*cp)->g);
    free(*cp);
    *cp = NULL;
}

/* convLayer.ts: conv2d + bias, scale (x * weights + biases), optional ReLU. */
static AvaVal conv_layer(AvaGraph *g, AvaVal x, const AvaTfjsWeights *w, const char *prefix,
                         int k, int cin, int cout, int stride, enum AvaPad pad, int relu,
                         const AvaLogger *lg)
{
    const float *f = ava_nn_weight(w, lg, 4, (const int[]){ k, k, cin, cout },
                                   "%s/conv/filters", prefix);
    const float *b = ava_nn_weight(w, lg, 1, (const int[]){ cout }, "%s/conv/bias", prefix);
    const float *s = ava_nn_weight(w, lg, 1, (const int[]){ cout }, "%s/scale/weights", prefix);
    const float *o = ava_nn_weight(w, lg, 1, (const int[]){ cout }, "%s/scale/biases", prefix);
    if (!f || !b || !s || !o)
        return AVA_VAL_NONE;
    return ava_graph_conv2d(g, x, &(AvaConvParams){ .kh = k, .kw = k, .stride_h = stride,
                            .stride_w = stride, .pad = pad, .out_channels = cout, .filter = f,
                            .bias = b, .scale = s, .offset = o,
                            .act = relu ? AVA_ACT_RELU : AVA_ACT_NONE });
}

/* residualLayer.ts residual / residualDown. */
static AvaVal residual(AvaGraph *g, AvaVal x, const AvaTfjsWeights *w, const char *name,
                       int cin, int cout, int down, const AvaLogger *lg)
{
    char p1[64], p2[64];
    snprintf(p1, sizeof(p1), "%s/conv1", name);
    snprintf(p2, sizeof(p2), "%s/conv2", name);
    AvaVal out = conv_layer(g, x, w, p1, 3, cin, cout, down ? 2 : 1,
                            down ? AVA_PAD_VALID : AVA_PAD_SAME, 1, lg);
    if (out != AVA_VAL_NONE)
        out = conv_layer(g, out, w, p2, 3, cout, cout, 1, AVA_PAD_SAME, 0, lg);
    if (out == AVA_VAL_NONE)
        return AVA_VAL_NONE;
    AvaVal sc = x;
    if (down) {
        sc = ava_graph_avgpool(g, x, 2, 2, 2, 2);
        int ds[4], dout[4];
        ava_graph_shape(g, sc, ds);
        ava_graph_shape(g, out, dout);
        if (ds[3] != cout) /* concat([pooled, zeros], 3) */
            sc = ava_graph_pad(g, sc, (const int[]){ 0, 0, 0, 0 },
                               (const int[]){ 0, 0, 0, cout - ds[3] }, 0.0f);
        if (ds[1] != dout[1] || ds[2] != dout[2]) /* concat([out, zeros], 1), then 2 */
            out = ava_graph_pad(g, out, (const int[]){ 0, 0, 0, 0 },
                                (const int[]){ 0, ds[1] - dout[1], ds[2] - dout[2], 0 }, 0.0f);
    }
    return ava_graph_add(g, out, sc, AVA_ACT_RELU);
}

static int build(AvaGraph *g, const AvaTfjsWeights *w, const AvaLogger *lg)
{
    static const struct { const char *name; int cout, down; } blocks[] = {
        { "conv32_1", 32, 0 }, { "conv32_2", 32, 0 }, { "conv32_3", 32, 0 },
        { "conv64_down", 64, 1 }, { "conv64_1", 64, 0 }, { "conv64_2", 64, 0 },
        { "conv64_3", 64, 0 },
        { "conv128_down", 128, 1 }, { "conv128_1", 128, 0 }, { "conv128_2", 128, 0 },
        { "conv256_down", 256, 1 }, { "conv256_1", 256, 0 }, { "conv256_2", 256, 0 },
        { "conv256_down_out", 256, 1 },
    };
    AvaVal x = conv_layer(g, ava_graph_input(g, 1, SIZE, SIZE, 3), w, "conv32_down", 7, 3, 32,
                          2, AVA_PAD_VALID, 1, lg);
    if (x == AVA_VAL_NONE)
        return AVA_ERR_MODEL;
    x = ava_graph_maxpool(g, x, 3, 3, 2, 2, AVA_PAD_VALID);
    int ch = 32;
    for (size_t i = 0; i < sizeof(blocks) / sizeof(*blocks); i++) {
        x = residual(g, x, w, blocks[i].name, ch, blocks[i].cout, blocks[i].down, lg);
        if (x == AVA_VAL_NONE)
            return AVA_ERR_MODEL; /* already logged */
        ch = blocks[i].cout;
    }
    int d[4];
    if (!ava_graph_shape(g, x, d))
        return ava_graph_build(g); /* the sticky error */
    x = ava_graph_avgpool(g, x, d[1], d[2], 1, 1); /* out.mean([1, 2]) */
    const float *fc = ava_nn_weight(w, lg, 2, (const int[]){ 256, DIM }, "fc");
    if (!fc)
        return AVA_ERR_MODEL;
    ava_graph_output(g, ava_graph_dense(g, x, DIM, fc, NULL, AVA_ACT_NONE));
    return ava_graph_build(g);
}

int ava_face_descriptor_open(AvaFaceDescriptor **out, const char *models_dir,
                             const AvaLogger *lg)
{
    if (!out || !models_dir)
        return AVA_ERR(EINVAL);
    AvaFaceDescriptor *c = calloc(1, sizeof(*c));
    if (!c)
        return AVA_ERR(ENOMEM);
    c->lg = lg;
    int ret = ava_face_net_open(&c->g, models_dir, "face_recognition", build, lg);
    if (ret < 0) {
        ava_face_descriptor_close(&c);
        return ret;
    }
    c->in = ava_graph_input_data(c->g, 0, NULL);
    c->out = ava_graph_output_data(c->g, 0, NULL);
    *out = c;
    return 0;
}

int ava_face_descriptor_run(AvaFaceDescriptor *c, const uint8_t *rgb, int w, int h,
                            ptrdiff_t stride, float desc[AVA_FACE_DESCRIPTOR_DIM])
{
    if (!c || !rgb || !desc || w < 1 || h < 1 || w > 65536 || h > 65536 ||
        stride < 3 * (ptrdiff_t)w)
        return AVA_ERR(EINVAL);
    int ox, oy;
    ava_nn_center_offset(w, h, &ox, &oy);
    ava_nn_square_resize(rgb, w, h, stride, ox, oy, SIZE, ava_face_mean_rgb, c->in);
    int ret = ava_graph_run(c->g);
    if (ret < 0)
        return ret;
    memcpy(desc, c->out, DIM * sizeof(float));
    return 0;
}
