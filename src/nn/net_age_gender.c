/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Age and gender: xception/TinyXception.ts + ageGenderNet/AgeGenderNet.ts on XNNPACK. The
 * ReLUs that TinyXception applies to a block's input (while the shortcut takes it raw) are
 * separate clamp nodes.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "src/nn/face_common.h"
#include "src/nn/graph.h"
#include "src/nn/net_age_gender.h"
#include "src/nn/preprocess.h"
#include "src/nn/tfjs_manifest.h"

#define SIZE AVA_AGE_GENDER_SIZE

struct AvaAgeGender {
    const AvaLogger *lg;
    AvaGraph *g;
    float *in;
    const float *age, *gender;
};

void ava_age_gender_close(AvaAgeGender **cp)
{
    if (!cp || !*cp)
        return;
    ava_graph_close(&(*cp)->g);
    free(*cp);
    *cp = NULL;
}

static AvaVal relu(AvaGraph *g, AvaVal x)
{
    return ava_graph_clamp(g, x, 0.0f, INFINITY);
}

static AvaVal sep(AvaGraph *g, AvaVal x, const AvaTfjsWeights *w, const char *block, int i,
                  int cin, int cout, const AvaLogger *lg)
{
    char p[96];
    if (i >= 0)
        snprintf(p, sizeof(p), "%s/separable_conv%d", block, i);
    else
        snprintf(p, sizeof(p), "%s/separable_conv", block);
    return ava_face_sep_conv(g, x, w, p, cin, cout, 1, AVA_ACT_NONE, lg);
}

/* TinyXception.ts reductionBlock. */
static AvaVal reduction(AvaGraph *g, AvaVal x, const AvaTfjsWeights *w, const char *block,
                        int cin, int cout, int activate, const AvaLogger *lg)
{
    AvaVal out = sep(g, activate ? relu(g, x) : x, w, block, 0, cin, cout, lg);
    if (out != AVA_VAL_NONE)
        out = sep(g, relu(g, out), w, block, 1, cout, cout, lg);
    const float *f = ava_nn_weight(w, lg, 4, (const int[]){ 1, 1, cin, cout },
                                   "%s/expansion_conv/filters", block);
    const float *b = ava_nn_weight(w, lg, 1, (const int[]){ cout }, "%s/expansion_conv/bias",
                                   block);
    if (out == AVA_VAL_NONE || !f || !b)
        return AVA_VAL_NONE;
    out = ava_graph_maxpool(g, out, 3, 3, 2, 2, AVA_PAD_SAME);
    AvaVal sc = ava_graph_conv2d(g, x, &(AvaConvParams){ .kh = 1, .kw = 1, .stride_h = 2,
                                 .stride_w = 2, .pad = AVA_PAD_SAME, .out_channels = cout,
                                 .filter = f, .bias = b });
    return ava_graph_add(g, out, sc, AVA_ACT_NONE);
}

/* TinyXception.ts mainBlock. */
static AvaVal main_block(AvaGraph *g, AvaVal x, const AvaTfjsWeights *w, const char *block,
                         int ch, const AvaLogger *lg)
{
    AvaVal out = x;
    for (int i = 0; i < 3 && out != AVA_VAL_NONE; i++)
        out = sep(g, relu(g, out), w, block, i, ch, ch, lg);
    return out == AVA_VAL_NONE ? out : ava_graph_add(g, out, x, AVA_ACT_NONE);
}

