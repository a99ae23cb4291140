/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Network builder: definitions are recorded (with shapes checked and weights converted to
 * XNNPACK's layout as they come), then emitted as one XNNPACK subgraph by ava_graph_build(),
 * when it is known which values are external outputs.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <xnnpack.h>

#include "src/log.h"
#include "src/nn/graph.h"
#include "src/nn/own_kernels.h"
#include "src/nn/dwconv.h"
#include "src/nn/pwconv.h"
#include "src/nn/up_head.h"
#include "src/nn/winograd.h"

enum OpType { OP_CONV, OP_DWCONV, OP_MAXPOOL, OP_AVGPOOL, OP_ADD, OP_CLAMP, OP_LEAKY, OP_DENSE, OP_PAD,
              OP_RESHAPE, OP_MUL, OP_AFFINE, OP_GAP, OP_DECONV, OP_SIGMOID, OP_HSWISH,
              OP_UPSAMPLE, OP_D2S, OP_ADD_UP };

typedef struct Value {
    int ndim;
    size_t dims[4];
    int input, output;   /* index among inputs / outputs, or -1 */
    uint32_t view_sh, view_sw; /* nonzero: its XNNPACK tensor is [n h, sh, w, sw, c] */
    uint32_t id;         /* XNNPACK id in the subgraph being built */
    int step;            /* the step that makes it (-1: an input), set by build */
    int boundary;        /* read by another step, or external: it has a buffer of its own */
    float *buf;          /* that buffer (an input's or output's, else in AvaGraph.arena) */
} Value;

typedef struct Op {
    enum OpType type;
    AvaVal in[2], out;
    uint32_t kh, kw, sh, sw, dil;
    uint32_t pad[4];        /* top, right, bottom, left */
    size_t cin, cout;       /* conv: group channels; depthwise: channels and multiplier */
    float *w, *b;           /* owned, XNNPACK layout */
    size_t wdims[4];
    int wndim;
    float min, max, slope;
    size_t pre[4], post[4];
    float padval;
    uint32_t groups;        /* deconv */
    int dead;               /* output never read: not emitted (set by build) */
    int step;               /* index in AvaGraph.steps (set by build) */
    AvaWino *wino;          /* run by the Winograd kernel instead of XNNPACK, or NULL */
    AvaUpHead *up_head;     /* a sigmoid run with the ops before it as up_head.h, or NULL */
    AvaDwconv *dw;          /* run by dwconv.h, or NULL */
    AvaPwconv *pw;          /* a hardswish run with the 1x1 conv before it as pwconv.h */
} Op;

/* Whether op @p o runs on a kernel of ours (a step of its own). */
static int own_op(const Op *o)
{
    return o->wino || o->up_head || o->dw || o->pw;
}

/* What ava_graph_run does in order: an XNNPACK runtime for a run of ops, or one op run by a
 * kernel of ours (winograd.h). Values that cross steps live in buffers of their own. */
typedef struct Step {
    int op;                 /* our kernel's op, or -1: XNNPACK runtime of ops first..last */
    int first, last;
    xnn_runtime_t rt;
} Step;

struct AvaGraph {
    char *name;
    const AvaLogger *lg;
    int err;
    Value *vals;
    int n_vals, cap_vals;
    Op *ops;
    int n_ops, cap_ops;
    AvaVal inputs[AVA_GRAPH_MAX_IO], outputs[AVA_GRAPH_MAX_IO];
    int n_in, n_out;
    int own_kernels;                 /* ops may run on winograd.h (ava_graph_own_kernels) */
    int built;
    Step *steps;
    int n_steps;
    void *scratch;                   /* our kernels' scratch, 64-byte aligned */
    float *arena;                    /* buffers of the values that cross steps */
    float *bufs[AVA_GRAPH_MAX_IO];   /* inputs first, then outputs */
    size_t counts[AVA_GRAPH_MAX_IO];
};

static int fail(AvaGraph *g, int err, const char *fmt, const char *what)
{
    if (!g->err) {
        ava_log(g->lg, AVA_LOG_ERROR, fmt, g->name, what);
        g->err = err;
    }
    return err;
}

#define BAD(g, what) (fail((g), AVA_ERR(EINVAL), "graph %s: %s", (what)), AVA_VAL_NONE)

int ava_graph_create(AvaGraph **g_out, const char *name, const AvaLogger *lg)
{
    enum xnn_status st = xnn_initialize(NULL); /* idempotent, thread-safe */
    if (st != xnn_status_success) {
        ava_log(lg, AVA_LOG_ERROR, "graph %s: XNNPACK cannot initialise (status %d)", name,
                (int)st);
        return AVA_ERR_MODEL;
    }
    AvaGraph *g = calloc(1, sizeof(*g));
    if (!g || !(g->name = strdup(name ? name : "net"))) {
        free(g);
        return AVA_ERR(ENOMEM);
    }
    g->lg = lg;
    *g_out = g;
    return 0;
}

static AvaVal new_value(AvaGraph *g, int ndim, const size_t *dims_in)
{
    size_t dims[4]; /* dims_in may point into g->vals, which the realloc below can move */
    for (int i = 0; i < ndim && i < 4; i++)
        dims[i] = dims_in[i];
    if (g->n_vals == g->cap_vals) {
        int cap = g->cap_vals ? 2 * g->cap_vals : 32;
        Value *v = realloc(g->vals, (size_t)cap * sizeof(*v));
        if (!v) {
            fail(g, AVA_ERR(ENOMEM), "graph %s: %s", "out of memory");
            return AVA_VAL_NONE;
        }
        g->vals = v;
        g->cap_vals = cap;
    }
    Value *v = &g->vals[g->n_vals];
    memset(v, 0, sizeof(*v));
    v->ndim = ndim;
    for (int i = 0; i < ndim; i++)
        v->dims[i] = dims[i];
    v->input = v->output = -1;
    return (AvaVal)g->n_vals++;
}

static Op *new_op(AvaGraph *g, enum OpType type)
{
    if (g->n_ops == g->cap_ops) {
        int cap = g->cap_ops ? 2 * g->cap_ops : 32;
        Op *o = realloc(g->ops, (size_t)cap * sizeof(*o));
        if (!o) {
            fail(g, AVA_ERR(ENOMEM), "graph %s: %s", "out of memory");
            return NULL;
        }
        g->ops = o;
        g->cap_ops = cap;
    }
    Op *o = &g->ops[g->n_ops++];
    memset(o, 0, sizeof(*o));
    o->type = type;
    o->in[0] = o->in[1] = o->out = AVA_VAL_NONE;
    o->min = -INFINITY;
    o->max = INFINITY;
    return o;
}

static const Value *val(const AvaGraph *g, AvaVal v)
{
    return v < (AvaVal)g->n_vals ? &g->vals[v] : NULL;
}

static int act_range(enum AvaAct act, float *min, float *max)
{
    *min = -INFINITY;
    *max = INFINITY;
    switch (act) {
    case AVA_ACT_NONE: case AVA_ACT_LEAKY: return 0;
    case AVA_ACT_RELU: *min = 0; return 0;
    case AVA_ACT_RELU6: *min = 0; *max = 6; return 0;
    }
    return -1;
}

/* Append a leaky ReLU after @p x when asked. */
static AvaVal apply_leaky(AvaGraph *g, AvaVal x, enum AvaAct act, float slope)
{
    return act == AVA_ACT_LEAKY ? ava_graph_leaky_relu(g, x, slope) : x;
}

AvaVal ava_graph_input(AvaGraph *g, int n, int h, int w, int c)
{
    if (g->err)
        return AVA_VAL_NONE;
    if (n < 1 || h < 1 || w < 1 || c < 1 || n > 4096 || h > 16384 || w > 16384 || c > 65536)
        return BAD(g, "input dimensions out of range");
    if (g->n_in + g->n_out >= AVA_GRAPH_MAX_IO)
        return BAD(g, "too many inputs and outputs");
    AvaVal v = new_value(g, 4, (const size_t[]){ (size_t)n, (size_t)h, (size_t)w, (size_t)c });
    if (v == AVA_VAL_NONE)
        return v;
    g->vals[v].input = g->n_in;
    g->inputs[g->n_in++] = v;
    return v;
}

/* Output size and padding along one axis; -1 if the window does not fit. */
static long axis(size_t in, int k, int stride, int dil, enum AvaPad pad, int pre_in, int post_in,
                 uint32_t *pre, uint32_t *post)
{
    long eff = (long)(k - 1) * dil + 1, out;
    if (pad == AVA_PAD_SAME) {
        out = ((long)in + stride - 1) / stride;
        long total = (out - 1) * stride + eff - (long)in;
        if (total < 0)
            total = 0;
        *pre = (uint32_t)(total / 2);
        *post = (uint32_t)(total - total / 2);
    } else {
        *pre = pad == AVA_PAD_EXPLICIT ? (uint32_t)pre_in : 0;
        *post = pad == AVA_PAD_EXPLICIT ? (uint32_t)post_in : 0;
        long padded = (long)in + *pre + *post;
        if (padded < eff)
            return -1;
        out = (padded - eff) / stride + 1;
    }
    return out;
}

AvaVal ava_graph_conv2d(AvaGraph *g, AvaVal x, const AvaConvParams *p)
{
    if (g->err)
        return AVA_VAL_NONE;
    const Value *in = val(g, x);
    if (!in || in->ndim != 4 || !p || !p->filter)
        return BAD(g, "conv2d: invalid input value or missing filter");
    int sh = p->stride_h ? p->stride_h : 1, sw = p->stride_w ? p->stride_w : 1;
    int dil = p->dilation ? p->dilation : 1;
    if (p->kh < 1 || p->kh > 15 || p->kw < 1 || p->kw > 15 || sh < 1 || sh > 8 || sw < 1 ||
        sw > 8 || dil < 1 || dil > 8 || p->out_channels < 1 || p->out_channels > 65536 ||
        (p->pad == AVA_PAD_EXPLICIT && (p->pad_top < 0 || p->pad_right < 0 ||
                                        p->pad_bottom < 0 || p->pad_left < 0 ||
                                        p->pad_top > 64 || p->pad_right > 64 ||
                                        p->pad_bottom > 64 || p->pad_left > 64)))
        return BAD(g, "conv2d: kernel, stride, dilation, padding or channels out of range");
    float mn, mx;
    if (act_range(p->act, &mn, &mx) < 0)
        return BAD(g, "conv2d: unknown activation");
    uint32_t pad[4];
    long oh = axis(in->dims[1], p->kh, sh, dil, p->pad, p->pad_top, p->pad_bottom, &pad[0], &pad[2]);
    long ow = axis(in->dims[2], p->kw, sw, dil, p->pad, p->pad_left, p->pad_right, &pad[3], &pad[1]);
    if (oh < 1 || ow < 1)
        return BAD(g, "conv2d: kernel larger than the padded input");
    size_t cin = in->dims[3];
    size_t cout = p->depthwise ? cin * (size_t)p->out_channels : (size_t)p->out_channels;
    size_t k = (size_t)p->kh * (size_t)p->kw;
    size_t nw = p->depthwise ? k * cout : k * cin * cout;
    float *w = malloc(nw * sizeof(float)), *b = malloc(cout * sizeof(float));
    if (!w || !b) {
        free(w);
        free(b);
        fail(g, AVA_ERR(ENOMEM), "graph %s: %s", "out of memory");
        return AVA_VAL_NONE;
    }
    if (p->depthwise) {
        /* TF [kh, kw, c, m] and XNNPACK [1, kh, kw, c * m] are the same order. */
        for (size_t i = 0; i < nw; i++)
            w[i] = p->filter[i] * (p->scale ? p->scale[i % cout] : 1.0f);
    } else {
        /* TF [kh, kw, in, out] -> XNNPACK [out, kh, kw, in] */
        for (size_t o = 0; o < cout; o++)
            for (size_t s = 0; s < k; s++)
                for (size_t i = 0; i < cin; i++)
                    w[(o * k + s) * cin + i] = p->filter[(s * cin + i) * cout + o] *
                                               (p->scale ? p->scale[o] : 1.0f);
    }
    for (size_t o = 0; o < cout; o++)
        b[o] = (p->bias ? p->bias[o] : 0.0f) * (p->scale ? p->scale[o] : 1.0f) +
               (p->offset ? p->offset[o] : 0.0f);
    size_t n = in->dims[0];
    AvaVal y = new_value(g, 4, (const size_t[]){ n, (size_t)oh, (size_t)ow, cout });
    Op *o = y == AVA_VAL_NONE ? NULL : new_op(g, p->depthwise ? OP_DWCONV : OP_CONV);
    if (!o) {
        free(w);
        free(b);
        return AVA_VAL_NONE;
    }
    o->in[0] = x;
    o->out = y;
    o->kh = (uint32_t)p->kh, o->kw = (uint32_t)p->kw;
    o->sh = (uint32_t)sh, o->sw = (uint32_t)sw, o->dil = (uint32_t)dil;
    memcpy(o->pad, pad, sizeof(pad));
    o->cin = cin;
    o->cout = p->depthwise ? (size_t)p->out_channels : cout;
    o->w = w;
    o->b = b;
    o->wndim = 4;
    if (p->depthwise)
        memcpy(o->wdims, (size_t[]){ 1, (size_t)p->kh, (size_t)p->kw, cout }, sizeof(o->wdims));
    else
        memcpy(o->wdims, (size_t[]){ cout, (size_t)p->kh, (size_t)p->kw, cin }, sizeof(o->wdims));
    o->min = mn;
    o->max = mx;
    return apply_leaky(g, y, p->act, p->leaky_slope);
}

AvaVal ava_graph_maxpool(AvaGraph *g, AvaVal x, int kh, int kw, int stride_h, int stride_w,
                         enum AvaPad pad)
{
    if (g->err)
        return AVA_VAL_NONE;
    const Value *in = val(g, x);
    if (!in || in->ndim != 4 || kh < 1 || kw < 1 || kh > 15 || kw > 15 || kh * kw < 2 ||
        stride_h < 1 || stride_w < 1 || stride_h > 8 || stride_w > 8 || pad == AVA_PAD_EXPLICIT)
        return BAD(g, "maxpool: invalid input, window, stride or padding");
    uint32_t p[4];
    long oh = axis(in->dims[1], kh, stride_h, 1, pad, 0, 0, &p[0], &p[2]);
    long ow = axis(in->dims[2], kw, stride_w, 1, pad, 0, 0, &p[3], &p[1]);
    if (oh < 1 || ow < 1)
        return BAD(g, "maxpool: window larger than the input");
    AvaVal y = new_value(g, 4, (const size_t[]){ in->dims[0], (size_t)oh, (size_t)ow,
                                                 in->dims[3] });
    Op *o = y == AVA_VAL_NONE ? NULL : new_op(g, OP_MAXPOOL);
    if (!o)
        return AVA_VAL_NONE;
    o->in[0] = x;
    o->out = y;
    o->kh = (uint32_t)kh, o->kw = (uint32_t)kw, o->sh = (uint32_t)stride_h;
    o->sw = (uint32_t)stride_w;
    memcpy(o->pad, p, sizeof(p));
    return y;
}

AvaVal ava_graph_avgpool(AvaGraph *g, AvaVal x, int kh, int kw, int stride_h, int stride_w)
{
    if (g->err)
        return AVA_VAL_NONE;
    const Value *in = val(g, x);
    if (!in || in->ndim != 4 || kh < 1 || kw < 1 || kh > 15 || kw > 15 || kh * kw < 2 ||
        stride_h < 1 || stride_w < 1 || stride_h > 8 || stride_w > 8)
        return BAD(g, "avgpool: invalid input, window or stride");
    uint32_t p[4];
    long oh = axis(in->dims[1], kh, stride_h, 1, AVA_PAD_VALID, 0, 0, &p[0], &p[2]);
    long ow = axis(in->dims[2], kw, stride_w, 1, AVA_PAD_VALID, 0, 0, &p[3], &p[1]);
    if (oh < 1 || ow < 1)
        return BAD(g, "avgpool: window larger than the input");
    AvaVal y = new_value(g, 4, (const size_t[]){ in->dims[0], (size_t)oh, (size_t)ow,
                                                 in->dims[3] });
    Op *o = y == AVA_VAL_NONE ? NULL : new_op(g, OP_AVGPOOL);
    if (!o)
        return AVA_VAL_NONE;
    o->in[0] = x;
    o->out = y;
    o->kh = (uint32_t)kh, o->kw = (uint32_t)kw, o->sh = (uint32_t)stride_h;
    o->sw = (uint32_t)stride_w;
    return y;
}

AvaVal ava_graph_add(AvaGraph *g, AvaVal a, AvaVal b, enum AvaAct act)
{
    if (g->err)
        return AVA_VAL_NONE;
    const Value *va = val(g, a), *vb = val(g, b);
    float mn, mx;
    if (!va || !vb || act == AVA_ACT_LEAKY || act_range(act, &mn, &mx) < 0)
        return BAD(g, "add: invalid inputs or activation");
    int nd = va->ndim > vb->ndim ? va->ndim : vb->ndim;
    size_t dims[4];
    for (int i = 0; i < nd; i++) {
        int ia = i - (nd - va->ndim), ib = i - (nd - vb->ndim);
        size_t da = ia >= 0 ? va->dims[ia] : 1, db = ib >= 0 ? vb->dims[ib] : 1;
        if (da != db && da != 1 && db != 1)
            return BAD(g, "add: shapes do not broadcast");
        dims[i] = da > db ? da : db;
    }
    AvaVal y = new_value(g, nd, dims);
    Op *o = y == AVA_VAL_NONE ? NULL : new_op(g, OP_ADD);
    if (!o)
        return AVA_VAL_NONE;
    o->in[0] = a;
    o->in[1] = b;
    o->out = y;
    o->min = mn;
    o->max = mx;
    return y;
}

static AvaVal unary(AvaGraph *g, AvaVal x, enum OpType type, float a, float b)
{
    if (g->err)
        return AVA_VAL_NONE;
    const Value *in = val(g, x);
    if (!in)
        return BAD(g, "invalid input value");
    AvaVal y = new_value(g, in->ndim, in->dims);
    Op *o = y == AVA_VAL_NONE ? NULL : new_op(g, type);
    if (!o)
        return AVA_VAL_NONE;
    o->in[0] = x;
    o->out = y;
    if (type == OP_CLAMP)
        o->min = a, o->max = b;
    else
        o->slope = a;
    return y;
}

AvaVal ava_graph_clamp(AvaGraph *g, AvaVal x, float min, float max)
{
    if (!(min < max))
        return BAD(g, "clamp: min must be below max");
    return unary(g, x, OP_CLAMP, min, max);
}

AvaVal ava_graph_leaky_relu(AvaGraph *g, AvaVal x, float slope)
{
    if (!isfinite(slope))
        return BAD(g, "leaky_relu: slope must be finite");
    return unary(g, x, OP_LEAKY, slope, 0);
}

AvaVal ava_graph_dense(AvaGraph *g, AvaVal x, int out, const float *weights, const float *bias,
                       enum AvaAct act)
{
    if (g->err)
        return AVA_VAL_NONE;
    const Value *in = val(g, x);
    float mn, mx;
    if (!in || !weights || out < 1 || out > 1 << 20 || act == AVA_ACT_LEAKY ||
        act_range(act, &mn, &mx) < 0)
        return BAD(g, "dense: invalid input, weights, size or activation");
    size_t n = in->dims[0], cin = 1;
    for (int i = 1; i < in->ndim; i++)
        cin *= in->dims[i];
    if (in->ndim != 2) { /* flatten [n, ...] -> [n, in] (NHWC order, as TF's Flatten) */
        AvaVal r = new_value(g, 2, (const size_t[]){ n, cin });
        Op *o = r == AVA_VAL_NONE ? NULL : new_op(g, OP_RESHAPE);
        if (!o)
            return AVA_VAL_NONE;
        o->in[0] = x;
        o->out = r;
        x = r;
    }
    size_t cout = (size_t)out;
    float *w = malloc(cin * cout * sizeof(float)), *b = calloc(cout, sizeof(float));
    if (!w || !b) {
        free(w);
        free(b);
        fail(g, AVA_ERR(ENOMEM), "graph %s: %s", "out of memory");
        return AVA_VAL_NONE;
    }
    for (size_t i = 0; i < cin; i++) /* TF [in, out] -> XNNPACK [out, in] */
        for (size_t o = 0; o < cout; o++)
            w[o * cin + i] = weights[i * cout + o];
    if (bias)
        memcpy(b, bias, cout * sizeof(float));
    AvaVal y = new_value(g, 2, (const size_t[]){ n, cout });
    Op *o = y == AVA_VAL_NONE ? NULL : new_op(g, OP_DENSE);
    if (!o) {
        free(w);
        free(b);
        return AVA_VAL_NONE;
    }
    o->in[0] = x;
    o->out = y;
    o->w = w;
    o->b = b;
    o->cin = cin;
    o->cout = cout;
    o->min = mn;
    o->max = mx;
    return y;
}

AvaVal ava_graph_pad(AvaGraph *g, AvaVal x, const int pre[4], const int post[4], float value)
{
    if (g->err)
        return AVA_VAL_NONE;
    const Value *in = val(g, x);
    if (!in || in->ndim != 4)
        return BAD(g, "pad: input must be 4-D");
    size_t dims[4];
    for (int i = 0; i < 4; i++) {
        if (pre[i] < 0 || post[i] < 0 || pre[i] > 4096 || post[i] > 4096)
            return BAD(g, "pad: padding out of range");
        dims[i] = in->dims[i] + (size_t)pre[i] + (size_t)post[i];
    }
    AvaVal y = new_value(g, 4, dims);
    Op *o = y == AVA_VAL_NONE ? NULL : new_op(g, OP_PAD);
    if (!o)
        return AVA_VAL_NONE;
    o->in[0] = x;
    o->out = y;
    for (int i = 0; i < 4; i++)
        o->pre[i] = (size_t)pre[i], o->post[i] = (size_t)post[i];
    o->padval = value;
    return y;
}

AvaVal ava_graph_mul(AvaGraph *g, AvaVal a, AvaVal b)
{
    AvaVal y = ava_graph_add(g, a, b, AVA_ACT_NONE); /* shape and broadcast checks */
    if (y != AVA_VAL_NONE)
        g->ops[g->n_ops - 1].type = OP_MUL;
    return y;
}

AvaVal ava_graph_affine(AvaGraph *g, AvaVal x, const float *scale, const float *offset, int n)
{
    if (g->err)
        return AVA_VAL_NONE;
    const Value *in = val(g, x);
    if (!in || n < 1 || (n != 1 && (size_t)n != in->dims[in->ndim - 1]))
        return BAD(g, "affine: invalid input or parameter count");
    float *w = malloc(2 * (size_t)n * sizeof(float));
    if (!w) {
        fail(g, AVA_ERR(ENOMEM), "graph %s: %s", "out of memory");
        return AVA_VAL_NONE;
    }
    for (int i = 0; i < n; i++) {
        w[i] = scale ? scale[i] : 1.0f;
        w[n + i] = offset ? offset[i] : 0.0f;
    }
    AvaVal y = unary(g, x, OP_AFFINE, 0, 0);
    if (y == AVA_VAL_NONE) {
        free(w);
        return y;
    }
    Op *o = &g->ops[g->n_ops - 1];
    o->w = w;
    o->cout = (size_t)n;
    return y;
}

AvaVal ava_graph_global_avgpool(AvaGraph *g, AvaVal x)
{
    if (g->err)
        return AVA_VAL_NONE;
    const Value *in = val(g, x);
    if (!in || in->ndim != 4)
        return BAD(g, "global_avgpool: input must be 4-D");
    AvaVal y = new_value(g, 4, (const size_t[]){ in->dims[0], 1, 1, in->dims[3] });
    Op *o = y == AVA_VAL_NONE ? NULL : new_op(g, OP_GAP);
    if (!o)
        return AVA_VAL_NONE;
    o->in[0] = x;
    o->out = y;
    return y;
}

AvaVal ava_graph_sigmoid(AvaGraph *g, AvaVal x)
{
    return unary(g, x, OP_SIGMOID, 0, 0);
}

AvaVal ava_graph_hardswish(AvaGraph *g, AvaVal x)
{
    return unary(g, x, OP_HSWISH, 0, 0);
}

AvaVal ava_graph_deconv2d(AvaGraph *g, AvaVal x, const AvaDeconvParams *p)
{
    if (g->err)
        return AVA_VAL_NONE;
    const Value *in = val(g, x);
    if (!in || in->ndim != 4 || !p || !p->filter || p->kh < 1 || p->kw < 1 || p->kh > 16 ||
        p->kw > 16 || p->stride_h < 1 || p->stride_w < 1 || p->stride_h > 16 ||
        p->stride_w > 16 || p->groups < 1 || p->out_channels < 1 ||
        p->out_channels % p->groups || in->dims[3] % (size_t)p->groups)
        return BAD(g, "deconv2d: invalid input, kernel, stride, groups or channels");
    size_t cout = (size_t)p->out_channels, gin = in->dims[3] / (size_t)p->groups;
    size_t k = (size_t)p->kh * (size_t)p->kw, nw = cout * k * gin;
    float mn, mx;
    if (act_range(p->act, &mn, &mx) < 0 || p->act == AVA_ACT_LEAKY)
        return BAD(g, "deconv2d: unsupported activation");
    float *w = malloc(nw * sizeof(float)), *b = malloc(cout * sizeof(float));
    if (!w || !b) {
        free(w);
        free(b);
        fail(g, AVA_ERR(ENOMEM), "graph %s: %s", "out of memory");
        return AVA_VAL_NONE;
    }
    for (size_t i = 0; i < nw; i++) /* [out, kh, kw, in / groups] */
        w[i] = p->filter[i] * (p->scale ? p->scale[i / (k * gin)] : 1.0f);
    for (size_t o = 0; o < cout; o++)
        b[o] = (p->bias ? p->bias[o] : 0.0f) * (p->scale ? p->scale[o] : 1.0f) +
               (p->offset ? p->offset[o] : 0.0f);
    size_t oh = (in->dims[1] - 1) * (size_t)p->stride_h + (size_t)p->kh;
    size_t ow = (in->dims[2] - 1) * (size_t)p->stride_w + (size_t)p->kw;
    if (p->groups == 1 && p->kh == p->kw && p->kh > 1 && p->stride_h == p->kh &&
        p->stride_w == p->kw) {
        /* Kernel = stride: the output blocks do not overlap, so this is a 1x1 convolution to
         * k k out channels, (i k + j) out + o for output pixel (y k + i, x k + j) channel o,
         * then depth_to_space(k): XNNPACK runs that faster than its deconvolution. */
        size_t kk = (size_t)p->kh, c1 = k * cout;
        float *cw = malloc(c1 * gin * sizeof(float)), *cb = malloc(c1 * sizeof(float));
        if (!cw || !cb) {
            free(cw);
            free(cb);
            free(w);
            free(b);
            fail(g, AVA_ERR(ENOMEM), "graph %s: %s", "out of memory");
            return AVA_VAL_NONE;
        }
        for (size_t o = 0; o < cout; o++)
            for (size_t s = 0; s < k; s++) {
                memcpy(cw + (s * cout + o) * gin, w + (o * k + s) * gin, gin * sizeof(float));
                cb[s * cout + o] = b[o];
            }
        free(w);
        free(b);
        AvaVal t = new_value(g, 4, (const size_t[]){ in->dims[0], in->dims[1], in->dims[2], c1 });
        Op *o = t == AVA_VAL_NONE ? NULL : new_op(g, OP_CONV);
        if (!o) {
            free(cw);
            free(cb);
            return AVA_VAL_NONE;
        }
        o->in[0] = x;
        o->out = t;
        o->kh = o->kw = o->sh = o->sw = o->dil = 1;
        o->cin = gin;
        o->cout = c1;
        o->w = cw;
        o->b = cb;
        o->wndim = 4;
        memcpy(o->wdims, (size_t[]){ c1, 1, 1, gin }, sizeof(o->wdims));
        o->min = mn;
        o->max = mx;
        return ava_graph_depth_to_space(g, t, (int)kk);
    }
    AvaVal y = new_value(g, 4, (const size_t[]){ in->dims[0], oh, ow, cout });
    Op *o = y == AVA_VAL_NONE ? NULL : new_op(g, OP_DECONV);
    if (!o) {
        free(w);
        free(b);
        return AVA_VAL_NONE;
    }
    o->in[0] = x;
    o->out = y;
    o->kh = (uint32_t)p->kh, o->kw = (uint32_t)p->kw;
    o->sh = (uint32_t)p->stride_h, o->sw = (uint32_t)p->stride_w;
    o->groups = (uint32_t)p->groups;
    o->cin = gin;
    o->cout = cout / (size_t)p->groups;
    o->w = w;
    o->b = b;
    memcpy(o->wdims, (size_t[]){ cout, (size_t)p->kh, (size_t)p->kw, gin }, sizeof(o->wdims));
    o->min = mn;
    o->max = mx;
    return y;
}

AvaVal ava_graph_upsample_nearest(AvaGraph *g, AvaVal x, int sh, int sw)
{
    if (g->err)
        return AVA_VAL_NONE;
    const Value *in = val(g, x);
    if (!in || in->ndim != 4 || sh < 1 || sw < 1 || sh > 16 || sw > 16)
        return BAD(g, "upsample_nearest: input must be 4-D, factors 1..16");
    float *zeros = calloc((size_t)sh * (size_t)sw, sizeof(float));
    if (!zeros) {
        fail(g, AVA_ERR(ENOMEM), "graph %s: %s", "out of memory");
        return AVA_VAL_NONE;
    }
    AvaVal y = new_value(g, 4, (const size_t[]){ in->dims[0], in->dims[1] * (size_t)sh,
                                                 in->dims[2] * (size_t)sw, in->dims[3] });
    Op *o = y == AVA_VAL_NONE ? NULL : new_op(g, OP_UPSAMPLE);
    if (!o) {
        free(zeros);
        return AVA_VAL_NONE;
    }
    o->in[0] = x;
    o->out = y;
    o->sh = (uint32_t)sh, o->sw = (uint32_t)sw;
    o->w = zeros;
    return y;
}

AvaVal ava_graph_depth_to_space(AvaGraph *g, AvaVal x, int block)
{
    if (g->err)
        return AVA_VAL_NONE;
    const Value *in = val(g, x);
    if (!in || in->ndim != 4 || block < 2 || block > 16 ||
        in->dims[3] % ((size_t)block * (size_t)block))
        return BAD(g, "depth_to_space: input must be 4-D with channels a multiple of block^2");
    size_t b = (size_t)block;
    AvaVal y = new_value(g, 4, (const size_t[]){ in->dims[0], in->dims[1] * b, in->dims[2] * b,
                                                 in->dims[3] / (b * b) });
    Op *o = y == AVA_VAL_NONE ? NULL : new_op(g, OP_D2S);
    if (!o)
        return AVA_VAL_NONE;
    o->in[0] = x;
    o->out = y;
    o->sh = (uint32_t)block;
    return y;
}

int ava_graph_output(AvaGraph *g, AvaVal v)
{
    if (g->err)
        return g->err;
    Value *vv = v < (AvaVal)g->n_vals ? &g->vals[v] : NULL;
    if (!vv || vv->input >= 0 || vv->output >= 0 || g->n_in + g->n_out >= AVA_GRAPH_MAX_IO)
        return fail(g, AVA_ERR(EINVAL), "graph %s: %s",
                    "output: invalid value, already external, or too many outputs");
    vv->output = g->n_out;
    g->outputs[g->n_out++] = v;
    return 0;
}

int ava_graph_shape(const AvaGraph *g, AvaVal v, int dims[4])
{
    const Value *vv = g ? val(g, v) : NULL;
    if (!vv)
        return 0;
    for (int i = 0; i < 4; i++)
        dims[i] = i < vv->ndim ? (int)vv->dims[i] : 1;
    return vv->ndim;
}

static size_t numel(const Value *v)
{
    size_t n = 1;
    for (int i = 0; i < v->ndim; i++)
        n *= v->dims[i];
    return n;
}

/* The shape a value's XNNPACK tensor is defined with: its own, or its 5-D view. */
static size_t xnn_shape(const Value *v, size_t dims[5])
{
    if (!v->view_sh) {
        memcpy(dims, v->dims, sizeof(v->dims));
        return (size_t)v->ndim;
    }
    size_t d[5] = { v->dims[0] * (v->dims[1] / v->view_sh), v->view_sh, v->dims[2] / v->view_sw,
                    v->view_sw, v->dims[3] };
    memcpy(dims, d, sizeof(d));
    return 5;
}

/* Emit one recorded op into the subgraph. */
static enum xnn_status emit(xnn_subgraph_t sg, const AvaGraph *g, const Op *o, const char **what)
{
    uint32_t in = g->vals[o->in[0]].id, out = g->vals[o->out].id, wid, bid;
    enum xnn_status st;
    switch (o->type) {
    case OP_CONV:
    case OP_DWCONV:
        *what = o->type == OP_CONV ? "convolution_2d" : "depthwise_convolution_2d";
        st = xnn_define_tensor_value(sg, xnn_datatype_fp32, 4, o->wdims, o->w,
                                     XNN_INVALID_VALUE_ID, 0, &wid);
        if (st == xnn_status_success)
            st = xnn_define_tensor_value(sg, xnn_datatype_fp32, 1,
                                         (const size_t[]){ o->wdims[o->type == OP_CONV ? 0 : 3] },
                                         o->b, XNN_INVALID_VALUE_ID, 0, &bid);
        if (st != xnn_status_success)
            return st;
        if (o->type == OP_CONV)
            return xnn_define_convolution_2d(sg, o->pad[0], o->pad[1], o->pad[2], o->pad[3],
                                             o->kh, o->kw, o->sh, o->sw, o->dil, o->dil, 1,
                                             o->cin, o->cout, o->min, o->max, in, wid, bid,
                                             out, 0);
        return xnn_define_depthwise_convolution_2d(sg, o->pad[0], o->pad[1], o->pad[2],
                                                   o->pad[3], o->kh, o->kw, o->sh, o->sw,
                                                   o->dil, o->dil, (uint32_t)o->cout, o->cin,
                                                   o->min, o->max, in, wid, bid, out, 0);
    case OP_MAXPOOL:
        *what = "max_pooling_2d";
        return xnn_define_max_pooling_2d(sg, o->pad[0], o->pad[1], o->pad[2], o->pad[3], o->kh,
                                         o->kw, o->sh, o->sw, 1, 1, o->min, o->max, in, out, 0);
    case OP_AVGPOOL:
        *what = "average_pooling_2d";
        return xnn_define_average_pooling_2d(sg, 0, 0, 0, 0, o->kh, o->kw, o->sh, o->sw, o->min,
                                             o->max, in, out, 0);
    case OP_ADD:
        *what = "add2";
        return xnn_define_add2(sg, o->min, o->max, in, g->vals[o->in[1]].id, out, 0);
    case OP_CLAMP:
        *what = "clamp";
        return xnn_define_clamp(sg, o->min, o->max, in, out, 0);
    case OP_LEAKY:
        *what = "leaky_relu";
        return xnn_define_leaky_relu(sg, o->slope, in, out, 0);
    case OP_DENSE:
        *what = "fully_connected";
        st = xnn_define_tensor_value(sg, xnn_datatype_fp32, 2,
                                     (const size_t[]){ o->cout, o->cin }, o->w,
                                     XNN_INVALID_VALUE_ID, 0, &wid);
        if (st == xnn_status_success)
            st = xnn_define_tensor_value(sg, xnn_datatype_fp32, 1, (const size_t[]){ o->cout },
                                         o->b, XNN_INVALID_VALUE_ID, 0, &bid);
        if (st != xnn_status_success)
            return st;
        return xnn_define_fully_connected(sg, o->min, o->max, in, wid, bid, out, 0);
    case OP_PAD:
        *what = "static_constant_pad";
        return xnn_define_static_constant_pad(sg, o->pre, o->post, o->padval, in, out, 0);
    case OP_MUL:
        *what = "multiply2";
        return xnn_define_multiply2(sg, -INFINITY, INFINITY, in, g->vals[o->in[1]].id, out, 0);
    case OP_AFFINE: {
        /* multiply2 and add2 with static operands; the one that is an identity is left out */
        *what = "affine (multiply2 + add2)";
        uint32_t sid, oid, tid;
        size_t n = o->cout;
        int mul = 0, add = 0;
        for (size_t k = 0; k < n; k++)
            mul |= o->w[k] != 1.0f, add |= o->w[n + k] != 0.0f;
        if (!mul && !add)
            add = 1;
        st = xnn_define_tensor_value(sg, xnn_datatype_fp32, 1, &n, o->w, XNN_INVALID_VALUE_ID,
                                     0, &sid);
        if (st == xnn_status_success)
            st = xnn_define_tensor_value(sg, xnn_datatype_fp32, 1, &n, o->w + n,
                                         XNN_INVALID_VALUE_ID, 0, &oid);
        if (st == xnn_status_success && mul && add)
            st = xnn_define_tensor_value(sg, xnn_datatype_fp32, (size_t)g->vals[o->out].ndim,
                                         g->vals[o->out].dims, NULL, XNN_INVALID_VALUE_ID, 0,
                                         &tid);
        if (st == xnn_status_success && mul)
            st = xnn_define_multiply2(sg, -INFINITY, INFINITY, in, sid, add ? tid : out, 0);
        if (st != xnn_status_success || !add)
            return st;
        return xnn_define_add2(sg, -INFINITY, INFINITY, mul ? tid : in, oid, out, 0);
    }
    case OP_GAP:
        *what = "global_average_pooling_2d";
        return xnn_define_global_average_pooling_2d(sg, -INFINITY, INFINITY, in, out, 0);
    case OP_SIGMOID:
        *what = "sigmoid";
        return xnn_define_sigmoid(sg, in, out, 0);
    case OP_HSWISH:
        *what = "hardswish";
        return xnn_define_hardswish(sg, in, out, 0);
    case OP_DECONV:
        *what = "deconvolution_2d";
        st = xnn_define_tensor_value(sg, xnn_datatype_fp32, 4, o->wdims, o->w,
                                     XNN_INVALID_VALUE_ID, 0, &wid);
        if (st == xnn_status_success)
            st = xnn_define_tensor_value(sg, xnn_datatype_fp32, 1, (const size_t[]){ o->wdims[0] },
                                         o->b, XNN_INVALID_VALUE_ID, 0, &bid);
        if (st != xnn_status_success)
            return st;
        return xnn_define_deconvolution_2d(sg, 0, 0, 0, 0, 0, 0, o->kh, o->kw, o->sh, o->sw, 1,
                                           1, o->groups, o->cin, o->cout, o->min, o->max, in,
                                           wid, bid, out, 0);
    case OP_UPSAMPLE: {
        /* [n, h, w, c] seen as [n h, 1, w, 1, c] (a copy: reshapes are copies in this XNNPACK)
         * + zeros [1, sh, 1, sw, 1], broadcast, written straight into the [n, h sh, w sw, c]
         * output: the same bytes as [n h, sh, w, sw, c]. add2 takes the broadcast shape from
         * its inputs and only the size of its output (checked by the parity tests), which
         * saves a copy of the upsampled tensor (80x80x96 -> 160x160x96: 2.0 -> 0.5 ms). */
        *what = "nearest upsample (static_reshape + add2)";
        const Value *a = &g->vals[o->in[0]];
        size_t d5[5] = { a->dims[0] * a->dims[1], 1, a->dims[2], 1, a->dims[3] };
        size_t z5[5] = { 1, o->sh, 1, o->sw, 1 };
        uint32_t xid, zid;
        st = xnn_define_tensor_value(sg, xnn_datatype_fp32, 5, d5, NULL, XNN_INVALID_VALUE_ID, 0,
                                     &xid);
        if (st == xnn_status_success)
            st = xnn_define_tensor_value(sg, xnn_datatype_fp32, 5, z5, o->w, XNN_INVALID_VALUE_ID,
                                         0, &zid);
        if (st == xnn_status_success)
            st = xnn_define_static_reshape(sg, 5, d5, in, xid, 0);
        if (st != xnn_status_success)
            return st;
        return xnn_define_add2(sg, -INFINITY, INFINITY, xid, zid, out, 0);
    }
    case OP_ADD_UP: {
        /* a + upsample(b): a's tensor is its [n h, sh, w, sw, c] view (set by fuse_add_up),
         * b is seen as [n h, 1, w, 1, c] (a copy of the small one), the broadcast sum written
         * into the 4-D output (add2 reads shapes from its inputs only) */
        *what = "add of an upsampled value (static_reshape + add2)";
        const Value *b = &g->vals[o->in[1]];
        size_t d5[5] = { b->dims[0] * b->dims[1], 1, b->dims[2], 1, b->dims[3] };
        uint32_t bid5;
        st = xnn_define_tensor_value(sg, xnn_datatype_fp32, 5, d5, NULL, XNN_INVALID_VALUE_ID, 0,
                                     &bid5);
        if (st == xnn_status_success)
            st = xnn_define_static_reshape(sg, 5, d5, g->vals[o->in[1]].id, bid5, 0);
        if (st != xnn_status_success)
            return st;
        return xnn_define_add2(sg, o->min, o->max, in, bid5, out, 0);
    }
    case OP_D2S:
        *what = "depth_to_space";
        return xnn_define_depth_to_space(sg, in, out, o->sh, 0);
    case OP_RESHAPE:
        *what = "static_reshape";
        return xnn_define_static_reshape(sg, (size_t)g->vals[o->out].ndim, g->vals[o->out].dims,
                                         in, out, 0);
    }
    *what = "unknown op";
    return xnn_status_invalid_parameter;
}

static void own_step(const AvaGraph *g, const Op *o, void *scratch);

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t); /* preemption by other processes not counted */
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static const char *const op_names[] = {
    [OP_CONV] = "conv", [OP_DWCONV] = "dwconv", [OP_MAXPOOL] = "maxpool",
    [OP_AVGPOOL] = "avgpool", [OP_ADD] = "add", [OP_CLAMP] = "clamp", [OP_LEAKY] = "leaky",
    [OP_DENSE] = "dense", [OP_PAD] = "pad", [OP_RESHAPE] = "reshape", [OP_MUL] = "mul",
    [OP_AFFINE] = "affine", [OP_GAP] = "gap", [OP_DECONV] = "deconv", [OP_SIGMOID] = "sigmoid",
    [OP_HSWISH] = "hswish", [OP_UPSAMPLE] = "upsample", [OP_D2S] = "d2s",
    [OP_ADD_UP] = "add_up",
};

