/* SPDX-License-Identifier: MIT */
/**
 * @file
 * nsfwjs MobileNetV2: the Keras model from the JS bundles (tfjs_graph_js.c) on XNNPACK, and
 * nsfwjs's input path: toFloat().div(255), then tf.image.resizeBilinear(alignCorners = true).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/log.h"
#include "src/nn/face_common.h"
#include "src/nn/graph.h"
#include "src/nn/net_nsfw.h"
#include "src/nn/tfjs_graph_js.h"

#define SIZE AVA_NSFW_SIZE
#define N_CLS AVA_NSFW_CLASSES
#define EMBED_LAYER "average_pooling2d_1"

struct AvaNsfw {
    const AvaLogger *lg;
    AvaGraph *g;
    float *in;
    const float *logits, *embed;
    int softmax;
    float *rows;        /* two source rows of v / 255, for the resize */
    float *row0, *row1; /* into rows, swapped as the resize moves down */
    int row_cap;
};

static const char *const labels[N_CLS] = { "Drawing", "Hentai", "Neutral", "Porn", "Sexy" };

const char *ava_nsfw_label(int cls)
{
    return cls >= 0 && cls < N_CLS ? labels[cls] : NULL;
}

void ava_nsfw_close(AvaNsfw **cp)
{
    if (!cp || !*cp)
        return;
    ava_graph_close(&(*cp)->g);
    free((*cp)->rows);
    free(*cp);
    *cp = NULL;
}

int ava_nsfw_open(AvaNsfw **out, const char *models_dir, const AvaLogger *lg)
{
    if (!out || !models_dir)
        return AVA_ERR(EINVAL);
    char path[4096];
    if (snprintf(path, sizeof(path), "%s/nsfw_mobilenet_v2/model.min.js", models_dir) >=
        (int)sizeof(path))
        return AVA_ERR(EINVAL);
    AvaNsfw *c = calloc(1, sizeof(*c));
    if (!c)
        return AVA_ERR(ENOMEM);
    c->lg = lg;
    AvaTfjsJsModel *m = NULL;
    AvaKerasNet net;
    int ret = ava_tfjs_js_load(&m, path, lg);
    if (ret >= 0)
        ret = ava_graph_create(&c->g, "nsfw_mobilenet_v2", lg);
    if (ret >= 0)
        ret = ava_keras_build(c->g, m, ava_graph_input(c->g, 1, SIZE, SIZE, 3), EMBED_LAYER,
                              &net, lg);
    if (ret >= 0) {
        int d[4];
        ava_graph_shape(c->g, net.output, d);
        int ed = ava_graph_shape(c->g, net.tap, d) ? d[1] * d[2] * d[3] : 0;
        if (ava_graph_shape(c->g, net.output, d) != 2 || d[1] != N_CLS ||
            ed != AVA_NSFW_EMBED_DIM) {
            ava_log(lg, AVA_LOG_ERROR, "model %s: expected %d outputs and %d pooled features",
                    path, N_CLS, AVA_NSFW_EMBED_DIM);
            ret = AVA_ERR_MODEL;
        }
    }
    if (ret >= 0) {
        c->softmax = net.softmax;
        ava_graph_output(c->g, net.output);
        ava_graph_output(c->g, net.tap);
        ret = ava_graph_build(c->g);
    }
    ava_tfjs_js_close(&m); /* the graph holds its own copies */
    if (ret < 0) {
        ava_nsfw_close(&c);
        return ret;
    }
    c->in = ava_graph_input_data(c->g, 0, NULL);
    c->logits = ava_graph_output_data(c->g, 0, NULL);
    c->embed = ava_graph_output_data(c->g, 1, NULL);
    *out = c;
    return 0;
}

static void scale_row(const uint8_t *src, int w, float *dst)
{
    for (int i = 0; i < 3 * w; i++)
        dst[i] = (float)src[i] / 255.0f; /* toFloat().div(255) in float32 */
}

/* tfjs-backend-cpu ResizeBilinear, alignCorners = true, halfPixelCenters = false. */
static int resize(AvaNsfw *c, const uint8_t *rgb, int w, int h, ptrdiff_t stride)
{
    if (w == SIZE && h == SIZE) {
        for (int y = 0; y < SIZE; y++)
            scale_row(rgb + y * stride, SIZE, c->in + (size_t)y * SIZE * 3);
        return 0;
    }
    if (w > c->row_cap) {
        float *r = malloc((size_t)w * 6 * sizeof(float));
        if (!r)
            return AVA_ERR(ENOMEM);
        free(c->rows);
        c->rows = c->row0 = r;
        c->row1 = r + (size_t)w * 3;
        c->row_cap = w;
    }
    double ry = (double)(h - 1) / (SIZE - 1), rx = (double)(w - 1) / (SIZE - 1);
    int have0 = -1, have1 = -1;
    float *dst = c->in;
    for (int r = 0; r < SIZE; r++) {
        double fy = ry * r;
        int y0 = (int)floor(fy), y1 = (int)ceil(fy);
        if (y1 > h - 1)
            y1 = h - 1;
        double dy = fy - y0;
        if (have0 != y0) {
            if (have1 == y0) { /* reuse: swap */
                float *t = c->row0;
                c->row0 = c->row1;
                c->row1 = t;
                have1 = have0;
            } else {
                scale_row(rgb + y0 * stride, w, c->row0);
            }
            have0 = y0;
        }
        if (have1 != y1) {
            scale_row(rgb + y1 * stride, w, c->row1);
            have1 = y1;
        }
        for (int col = 0; col < SIZE; col++) {
            double fx = rx * col;
            int x0 = (int)floor(fx), x1 = (int)ceil(fx);
            if (x1 > w - 1)
                x1 = w - 1;
            double dx = fx - x0;
            for (int ch = 0; ch < 3; ch++) {
                double tl = c->row0[3 * x0 + ch], tr = c->row0[3 * x1 + ch];
                double bl = c->row1[3 * x0 + ch], br = c->row1[3 * x1 + ch];
                double top = tl + (tr - tl) * dx, bottom = bl + (br - bl) * dx;
                *dst++ = (float)(top + (bottom - top) * dy);
            }
        }
    }
    return 0;
}

int ava_nsfw_run(AvaNsfw *c, const uint8_t *rgb, int w, int h, ptrdiff_t stride,
                 float prob[AVA_NSFW_CLASSES], float *embed)
{
    if (!c || !rgb || !prob || w < 1 || h < 1 || w > 65536 || h > 65536 ||
        stride < 3 * (ptrdiff_t)w)
        return AVA_ERR(EINVAL);
    int ret = resize(c, rgb, w, h, stride);
    if (ret < 0 || (ret = ava_graph_run(c->g)) < 0)
        return ret;
    if (c->softmax)
        ava_nn_softmax(c->logits, prob, N_CLS);
    else
        memcpy(prob, c->logits, N_CLS * sizeof(float));
    if (embed)
        memcpy(embed, c->embed, AVA_NSFW_EMBED_DIM * sizeof(float));
    return 0;
}
