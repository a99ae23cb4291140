/* SPDX-License-Identifier: MIT */
/**
 * @file
 * PP-OCRv4 det: PaddleOCR's preprocessing, the ONNX graph turned into XNNPACK nodes, and DB
 * post-processing (see net_text_det.h).
 *
 * The ONNX-to-graph conversion handles the ops this model uses. Conv and ConvTranspose
 * absorb the constant Mul / Add (PPLCNetV3's learnable affine blocks), BatchNormalization and
 * Relu / Clip(0, 6) that follow them when they are the only consumers. The hardswish pattern
 * x * Clip(x + 3, 0, 6) / 6 becomes one hardswish node. This XNNPACK lacks concatenate and
 * nearest resize: a Concat feeding a Conv becomes one conv per part with the weights split
 * along input channels, summed (an upsampled part convolved at its own resolution, see
 * conv_of); Resize (nearest, integer scales) becomes the graph's broadcast upsample.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/log.h"
#include "src/util/clones.h"
#include "src/nn/graph.h"
#include "src/nn/net_text_det.h"
#include "src/nn/onnx_load.h"

#define MAX_PARTS 8

struct AvaTextDet {
    const AvaLogger *lg;
    AvaOnnxModel *m;
    AvaGraph *g;
    int gw, gh;            /* size the graph was built for */
    float *in;
    void *pre_tab;         /* preprocessing's tables and row buffers */
    size_t pre_cap;        /* ... of this many 4-byte slots */
    const float *map;      /* the net's map, or map_buf cropped from it */
    const float *net_map;  /* the graph's output, map_stride wide */
    float *map_buf;        /* gw x gh, when the graph's map has a border */
    int map_stride, map_off_x, map_off_y;
    uint8_t *mask;         /* thresholded map, bordered with zeros */
    int *stack;            /* flood fill scratch */
    size_t scratch_cap;
};

typedef struct Cvt {
    AvaGraph *g;
    const AvaOnnxModel *m;
    const AvaLogger *lg;
    AvaVal *vals;          /* per node output 0 */
    char *done;
    /* Set by the head's conv over upsampled parts (see conv_of): its shift_h x shift_w
     * result sits at [1, 1] of a shift_th x shift_tw value; only pointwise ops may follow.
     * 0: no such conv. */
    int shift_h, shift_w, shift_th, shift_tw;
} Cvt;

static int node_of(const Cvt *c, const char *name)
{
    for (int i = 0; i < c->m->n_nodes; i++)
        for (int k = 0; k < c->m->nodes[i].n_out; k++)
            if (!strcmp(c->m->nodes[i].out[k], name))
                return i;
    return -1;
}

static AvaVal value(const Cvt *c, const char *name, AvaVal input)
{
    if (!strcmp(name, c->m->input))
        return input;
    int i = node_of(c, name);
    return i >= 0 ? c->vals[i] : AVA_VAL_NONE;
}

/* Number of node inputs (and graph outputs) reading @p name; *only = the reader if one. */
static int readers(const Cvt *c, const char *name, int *only)
{
    int n = !strcmp(name, c->m->output);
    *only = -1;
    for (int i = 0; i < c->m->n_nodes; i++)
        for (int k = 0; k < c->m->nodes[i].n_in; k++)
            if (!strcmp(c->m->nodes[i].in[k], name)) {
                n++;
                *only = i;
            }
    if (n != 1)
        *only = -1;
    return n;
}

/* A constant broadcastable to @p ch channels (count 1 or ch): its values, else NULL. */
static const AvaOnnxTensor *chan_const(const Cvt *c, const char *name, int ch)
{
    const AvaOnnxTensor *t = ava_onnx_const(c->m, name);
    if (!t || t->is_int || !(t->count == 1 || (int)t->count == ch))
        return NULL;
    for (int d = 0; d < t->ndim; d++) /* [C], [1, C, 1, 1] or scalars */
        if (t->dims[d] != 1 && t->dims[d] != ch)
            return NULL;
    if (t->count == (size_t)ch && ch > 1 && t->ndim == 4 && t->dims[1] != ch)
        return NULL;
    return t;
}

static int scalar_is(const Cvt *c, const char *name, float v)
{
    const AvaOnnxTensor *t = ava_onnx_const(c->m, name);
    return t && !t->is_int && t->count == 1 && t->f32[0] == v;
}

static int fail_node(const Cvt *c, int i, const char *why)
{
    ava_log(c->lg, AVA_LOG_ERROR, "model %s: node %d (%s %s): %s", c->m->path, i,
            c->m->nodes[i].op, c->m->nodes[i].name, why);
    return AVA_ERR_MODEL;
}

/*
 * Absorb the affine / BatchNormalization / activation chain after node @p i into
 * y = (conv + bias) * S + O, act. Returns the last absorbed node (i if none).
 */
static int absorb(Cvt *c, int i, int ch, float *S, float *O, enum AvaAct *act)
{
    int cur = i, j;
    for (int k = 0; k < ch; k++)
        S[k] = 1, O[k] = 0;
    *act = AVA_ACT_NONE;
    for (;;) {
        if (readers(c, c->m->nodes[cur].out[0], &j) != 1 || j < 0 || c->m->nodes[j].n_out != 1)
            return cur;
        const AvaOnnxNode *n = &c->m->nodes[j];
        const char *me = c->m->nodes[cur].out[0];
        if ((!strcmp(n->op, "Mul") || !strcmp(n->op, "Add")) && n->n_in == 2) {
            const char *other = !strcmp(n->in[0], me) ? n->in[1] : n->in[0];
            const AvaOnnxTensor *t = chan_const(c, other, ch);
            if (!t)
                return cur;
            for (int k = 0; k < ch; k++) {
                float v = t->f32[t->count == 1 ? 0 : k];
                if (n->op[0] == 'M')
                    S[k] *= v, O[k] *= v;
                else
                    O[k] += v;
            }
        } else if (!strcmp(n->op, "BatchNormalization") && n->n_in == 5) {
            const AvaOnnxTensor *g = chan_const(c, n->in[1], ch), *b = chan_const(c, n->in[2], ch);
            const AvaOnnxTensor *mu = chan_const(c, n->in[3], ch), *var = chan_const(c, n->in[4], ch);
            if (!g || !b || !mu || !var || g->count != (size_t)ch)
                return cur;
            double eps = ava_onnx_attr_float(n, "epsilon", 1e-5f);
            for (int k = 0; k < ch; k++) {
                double s = g->f32[k] / sqrt((double)var->f32[k] + eps);
                S[k] = (float)(S[k] * s);
                O[k] = (float)((O[k] - mu->f32[k]) * s + b->f32[k]);
            }
        } else if (!strcmp(n->op, "Relu")) {
            *act = AVA_ACT_RELU;
            c->done[j] = 1;
            return j;
        } else if (!strcmp(n->op, "Clip") && n->n_in == 3 && scalar_is(c, n->in[1], 0) &&
                   scalar_is(c, n->in[2], 6)) {
            *act = AVA_ACT_RELU6;
            c->done[j] = 1;
            return j;
        } else {
            return cur;
        }
        c->done[j] = 1;
        cur = j;
    }
}

