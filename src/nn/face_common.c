/* SPDX-License-Identifier: MIT */
/** @file Shared face-api net pieces (see face_common.h). */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>

#include "src/log.h"
#include "src/nn/face_common.h"

const float ava_face_mean_rgb[3] = { 122.782f, 117.001f, 104.298f };

const float *ava_nn_weight(const AvaTfjsWeights *w, const AvaLogger *lg, int ndim,
                           const int *shape, const char *fmt, ...)
{
    char name[160];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(name, sizeof(name), fmt, ap);
    va_end(ap);
    if (n < 0 || n >= (int)sizeof(name))
        return NULL;
    const AvaTensor *t = ava_tfjs_expect(w, name, ndim, shape, lg);
    return t ? t->data : NULL;
}

AvaVal ava_face_sep_conv(AvaGraph *g, AvaVal x, const AvaTfjsWeights *w, const char *prefix,
                         int cin, int cout, int stride, enum AvaAct act, const AvaLogger *lg)
{
    const float *dw = ava_nn_weight(w, lg, 4, (const int[]){ 3, 3, cin, 1 },
                                    "%s/depthwise_filter", prefix);
    const float *pw = ava_nn_weight(w, lg, 4, (const int[]){ 1, 1, cin, cout },
                                    "%s/pointwise_filter", prefix);
    const float *b = ava_nn_weight(w, lg, 1, (const int[]){ cout }, "%s/bias", prefix);
    if (!dw || !pw || !b)
        return AVA_VAL_NONE;
    x = ava_graph_conv2d(g, x, &(AvaConvParams){ .kh = 3, .kw = 3, .stride_h = stride,
                         .stride_w = stride, .pad = AVA_PAD_SAME, .depthwise = 1,
                         .out_channels = 1, .filter = dw });
    return ava_graph_conv2d(g, x, &(AvaConvParams){ .kh = 1, .kw = 1, .out_channels = cout,
                            .filter = pw, .bias = b, .act = act });
}

/* faceFeatureExtractor/denseBlock.ts denseBlock4, with the same order of additions. */
static AvaVal dense_block(AvaGraph *g, AvaVal x, const AvaTfjsWeights *w, int blk, int cin,
                          int cout, const AvaLogger *lg)
{
    char p[4][32];
    for (int i = 0; i < 4; i++)
        snprintf(p[i], sizeof(p[i]), "dense%d/conv%d", blk, i);
    AvaVal out1;
    if (blk == 0) {
        const float *f = ava_nn_weight(w, lg, 4, (const int[]){ 3, 3, cin, cout }, "%s/filters",
                                       p[0]);
        const float *b = ava_nn_weight(w, lg, 1, (const int[]){ cout }, "%s/bias", p[0]);
        if (!f || !b)
            return AVA_VAL_NONE;
        out1 = ava_graph_conv2d(g, x, &(AvaConvParams){ .kh = 3, .kw = 3, .stride_h = 2,
                                .stride_w = 2, .pad = AVA_PAD_SAME, .out_channels = cout,
                                .filter = f, .bias = b, .act = AVA_ACT_RELU });
    } else {
        out1 = ava_face_sep_conv(g, x, w, p[0], cin, cout, 2, AVA_ACT_RELU, lg);
    }
    if (out1 == AVA_VAL_NONE)
        return AVA_VAL_NONE;
    AvaVal out2 = ava_face_sep_conv(g, out1, w, p[1], cout, cout, 1, AVA_ACT_NONE, lg);
    if (out2 == AVA_VAL_NONE)
        return AVA_VAL_NONE;
    AvaVal in3 = ava_graph_add(g, out1, out2, AVA_ACT_RELU);
    AvaVal out3 = ava_face_sep_conv(g, in3, w, p[2], cout, cout, 1, AVA_ACT_NONE, lg);
    if (out3 == AVA_VAL_NONE)
        return AVA_VAL_NONE;
    AvaVal in4 = ava_graph_add(g, out1, ava_graph_add(g, out2, out3, AVA_ACT_NONE), AVA_ACT_RELU);
    AvaVal out4 = ava_face_sep_conv(g, in4, w, p[3], cout, cout, 1, AVA_ACT_NONE, lg);
    if (out4 == AVA_VAL_NONE)
        return AVA_VAL_NONE;
    AvaVal s34 = ava_graph_add(g, out3, out4, AVA_ACT_NONE);
    return ava_graph_add(g, out1, ava_graph_add(g, out2, s34, AVA_ACT_NONE), AVA_ACT_RELU);
}

AvaVal ava_face_feature_extractor(AvaGraph *g, AvaVal x, const AvaTfjsWeights *w,
                                  const AvaLogger *lg)
{
    int ch = 3;
    for (int i = 0; i < 4; i++) {
        int cout = 32 << i;
        if ((x = dense_block(g, x, w, i, ch, cout, lg)) == AVA_VAL_NONE)
            return AVA_VAL_NONE;
        ch = cout;
    }
    return ava_graph_avgpool(g, x, 7, 7, 2, 2);
}

int ava_face_load_manifest(AvaTfjsWeights **w, const char *models_dir, const char *name,
                           const AvaLogger *lg)
{
    char path[4096];
    if (snprintf(path, sizeof(path), "%s/%s/%s_model-weights_manifest.json", models_dir, name,
                 name) >= (int)sizeof(path))
        return AVA_ERR(EINVAL);
    return ava_tfjs_load(w, path, lg);
}

void ava_nn_softmax(const float *x, float *y, int n)
{
    /* tfjs-backend-cpu Softmax: b = exp(x - max), b / sum(b), each step in float32. */
    float mx = -INFINITY, sum = 0;
    for (int i = 0; i < n; i++)
        mx = x[i] > mx ? x[i] : mx;
    for (int i = 0; i < n; i++)
        sum += (y[i] = expf(x[i] - mx));
    for (int i = 0; i < n; i++)
        y[i] /= sum;
}

int ava_face_net_open(AvaGraph **g, const char *models_dir, const char *name,
                      AvaFaceNetBuild build, const AvaLogger *lg)
{
    *g = NULL;
    AvaTfjsWeights *w = NULL;
    int ret = ava_face_load_manifest(&w, models_dir, name, lg);
    if (ret >= 0)
        ret = ava_graph_create(g, name, lg);
    if (ret >= 0)
        ret = build(*g, w, lg);
    ava_tfjs_close(&w);
    if (ret < 0)
        ava_graph_close(g);
    return ret;
}
