/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Facial expression: face-api's FaceFeatureExtractor + FaceProcessor's dense layer +
 * FaceExpressionNet's softmax, on XNNPACK.
 */
#include <errno.h>
#include <stdlib.h>

#include "src/nn/face_common.h"
#include "src/nn/graph.h"
#include "src/nn/net_expression.h"
#include "src/nn/preprocess.h"
#include "src/nn/tfjs_manifest.h"

#define SIZE AVA_EXPRESSION_SIZE
#define N_OUT AVA_EXPRESSION_CLASSES

struct AvaExpressionNet {
    const AvaLogger *lg;
    AvaGraph *g;
    float *in;
    const float *out;
};

static const char *const labels[N_OUT] = { "neutral", "happy", "sad", "angry", "fearful",
                                           "disgusted", "surprised" };

const char *ava_expression_label(int cls)
{
    return cls >= 0 && cls < N_OUT ? labels[cls] : NULL;
}

void ava_expression_close(AvaExpressionNet **cp)
{
    if (!cp || !*cp)
        return;
    ava_graph_close(&(*cp)->g);
    free(*cp);
    *cp = NULL;
}

static int build(AvaGraph *g, const AvaTfjsWeights *w, const AvaLogger *lg)
{
    AvaVal x = ava_face_feature_extractor(g, ava_graph_input(g, 1, SIZE, SIZE, 3), w, lg);
    const float *fw = ava_nn_weight(w, lg, 2, (const int[]){ 256, N_OUT }, "fc/weights");
    const float *fb = ava_nn_weight(w, lg, 1, (const int[]){ N_OUT }, "fc/bias");
    if (x == AVA_VAL_NONE || !fw || !fb)
        return AVA_ERR_MODEL; /* already logged */
    ava_graph_output(g, ava_graph_dense(g, x, N_OUT, fw, fb, AVA_ACT_NONE));
    return ava_graph_build(g);
}

int ava_expression_open(AvaExpressionNet **out, const char *models_dir, const AvaLogger *lg)
{
    if (!out || !models_dir)
        return AVA_ERR(EINVAL);
    AvaExpressionNet *c = calloc(1, sizeof(*c));
    if (!c)
        return AVA_ERR(ENOMEM);
    c->lg = lg;
    int ret = ava_face_net_open(&c->g, models_dir, "face_expression", build, lg);
    if (ret < 0) {
        ava_expression_close(&c);
        return ret;
    }
    c->in = ava_graph_input_data(c->g, 0, NULL);
    c->out = ava_graph_output_data(c->g, 0, NULL);
    *out = c;
    return 0;
}

int ava_expression_run(AvaExpressionNet *c, const uint8_t *rgb, int w, int h, ptrdiff_t stride,
                       float prob[AVA_EXPRESSION_CLASSES])
{
    if (!c || !rgb || !prob || w < 1 || h < 1 || w > 65536 || h > 65536 ||
        stride < 3 * (ptrdiff_t)w)
        return AVA_ERR(EINVAL);
    int ox, oy;
    ava_nn_center_offset(w, h, &ox, &oy);
    ava_nn_square_resize(rgb, w, h, stride, ox, oy, SIZE, ava_face_mean_rgb, c->in);
    int ret = ava_graph_run(c->g);
    if (ret < 0)
        return ret;
    ava_nn_softmax(c->out, prob, N_OUT);
    return 0;
}

const float *ava_expression_logits(const AvaExpressionNet *c)
{
    return c ? c->out : NULL;
}