/* The integer scale of a Resize node this converter supports (nearest, asymmetric, floor,
 * the same factor on h and w), or -1. */
static int nearest_scale(const Cvt *c, int i)
{
    const AvaOnnxNode *n = &c->m->nodes[i];
    char mode[32], ctm[32], nm[32];
    if (strcmp(n->op, "Resize") || n->n_in < 3)
        return -1;
    const char *md = ava_onnx_attr_str(n, "mode", mode, sizeof(mode));
    const char *cm = ava_onnx_attr_str(n, "coordinate_transformation_mode", ctm, sizeof(ctm));
    const char *nmd = ava_onnx_attr_str(n, "nearest_mode", nm, sizeof(nm));
    const AvaOnnxTensor *sc = ava_onnx_const(c->m, n->in[2]);
    int s = sc && !sc->is_int && sc->count == 4 ? (int)sc->f32[2] : 0;
    if (!md || strcmp(md, "nearest") || (cm && strcmp(cm, "asymmetric")) ||
        (nmd && strcmp(nmd, "floor")) || s < 1 || s > 16 || sc->f32[0] != 1 ||
        sc->f32[1] != 1 || sc->f32[2] != (float)s || sc->f32[3] != (float)s ||
        (n->n_in > 3 && n->in[3][0]))
        return -1;
    return s;
}

/*
 * The chain of Mul / Add / Div by constants (scalars or per channel) that ends in value
 * @p name, as y = x * S + O over @p ch channels; *base = x's name. Values inside the chain
 * must have no other reader; nodes absorbed elsewhere (into a conv, a hardswish) end it.
 * Returns the number of nodes (0: @p name is not made by such a node).
 */
static int affine_chain(const Cvt *c, const char *name, int ch, float *S, float *O,
                        const char **base)
{
    int len = 0, only;
    for (int k = 0; k < ch; k++)
        S[k] = 1, O[k] = 0;
    *base = name;
    for (;;) {
        int j = node_of(c, *base);
        if (j < 0 || c->done[j] || (len > 0 && readers(c, *base, &only) != 1))
            return len;
        const AvaOnnxNode *n = &c->m->nodes[j];
        if (n->n_in != 2 || n->n_out != 1 ||
            (strcmp(n->op, "Mul") && strcmp(n->op, "Add") && strcmp(n->op, "Div")))
            return len;
        int ci = ava_onnx_const(c->m, n->in[1]) ? 1 : ava_onnx_const(c->m, n->in[0]) ? 0 : -1;
        const AvaOnnxTensor *t = ci >= 0 ? chan_const(c, n->in[ci], ch) : NULL;
        if (!t || ava_onnx_const(c->m, n->in[1 - ci]) || (n->op[0] == 'D' && ci == 0))
            return len;
        for (int k = 0; k < ch; k++) {
            float v = t->f32[t->count == 1 ? 0 : k];
            if (n->op[0] == 'A')
                O[k] += S[k] * v;
            else
                S[k] *= n->op[0] == 'D' ? 1.0f / v : v;
        }
        *base = n->in[1 - ci];
        len++;
    }
}

/* Conv node @p i; with @p pool, of the global average of its input instead (the 1x1 conv
 * of a mean is the mean of the conv), *res = that [n, 1, 1, O] value, vals left as they are. */