/*
 * AVA_NN_PROFILE=N (N runs, min kept): each recorded op runs alone as its own XNNPACK runtime
 * on inputs of 0.01, and its time goes to stderr, with the sum by op type. Fusions XNNPACK
 * makes across ops in the real runtime are not seen. For finding where a net's time goes.
 */
static void profile(AvaGraph *g, int runs)
{
    double total = 0, by_type[OP_ADD_UP + 1] = { 0 };
    fprintf(stderr, "profile %s: %d ops, min of %d runs each\n", g->name, g->n_ops, runs);
    for (int i = 0; i < g->n_ops; i++) {
        Op *o = &g->ops[i];
        if (o->dead)
            continue;
        Value *v[3] = { &g->vals[o->in[0]], o->in[1] != AVA_VAL_NONE ? &g->vals[o->in[1]] : NULL,
                        &g->vals[o->out] };
        uint32_t save[3];
        xnn_subgraph_t sg = NULL;
        xnn_runtime_t rt = NULL;
        float *buf[3] = { NULL, NULL, NULL };
        struct xnn_external_value ext[3];
        int n_ext = 0;
        const char *what = "";
        enum xnn_status st = xnn_create_subgraph(3, 0, &sg);
        for (int k = 0; k < 3; k++) {
            if (!v[k])
                continue;
            save[k] = v[k]->id;
            size_t n = numel(v[k]);
            buf[k] = malloc(n * sizeof(float) + XNN_EXTRA_BYTES);
            if (!buf[k]) {
                st = xnn_status_out_of_memory;
                continue;
            }
            for (size_t j = 0; j < n; j++)
                buf[k][j] = 0.01f;
            size_t vd[5], vn = xnn_shape(v[k], vd);
            if (st == xnn_status_success)
                st = xnn_define_tensor_value(sg, xnn_datatype_fp32, vn, vd, NULL, (uint32_t)k,
                                             k == 2 ? XNN_VALUE_FLAG_EXTERNAL_OUTPUT
                                                    : XNN_VALUE_FLAG_EXTERNAL_INPUT,
                                             &v[k]->id);
            ext[n_ext].id = (uint32_t)k;
            ext[n_ext++].data = buf[k];
        }
        int own = own_op(o);
        if (st == xnn_status_success && !own)
            st = emit(sg, g, o, &what);
        if (st == xnn_status_success && !own)
            st = xnn_create_runtime_v2(sg, NULL, 0, &rt);
        if (st == xnn_status_success && !own)
            st = xnn_setup_runtime(rt, (size_t)n_ext, ext);
        double best = INFINITY;
        for (int r = 0; st == xnn_status_success && r < runs + 1; r++) {
            double t = now_ms();
            if (own) {
                float *keep[2] = { v[0]->buf, v[2]->buf };
                v[0]->buf = buf[0], v[2]->buf = buf[2];
                own_step(g, o, g->scratch);
                v[0]->buf = keep[0], v[2]->buf = keep[1];
            } else {
                st = xnn_invoke_runtime(rt);
            }
            t = now_ms() - t;
            if (r && t < best)
                best = t;
        }
        for (int k = 0; k < 3; k++)
            if (v[k])
                v[k]->id = save[k];
        if (rt)
            xnn_delete_runtime(rt);
        if (sg)
            xnn_delete_subgraph(sg);
        for (int k = 0; k < 3; k++)
            free(buf[k]);
        if (st != xnn_status_success) {
            fprintf(stderr, "  %4d %-8s failed (status %d)\n", i, op_names[o->type], (int)st);
            continue;
        }
        total += best;
        by_type[o->type] += best;
        const Value *a = v[0], *y = v[2];
        fprintf(stderr, "  %4d %-8s %8.3f ms  %zux%zux%zu -> %zux%zux%zu  k%ux%u s%u g%u\n", i,
                o->wino ? "conv_wg" : o->up_head ? "up_head" : o->dw ? "dw_own"
                : o->pw ? "pw_own" : op_names[o->type],
                best, a->ndim == 4 ? a->dims[1] : 1,
                a->ndim == 4 ? a->dims[2] : 1, a->dims[a->ndim - 1], y->ndim == 4 ? y->dims[1] : 1,
                y->ndim == 4 ? y->dims[2] : 1, y->dims[y->ndim - 1], o->kh, o->kw, o->sh,
                o->groups);
    }
    fprintf(stderr, "profile %s: sum %.2f ms;", g->name, total);
    for (int t = 0; t <= OP_ADD_UP; t++)
        if (by_type[t] > 0)
            fprintf(stderr, " %s %.2f", op_names[t], by_type[t]);
    fprintf(stderr, "\n");
}

