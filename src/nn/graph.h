/* SPDX-License-Identifier: MIT */
/**
 * @file
 * A small network builder over XNNPACK's subgraph API (Debian's 2022 XNNPACK).
 *
 * A net is declared once with the ava_graph_* calls below; ava_graph_build() turns it into
 * one XNNPACK runtime with one thread (no pthreadpool: parallelism is the pipeline's job),
 * whose input and output buffers are allocated once and reused by every ava_graph_run().
 *
 * Tensors are float32 NHWC. Weights are passed in TF layout and copied (the caller may free
 * them after the call): conv filters [kh, kw, in, out], depthwise filters [kh, kw, in, mult],
 * dense weights [in, out]. An optional per-channel affine (BatchNorm folded into scale and
 * offset) is multiplied into the filter and bias at definition time.
 *
 * Errors are sticky: a definition that fails logs why, returns AVA_VAL_NONE, and every later
 * call is a no-op until ava_graph_build() returns the first error. A net definition is then
 * a straight list of calls with one check at the end.
 *
 * Not thread-safe: one graph per thread (or per model instance).
 */
#ifndef AVA_SRC_NN_GRAPH_H
#define AVA_SRC_NN_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "ava/ava.h"

typedef struct AvaGraph AvaGraph;
typedef uint32_t AvaVal;
#define AVA_VAL_NONE UINT32_MAX
#define AVA_GRAPH_MAX_IO 16

enum AvaAct {
    AVA_ACT_NONE = 0,
    AVA_ACT_RELU,
    AVA_ACT_RELU6,
    AVA_ACT_LEAKY, ///< x < 0 ? slope * x : x (slope from the params)
};

enum AvaPad {
    AVA_PAD_VALID = 0,  ///< no padding
    AVA_PAD_SAME,       ///< TF 'same': out = ceil(in / stride), extra padding bottom/right
    AVA_PAD_EXPLICIT,   ///< pad_top/right/bottom/left as given (zeros for conv)
};

typedef struct AvaConvParams {
    int kh, kw;                 ///< kernel size, 1..15
    int stride_h, stride_w;     ///< 1..8 (0 = 1)
    int dilation;               ///< 1..8 (0 = 1)
    enum AvaPad pad;
    int pad_top, pad_right, pad_bottom, pad_left; ///< AVA_PAD_EXPLICIT only
    int depthwise;              ///< 1: depthwise conv, out channels = in * multiplier
    int out_channels;           ///< regular conv: output channels; depthwise: the multiplier
    const float *filter;        ///< TF layout, required
    const float *bias;          ///< [out], or NULL for none
    const float *scale;         ///< [out] folded affine y = conv * scale + offset, or NULL
    const float *offset;        ///< [out], or NULL (used with or without scale)
    enum AvaAct act;
    float leaky_slope;          ///< AVA_ACT_LEAKY only
} AvaConvParams;

/**
 * Start a graph.
 * @param name  used in messages (e.g. "tiny_face_detector"); copied.
 * @param lg    logger; borrowed, must outlive the graph (NULL = stderr).
 * @return 0; AVA_ERR(ENOMEM); AVA_ERR_MODEL if XNNPACK cannot initialise on this CPU.
 */
int ava_graph_create(AvaGraph **g_out, const char *name, const AvaLogger *lg);

/** An external NHWC input (n, h, w, c >= 1). At most AVA_GRAPH_MAX_IO inputs + outputs. */
AvaVal ava_graph_input(AvaGraph *g, int n, int h, int w, int c);

AvaVal ava_graph_conv2d(AvaGraph *g, AvaVal x, const AvaConvParams *p);

/** Max pooling; padded positions never win (TF semantics). */
AvaVal ava_graph_maxpool(AvaGraph *g, AvaVal x, int kh, int kw, int stride_h, int stride_w,
                         enum AvaPad pad);

/** Average pooling without padding (TF 'valid'). */
AvaVal ava_graph_avgpool(AvaGraph *g, AvaVal x, int kh, int kw, int stride_h, int stride_w);

/** a + b with numpy broadcasting, then @p act (AVA_ACT_LEAKY is not allowed here). */
AvaVal ava_graph_add(AvaGraph *g, AvaVal a, AvaVal b, enum AvaAct act);

AvaVal ava_graph_clamp(AvaGraph *g, AvaVal x, float min, float max);
AvaVal ava_graph_leaky_relu(AvaGraph *g, AvaVal x, float slope);

/**
 * Dense layer over the flattened input (all dims but the first): [n, in] x [in, out].
 * @param weights TF layout [in, out]; @param bias [out] or NULL.
 * @param act AVA_ACT_NONE, AVA_ACT_RELU or AVA_ACT_RELU6.
 */
