/* SPDX-License-Identifier: MIT */
/**
 * @file
 * A segmentation head's last layers as one kernel (AVX-512, float32 NHWC): two x2
 * upsampling 1x1 convs, each followed by depth_to_space(2), then a sigmoid:
 *
 *   h = clamp(W1 x + b1)            x [n, H, W, cin] -> [n, H, W, 4 c1]
 *   u = depth_to_space(h, 2)        [n, 2H, 2W, c1]
 *   z = W2 u + b2                   [n, 2H, 2W, 4]
 *   out = sigmoid(depth_to_space(z, 2))   [n, 4H, 4W, 1]
 *
 * (PP-OCRv4's DB head: its two 2x2 stride-2 transposed convs, graph.c turns them into the
 * 1x1 convs). Each input pixel's 4x4 output block is made in registers: no h, u or z tensor.
 * h's channels are packed k-major (4 k + s for sub-pixel s), so the 4 sub-pixels' k-th values
 * are in one register and one permute lines them up for the second conv, 16 lanes at a time.
 * Run by the graph as a step of its own when ava_own_kernels_available() (see graph.c).
 */
#ifndef AVA_SRC_NN_UP_HEAD_H
#define AVA_SRC_NN_UP_HEAD_H

#include <stddef.h>

typedef struct AvaUpHead AvaUpHead;

/** Whether the kernel takes these channel counts (c1 a multiple of 4, at most 24). */
int ava_up_head_fits(size_t cin, size_t c1);

/**
 * @param w1 [4 c1][cin] (XNNPACK 1x1 conv layout; channel s c1 + k goes to sub-pixel s);
 *           @param b1 [4 c1] or NULL; @param min1, max1 clamp of h.
 * @param w2 [4][c1]; @param b2 [4] or NULL. Copied.
 * @return NULL when out of memory.
 */
AvaUpHead *ava_up_head_create(const float *w1, const float *b1, float min1, float max1,
                              const float *w2, const float *b2, size_t cin, size_t c1);

/** out[n][4h][4w] from in[n][h][w][cin]. */
void ava_up_head_run(const AvaUpHead *k, const float *in, size_t n, size_t h, size_t w,
                     float *out);

/** NULL-safe; sets *k to NULL. */
void ava_up_head_close(AvaUpHead **k);

#endif /* AVA_SRC_NN_UP_HEAD_H */