/* For the fusions: per value, the op that makes it (-1: an input or constant) and how many
 * ops read it; @p live_only leaves out dead ops. Both arrays malloc'd for the caller. */
static int producers(const AvaGraph *g, int live_only, int **prod_out, int **nread_out)
{
    int *nread = calloc((size_t)g->n_vals, sizeof(int));
    int *prod = malloc((size_t)g->n_vals * sizeof(int));
    if (!nread || !prod) {
        free(nread);
        free(prod);
        return AVA_ERR(ENOMEM);
    }
    for (int i = 0; i < g->n_vals; i++)
        prod[i] = -1;
    for (int i = 0; i < g->n_ops; i++) {
        if (live_only && g->ops[i].dead)
            continue;
        prod[g->ops[i].out] = i;
        for (int k = 0; k < 2; k++)
            if (g->ops[i].in[k] != AVA_VAL_NONE)
                nread[g->ops[i].in[k]]++;
    }
    *prod_out = prod;
    *nread_out = nread;
    return 0;
}

/*
 * a + upsample(b), where a is read by nothing else and made by an elementwise op (whose
 * XNNPACK node takes its shapes from its inputs, so a's tensor can be defined as the 5-D
 * view [n h, s, w, s, c]): one broadcast add, without the upsampled tensor (the upsample,
 * then unread, is not emitted). The FPN's top-down adds. Both operands must have the output's
 * shape: an upsampled value broadcast over the batch would not broadcast in the 5-D views.
 */
