/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Depthwise 3x3 and 5x5 convolution (multiplier 1, stride 1 or 2), hand-written for AVX-512
 * (float32 NHWC, channels a multiple of 16). Sixteen channels at a time with their k x k
 * filter taps held in registers while a whole output row is made, so each output vector
 * costs k x k loads and FMAs (XNNPACK's kernel also loads every tap's weights per pixel).
 * Run by the graph (graph.c) as a step of its own when ava_own_kernels_available().
 */
#ifndef AVA_SRC_NN_DWCONV_H
#define AVA_SRC_NN_DWCONV_H

#include <stddef.h>

typedef struct AvaDwconv AvaDwconv;

/** Whether the kernel takes this conv: k 3 or 5, stride 1 or 2, channels a multiple of 16. */
int ava_dwconv_fits(size_t channels, int k, int stride);

/**
 * @param w [k][k][channels] (XNNPACK's depthwise layout); @param b [channels] or NULL.
 * @param pad_top, pad_left zero rows above and columns left of the input (the others follow
 *        from the output size given to ava_dwconv_run). @param min, max output clamp.
 * @return NULL when out of memory. Copied.
 */
AvaDwconv *ava_dwconv_create(const float *w, const float *b, size_t channels, int k, int stride,
                             int pad_top, int pad_left, float min, float max);

/**
 * Add @p off (1 or channels values) to the input before the conv (not to its zero padding:
 * an add before a padded conv). @return 0, or -1 (wrong count, already set, out of memory).
 */
int ava_dwconv_fuse_input_offset(AvaDwconv *d, const float *off, size_t n);

/** Apply x * relu6(x + 3) / 6 to the (clamped) output. */
void ava_dwconv_fuse_hswish(AvaDwconv *d);

/** out[n][oh][ow][c] from in[n][ih][iw][c]. */
void ava_dwconv_run(const AvaDwconv *d, const float *in, size_t n, size_t ih, size_t iw,
                    float *out, size_t oh, size_t ow);

/** NULL-safe; sets *d to NULL. */
void ava_dwconv_close(AvaDwconv **d);

#endif /* AVA_SRC_NN_DWCONV_H */
