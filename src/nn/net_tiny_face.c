/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Tiny face detector: net definition (face-api src/tinyYolov2/TinyYolov2Base.ts runMobilenet
 * with isFirstLayerConv2d), preprocessing (NetInput.toBatchTensor + normalize) and box
 * decoding + NMS (extractBoxes, ops/nonMaxSuppression.ts), in the same arithmetic order as
 * the JavaScript so results match it to float rounding.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/log.h"
#include "src/nn/graph.h"
#include "src/nn/net_tiny_face.h"
#include "src/nn/preprocess.h"
#include "src/nn/tfjs_manifest.h"

#define N_ANCHORS 5
#define BOX_SIZE 5
#define IOU_THRESHOLD 0.4
#define LEAKY 0.1f

static const double anchors[N_ANCHORS][2] = {
    { 1.603231, 2.094468 }, { 6.041143, 7.080126 }, { 2.882459, 3.518061 },
    { 4.266906, 5.178857 }, { 9.041765, 10.66308 },
};
static const float mean_rgb[3] = { 117.001f, 114.697f, 97.404f };

typedef struct Cand {
    double x, y, w, h;   /* relative to the (unpadded) image */
    double score;
    int index;           /* grid order, for ties like the JS stable sort */
} Cand;

struct AvaTinyFace {
    const AvaLogger *lg;
    AvaGraph *g;
    int size, cells;
    float *in;           /* graph input buffer */
    const float *out;    /* graph output buffer */
    Cand *cand;          /* cells * cells * N_ANCHORS, allocated once */
    int *order;
    unsigned char *gone;
};

void ava_tiny_face_close(AvaTinyFace **cp)
{
    if (!cp || !*cp)
        return;
    AvaTinyFace *c = *cp;
    ava_graph_close(&c->g);
    free(c->cand);
    free(c->order);
    free(c->gone);
    free(c);
    *cp = NULL;
}

/* Look up a tensor by "<layer>/<part>" with the expected shape. */
static const float *get(const AvaTfjsWeights *w, const char *layer, const char *part, int ndim,
                        const int *shape, const AvaLogger *lg)
{
    char name[64];
    snprintf(name, sizeof(name), "%s/%s", layer, part);
    const AvaTensor *t = ava_tfjs_expect(w, name, ndim, shape, lg);
    return t ? t->data : NULL;
}

/* depthwise 3x3 (pad 1, no bias) -> pointwise 1x1 + bias -> leaky: depthwiseSeparableConv.ts */
static AvaVal sep_conv(AvaGraph *g, AvaVal x, const AvaTfjsWeights *w, const char *layer,
                       int cin, int cout, const AvaLogger *lg)
{
    const float *dw = get(w, layer, "depthwise_filter", 4, (const int[]){ 3, 3, cin, 1 }, lg);
    const float *pw = get(w, layer, "pointwise_filter", 4, (const int[]){ 1, 1, cin, cout }, lg);
    const float *b = get(w, layer, "bias", 1, (const int[]){ cout }, lg);
    if (!dw || !pw || !b)
        return AVA_VAL_NONE;
    x = ava_graph_conv2d(g, x, &(AvaConvParams){
        .kh = 3, .kw = 3, .pad = AVA_PAD_EXPLICIT, .pad_top = 1, .pad_right = 1,
        .pad_bottom = 1, .pad_left = 1, .depthwise = 1, .out_channels = 1, .filter = dw });
    return ava_graph_conv2d(g, x, &(AvaConvParams){
        .kh = 1, .kw = 1, .out_channels = cout, .filter = pw, .bias = b,
        .act = AVA_ACT_LEAKY, .leaky_slope = LEAKY });
}