static int conv_of(Cvt *c, int i, AvaVal input, int pool, AvaVal *res)
{
    const AvaOnnxNode *n = &c->m->nodes[i];
    const AvaOnnxTensor *W = n->n_in >= 2 ? ava_onnx_const(c->m, n->in[1]) : NULL;
    const AvaOnnxTensor *B = n->n_in >= 3 && n->in[2][0] ? ava_onnx_const(c->m, n->in[2]) : NULL;
    if (!W || W->is_int || W->ndim != 4 || (B && (B->is_int || (int64_t)B->count != W->dims[0])))
        return fail_node(c, i, "weights must be a constant [O, I, kh, kw] and bias [O]");
    int O = (int)W->dims[0], I = (int)W->dims[1], kh = (int)W->dims[2], kw = (int)W->dims[3];
    int64_t st[2] = { 1, 1 }, pads[4] = { 0, 0, 0, 0 }, dil[2] = { 1, 1 };
    ava_onnx_attr_ints(n, "strides", st, 2);
    ava_onnx_attr_ints(n, "pads", pads, 4);
    ava_onnx_attr_ints(n, "dilations", dil, 2);
    int group = (int)ava_onnx_attr_int(n, "group", 1);
    char buf[16];
    const char *ap = ava_onnx_attr_str(n, "auto_pad", buf, sizeof(buf));
    if ((ap && strcmp(ap, "NOTSET")) || dil[0] != dil[1] || st[0] < 1 || st[1] < 1 ||
        st[0] > 8 || st[1] > 8 || dil[0] < 1 || dil[0] > 8 || group < 1 || O % group)
        return fail_node(c, i, "unsupported strides, dilations, auto_pad or groups");
    /* The input, or the parts of a Concat that only this conv reads. */
    AvaVal parts[MAX_PARTS];
    int part_ch[MAX_PARTS], n_parts = 1, only;
    const char *part_name[MAX_PARTS] = { n->in[0] };
    int src = node_of(c, n->in[0]);
    if (src >= 0 && !strcmp(c->m->nodes[src].op, "Concat") &&
        readers(c, n->in[0], &only) == 1) {
        const AvaOnnxNode *cn = &c->m->nodes[src];
        if (ava_onnx_attr_int(cn, "axis", 0) != 1 || cn->n_in > MAX_PARTS || group != 1)
            return fail_node(c, i, "Concat input must be along channels, <= 8 parts, group 1");
        n_parts = cn->n_in;
        for (int k = 0; k < n_parts; k++)
            part_name[k] = cn->in[k];
    }
    /* A part that is a nearest upsampling (by s) read by nothing else, into a stride-1 conv
     * with odd square kernel and 'same' padding: conv(up(x)) is computed at x's resolution as
     * one conv with s * s * O outputs (the s * s output phases, each with its taps summed
     * over the input pixels they fall on) and depth_to_space(s). Exact up to the order of
     * the sums; same multiply count, no upsampled tensor, and wider GEMMs. */
    int part_up[MAX_PARTS];
    for (int k = 0; k < n_parts; k++) {
        int r = node_of(c, part_name[k]), s;
        part_up[k] = 1;
        if (r >= 0 && group == 1 && kh == kw && kh % 2 && st[0] == 1 && st[1] == 1 &&
            dil[0] == 1 && pads[0] == kh / 2 && pads[1] == kh / 2 && pads[2] == kh / 2 &&
            pads[3] == kh / 2 && (s = nearest_scale(c, r)) > 1 &&
            readers(c, part_name[k], &only) == 1) {
            part_up[k] = s;
            parts[k] = value(c, c->m->nodes[r].in[0], input);
        } else {
            parts[k] = value(c, part_name[k], input);
        }
    }
    if (pool && (n_parts != 1 || part_up[0] != 1))
        return fail_node(c, i, "pooled conv over a Concat or an upsampling");
    int total = 0, full_h = 0, full_w = 0;
    for (int k = 0; k < n_parts; k++) {
        int d[4];
        if (!ava_graph_shape(c->g, parts[k], d))
            return fail_node(c, i, "input has no value");
        part_ch[k] = d[3];
        total += d[3];
        full_h = d[1] * part_up[k], full_w = d[2] * part_up[k];
    }
    int dw = group > 1 && group == total && I == 1;
    if ((group > 1 && !dw) || (!dw && total != I * group))
        return fail_node(c, i, "input channels do not match the weights (or grouped conv)");
    /* A chain of constant Mul / Add (PPLCNetV3's learnable affine after each activation)
     * read only by this conv is folded into it: the scale into the filter and, without
     * padding, the offset into the bias. With padding the offset cannot go into the bias
     * (the padded zeros are not offset): conv(pad(x * s + o)) = conv_{W s}(pad(x + o / s)),
     * one add before the conv instead of a multiply and an add (s != 0). That measured
     * faster than an explicit pad of x by -o / s and a valid conv. */
    float *Sin = malloc(2 * (size_t)total * sizeof(float)), *Oin = Sin ? Sin + total : NULL;
    if (!Sin)
        return AVA_ERR(ENOMEM);
    const char *base = NULL;
    int padded = pads[0] || pads[1] || pads[2] || pads[3], chain = 0, add_in = 0;
    if (n_parts == 1 && part_up[0] == 1 && (!dw || O == total) &&
        readers(c, n->in[0], &only) == 1 &&
        affine_chain(c, n->in[0], total, Sin, Oin, &base) > 0 &&
        value(c, base, input) != AVA_VAL_NONE) {
        int off = 0, nonzero = 1;
        for (int k = 0; k < total; k++) {
            off |= Oin[k] != 0;
            nonzero &= Sin[k] != 0;
        }
        chain = !padded || !off || nonzero;
        add_in = chain && padded && off;
    }
    if (chain) {
        parts[0] = value(c, base, input);
        if (add_in) {
            int one = 1;
            for (int k = 0; k < total; k++) {
                Oin[k] /= Sin[k];
                one &= Oin[k] == Oin[0];
            }
            parts[0] = ava_graph_affine(c->g, parts[0], NULL, Oin, one ? 1 : total);
            for (int k = 0; k < total; k++)
                Oin[k] = 0;
        }
    }
    if (pool)
        parts[0] = ava_graph_global_avgpool(c->g, parts[0]);
    int smax = 1;
    for (int p = 0; p < n_parts; p++)
        smax = part_up[p] > smax ? part_up[p] : smax;
    /* A 3x3 kernel over up_s(x): output phase a (row s Y + a) reads low-res rows
     * Y + floor((a - 1 + dy) / s), dy = 0..2: Y - 1 and Y (a = 0), Y (0 < a < s - 1), Y and
     * Y + 1 (a = s - 1), so a 2x2 window covers every phase (4 taps instead of 9, the rest
     * zeros), if phase a is computed at low-res row Y + (a + 1) / s (window rows from one
     * above) and put in depth_to_space slot (a + 1) % s: it lands at full-res row
     * s ((a + 1) / s + Y) + (a + 1) % s = s Y + a + 1, one below its place, for every s. The
     * full-resolution parts get the same shift from their padding (2 before), each part is
     * sized H + smax (a multiple of every s), and build() crops the map. When every factor
     * divides the largest; the convs that follow must mix no pixels (the DB head's). */
    int shifted = n_parts > 1 && kh == 3 && smax > 1 && !c->shift_h && !pool;
    for (int p = 0; p < n_parts; p++)
        shifted &= smax % part_up[p] == 0;
    size_t k2 = (size_t)kh * kw, nph = (size_t)smax * smax;
    /* S, Of, then the bias, scale and offset repeated per phase */
    float *S = malloc((2 + 3 * nph) * (size_t)O * sizeof(float)), *Of = S ? S + O : NULL;
    float *tf = malloc((size_t)O * I * k2 * nph * sizeof(float));
    if (!S || !tf) {
        free(S);
        free(tf);
        free(Sin);
        return AVA_ERR(ENOMEM);
    }
    enum AvaAct act;
    int last = absorb(c, i, O, S, Of, &act);
    float *rb = Of + O, *rs = rb + nph * O, *ro = rs + nph * O;
    float *fb = NULL; /* the bias with the folded offset */
    if (chain && !(fb = malloc((size_t)O * sizeof(float)))) {
        free(S);
        free(tf);
        free(Sin);
        return AVA_ERR(ENOMEM);
    }
    AvaVal y = AVA_VAL_NONE;
    int c0 = 0;
    for (int p = 0; p < n_parts; p++) {
        int ci = dw ? 1 : part_ch[p], s = part_up[p], lo = 0, kl = kh, O2 = O * s * s;
        int pt = (int)pads[0], pl = (int)pads[1], pb = (int)pads[2], pr = (int)pads[3];
        if (s == 1) {
            /* ONNX [O, I, kh, kw] -> TF [kh, kw, I, O] (depthwise: [kh, kw, C, 1]) */
            for (int o = 0; o < O; o++)
                for (int ii = 0; ii < ci; ii++)
                    for (size_t t = 0; t < k2; t++)
                        tf[(t * ci + ii) * O + o] = W->f32[((size_t)o * I + c0 + ii) * k2 + t];
            for (int o = 0; chain && o < O; o++) {
                double extra = 0;
                for (int ii = 0; ii < ci; ii++) {
                    int ch = dw ? o : ii;
                    for (size_t t = 0; t < k2; t++) {
                        float *wv = &tf[(t * ci + ii) * O + o];
                        extra += (double)*wv * Oin[ch];
                        *wv *= Sin[ch];
                    }
                }
                fb[o] = (float)((B ? B->f32[o] : 0) + extra);
            }
            if (shifted) /* out[r][q] at [r + 1][q + 1] of H + smax rows */
                pt = pl = 2, pb = pr = smax;
        } else if (shifted) {
            kl = 2;
            memset(tf, 0, (size_t)4 * ci * O2 * sizeof(float));
            for (int a = 0; a < s; a++)
                for (int b = 0; b < s; b++)
                    for (int dy = 0; dy < kh; dy++)
                        for (int dx = 0; dx < kw; dx++) {
                            int ty = (int)floor((double)(a - 1 + dy) / s) - (a + 1) / s + 1;
                            int tx = (int)floor((double)(b - 1 + dx) / s) - (b + 1) / s + 1;
                            size_t slot = (size_t)((a + 1) % s * s + (b + 1) % s);
                            for (int ii = 0; ii < ci; ii++)
                                for (int o = 0; o < O; o++)
                                    tf[(((size_t)ty * 2 + tx) * ci + ii) * O2 + slot * O + o] +=
                                        W->f32[(((size_t)o * I + c0 + ii) * kh + dy) * kw + dx];
                        }
            pt = pl = 1;
            pb = pr = smax / s;
        } else {
            /* Output phase (a, b) of the upsampled conv, tap (dy, dx), reads low-res offset
             * (floor((a + dy - pad) / s), same for x): TF [kl, kl, I, (a s + b) O + o]. */
            int pad = kh / 2;
            lo = (int)floor((double)-pad / s);
            kl = (int)floor((double)(s - 1 + kh - 1 - pad) / s) - lo + 1;
            memset(tf, 0, (size_t)kl * kl * ci * O2 * sizeof(float));
            for (int a = 0; a < s; a++)
                for (int b = 0; b < s; b++)
                    for (int dy = 0; dy < kh; dy++)
                        for (int dx = 0; dx < kw; dx++) {
                            int ry = (int)floor((double)(a + dy - pad) / s) - lo;
                            int rx = (int)floor((double)(b + dx - pad) / s) - lo;
                            for (int ii = 0; ii < ci; ii++)
                                for (int o = 0; o < O; o++)
                                    tf[(((size_t)ry * kl + rx) * ci + ii) * O2 +
                                       (size_t)(a * s + b) * O + o] +=
                                        W->f32[(((size_t)o * I + c0 + ii) * kh + dy) * kw + dx];
                        }
            pt = pl = -lo;
            pb = pr = kl - 1 + lo;
        }
        if (s > 1) {
            for (int ph = 0; ph < s * s; ph++)
                for (int o = 0; o < O; o++) {
                    rb[ph * O + o] = B ? B->f32[o] : 0;
                    rs[ph * O + o] = S[o];
                    ro[ph * O + o] = Of[o];
                }
        }
        AvaVal t = ava_graph_conv2d(c->g, parts[p], &(AvaConvParams){ .kh = kl, .kw = kl,
            .stride_h = (int)st[0], .stride_w = (int)st[1], .dilation = (int)dil[0],
            .pad = AVA_PAD_EXPLICIT, .pad_top = pt, .pad_left = pl, .pad_bottom = pb,
            .pad_right = pr, .depthwise = dw,
            .out_channels = dw ? O / total : O2, .filter = tf,
            .bias = chain ? fb : p == 0 && B ? (s > 1 ? rb : B->f32) : NULL,
            .scale = s > 1 ? rs : S,
            .offset = p == 0 ? (s > 1 ? ro : Of) : NULL,
            .act = n_parts == 1 ? act : AVA_ACT_NONE });
        if (s > 1)
            t = ava_graph_depth_to_space(c->g, t, s);
        y = p == 0 ? t : ava_graph_add(c->g, y, t, p == n_parts - 1 ? act : AVA_ACT_NONE);
        c0 += ci;
    }
    free(S);
    free(tf);
    free(Sin);
    free(fb);
    if (shifted) {
        c->shift_h = full_h, c->shift_w = full_w;
        c->shift_th = full_h + smax, c->shift_tw = full_w + smax;
    }
    if (pool)
        *res = y;
    else
        c->vals[i] = c->vals[last] = y;
    return y == AVA_VAL_NONE ? AVA_ERR_MODEL : 0;
}

