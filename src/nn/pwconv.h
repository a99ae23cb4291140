/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Pointwise (1x1, stride 1, unpadded) convolution with a hardswish fused after it,
 * hand-written for AVX-512 (float32 NHWC, output channels a multiple of 8): a GEMM over
 * pixels in blocks of 8 x 32 outputs (24, 16 or 8 for the last columns), bias, clamp and
 * hardswish applied in registers before the store, so the output is written once (XNNPACK
 * writes it, then its hardswish reads and writes it again). Run by the graph (graph.c) as a
 * step of its own when ava_own_kernels_available().
 */
#ifndef AVA_SRC_NN_PWCONV_H
#define AVA_SRC_NN_PWCONV_H

#include <stddef.h>

typedef struct AvaPwconv AvaPwconv;

/** Whether the kernel takes @p cin -> @p cout channels (cout a multiple of 8). */
int ava_pwconv_fits(size_t cin, size_t cout);

/**
 * @param w [cout][cin] (XNNPACK's 1x1 conv layout); @param b [cout] or NULL; copied.
 * @param min, max clamp before the hardswish.
 * @return NULL when out of memory.
 */
AvaPwconv *ava_pwconv_create(const float *w, const float *b, size_t cin, size_t cout, float min,
                             float max);

/** Bytes of scratch ava_pwconv_run needs. */
size_t ava_pwconv_scratch_size(const AvaPwconv *k);

/** out[p][cout] = hardswish(clamp(W in[p] + b)) for @p pixels pixels. */
void ava_pwconv_run(const AvaPwconv *k, const float *in, size_t pixels, float *out,
                    void *scratch);

/** NULL-safe; sets *k to NULL. */
void ava_pwconv_close(AvaPwconv **k);

#endif /* AVA_SRC_NN_PWCONV_H */