static int build(AvaTinyFace *c, const AvaTfjsWeights *w)
{
    const AvaLogger *lg = c->lg;
    AvaGraph *g = c->g;
    const float *f0 = get(w, "conv0", "filters", 4, (const int[]){ 3, 3, 3, 16 }, lg);
    const float *b0 = get(w, "conv0", "bias", 1, (const int[]){ 16 }, lg);
    const float *f8 = get(w, "conv8", "filters", 4, (const int[]){ 1, 1, 512, 25 }, lg);
    const float *b8 = get(w, "conv8", "bias", 1, (const int[]){ 25 }, lg);
    if (!f0 || !b0 || !f8 || !b8)
        return AVA_ERR_MODEL;
    AvaVal x = ava_graph_input(g, 1, c->size, c->size, 3);
    x = ava_graph_conv2d(g, x, &(AvaConvParams){ .kh = 3, .kw = 3, .pad = AVA_PAD_VALID,
                         .out_channels = 16, .filter = f0, .bias = b0, .act = AVA_ACT_LEAKY,
                         .leaky_slope = LEAKY });
    static const char *const layers[5] = { "conv1", "conv2", "conv3", "conv4", "conv5" };
    int ch = 16;
    for (int i = 0; i < 5; i++) {
        x = ava_graph_maxpool(g, x, 2, 2, 2, 2, AVA_PAD_SAME);
        if ((x = sep_conv(g, x, w, layers[i], ch, 2 * ch, lg)) == AVA_VAL_NONE)
            return AVA_ERR_MODEL; /* already logged */
        ch *= 2;
    }
    x = ava_graph_maxpool(g, x, 2, 2, 1, 1, AVA_PAD_SAME);
    x = ava_graph_conv2d(g, x, &(AvaConvParams){ .kh = 1, .kw = 1, .out_channels = 25,
                         .filter = f8, .bias = b8 });
    int dims[4];
    if (ava_graph_shape(g, x, dims) == 4) {
        c->cells = dims[1];
        if (dims[1] != dims[2] || dims[3] != N_ANCHORS * BOX_SIZE) {
            ava_log(lg, AVA_LOG_ERROR, "tiny_face_detector: unexpected output %dx%dx%d",
                    dims[1], dims[2], dims[3]);
            return AVA_ERR_MODEL;
        }
    }
    ava_graph_output(g, x);
    return ava_graph_build(g);
}

int ava_tiny_face_open(AvaTinyFace **out, const char *models_dir, int input_size,
                       const AvaLogger *lg)
{
    if (!out || !models_dir)
        return AVA_ERR(EINVAL);
    if (!input_size)
        input_size = 416;
    if (input_size < 128 || input_size > 1024 || input_size % 32) {
        ava_log(lg, AVA_LOG_ERROR, "tiny_face_detector: input size %d is not a multiple of "
                "32 in 128..1024", input_size);
        return AVA_ERR(EINVAL);
    }
    char path[4096];
    if (snprintf(path, sizeof(path), "%s/tiny_face_detector/"
                 "tiny_face_detector_model-weights_manifest.json", models_dir) >= (int)sizeof(path))
        return AVA_ERR(EINVAL);
    AvaTfjsWeights *w = NULL;
    AvaTinyFace *c = calloc(1, sizeof(*c));
    if (!c)
        return AVA_ERR(ENOMEM);
    c->lg = lg;
    c->size = input_size;
    int ret = ava_tfjs_load(&w, path, lg);
    if (ret < 0)
        goto fail;
    if ((ret = ava_graph_create(&c->g, "tiny_face_detector", lg)) < 0)
        goto fail;
    if ((ret = build(c, w)) < 0)
        goto fail;
    ava_tfjs_close(&w); /* the graph holds its own copies */
    size_t n = (size_t)c->cells * c->cells * N_ANCHORS;
    c->in = ava_graph_input_data(c->g, 0, NULL);
    c->out = ava_graph_output_data(c->g, 0, NULL);
    c->cand = malloc(n * sizeof(*c->cand));
    c->order = malloc(n * sizeof(*c->order));
    c->gone = malloc(n);
    if (!c->cand || !c->order || !c->gone) {
        ret = AVA_ERR(ENOMEM);
        goto fail;
    }
    *out = c;
    return 0;
fail:
    ava_tfjs_close(&w);
    ava_tiny_face_close(&c);
    return ret;
}

static double sigmoid(double x)
{
    return 1 / (1 + exp(-x));
}