static int fuse_add_up(AvaGraph *g)
{
    int *nread, *prod;
    if (producers(g, 0, &prod, &nread) < 0)
        return fail(g, AVA_ERR(ENOMEM), "graph %s: %s", "out of memory");
    for (int i = 0; i < g->n_ops; i++) {
        Op *o = &g->ops[i];
        if (o->type != OP_ADD)
            continue;
        for (int k = 0; k < 2; k++) {
            AvaVal u = o->in[k], a = o->in[1 - k];
            const Op *pu = prod[u] >= 0 ? &g->ops[prod[u]] : NULL;
            const Op *pa = prod[a] >= 0 ? &g->ops[prod[a]] : NULL;
            Value *va = &g->vals[a];
            if (!pu || pu->type != OP_UPSAMPLE || !pa || nread[a] != 1 || va->input >= 0 ||
                va->output >= 0 || va->view_sh || va->ndim != 4 ||
                memcmp(va->dims, g->vals[o->out].dims, sizeof(va->dims)) ||
                memcmp(g->vals[u].dims, va->dims, sizeof(va->dims)) ||
                !(pa->type == OP_ADD || pa->type == OP_MUL || pa->type == OP_AFFINE ||
                  pa->type == OP_CLAMP || pa->type == OP_LEAKY || pa->type == OP_SIGMOID ||
                  pa->type == OP_HSWISH))
                continue;
            o->type = OP_ADD_UP;
            o->in[0] = a;
            o->in[1] = pu->in[0];
            va->view_sh = pu->sh;
            va->view_sw = pu->sw;
            break;
        }
    }
    free(nread);
    free(prod);
    return 0;
}

