/* SPDX-License-Identifier: MIT */
/**
 * @file
 * SSD MobileNet v1 face detector: ssdMobilenetv1/{mobileNetV1,predictionLayer,
 * boxPredictionLayer,outputLayer,nonMaxSuppression,SsdMobilenetv1}.ts. The net runs on
 * XNNPACK up to the twelve predictor convs, which are graph outputs (this XNNPACK has no
 * concatenate); box decoding, the sigmoid and NMS run in C over them in tfjs's order.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "src/log.h"
#include "src/nn/face_common.h"
#include "src/nn/graph.h"
#include "src/nn/net_ssd_face.h"
#include "src/nn/preprocess.h"
#include "src/nn/tfjs_manifest.h"

#define SIZE AVA_SSD_FACE_SIZE
#define N_ANCHORS AVA_SSD_FACE_ANCHORS
#define N_PRED 6
#define BN_EPSILON 0.0010000000474974513 /* mobileNetV1.ts */

struct AvaSsdFace {
    const AvaLogger *lg;
    AvaGraph *g;
    float *in;
    float *anchors;              /* Output/extra_dim, N_ANCHORS x 4 */
    float *boxes, *scores;       /* decoded, N_ANCHORS x 4 and N_ANCHORS */
    int *order;                  /* NMS scratch */
    const float *box_out[N_PRED], *cls_out[N_PRED];
    int cells[N_PRED], per_cell[N_PRED];
};

void ava_ssd_face_close(AvaSsdFace **cp)
{
    if (!cp || !*cp)
        return;
    AvaSsdFace *c = *cp;
    ava_graph_close(&c->g);
    free(c->anchors);
    free(c->boxes);
    free(c->scores);
    free(c->order);
    free(c);
    *cp = NULL;
}

/* pointwiseConvLayer.ts: conv2d(stride, 'same') + batch_norm_offset, ReLU6 (any kernel). */
static AvaVal pointwise(AvaGraph *g, AvaVal x, const AvaTfjsWeights *w, const char *prefix,
                        int idx, int cout, int stride, const AvaLogger *lg)
{
    int d[4];
    ava_graph_shape(g, x, d);
    const AvaTensor *t = NULL;
    char name[96];
    snprintf(name, sizeof(name), "%s/Conv2d_%d_pointwise/weights", prefix, idx);
    if (!(t = ava_tfjs_expect(w, name, 4, (const int[]){ -1, -1, d[3], cout }, lg)))
        return AVA_VAL_NONE;
    const float *b = ava_nn_weight(w, lg, 1, (const int[]){ cout },
                                   "%s/Conv2d_%d_pointwise/convolution_bn_offset", prefix, idx);
    if (!b || t->shape[0] != t->shape[1] || t->shape[0] > 3) {
        if (b)
            ava_log(lg, AVA_LOG_ERROR, "%s: tensor %s: unexpected kernel size", w->path, name);
        return AVA_VAL_NONE;
    }
    return ava_graph_conv2d(g, x, &(AvaConvParams){ .kh = t->shape[0], .kw = t->shape[1],
                            .stride_h = stride, .stride_w = stride, .pad = AVA_PAD_SAME,
                            .out_channels = cout, .filter = t->data, .bias = b,
                            .act = AVA_ACT_RELU6 });
}