static int conv(Cvt *c, int i, AvaVal input)
{
    return conv_of(c, i, input, 0, NULL);
}

/*
 * GlobalAveragePool(x), x made by a 1x1 stride-1 unpadded Conv (with what it absorbed, no
 * activation): the same conv on the pooled input, which is 1/O the data when the conv expands
 * (RSEFPN's 12 -> 96 at 160x160). AVA_VAL_NONE when x is not such.
 */
static AvaVal pool_before_conv(Cvt *c, const char *x, AvaVal input)
{
    int j = node_of(c, x);
    while (j >= 0 && c->done[j] && strcmp(c->m->nodes[j].op, "Conv")) {
        const AvaOnnxNode *a = &c->m->nodes[j];
        if (strcmp(a->op, "Mul") && strcmp(a->op, "Add") && strcmp(a->op, "BatchNormalization"))
            return AVA_VAL_NONE; /* an activation */
        j = node_of(c, ava_onnx_const(c->m, a->in[0]) ? a->in[1] : a->in[0]);
    }
    if (j < 0 || strcmp(c->m->nodes[j].op, "Conv") || c->vals[j] != value(c, x, input))
        return AVA_VAL_NONE;
    const AvaOnnxNode *n = &c->m->nodes[j];
    const AvaOnnxTensor *W = n->n_in >= 2 ? ava_onnx_const(c->m, n->in[1]) : NULL;
    int64_t st[2] = { 1, 1 }, pads[4] = { 0, 0, 0, 0 };
    ava_onnx_attr_ints(n, "strides", st, 2);
    ava_onnx_attr_ints(n, "pads", pads, 4);
    int src = node_of(c, n->in[0]);
    if (!W || W->ndim != 4 || W->dims[2] != 1 || W->dims[3] != 1 || st[0] != 1 || st[1] != 1 ||
        pads[0] || pads[1] || pads[2] || pads[3] || ava_onnx_attr_int(n, "group", 1) != 1 ||
        (src >= 0 && !strcmp(c->m->nodes[src].op, "Concat")))
        return AVA_VAL_NONE;
    AvaVal y = AVA_VAL_NONE;
    return conv_of(c, j, input, 1, &y) == 0 ? y : AVA_VAL_NONE;
}