/* Whether op @p o runs on our Winograd kernel (3x3 stride-1 convs it fits). */
static int wino_op(const AvaGraph *g, const Op *o)
{
    return g->own_kernels && !o->dead && o->type == OP_CONV && o->kh == 3 && o->kw == 3 &&
           o->sh == 1 && o->sw == 1 && o->dil == 1 && g->vals[o->in[0]].ndim == 4 &&
           ava_wino_fits(o->cin, o->cout);
}

/* Whether op @p o runs on our depthwise kernel. */
static int dw_op(const AvaGraph *g, const Op *o)
{
    return g->own_kernels && !o->dead && o->type == OP_DWCONV && o->cout == 1 &&
           o->kh == o->kw && o->sh == o->sw && o->dil == 1 &&
           ava_dwconv_fits(o->cin, (int)o->kh, (int)o->sh);
}

/* Steps: each op of ours alone, the ops between them as one XNNPACK runtime; which step
 * makes each value, and which values cross steps (or are external). */
static int plan_steps(AvaGraph *g)
{
    int n = 0, open = 0;
    for (int i = 0; i < g->n_ops; i++) {
        const Op *o = &g->ops[i];
        if (o->dead)
            continue;
        int own = own_op(o);
        n += own || !open;
        open = !own;
    }
    if (!(g->steps = calloc((size_t)(n ? n : 1), sizeof(Step))))
        return fail(g, AVA_ERR(ENOMEM), "graph %s: %s", "out of memory");
    int s = -1;
    open = 0;
    for (int i = 0; i < g->n_ops; i++) {
        Op *o = &g->ops[i];
        if (o->dead)
            continue;
        int own = own_op(o);
        if (own || !open)
            g->steps[++s] = (Step){ .op = own ? i : -1, .first = i };
        g->steps[s].last = i;
        open = !own;
        o->step = s;
    }
    g->n_steps = s + 1;
    for (int i = 0; i < g->n_vals; i++) {
        Value *v = &g->vals[i];
        v->step = -1;
        v->boundary = v->input >= 0 || v->output >= 0;
    }
    for (int i = 0; i < g->n_ops; i++)
        if (!g->ops[i].dead)
            g->vals[g->ops[i].out].step = g->ops[i].step;
    /* With several steps every value is ours (place_boundary plans them all at once: the
     * steps' XNNPACK runtimes would each plan their own workspace, and hold their sum) */
    for (int i = 0; i < g->n_ops; i++)
        for (int k = 0; k < 2 && !g->ops[i].dead; k++)
            if (g->ops[i].in[k] != AVA_VAL_NONE &&
                (g->n_steps > 1 || g->vals[g->ops[i].in[k]].step != g->ops[i].step))
                g->vals[g->ops[i].in[k]].boundary = 1;
    for (int i = 0; i < g->n_ops && g->n_steps > 1; i++)
        if (!g->ops[i].dead)
            g->vals[g->ops[i].out].boundary = 1;
    return 0;
}