/* mobileNetV1.ts depthwiseConvLayer: depthwise 3x3 'same', batchNorm (folded), ReLU6. */
static AvaVal depthwise(AvaGraph *g, AvaVal x, const AvaTfjsWeights *w, int idx, int ch,
                        int stride, const AvaLogger *lg)
{
    const char *pre = "MobilenetV1/Conv2d_%d_depthwise/%s";
    const int s1[1] = { ch };
    const float *f = ava_nn_weight(w, lg, 4, (const int[]){ 3, 3, ch, 1 }, pre, idx,
                                   "depthwise_weights");
    const float *gm = ava_nn_weight(w, lg, 1, s1, pre, idx, "BatchNorm/gamma");
    const float *bt = ava_nn_weight(w, lg, 1, s1, pre, idx, "BatchNorm/beta");
    const float *mn = ava_nn_weight(w, lg, 1, s1, pre, idx, "BatchNorm/moving_mean");
    const float *vr = ava_nn_weight(w, lg, 1, s1, pre, idx, "BatchNorm/moving_variance");
    if (!f || !gm || !bt || !mn || !vr)
        return AVA_VAL_NONE;
    float *sc = malloc((size_t)ch * 2 * sizeof(float));
    if (!sc)
        return AVA_VAL_NONE;
    float *off = sc + ch;
    for (int i = 0; i < ch; i++) { /* (x - mean) * gamma / sqrt(var + eps) + beta */
        double s = gm[i] / sqrt((double)vr[i] + BN_EPSILON);
        sc[i] = (float)s;
        off[i] = (float)(bt[i] - mn[i] * s);
    }
    AvaVal y = ava_graph_conv2d(g, x, &(AvaConvParams){ .kh = 3, .kw = 3, .stride_h = stride,
                                .stride_w = stride, .pad = AVA_PAD_SAME, .depthwise = 1,
                                .out_channels = 1, .filter = f, .scale = sc, .offset = off,
                                .act = AVA_ACT_RELU6 });
    free(sc);
    return y;
}

/* boxPredictionLayer.ts: two 1x1 convs with bias ('same', no activation), graph outputs. */
static int predictor(AvaSsdFace *c, AvaVal x, const AvaTfjsWeights *w, int idx, int anchors)
{
    AvaGraph *g = c->g;
    int d[4];
    ava_graph_shape(g, x, d);
    static const char *const kinds[2] = { "BoxEncodingPredictor", "ClassPredictor" };
    for (int k = 0; k < 2; k++) {
        int cout = anchors * (k ? 3 : 4);
        const char *pre = "Prediction/BoxPredictor_%d/%s/%s";
        const float *f = ava_nn_weight(w, c->lg, 4, (const int[]){ 1, 1, d[3], cout }, pre, idx,
                                       kinds[k], "weights");
        const float *b = ava_nn_weight(w, c->lg, 1, (const int[]){ cout }, pre, idx, kinds[k],
                                       "biases");
        if (!f || !b)
            return AVA_ERR_MODEL;
        ava_graph_output(g, ava_graph_conv2d(g, x, &(AvaConvParams){ .kh = 1, .kw = 1,
                         .out_channels = cout, .filter = f, .bias = b }));
    }
    c->cells[idx] = d[1] * d[2];
    c->per_cell[idx] = anchors;
    return 0;
}