static int conv_transpose(Cvt *c, int i, AvaVal input)
{
    const AvaOnnxNode *n = &c->m->nodes[i];
    const AvaOnnxTensor *W = n->n_in >= 2 ? ava_onnx_const(c->m, n->in[1]) : NULL;
    const AvaOnnxTensor *B = n->n_in >= 3 && n->in[2][0] ? ava_onnx_const(c->m, n->in[2]) : NULL;
    int64_t st[2] = { 1, 1 }, pads[4] = { 0, 0, 0, 0 }, op[2] = { 0, 0 };
    ava_onnx_attr_ints(n, "strides", st, 2);
    ava_onnx_attr_ints(n, "pads", pads, 4);
    ava_onnx_attr_ints(n, "output_padding", op, 2);
    if (!W || W->is_int || W->ndim != 4 || ava_onnx_attr_int(n, "group", 1) != 1 ||
        pads[0] || pads[1] || pads[2] || pads[3] || op[0] || op[1] ||
        (B && (int64_t)B->count != W->dims[1]))
        return fail_node(c, i, "only group 1, no padding, constant weights");
    int I = (int)W->dims[0], O = (int)W->dims[1], kh = (int)W->dims[2], kw = (int)W->dims[3];
    size_t k2 = (size_t)kh * kw;
    float *xw = malloc((size_t)O * I * k2 * sizeof(float)), *S = malloc(2 * (size_t)O * 4);
    if (!xw || !S) {
        free(xw);
        free(S);
        return AVA_ERR(ENOMEM);
    }
    for (int o = 0; o < O; o++) /* ONNX [I, O, kh, kw] -> XNNPACK [O, kh, kw, I] */
        for (size_t s = 0; s < k2; s++)
            for (int ii = 0; ii < I; ii++)
                xw[((size_t)o * k2 + s) * I + ii] = W->f32[((size_t)ii * O + o) * k2 + s];
    enum AvaAct act;
    int last = absorb(c, i, O, S, S + O, &act);
    AvaVal y = ava_graph_deconv2d(c->g, value(c, n->in[0], input), &(AvaDeconvParams){
        .kh = kh, .kw = kw, .stride_h = (int)st[0], .stride_w = (int)st[1], .groups = 1,
        .out_channels = O, .filter = xw, .bias = B ? B->f32 : NULL, .scale = S,
        .offset = S + O, .act = act });
    free(xw);
    free(S);
    c->vals[i] = c->vals[last] = y;
    return y == AVA_VAL_NONE ? AVA_ERR_MODEL : 0;
}

/* Add(x, 3) -> Clip(0, 6) -> Mul(x, .) -> Div(., 6): the node index of the Div, or -1. */
static int hardswish_end(Cvt *c, int i, const char **x)
{
    const AvaOnnxNode *n = &c->m->nodes[i];
    int a = scalar_is(c, n->in[1], 3) ? 0 : scalar_is(c, n->in[0], 3) ? 1 : -1, j, k, l;
    if (a < 0 || readers(c, n->out[0], &j) != 1 || j < 0)
        return -1;
    const AvaOnnxNode *cl = &c->m->nodes[j];
    if (strcmp(cl->op, "Clip") || cl->n_in != 3 || !scalar_is(c, cl->in[1], 0) ||
        !scalar_is(c, cl->in[2], 6) || readers(c, cl->out[0], &k) != 1 || k < 0)
        return -1;
    const AvaOnnxNode *mu = &c->m->nodes[k];
    *x = n->in[a];
    if (strcmp(mu->op, "Mul") || mu->n_in != 2 ||
        !((!strcmp(mu->in[0], *x) && !strcmp(mu->in[1], cl->out[0])) ||
          (!strcmp(mu->in[1], *x) && !strcmp(mu->in[0], cl->out[0]))) ||
        readers(c, mu->out[0], &l) != 1 || l < 0)
        return -1;
    const AvaOnnxNode *dv = &c->m->nodes[l];
    if (strcmp(dv->op, "Div") || dv->n_in != 2 || strcmp(dv->in[0], mu->out[0]) ||
        !scalar_is(c, dv->in[1], 6))
        return -1;
    c->done[j] = c->done[k] = 1;
    return l;
}

/* Whether node @p n computes each output pixel from the input pixel(s) at its place only:
 * pointwise ops, 1x1 unpadded convs, transposed convs with kernel = stride. */
static int pointwise(const Cvt *c, const AvaOnnxNode *n)
{
    static const char *const ops[] = { "Add", "Mul", "Div", "Sub", "Relu", "Clip", "Sigmoid",
                                       "HardSigmoid", "BatchNormalization" };
    for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
        if (!strcmp(n->op, ops[k]))
            return 1;
    const AvaOnnxTensor *W = n->n_in >= 2 ? ava_onnx_const(c->m, n->in[1]) : NULL;
    int64_t st[2] = { 1, 1 }, pads[4] = { 0, 0, 0, 0 };
    ava_onnx_attr_ints(n, "strides", st, 2);
    ava_onnx_attr_ints(n, "pads", pads, 4);
    if (!W || W->ndim != 4 || pads[0] || pads[1] || pads[2] || pads[3])
        return 0;
    if (!strcmp(n->op, "Conv"))
        return W->dims[2] == 1 && W->dims[3] == 1 && st[0] == 1 && st[1] == 1;
    return !strcmp(n->op, "ConvTranspose") && W->dims[2] == st[0] && W->dims[3] == st[1];
}