/* The XNNPACK runtime of step @p s: its boundary values are external (outputs where made
 * here, inputs otherwise), set up on their buffers. */
static int build_runtime(AvaGraph *g, Step *s)
{
    char *seen = calloc((size_t)g->n_vals, 1); /* 1: made here, 2: read here, made before */
    uint32_t *ext_of = malloc((size_t)g->n_vals * sizeof(uint32_t));
    struct xnn_external_value *ext = malloc((size_t)g->n_vals * sizeof(*ext));
    if (!seen || !ext_of || !ext) {
        free(seen);
        free(ext_of);
        free(ext);
        return fail(g, AVA_ERR(ENOMEM), "graph %s: %s", "out of memory");
    }
    for (int i = s->first; i <= s->last; i++) {
        const Op *o = &g->ops[i];
        if (o->dead)
            continue;
        for (int k = 0; k < 2; k++)
            if (o->in[k] != AVA_VAL_NONE && !seen[o->in[k]])
                seen[o->in[k]] = 2;
        seen[o->out] = 1;
    }
    uint32_t n_ext = 0;
    for (int i = 0; i < g->n_vals; i++) {
        ext_of[i] = XNN_INVALID_VALUE_ID;
        if (seen[i] && g->vals[i].boundary) {
            ext[n_ext].id = n_ext;
            ext[n_ext].data = g->vals[i].buf;
            ext_of[i] = n_ext++;
        }
    }
    xnn_subgraph_t sg = NULL;
    const char *what = "create_subgraph";
    enum xnn_status st = xnn_create_subgraph(n_ext, 0, &sg);
    for (int i = 0; st == xnn_status_success && i < g->n_vals; i++) {
        Value *v = &g->vals[i];
        if (!seen[i])
            continue;
        uint32_t flags = ext_of[i] == XNN_INVALID_VALUE_ID ? 0
                       : seen[i] == 1 ? XNN_VALUE_FLAG_EXTERNAL_OUTPUT
                                      : XNN_VALUE_FLAG_EXTERNAL_INPUT;
        what = "tensor_value";
        size_t vd[5], vn = xnn_shape(v, vd);
        st = xnn_define_tensor_value(sg, xnn_datatype_fp32, vn, vd, NULL, ext_of[i], flags,
                                     &v->id);
    }
    for (int i = s->first; st == xnn_status_success && i <= s->last; i++)
        if (!g->ops[i].dead)
            st = emit(sg, g, &g->ops[i], &what);
    if (st == xnn_status_success) {
        what = "create_runtime";
        st = xnn_create_runtime_v2(sg, NULL, 0, &s->rt); /* NULL pool: the calling thread */
    }
    if (sg)
        xnn_delete_subgraph(sg);
    if (st == xnn_status_success) {
        what = "setup_runtime";
        st = xnn_setup_runtime(s->rt, n_ext, ext);
    }
    free(seen);
    free(ext_of);
    free(ext);
    if (st != xnn_status_success) {
        ava_log(g->lg, AVA_LOG_ERROR, "graph %s: XNNPACK %s failed (status %d)", g->name, what,
                (int)st);
        return g->err = AVA_ERR_MODEL;
    }
    return 0;
}