static int build(AvaSsdFace *c, const AvaTfjsWeights *w)
{
    static const int mb_out[14] = { 32, 64, 128, 128, 256, 256, 512, 512, 512, 512, 512, 512,
                                    1024, 1024 };
    static const int pred_out[8] = { 256, 512, 128, 256, 128, 256, 64, 128 };
    AvaGraph *g = c->g;
    const AvaLogger *lg = c->lg;
    AvaVal x = pointwise(g, ava_graph_input(g, 1, SIZE, SIZE, 3), w, "MobilenetV1", 0,
                         mb_out[0], 2, lg), conv11 = AVA_VAL_NONE;
    for (int i = 1; i <= 13 && x != AVA_VAL_NONE; i++) {
        int stride = i == 2 || i == 4 || i == 6 || i == 12 ? 2 : 1;
        x = depthwise(g, x, w, i, mb_out[i - 1], stride, lg);
        if (x != AVA_VAL_NONE)
            x = pointwise(g, x, w, "MobilenetV1", i, mb_out[i], 1, lg);
        if (i == 11)
            conv11 = x;
    }
    if (x == AVA_VAL_NONE)
        return AVA_ERR_MODEL; /* already logged */
    AvaVal p[8], prev = x;
    for (int i = 0; i < 8; i++) {
        if ((p[i] = pointwise(g, prev, w, "Prediction", i, pred_out[i], i & 1 ? 2 : 1, lg)) ==
            AVA_VAL_NONE)
            return AVA_ERR_MODEL;
        prev = p[i];
    }
    const AvaVal src[N_PRED] = { conv11, x, p[1], p[3], p[5], p[7] };
    for (int i = 0; i < N_PRED; i++)
        if (predictor(c, src[i], w, i, i ? 6 : 3) < 0)
            return AVA_ERR_MODEL;
    int total = 0;
    for (int i = 0; i < N_PRED; i++)
        total += c->cells[i] * c->per_cell[i];
    const AvaTensor *a = ava_tfjs_expect(w, "Output/extra_dim", 3,
                                         (const int[]){ 1, N_ANCHORS, 4 }, lg);
    if (!a)
        return AVA_ERR_MODEL;
    if (total != N_ANCHORS) {
        ava_log(lg, AVA_LOG_ERROR, "%s: %d predictor anchors, %d stored", w->path, total,
                N_ANCHORS);
        return AVA_ERR_MODEL;
    }
    c->anchors = malloc(a->count * sizeof(float));
    c->boxes = malloc((size_t)N_ANCHORS * 4 * sizeof(float));
    c->scores = malloc((size_t)N_ANCHORS * sizeof(float));
    c->order = malloc((size_t)N_ANCHORS * sizeof(int));
    if (!c->anchors || !c->boxes || !c->scores || !c->order)
        return AVA_ERR(ENOMEM);
    for (size_t i = 0; i < a->count; i++)
        c->anchors[i] = a->data[i];
    return ava_graph_build(g);
}

int ava_ssd_face_open(AvaSsdFace **out, const char *models_dir, const AvaLogger *lg)
{
    if (!out || !models_dir)
        return AVA_ERR(EINVAL);
    AvaSsdFace *c = calloc(1, sizeof(*c));
    if (!c)
        return AVA_ERR(ENOMEM);
    c->lg = lg;
    AvaTfjsWeights *w = NULL;
    int ret = ava_face_load_manifest(&w, models_dir, "ssd_mobilenetv1", lg);
    if (ret >= 0)
        ret = ava_graph_create(&c->g, "ssd_mobilenetv1", lg);
    if (ret >= 0)
        ret = build(c, w);
    ava_tfjs_close(&w); /* the graph holds its own copies */
    if (ret < 0) {
        ava_ssd_face_close(&c);
        return ret;
    }
    c->in = ava_graph_input_data(c->g, 0, NULL);
    for (int i = 0; i < N_PRED; i++) {
        c->box_out[i] = ava_graph_output_data(c->g, 2 * i, NULL);
        c->cls_out[i] = ava_graph_output_data(c->g, 2 * i + 1, NULL);
    }
    *out = c;
    return 0;
}

/* outputLayer.ts decodeBoxesLayer + the sigmoid of class 1, in float32 as tfjs. */
static void decode(AvaSsdFace *c)
{
    int k = 0;
    for (int p = 0; p < N_PRED; p++) {
        int n = c->cells[p] * c->per_cell[p];
        for (int i = 0; i < n; i++, k++) {
            const float *a = c->anchors + 4 * k, *v = c->box_out[p] + 4 * i;
            float s0 = a[2] - a[0], s1 = a[3] - a[1];
            float c0 = a[0] + s0 / 2, c1 = a[1] + s1 / 2;
            float div0 = expf(v[2] / 5) * s0 / 2, add0 = v[0] / 10 * s0 + c0;
            float div1 = expf(v[3] / 5) * s1 / 2, add1 = v[1] / 10 * s1 + c1;
            float *b = c->boxes + 4 * k;
            b[0] = add0 - div0;
            b[1] = add1 - div1;
            b[2] = add0 + div0;
            b[3] = add1 + div1;
            c->scores[k] = (float)(1.0 / (1.0 + exp(-(double)c->cls_out[p][3 * i + 1])));
        }
    }
}

