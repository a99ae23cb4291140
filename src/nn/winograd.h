/* SPDX-License-Identifier: MIT */
/**
 * @file
 * 3x3 stride-1 convolution by Winograd F(4x4, 3x3), hand-written for AVX-512 (float32 NHWC).
 *
 * Each 4x4 output tile is 36 products of transformed input and filter instead of 144 (4x
 * fewer multiplies); the GEMMs over channels are tiled exactly to the output channel count
 * (24 = one zmm + one ymm, where XNNPACK's 16-wide tiles compute 32). The result differs
 * from a direct convolution by float rounding (transform coefficients up to 8: a few times
 * a direct conv's rounding error, ~1e-6 relative on the nets' values). Run by the graph
 * (graph.c) as a step of its own between XNNPACK runtimes, when ava_own_kernels_available()
 * and the conv's shape fits ava_wino_fits().
 */
#ifndef AVA_SRC_NN_WINOGRAD_H
#define AVA_SRC_NN_WINOGRAD_H

#include <stddef.h>

typedef struct AvaWino AvaWino;

/** Whether a conv of @p cin -> @p cout channels is one the kernel takes (cout a multiple of 8). */
int ava_wino_fits(size_t cin, size_t cout);

/**
 * Transform the filter for the kernel.
 * @param w     XNNPACK layout [cout][3][3][cin]; copied (the caller keeps it).
 * @param b     [cout] bias, or NULL.
 * @param pad_top, pad_left  zero rows above and columns left of the input (those below and
 *              right follow from the output size given to ava_wino_run).
 * @param min, max  output clamp.
 * @return NULL when out of memory.
 */
AvaWino *ava_wino_create(const float *w, const float *b, size_t cin, size_t cout, int pad_top,
                         int pad_left, float min, float max);

/** Bytes of scratch ava_wino_run needs for an output @p ow pixels wide. */
size_t ava_wino_scratch_size(const AvaWino *k, size_t ow);

/**
 * out[n][oh][ow][cout] = clamp(conv(zero-padded in) + bias).
 * @param scratch ava_wino_scratch_size() bytes, 64-byte aligned.
 */
void ava_wino_run(const AvaWino *k, const float *in, size_t n, size_t ih, size_t iw, float *out,
                  size_t oh, size_t ow, void *scratch);

/** NULL-safe; sets *k to NULL. */
void ava_wino_close(AvaWino **k);

#endif /* AVA_SRC_NN_WINOGRAD_H */