static int convert_node(Cvt *c, int i, AvaVal input)
{
    const AvaOnnxNode *n = &c->m->nodes[i];
    const char *op = n->op;
    if (!strcmp(op, "Constant") || !strcmp(op, "Concat"))
        return 0; /* constants are read by name; a Concat by the conv that reads it */
    if (n->n_in < 1 || n->n_out != 1)
        return fail_node(c, i, "expected one output and an input");
    if (c->shift_h && !pointwise(c, n)) /* it would mix the border into the map */
        return fail_node(c, i, "only pointwise ops may follow the head's conv");
    if (!strcmp(op, "Conv"))
        return conv(c, i, input);
    if (!strcmp(op, "ConvTranspose"))
        return conv_transpose(c, i, input);
    AvaVal x = value(c, n->in[0], input), y = AVA_VAL_NONE;
    int d[4] = { 0 };
    int nd = ava_graph_shape(c->g, x, d);
    if (!strcmp(op, "Add") || !strcmp(op, "Mul") || !strcmp(op, "Div")) {
        const char *hx;
        int end = op[0] == 'A' ? hardswish_end(c, i, &hx) : -1;
        if (end >= 0) {
            c->vals[end] = ava_graph_hardswish(c->g, value(c, hx, input));
            c->done[end] = 1;
            return c->vals[end] == AVA_VAL_NONE ? AVA_ERR_MODEL : 0;
        }
        if (n->n_in != 2)
            return fail_node(c, i, "expected two inputs");
        int ci = ava_onnx_const(c->m, n->in[0]) ? 0 : ava_onnx_const(c->m, n->in[1]) ? 1 : -1;
        if (ci >= 0) { /* with a constant: per-channel or scalar affine */
            AvaVal v = value(c, n->in[1 - ci], input);
            int dd[4];
            int vd = ava_graph_shape(c->g, v, dd);
            const AvaOnnxTensor *t = vd == 4 ? chan_const(c, n->in[ci], dd[3]) : NULL;
            if (!t || (op[0] == 'D' && ci == 0))
                return fail_node(c, i, "constant operand must be a scalar or per channel");
            /* the whole chain of such nodes ending here, as one affine of its start (the
             * affines of the nodes before are then unread, and not emitted) */
            float *buf = malloc(2 * (size_t)dd[3] * sizeof(float));
            if (!buf)
                return AVA_ERR(ENOMEM);
            const char *base;
            int ch = dd[3], one = 1;
            if (affine_chain(c, n->out[0], ch, buf, buf + ch, &base) < 1 ||
                (v = value(c, base, input)) == AVA_VAL_NONE) {
                free(buf);
                return fail_node(c, i, "affine chain without a start");
            }
            for (int k = 1; k < ch; k++)
                one &= buf[k] == buf[0] && buf[ch + k] == buf[ch];
            if (one)
                buf[1] = buf[ch];
            y = ava_graph_affine(c->g, v, buf, one ? buf + 1 : buf + ch, one ? 1 : ch);
            free(buf);
        } else {
            AvaVal b = value(c, n->in[1], input);
            if (op[0] == 'D')
                return fail_node(c, i, "division of two tensors");
            /* x + x * s, s per channel (RSELayer's squeeze-excitation residual): x * (s + 1),
             * one pass over x instead of two */
            for (int k = 0; op[0] == 'A' && k < 2 && y == AVA_VAL_NONE; k++) {
                int m = node_of(c, n->in[k]), only, sd[4];
                const AvaOnnxNode *mn = m >= 0 ? &c->m->nodes[m] : NULL;
                if (!mn || strcmp(mn->op, "Mul") || mn->n_in != 2 ||
                    readers(c, n->in[k], &only) != 1)
                    continue;
                int xi = !strcmp(mn->in[0], n->in[1 - k]) ? 0 : !strcmp(mn->in[1], n->in[1 - k]) ? 1 : -1;
                AvaVal sv = xi >= 0 ? value(c, mn->in[1 - xi], input) : AVA_VAL_NONE;
                if (sv == AVA_VAL_NONE || ava_graph_shape(c->g, sv, sd) != 4 || sd[1] != 1 ||
                    sd[2] != 1 || nd != 4 || sd[3] != d[3] || sd[0] != d[0])
                    continue;
                float one = 1.0f;
                y = ava_graph_mul(c->g, value(c, n->in[1 - k], input),
                                  ava_graph_affine(c->g, sv, NULL, &one, 1));
            }
            if (y == AVA_VAL_NONE)
                y = op[0] == 'A' ? ava_graph_add(c->g, x, b, AVA_ACT_NONE) : ava_graph_mul(c->g, x, b);
        }
    } else if (!strcmp(op, "Relu")) {
        y = ava_graph_clamp(c->g, x, 0.0f, INFINITY);
    } else if (!strcmp(op, "Clip")) {
        const AvaOnnxTensor *lo = n->n_in > 1 ? ava_onnx_const(c->m, n->in[1]) : NULL;
        const AvaOnnxTensor *hi = n->n_in > 2 ? ava_onnx_const(c->m, n->in[2]) : NULL;
        y = ava_graph_clamp(c->g, x, lo && !lo->is_int && lo->count == 1 ? lo->f32[0] : -INFINITY,
                            hi && !hi->is_int && hi->count == 1 ? hi->f32[0] : INFINITY);
    } else if (!strcmp(op, "HardSigmoid")) { /* max(0, min(1, alpha * x + beta)) */
        float a = ava_onnx_attr_float(n, "alpha", 0.2f), b = ava_onnx_attr_float(n, "beta", 0.5f);
        y = ava_graph_clamp(c->g, ava_graph_affine(c->g, x, &a, &b, 1), 0.0f, 1.0f);
    } else if (!strcmp(op, "Sigmoid")) {
        y = ava_graph_sigmoid(c->g, x);
    } else if (!strcmp(op, "GlobalAveragePool")) {
        y = pool_before_conv(c, n->in[0], input);
        if (y == AVA_VAL_NONE)
            y = ava_graph_global_avgpool(c->g, x);
    } else if (!strcmp(op, "BatchNormalization") && n->n_in == 5 && nd == 4) {
        float *S = malloc(2 * (size_t)d[3] * sizeof(float));
        if (!S)
            return AVA_ERR(ENOMEM);
        /* absorb() from a virtual identity: reuse its BN arithmetic on this node alone */
        const AvaOnnxTensor *g = chan_const(c, n->in[1], d[3]), *b = chan_const(c, n->in[2], d[3]);
        const AvaOnnxTensor *mu = chan_const(c, n->in[3], d[3]), *var = chan_const(c, n->in[4], d[3]);
        if (!g || !b || !mu || !var) {
            free(S);
            return fail_node(c, i, "BatchNormalization parameters must be per channel");
        }
        double eps = ava_onnx_attr_float(n, "epsilon", 1e-5f);
        for (int k = 0; k < d[3]; k++) {
            double s = g->f32[g->count == 1 ? 0 : k] /
                       sqrt((double)var->f32[var->count == 1 ? 0 : k] + eps);
            S[k] = (float)s;
            S[d[3] + k] = (float)(b->f32[b->count == 1 ? 0 : k] - mu->f32[mu->count == 1 ? 0 : k] * s);
        }
        y = ava_graph_affine(c->g, x, S, S + d[3], d[3]);
        free(S);
    } else if (!strcmp(op, "Resize") && nd == 4) {
        int s = nearest_scale(c, i);
        if (s < 1)
            return fail_node(c, i, "only nearest (asymmetric, floor) by an integer scale");
        y = s == 1 ? x : ava_graph_upsample_nearest(c->g, x, s, s);
    } else {
        return fail_node(c, i, "unsupported op");
    }
    c->vals[i] = y;
    return y == AVA_VAL_NONE ? AVA_ERR_MODEL : 0;
}