/* Our kernel for op @p o (its weights still in o->w), and its scratch in g->scratch. */
static AvaWino *wino_create(AvaGraph *g, const Op *o, size_t *scratch)
{
    AvaWino *k = ava_wino_create(o->w, o->b, o->cin, o->cout, (int)o->pad[0], (int)o->pad[3],
                                 o->min, o->max);
    if (k && scratch) {
        size_t need = ava_wino_scratch_size(k, g->vals[o->out].dims[2]);
        *scratch = need > *scratch ? need : *scratch;
    }
    return k;
}

static void own_step(const AvaGraph *g, const Op *o, void *scratch)
{
    const Value *a = &g->vals[o->in[0]], *y = &g->vals[o->out];
    if (o->wino)
        ava_wino_run(o->wino, a->buf, a->dims[0], a->dims[1], a->dims[2], y->buf, y->dims[1],
                     y->dims[2], scratch);
    else if (o->dw)
        ava_dwconv_run(o->dw, a->buf, a->dims[0], a->dims[1], a->dims[2], y->buf, y->dims[1],
                       y->dims[2]);
    else if (o->pw)
        ava_pwconv_run(o->pw, a->buf, numel(a) / a->dims[a->ndim - 1], y->buf, scratch);
    else
        ava_up_head_run(o->up_head, a->buf, a->dims[0], a->dims[1], a->dims[2], y->buf);
}

/* The op making @p v if it is @p type, read by one op only and not external, else NULL. */
static Op *sole_producer(AvaGraph *g, const int *prod, const int *nread, AvaVal v,
                         enum OpType type)
{
    const Value *vv = &g->vals[v];
    Op *o = prod[v] >= 0 ? &g->ops[prod[v]] : NULL;
    return o && o->type == type && nread[v] == 1 && vv->input < 0 && vv->output < 0 ? o : NULL;
}

static int is_1x1(const Op *o)
{
    return o->kh == 1 && o->kw == 1 && o->sh == 1 && o->sw == 1 &&
           !(o->pad[0] | o->pad[1] | o->pad[2] | o->pad[3]);
}

/* sigmoid(d2s_2(conv1x1_4(d2s_2(conv1x1(x))))) as one up_head.h kernel on x; the four ops
 * before the sigmoid are then not emitted. */
static int fuse_up_head(AvaGraph *g)
{
    int *nread, *prod;
    if (producers(g, 1, &prod, &nread) < 0)
        return fail(g, AVA_ERR(ENOMEM), "graph %s: %s", "out of memory");
    int oom = 0;
    for (int i = 0; i < g->n_ops && !oom; i++) {
        Op *sg = &g->ops[i], *d2, *c2, *d1, *c1;
        if (sg->dead || sg->type != OP_SIGMOID || g->vals[sg->in[0]].ndim != 4 ||
            !(d2 = sole_producer(g, prod, nread, sg->in[0], OP_D2S)) || d2->sh != 2 ||
            !(c2 = sole_producer(g, prod, nread, d2->in[0], OP_CONV)) || !is_1x1(c2) ||
            c2->cout != 4 || c2->min != -INFINITY || c2->max != INFINITY ||
            !(d1 = sole_producer(g, prod, nread, c2->in[0], OP_D2S)) || d1->sh != 2 ||
            !(c1 = sole_producer(g, prod, nread, d1->in[0], OP_CONV)) || !is_1x1(c1) ||
            c1->cout != 4 * c2->cin || !ava_up_head_fits(c1->cin, c2->cin))
            continue;
        sg->up_head = ava_up_head_create(c1->w, c1->b, c1->min, c1->max, c2->w, c2->b, c1->cin,
                                         c2->cin);
        if ((oom = !sg->up_head))
            break;
        sg->in[0] = c1->in[0];
        c1->dead = d1->dead = c2->dead = d2->dead = 1;
    }
    free(nread);
    free(prod);
    return oom ? fail(g, AVA_ERR(ENOMEM), "graph %s: %s", "out of memory") : 0;
}

/* Boundary values (not inputs or outputs) get places in one arena: a value lives from the op
 * that makes it to the last that reads it (ops run in their order, XNNPACK's too), and
 * values whose lives do not overlap may share bytes. Largest first, each at the lowest
 * offset clear of those placed. */