static int cmp_cand(const void *a, const void *b, void *arg)
{
    const Cand *cand = arg, *x = &cand[*(const int *)a], *y = &cand[*(const int *)b];
    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    return x->index < y->index ? 1 : -1; /* equal scores: later grid index first (JS pop) */
}

/* IoU of two boxes given as x, y, w, h (already scaled alike). */
static double iou(const Cand *a, const Cand *b, double s)
{
    double ax = a->x * s, ay = a->y * s, aw = a->w * s, ah = a->h * s;
    double bx = b->x * s, by = b->y * s, bw = b->w * s, bh = b->h * s;
    double iw = fmax(0.0, fmin(ax + aw, bx + bw) - fmax(ax, bx));
    double ih = fmax(0.0, fmin(ay + ah, by + bh) - fmax(ay, by));
    double inter = iw * ih;
    return inter / (aw * ah + bw * bh - inter);
}

int ava_tiny_face_detect(AvaTinyFace *c, const uint8_t *rgb, int w, int h, ptrdiff_t stride,
                         float min_score, AvaFaceBox *boxes, int max_boxes, int *n_boxes)
{
    if (!c || !rgb || w < 1 || h < 1 || w > 65536 || h > 65536 || stride < 3 * (ptrdiff_t)w ||
        !n_boxes || max_boxes < 0 || (max_boxes && !boxes))
        return AVA_ERR(EINVAL);
    *n_boxes = 0;
    ava_nn_square_resize(rgb, w, h, stride, 0, 0, c->size, mean_rgb, c->in);
    int ret = ava_graph_run(c->g);
    if (ret < 0)
        return ret;

    /* extractBoxes: correction for the padding of the non-square image. */
    double scale = (double)c->size / (w > h ? w : h);
    double rw = floor(w * scale + 0.5), rh = floor(h * scale + 0.5);
    double in_size = rw > rh ? rw : rh, cfx = in_size / rw, cfy = in_size / rh;
    int cells = c->cells, n = 0;
    for (int row = 0; row < cells; row++)
        for (int col = 0; col < cells; col++)
            for (int a = 0; a < N_ANCHORS; a++) {
                const float *v = c->out + ((size_t)(row * cells + col) * N_ANCHORS + a) * BOX_SIZE;
                double score = sigmoid(v[4]);
                if (min_score && !(score > min_score))
                    continue;
                double ctx = ((col + sigmoid(v[0])) / cells) * cfx;
                double cty = ((row + sigmoid(v[1])) / cells) * cfy;
                double wl = ((exp(v[2]) * anchors[a][0]) / cells) * cfx;
                double hl = ((exp(v[3]) * anchors[a][1]) / cells) * cfy;
                double x = ctx - wl / 2, y = cty - hl / 2;
                Cand *cd = &c->cand[n];
                cd->x = x;
                cd->y = y;
                cd->w = (x + wl) - x; /* BoundingBox(left, top, right, bottom) -> width */
                cd->h = (y + hl) - y;
                cd->score = score;
                cd->index = n;
                c->order[n] = n;
                c->gone[n] = 0;
                n++;
            }
    qsort_r(c->order, (size_t)n, sizeof(*c->order), cmp_cand, c->cand);
    int kept = 0;
    for (int i = 0; i < n; i++) {
        const Cand *a = &c->cand[c->order[i]];
        if (c->gone[i])
            continue;
        if (kept < max_boxes)
            boxes[kept] = (AvaFaceBox){ (float)(a->x * w), (float)(a->y * h), (float)(a->w * w),
                                        (float)(a->h * h), (float)a->score };
        kept++;
        for (int j = i + 1; j < n; j++)
            if (!c->gone[j] && !(iou(a, &c->cand[c->order[j]], c->size) <= IOU_THRESHOLD))
                c->gone[j] = 1;
    }
    *n_boxes = kept < max_boxes ? kept : max_boxes;
    return 0;
}

const float *ava_tiny_face_input(const AvaTinyFace *c, int *size)
{
    if (size)
        *size = c ? c->size : 0;
    return c ? c->in : NULL;
}

const float *ava_tiny_face_raw(const AvaTinyFace *c, int *cells)
{
    if (cells)
        *cells = c ? c->cells : 0;
    return c ? c->out : NULL;
}