static int build(AvaTextDet *c, int w, int h)
{
    ava_graph_close(&c->g);
    free(c->map_buf);
    c->map_buf = NULL;
    c->gw = c->gh = 0;
    int ret = ava_graph_create(&c->g, "ppocr_v4_det", c->lg);
    if (ret < 0)
        return ret;
    ava_graph_own_kernels(c->g, 1);
    Cvt cv = { .g = c->g, .m = c->m, .lg = c->lg };
    cv.vals = malloc((size_t)c->m->n_nodes * sizeof(AvaVal));
    cv.done = calloc((size_t)c->m->n_nodes, 1);
    if (!cv.vals || !cv.done) {
        free(cv.vals);
        free(cv.done);
        return AVA_ERR(ENOMEM);
    }
    for (int i = 0; i < c->m->n_nodes; i++)
        cv.vals[i] = AVA_VAL_NONE;
    AvaVal input = ava_graph_input(c->g, 1, h, w, 3);
    for (int i = 0; i < c->m->n_nodes && ret == 0; i++)
        if (!cv.done[i])
            ret = convert_node(&cv, i, input);
    AvaVal out = ret == 0 ? value(&cv, c->m->output, input) : AVA_VAL_NONE;
    int d[4] = { 0 }, th = h, tw = w, ky = 0, kx = 0;
    if (cv.shift_h) { /* the map is at [k, k] of a bordered one, k its pixels per head pixel */
        ky = h / cv.shift_h, kx = w / cv.shift_w;
        th = ky * cv.shift_h == h ? cv.shift_th * ky : -1;
        tw = kx * cv.shift_w == w ? cv.shift_tw * kx : -1;
    }
    if (ret == 0 && (ava_graph_shape(c->g, out, d) != 4 || d[1] != th || d[2] != tw || d[3] != 1)) {
        ava_log(c->lg, AVA_LOG_ERROR, "model %s: output is not a %dx%d probability map",
                c->m->path, w, h);
        ret = AVA_ERR_MODEL;
    }
    free(cv.vals);
    free(cv.done);
    if (ret == 0)
        ret = ava_graph_output(c->g, out);
    if (ret == 0)
        ret = ava_graph_build(c->g);
    if (ret < 0) {
        ava_graph_close(&c->g);
        return ret;
    }
    c->in = ava_graph_input_data(c->g, 0, NULL);
    c->net_map = c->map = ava_graph_output_data(c->g, 0, NULL);
    c->map_stride = tw;
    c->map_off_x = kx, c->map_off_y = ky;
    if (cv.shift_h && !(c->map = c->map_buf = malloc((size_t)w * h * sizeof(float)))) {
        ava_graph_close(&c->g);
        return AVA_ERR(ENOMEM);
    }
    c->gw = w;
    c->gh = h;
    return 0;
}

void ava_text_det_close(AvaTextDet **cp)
{
    if (!cp || !*cp)
        return;
    AvaTextDet *c = *cp;
    ava_graph_close(&c->g);
    ava_onnx_close(&c->m);
    free(c->map_buf);
    free(c->mask);
    free(c->stack);
    free(c->pre_tab);
    free(c);
    *cp = NULL;
}

int ava_text_det_open(AvaTextDet **out, const char *models_dir, const AvaLogger *lg)
{
    if (!out || !models_dir)
        return AVA_ERR(EINVAL);
    char path[4096];
    if (snprintf(path, sizeof(path), "%s/ppocr_v4_det/ch_PP-OCRv4_det_infer.onnx",
                 models_dir) >= (int)sizeof(path))
        return AVA_ERR(EINVAL);
    AvaTextDet *c = calloc(1, sizeof(*c));
    if (!c)
        return AVA_ERR(ENOMEM);
    c->lg = lg;
    int ret = ava_onnx_load(&c->m, path, lg);
    if (ret == 0 && (c->m->input_dims[1] != 3)) {
        ava_log(lg, AVA_LOG_ERROR, "model %s: input is not N x 3 x H x W", path);
        ret = AVA_ERR_MODEL;
    }
    if (ret < 0) {
        ava_text_det_close(&c);
        return ret;
    }
    *out = c;
    return 0;
}

/* DetResizeForTest, limit_type 'max'. */
static void net_size(int w, int h, int max_side, int *nw, int *nh)
{
    double r = (w > h ? w : h) > max_side ? (double)max_side / (w > h ? w : h) : 1.0;
    *nw = (int)floor(w * r / 32 + 0.5) * 32; /* Python round() of a .5 differs only on ties */
    *nh = (int)floor(h * r / 32 + 0.5) * 32;
    *nw = *nw < 32 ? 32 : *nw;
    *nh = *nh < 32 ? 32 : *nh;
}

/* Preprocessing's loops, each over contiguous arrays so they vectorise (AVA_CLONES: AVX2
 * gathers for lerp_row); the float expressions are the scalar ones, so the map is the same. */
AVA_CLONES
static void row_to_float(const uint8_t *src, int n, float *f)
{
    for (int i = 0; i < n; i++)
        f[i] = src[i];
}

AVA_CLONES
static void lerp_row(const float *f, const int *ia, const int *ib, const float *t, int n,
                     float *o)
{
    for (int j = 0; j < n; j++) {
        float a = f[ia[j]], b = f[ib[j]];
        o[j] = a + t[j] * (b - a);
    }
}

AVA_CLONES
static void norm_row(const float *r0, const float *r1, float dy, const float *mul,
                     const float *add, int n, float *d)
{
    if (dy == 0) {
        for (int j = 0; j < n; j++)
            d[j] = r0[j] * mul[j] + add[j];
    } else {
        for (int j = 0; j < n; j++)
            d[j] = (r0[j] + dy * (r1[j] - r0[j])) * mul[j] + add[j];
    }
}

/* 4-byte slots of preprocessing's tables for an output @p nw wide from a source @p w wide */
static size_t pre_slots(int nw, int w)
{
    return 21 * (size_t)nw + 3 * (size_t)w;
}

/*
 * Bilinear resize (half-pixel centres, edges clamped, as cv2.resize) and normalisation to the
 * net's BGR input, in float (the double version differed by < 1e-6 and took 5x longer).
 * Per output element j = 3 col + ch (net channel ch = B, G, R) the source element indices of
 * its two columns and the weight are computed once per call; each source row is converted
 * to float and interpolated along x once (two cached rows), and an output row blends two of
 * them (or takes one when it falls on a source row, as at scale 1). @p tab holds
 * pre_slots(nw, w) ints and floats.
 */
static void preprocess(const uint8_t *rgb, int w, int h, ptrdiff_t stride, int nw, int nh,
                       float *dst, void *tab)
{
    static const double mean[3] = { 0.485, 0.456, 0.406 }, sd[3] = { 0.229, 0.224, 0.225 };
    int n = 3 * nw, *ia = tab, *ib = ia + n;
    float *t = (float *)(ib + n), *mul = t + n, *add = mul + n;
    float *buf[2] = { add + n, add + 2 * (size_t)n }, *f = add + 3 * (size_t)n;
    int tag[2] = { -1, -1 };
    double sx = (double)w / nw, sy = (double)h / nh;
    for (int col = 0; col < nw; col++) {
        double fx = (col + 0.5) * sx - 0.5;
        if (fx < 0)
            fx = 0;
        int x0 = (int)fx, x1 = x0 + 1 < w ? x0 + 1 : w - 1;
        for (int ch = 0; ch < 3; ch++) { /* net channel ch reads source channel 2 - ch */
            int j = 3 * col + ch;
            ia[j] = 3 * x0 + 2 - ch;
            ib[j] = 3 * x1 + 2 - ch;
            t[j] = (float)(fx - x0);
            mul[j] = (float)(1.0 / (255.0 * sd[ch]));
            add[j] = (float)(-mean[ch] / sd[ch]);
        }
    }
    for (int r = 0; r < nh; r++) {
        double fy = (r + 0.5) * sy - 0.5;
        if (fy < 0)
            fy = 0;
        int y0 = (int)fy, y1 = y0 + 1 < h ? y0 + 1 : h - 1;
        float dy = (float)(fy - y0);
        const float *row[2] = { NULL, NULL };
        for (int k = 0; k < 1 + (dy != 0); k++) { /* source rows y0 and, if needed, y1 */
            int y = k ? y1 : y0, slot = tag[0] == y ? 0 : tag[1] == y ? 1 : -1;
            if (slot < 0) { /* interpolate it along x, not over the row y0 just got */
                slot = k && tag[0] == y0 ? 1 : 0;
                row_to_float(rgb + y * stride, 3 * w, f);
                lerp_row(f, ia, ib, t, n, buf[slot]);
                tag[slot] = y;
            }
            row[k] = buf[slot];
        }
        norm_row(row[0], row[1], dy, mul, add, n, dst + (size_t)r * n);
    }
}