static int build(AvaGraph *g, const AvaTfjsWeights *w, const AvaLogger *lg)
{
    const float *f = ava_nn_weight(w, lg, 4, (const int[]){ 3, 3, 3, 32 },
                                   "entry_flow/conv_in/filters");
    const float *b = ava_nn_weight(w, lg, 1, (const int[]){ 32 }, "entry_flow/conv_in/bias");
    if (!f || !b)
        return AVA_ERR_MODEL;
    AvaVal x = ava_graph_conv2d(g, ava_graph_input(g, 1, SIZE, SIZE, 3), &(AvaConvParams){
                                .kh = 3, .kw = 3, .stride_h = 2, .stride_w = 2,
                                .pad = AVA_PAD_SAME, .out_channels = 32, .filter = f,
                                .bias = b, .act = AVA_ACT_RELU });
    x = reduction(g, x, w, "entry_flow/reduction_block_0", 32, 64, 0, lg);
    if (x != AVA_VAL_NONE)
        x = reduction(g, x, w, "entry_flow/reduction_block_1", 64, 128, 1, lg);
    if (x != AVA_VAL_NONE)
        x = main_block(g, x, w, "middle_flow/main_block_0", 128, lg);
    if (x != AVA_VAL_NONE)
        x = main_block(g, x, w, "middle_flow/main_block_1", 128, lg);
    if (x != AVA_VAL_NONE)
        x = reduction(g, x, w, "exit_flow/reduction_block", 128, 256, 1, lg);
    if (x != AVA_VAL_NONE)
        x = ava_face_sep_conv(g, x, w, "exit_flow/separable_conv", 256, 512, 1, AVA_ACT_RELU, lg);
    const float *aw = ava_nn_weight(w, lg, 2, (const int[]){ 512, 1 }, "fc/age/weights");
    const float *ab = ava_nn_weight(w, lg, 1, (const int[]){ 1 }, "fc/age/bias");
    const float *gw = ava_nn_weight(w, lg, 2, (const int[]){ 512, 2 }, "fc/gender/weights");
    const float *gb = ava_nn_weight(w, lg, 1, (const int[]){ 2 }, "fc/gender/bias");
    if (x == AVA_VAL_NONE || !aw || !ab || !gw || !gb)
        return AVA_ERR_MODEL; /* already logged */
    x = ava_graph_avgpool(g, x, 7, 7, 2, 2);
    ava_graph_output(g, ava_graph_dense(g, x, 1, aw, ab, AVA_ACT_NONE));
    ava_graph_output(g, ava_graph_dense(g, x, 2, gw, gb, AVA_ACT_NONE));
    return ava_graph_build(g);
}

int ava_age_gender_open(AvaAgeGender **out, const char *models_dir, const AvaLogger *lg)
{
    if (!out || !models_dir)
        return AVA_ERR(EINVAL);
    AvaAgeGender *c = calloc(1, sizeof(*c));
    if (!c)
        return AVA_ERR(ENOMEM);
    c->lg = lg;
    int ret = ava_face_net_open(&c->g, models_dir, "age_gender", build, lg);
    if (ret < 0) {
        ava_age_gender_close(&c);
        return ret;
    }
    c->in = ava_graph_input_data(c->g, 0, NULL);
    c->age = ava_graph_output_data(c->g, 0, NULL);
    c->gender = ava_graph_output_data(c->g, 1, NULL);
    *out = c;
    return 0;
}

int ava_age_gender_run(AvaAgeGender *c, const uint8_t *rgb, int w, int h, ptrdiff_t stride,
                       AvaAgeGenderResult *res)
{
    if (!c || !rgb || !res || w < 1 || h < 1 || w > 65536 || h > 65536 ||
        stride < 3 * (ptrdiff_t)w)
        return AVA_ERR(EINVAL);
    int ox, oy;
    ava_nn_center_offset(w, h, &ox, &oy);
    ava_nn_square_resize(rgb, w, h, stride, ox, oy, SIZE, ava_face_mean_rgb, c->in);
    int ret = ava_graph_run(c->g);
    if (ret < 0)
        return ret;
    float p[2];
    ava_nn_softmax(c->gender, p, 2);
    res->age = c->age[0];
    res->p_male = p[0];
    return 0;
}

const float *ava_age_gender_logits(const AvaAgeGender *c)
{
    return c ? c->gender : NULL;
}