static int place_boundary(AvaGraph *g)
{
    int n = 0, *first = malloc((size_t)g->n_vals * sizeof(int));
    int *last = malloc((size_t)g->n_vals * sizeof(int));
    int *order = malloc((size_t)g->n_vals * sizeof(int));
    size_t *off = malloc((size_t)g->n_vals * sizeof(size_t)), total = 0;
    if (!first || !last || !order || !off) {
        free(first);
        free(last);
        free(order);
        free(off);
        return fail(g, AVA_ERR(ENOMEM), "graph %s: %s", "out of memory");
    }
    for (int i = 0; i < g->n_vals; i++)
        first[i] = last[i] = -1;
    for (int i = 0; i < g->n_ops; i++) {
        if (g->ops[i].dead)
            continue;
        first[g->ops[i].out] = last[g->ops[i].out] = i;
        for (int k = 0; k < 2; k++)
            if (g->ops[i].in[k] != AVA_VAL_NONE && last[g->ops[i].in[k]] < i)
                last[g->ops[i].in[k]] = i;
    }
    for (int i = 0; i < g->n_vals; i++) {
        const Value *v = &g->vals[i];
        if (!v->boundary || v->buf)
            continue;
        int j = n++; /* insertion by size, largest first */
        while (j > 0 && numel(&g->vals[order[j - 1]]) < numel(v)) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
    /* bytes per value, rounded to 64 with room for XNNPACK's reads past the end */
#define PLACE_SIZE(v) ((numel(v) * sizeof(float) + XNN_EXTRA_BYTES + 63) / 64 * 64)
    for (int a = 0; a < n; a++) {
        const Value *v = &g->vals[order[a]];
        size_t size = PLACE_SIZE(v), at = 0;
        for (int moved = 1; moved;) { /* past every placed value that overlaps, until none */
            moved = 0;
            for (int b = 0; b < a; b++) {
                const Value *u = &g->vals[order[b]];
                size_t us = PLACE_SIZE(u);
                if (first[order[a]] <= last[order[b]] && first[order[b]] <= last[order[a]] &&
                    at < off[b] + us && off[b] < at + size) {
                    at = off[b] + us;
                    moved = 1;
                }
            }
        }
        off[a] = at;
        total = at + size > total ? at + size : total;
    }
#undef PLACE_SIZE
    if (n && !(g->arena = aligned_alloc(64, total))) {
        free(first);
        free(last);
        free(order);
        free(off);
        return fail(g, AVA_ERR(ENOMEM), "graph %s: %s", "out of memory");
    }
    if (n)
        memset(g->arena, 0, total);
    for (int a = 0; a < n; a++)
        g->vals[order[a]].buf = g->arena + off[a] / sizeof(float);
    free(first);
    free(last);
    free(order);
    free(off);
    return 0;
}

/* Our depthwise convs take in an add-only affine before them and a hardswish after them
 * when nothing else reads the value between (the hardswish op then runs the kernel). */
static int fuse_dw(AvaGraph *g)
{
    int *nread, *prod;
    if (producers(g, 1, &prod, &nread) < 0)
        return fail(g, AVA_ERR(ENOMEM), "graph %s: %s", "out of memory");
    int bad = 0;
    for (int i = 0; i < g->n_ops && !bad; i++) {
        Op *d = &g->ops[i], *a;
        if (d->dead || !d->dw)
            continue;
        if ((a = sole_producer(g, prod, nread, d->in[0], OP_AFFINE))) {
            int mul = 0;
            for (size_t k = 0; k < a->cout; k++)
                mul |= a->w[k] != 1.0f;
            if (!mul) {
                bad = ava_dwconv_fuse_input_offset(d->dw, a->w + a->cout, a->cout) < 0;
                d->in[0] = a->in[0];
                a->dead = 1;
            }
        }
        const Value *y = &g->vals[d->out];
        for (int j = i + 1; j < g->n_ops && nread[d->out] == 1 && y->input < 0 && y->output < 0;
             j++) {
            Op *h = &g->ops[j];
            if (h->dead || h->in[0] != d->out)
                continue;
            if (h->type == OP_HSWISH) {
                ava_dwconv_fuse_hswish(d->dw);
                h->dw = d->dw;
                h->in[0] = d->in[0];
                d->dw = NULL;
                d->dead = 1;
            }
            break;
        }
    }
    free(nread);
    free(prod);
    return bad ? fail(g, AVA_ERR(ENOMEM), "graph %s: %s", "out of memory") : 0;
}

/* hardswish(conv1x1(x)) as one pwconv.h kernel when nothing else reads the conv's output
 * (the hardswish op then runs it); *scratch grows to what it needs. */
static int fuse_pw(AvaGraph *g, size_t *scratch)
{
    int *nread, *prod;
    if (producers(g, 1, &prod, &nread) < 0)
        return fail(g, AVA_ERR(ENOMEM), "graph %s: %s", "out of memory");
    int bad = 0;
    for (int i = 0; i < g->n_ops && !bad; i++) {
        Op *h = &g->ops[i], *c;
        if (h->dead || h->type != OP_HSWISH || own_op(h) ||
            !(c = sole_producer(g, prod, nread, h->in[0], OP_CONV)) || own_op(c) || !is_1x1(c) ||
            c->dil != 1 || !ava_pwconv_fits(c->cin, c->cout))
            continue;
        if ((bad = !(h->pw = ava_pwconv_create(c->w, c->b, c->cin, c->cout, c->min, c->max))))
            break;
        size_t need = ava_pwconv_scratch_size(h->pw);
        *scratch = need > *scratch ? need : *scratch;
        h->in[0] = c->in[0];
        c->dead = 1;
    }
    free(nread);
    free(prod);
    return bad ? fail(g, AVA_ERR(ENOMEM), "graph %s: %s", "out of memory") : 0;
}

int ava_graph_own_kernels(AvaGraph *g, int on)
{
    const char *env = getenv("AVA_NN_OWN_KERNELS");
    if (!g || g->built)
        return 0;
    g->own_kernels = on && ava_own_kernels_available() && !(env && !strcmp(env, "0"));
    return g->own_kernels;
}

int ava_graph_build(AvaGraph *g)
{
    if (!g)
        return AVA_ERR(EINVAL);
    if (g->err)
        return g->err;
    if (g->built)
        return 0;
    if (!g->n_in || !g->n_out)
        return fail(g, AVA_ERR(EINVAL), "graph %s: %s", "no inputs or no outputs");
    if (fuse_add_up(g) < 0)
        return g->err;
    /* Ops whose results nothing reads (a net definition may leave some, e.g. a value it
     * replaced by a cheaper equivalent) are not emitted. */
    char *live = calloc((size_t)g->n_vals, 1);
    if (!live)
        return fail(g, AVA_ERR(ENOMEM), "graph %s: %s", "out of memory");
    for (int i = 0; i < g->n_out; i++)
        live[g->outputs[i]] = 1;
    for (int i = g->n_ops - 1; i >= 0; i--) {
        Op *o = &g->ops[i];
        o->dead = !live[o->out];
        for (int k = 0; k < 2 && !o->dead; k++)
            if (o->in[k] != AVA_VAL_NONE)
                live[o->in[k]] = 1;
    }
    free(live);
    if (g->own_kernels && fuse_up_head(g) < 0)
        return g->err;
    size_t scratch = 0;
    for (int i = 0; i < g->n_ops; i++) {
        Op *o = &g->ops[i];
        if ((wino_op(g, o) && !(o->wino = wino_create(g, o, &scratch))) ||
            (dw_op(g, o) && !(o->dw = ava_dwconv_create(o->w, o->b, o->cin, (int)o->kh,
                                                        (int)o->sh, (int)o->pad[0],
                                                        (int)o->pad[3], o->min, o->max))))
            return fail(g, AVA_ERR(ENOMEM), "graph %s: %s", "out of memory");
    }
    if (g->own_kernels && (fuse_dw(g) < 0 || fuse_pw(g, &scratch) < 0))
        return g->err;
    if (scratch && !(g->scratch = aligned_alloc(64, (scratch + 63) / 64 * 64)))
        return fail(g, AVA_ERR(ENOMEM), "graph %s: %s", "out of memory");
    const char *prof = getenv("AVA_NN_PROFILE");
    if (prof && atoi(prof) > 0)
        profile(g, atoi(prof));
    if (plan_steps(g) < 0)
        return g->err;
    for (int i = 0; i < g->n_in + g->n_out; i++) {
        AvaVal v = i < g->n_in ? g->inputs[i] : g->outputs[i - g->n_in];
        g->counts[i] = numel(&g->vals[v]);
        /* XNNPACK may read up to XNN_EXTRA_BYTES past an input. */
        g->bufs[i] = calloc(1, g->counts[i] * sizeof(float) + XNN_EXTRA_BYTES);
        if (!g->bufs[i])
            return fail(g, AVA_ERR(ENOMEM), "graph %s: %s", "out of memory");
        g->vals[v].buf = g->bufs[i];
    }
    if (place_boundary(g) < 0)
        return g->err;
    for (int i = 0; i < g->n_steps; i++)
        if (g->steps[i].op < 0 && build_runtime(g, &g->steps[i]) < 0)
            return g->err;
    /* Convolution, deconvolution and fully connected operators packed their weights into
     * buffers of their own when the runtime was created (and our kernels when they were
     * made): our copies can go (half the weight memory). Static operands of other ops
     * (affine) are read at run time and stay. */
    for (int i = 0; i < g->n_ops; i++) {
        Op *o = &g->ops[i];
        if (o->type == OP_CONV || o->type == OP_DWCONV || o->type == OP_DECONV ||
            o->type == OP_DENSE) {
            free(o->w);
            free(o->b);
            o->w = o->b = NULL;
        }
    }
    g->built = 1;
    return 0;
}

float *ava_graph_input_data(AvaGraph *g, int i, size_t *count)
{
    if (!g || !g->built || i < 0 || i >= g->n_in)
        return NULL;
    if (count)
        *count = g->counts[i];
    return g->bufs[i];
}

const float *ava_graph_output_data(AvaGraph *g, int i, size_t *count)
{
    if (!g || !g->built || i < 0 || i >= g->n_out)
        return NULL;
    if (count)
        *count = g->counts[g->n_in + i];
    return g->bufs[g->n_in + i];
}

int ava_graph_run(AvaGraph *g)
{
    if (!g || !g->built)
        return AVA_ERR(EINVAL);
    for (int i = 0; i < g->n_steps; i++) {
        const Step *s = &g->steps[i];
        if (s->op >= 0) {
            own_step(g, &g->ops[s->op], g->scratch);
            continue;
        }
        enum xnn_status st = xnn_invoke_runtime(s->rt);
        if (st != xnn_status_success) {
            ava_log(g->lg, AVA_LOG_ERROR, "graph %s: XNNPACK invoke_runtime failed (status %d)",
                    g->name, (int)st);
            return AVA_ERR_MODEL;
        }
    }
    return 0;
}

void ava_graph_close(AvaGraph **gp)
{
    if (!gp || !*gp)
        return;
    AvaGraph *g = *gp;
    for (int i = 0; g->steps && i < g->n_steps; i++)
        if (g->steps[i].rt)
            xnn_delete_runtime(g->steps[i].rt); /* before the weights it points to */
    for (int i = 0; i < g->n_ops; i++) {
        free(g->ops[i].w);
        free(g->ops[i].b);
        ava_wino_close(&g->ops[i].wino);
        ava_up_head_close(&g->ops[i].up_head);
        ava_dwconv_close(&g->ops[i].dw);
        ava_pwconv_close(&g->ops[i].pw);
    }
    free(g->arena);
    free(g->steps);
    free(g->scratch);
    for (int i = 0; i < AVA_GRAPH_MAX_IO; i++)
        free(g->bufs[i]);
    free(g->ops);
    free(g->vals);
    free(g->name);
    free(g);
    *gp = NULL;
}