/* nonMaxSuppression.ts IOU, in double over the float32 boxes. */
static double iou(const float *bi, const float *bj)
{
    double yi0 = fmin(bi[0], bi[2]), xi0 = fmin(bi[1], bi[3]);
    double yi1 = fmax(bi[0], bi[2]), xi1 = fmax(bi[1], bi[3]);
    double yj0 = fmin(bj[0], bj[2]), xj0 = fmin(bj[1], bj[3]);
    double yj1 = fmax(bj[0], bj[2]), xj1 = fmax(bj[1], bj[3]);
    double ai = (yi1 - yi0) * (xi1 - xi0), aj = (yj1 - yj0) * (xj1 - xj0);
    if (ai <= 0 || aj <= 0)
        return 0.0;
    double inter = fmax(fmin(yi1, yj1) - fmax(yi0, yj0), 0.0) *
                   fmax(fmin(xi1, xj1) - fmax(xi0, xj0), 0.0);
    return inter / (ai + aj - inter);
}

static _Thread_local const float *sort_scores; /* for qsort, which has no cookie */

/* Descending score; ties keep index order (JS's sort is stable). */
static int by_score(const void *a, const void *b)
{
    int i = *(const int *)a, j = *(const int *)b;
    float si = sort_scores[i], sj = sort_scores[j];
    return si > sj ? -1 : si < sj ? 1 : (i > j) - (i < j);
}

int ava_ssd_face_detect(AvaSsdFace *c, const uint8_t *rgb, int w, int h, ptrdiff_t stride,
                        float min_score, AvaFaceBox *boxes, int max_boxes, int *n_boxes)
{
    if (!c || !rgb || !boxes || !n_boxes || w < 1 || h < 1 || w > 65536 || h > 65536 ||
        stride < 3 * (ptrdiff_t)w || max_boxes < 1 || !(min_score > 0 && min_score < 1))
        return AVA_ERR(EINVAL);
    *n_boxes = 0;
    ava_nn_square_resize_scaled(rgb, w, h, stride, 0, 0, SIZE, 127.5f, 1.0f, c->in);
    int ret = ava_graph_run(c->g);
    if (ret < 0)
        return ret;
    decode(c);
    int n = 0;
    for (int i = 0; i < N_ANCHORS; i++)
        if (c->scores[i] > min_score)
            c->order[n++] = i;
    sort_scores = c->scores;
    qsort(c->order, (size_t)n, sizeof(int), by_score);
    /* locateFaces: padX = inputSize / reshaped width (computeReshapedDimensions). */
    double s = (double)SIZE / (w > h ? w : h);
    double pad_x = SIZE / floor(w * s + 0.5), pad_y = SIZE / floor(h * s + 0.5);
    int sel[256], n_sel = 0, cap = max_boxes < 256 ? max_boxes : 256;
    for (int k = 0; k < n && n_sel < cap; k++) {
        int ci = c->order[k];
        double score = c->scores[ci], orig = score;
        for (int j = n_sel - 1; j >= 0; j--) {
            double v = iou(c->boxes + 4 * ci, c->boxes + 4 * sel[j]);
            if (v == 0.0)
                continue;
            score *= v <= 0.5 ? 1 : 0;
            if (score <= min_score)
                break;
        }
        if (score == orig)
            sel[n_sel++] = ci;
    }
    for (int k = 0; k < n_sel; k++) {
        const float *b = c->boxes + 4 * sel[k];
        double top = fmax(0, b[0]) * pad_y, bottom = fmin(1.0, b[2]) * pad_y;
        double left = fmax(0, b[1]) * pad_x, right = fmin(1.0, b[3]) * pad_x;
        boxes[k] = (AvaFaceBox){ .x = (float)(left * w), .y = (float)(top * h),
                                 .w = (float)((right - left) * w),
                                 .h = (float)((bottom - top) * h), .score = c->scores[sel[k]] };
    }
    *n_boxes = n_sel;
    return 0;
}

void ava_ssd_face_raw(const AvaSsdFace *c, const float **boxes, const float **scores)
{
    *boxes = c ? c->boxes : NULL;
    *scores = c ? c->scores : NULL;
}