AvaVal ava_graph_dense(AvaGraph *g, AvaVal x, int out, const float *weights, const float *bias,
                       enum AvaAct act);

/** Constant padding of an NHWC value: pre[i]/post[i] elements on each side of dim i. */
AvaVal ava_graph_pad(AvaGraph *g, AvaVal x, const int pre[4], const int post[4], float value);

/** a * b elementwise with numpy broadcasting (e.g. [n,h,w,c] * [n,1,1,c]). */
AvaVal ava_graph_mul(AvaGraph *g, AvaVal a, AvaVal b);

/**
 * x * scale + offset along the last (channel) axis: @p n is 1 (scalars) or the channel
 * count. NULL scale = 1, NULL offset = 0. Copied. (multiply2 + add2 with static operands.)
 */
AvaVal ava_graph_affine(AvaGraph *g, AvaVal x, const float *scale, const float *offset, int n);

/** Mean over h and w: [n, h, w, c] -> [n, 1, 1, c]. */
AvaVal ava_graph_global_avgpool(AvaGraph *g, AvaVal x);

AvaVal ava_graph_sigmoid(AvaGraph *g, AvaVal x);

/** x * relu6(x + 3) / 6. */
AvaVal ava_graph_hardswish(AvaGraph *g, AvaVal x);

typedef struct AvaDeconvParams {
    int kh, kw;                 ///< kernel size, 1..16
    int stride_h, stride_w;     ///< upsampling, 1..16
    int groups;                 ///< >= 1, dividing both channel counts
    int out_channels;
    const float *filter;        ///< XNNPACK layout [out, kh, kw, in / groups], required
    const float *bias;          ///< [out] or NULL
    const float *scale, *offset;///< folded affine per output channel, or NULL
    enum AvaAct act;            ///< NONE, RELU or RELU6
} AvaDeconvParams;

/**
 * Transposed convolution without padding: out = (in - 1) * stride + kernel. With groups =
 * channels, all-ones 2x2 filters and stride 2, it is a x2 nearest upsample (this XNNPACK has
 * no nearest resize).
 */
AvaVal ava_graph_deconv2d(AvaGraph *g, AvaVal x, const AvaDeconvParams *p);

/**
 * Nearest-neighbour upsampling by integer factors: out[y][x] = in[y / sh][x / sw] (ONNX
 * Resize nearest, asymmetric, floor). Exact (a broadcast copy; this XNNPACK has no nearest
 * resize).
 */
AvaVal ava_graph_upsample_nearest(AvaGraph *g, AvaVal x, int sh, int sw);

/**
 * [n, h, w, b b c] -> [n, h b, w b, c]: out[y b + i][x b + j][k] = in[y][x][(i b + j) c + k]
 * (TF / ONNX DCR order). block 2..16.
 */
AvaVal ava_graph_depth_to_space(AvaGraph *g, AvaVal x, int block);

/**
 * Let ops run on ava's own kernels where this CPU has them and they are faster (3x3 stride-1
 * convs with output channels a multiple of 8: Winograd F(2x2, 3x3) on AVX-512, see
 * winograd.h), instead of XNNPACK. The results differ by float rounding (the net's parity
 * tests bound it). Off by default; AVA_NN_OWN_KERNELS=0 keeps it off. Call before build.
 * @return whether it is on.
 */
int ava_graph_own_kernels(AvaGraph *g, int on);

/** Mark @p v as an external output (its buffer is readable after each run). */
int ava_graph_output(AvaGraph *g, AvaVal v);

/** Shape of @p v: returns the number of dims (0 if v is invalid) and fills dims[0..3]. */
int ava_graph_shape(const AvaGraph *g, AvaVal v, int dims[4]);

/**
 * Create the XNNPACK runtime and its buffers.
 * @return 0, or the first error of any earlier call (AVA_ERR_MODEL, AVA_ERR(EINVAL),
 *         AVA_ERR(ENOMEM)).
 */
int ava_graph_build(AvaGraph *g);

/** The i-th input's buffer (order of ava_graph_input calls); valid until close. */
float *ava_graph_input_data(AvaGraph *g, int i, size_t *count);

/** The i-th output's buffer (order of ava_graph_output calls); valid until close. */
const float *ava_graph_output_data(AvaGraph *g, int i, size_t *count);

/** Run the net on the current input buffers. @return 0 or AVA_ERR_MODEL. */
int ava_graph_run(AvaGraph *g);

/** NULL-safe; sets *g to NULL. */
void ava_graph_close(AvaGraph **g);

#endif /* AVA_SRC_NN_GRAPH_H */
