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
#include "src/nn/face_common.h"
#include "src/nn/graph.h"
#include "src/nn/net_landmark68.h"
#include "src/nn/preprocess.h"
#include "src/nn/tfjs_manifest.h"

#define SIZE AVA_LANDMARK68_SIZE
#define N_OUT (2 * AVA_LANDMARK68_POINTS)

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

static int build(AvaGraph *g, const AvaTfjsWeights *w, const AvaLogger *lg)
{
    AvaVal x = ava_face_feature_extractor(g, ava_graph_input(g, 1, SIZE, SIZE, 3), w, lg);
    const float *fw = ava_nn_weight(w, lg, 2, (const int[]){ 256, N_OUT }, "fc/weights");
    const float *fb = ava_nn_weight(w, lg, 1, (const int[]){ N_OUT }, "fc/bias");
    if (x == AVA_VAL_NONE || !fw || !fb)
        return AVA_ERR_MODEL; /* already logged */
    x = ava_graph_dense(g, x, N_OUT, fw, fb, AVA_ACT_NONE);
    ava_graph_output(g, x);
    return ava_graph_build(g);
}

int ava_landmark68_open(AvaLandmark68 **out, const char *models_dir, const AvaLogger *lg)
{
    if (!out || !models_dir)
        return AVA_ERR(EINVAL);
    AvaLandmark68 *c = calloc(1, sizeof(*c));
    if (!c)
        return AVA_ERR(ENOMEM);
    c->lg = lg;
    int ret = ava_face_net_open(&c->g, models_dir, "face_landmark_68", build, lg);
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
    ava_nn_square_resize(rgb, w, h, stride, ox, oy, SIZE, ava_face_mean_rgb, c->in);
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