/* DB post-processing (axis-aligned): see the header. */
static int db_boxes(AvaTextDet *c, int w, int h, AvaTextBox *boxes, int max_boxes)
{
    /* The mask has a border of zeros (row stride pw), so neighbours need no bounds checks;
     * the stack holds y << 16 | x. Neighbours are visited in the same order as a plain
     * 8-connected fill, so the sums are the same. */
    int mw = c->gw, mh = c->gh, n = 0, pw = mw + 2;
    size_t npad = (size_t)pw * (mh + 2);
    if (npad > c->scratch_cap) {
        free(c->mask);
        free(c->stack);
        c->mask = malloc(npad);
        c->stack = malloc(npad * sizeof(int));
        c->scratch_cap = c->mask && c->stack ? npad : 0;
        if (!c->scratch_cap)
            return AVA_ERR(ENOMEM);
    }
    memset(c->mask, 0, (size_t)pw);
    memset(c->mask + (size_t)(mh + 1) * pw, 0, (size_t)pw);
    for (int y = 0; y < mh; y++) {
        uint8_t *m = c->mask + (size_t)(y + 1) * pw;
        const float *row = c->map + (size_t)y * mw;
        m[0] = m[mw + 1] = 0;
        for (int x = 0; x < mw; x++)
            m[x + 1] = row[x] > 0.3f;
    }
    const int off[9] = { -pw - 1, -pw, -pw + 1, -1, 0, 1, pw - 1, pw, pw + 1 };
    for (int sy = 0; sy < mh && n < max_boxes; sy++)
        for (int sx = 0; sx < mw && n < max_boxes; sx++) {
            uint8_t *m = c->mask;
            if (!m[(size_t)(sy + 1) * pw + sx + 1])
                continue;
            int sp = 0, cnt = 0, x0 = mw, y0 = mh, x1 = -1, y1 = -1;
            double sum = 0;
            c->stack[sp++] = sy << 16 | sx;
            m[(size_t)(sy + 1) * pw + sx + 1] = 0;
            while (sp) {
                int v = c->stack[--sp], px = v & 0xffff, py = v >> 16;
                cnt++;
                sum += c->map[(size_t)py * mw + px];
                x0 = px < x0 ? px : x0, x1 = px > x1 ? px : x1;
                y0 = py < y0 ? py : y0, y1 = py > y1 ? py : y1;
                ptrdiff_t q0 = (ptrdiff_t)(py + 1) * pw + px + 1;
                for (int k = 0; k < 9; k++) {
                    ptrdiff_t q = q0 + off[k];
                    if (m[q]) {
                        m[q] = 0;
                        c->stack[sp++] = (py + (k / 3 - 1)) << 16 | (px + (k % 3 - 1));
                    }
                }
            }
            double bw = x1 - x0 + 1, bh = y1 - y0 + 1, score = sum / cnt;
            if ((bw < bh ? bw : bh) < 3 || score < 0.6)
                continue;
            double dist = bw * bh * 1.5 / (2 * (bw + bh));
            double ex0 = x0 - dist, ey0 = y0 - dist, ex1 = x1 + 1 + dist, ey1 = y1 + 1 + dist;
            double fx = (double)w / mw, fy = (double)h / mh;
            ex0 = fmax(0, ex0 * fx), ex1 = fmin(w, ex1 * fx);
            ey0 = fmax(0, ey0 * fy), ey1 = fmin(h, ey1 * fy);
            boxes[n++] = (AvaTextBox){ .x = (float)ex0, .y = (float)ey0,
                                       .w = (float)(ex1 - ex0), .h = (float)(ey1 - ey0),
                                       .score = (float)score };
        }
    return n;
}

int ava_text_det_run(AvaTextDet *c, const uint8_t *rgb, int w, int h, ptrdiff_t stride,
                     int max_side, AvaTextBox *boxes, int max_boxes, int *n_boxes)
{
    if (!c || !rgb || !boxes || !n_boxes || w < 1 || h < 1 || w > 65536 || h > 65536 ||
        stride < 3 * (ptrdiff_t)w || max_boxes < 1 || max_side < 0 || max_side > 4096 ||
        (max_side && max_side < 32))
        return AVA_ERR(EINVAL);
    *n_boxes = 0;
    int nw, nh, ret;
    net_size(w, h, max_side ? max_side : AVA_TEXT_DET_MAX_SIDE, &nw, &nh);
    if ((nw != c->gw || nh != c->gh) && (ret = build(c, nw, nh)) < 0)
        return ret;
    if (pre_slots(nw, w) > c->pre_cap) {
        free(c->pre_tab);
        c->pre_cap = 0;
        if (!(c->pre_tab = malloc(pre_slots(nw, w) * 4)))
            return AVA_ERR(ENOMEM);
        c->pre_cap = pre_slots(nw, w);
    }
    preprocess(rgb, w, h, stride, nw, nh, c->in, c->pre_tab);
    if ((ret = ava_graph_run(c->g)) < 0)
        return ret;
    for (int y = 0; c->map_buf && y < nh; y++)
        memcpy(c->map_buf + (size_t)y * nw,
               c->net_map + (size_t)(y + c->map_off_y) * c->map_stride + c->map_off_x,
               (size_t)nw * sizeof(float));
    int n = db_boxes(c, w, h, boxes, max_boxes);
    if (n < 0)
        return n;
    *n_boxes = n;
    return 0;
}

const float *ava_text_det_map(const AvaTextDet *c, int *map_w, int *map_h)
{
    if (!c || !c->g)
        return NULL;
    *map_w = c->gw;
    *map_h = c->gh;
    return c->map;
}

const float *ava_text_det_input(const AvaTextDet *c)
{
    return c && c->g ? c->in : NULL;
}
