/* SPDX-License-Identifier: MIT */
/** @file Image -> net input conversions shared by the nets, in tfjs's exact arithmetic. */
#ifndef AVA_SRC_NN_PREPROCESS_H
#define AVA_SRC_NN_PREPROCESS_H

#include <stddef.h>
#include <stdint.h>

#define AVA_PREPROCESS_MAX_SIZE 1024

/**
 * face-api's NetInput.toBatchTensor + normalize: place the RGB24 image in a zero square of
 * side max(w, h) at (ox, oy), resize it to size x size with tfjs's legacy bilinear
 * (align_corners = half_pixel_centers = false: double arithmetic, one rounding to float),
 * then write (v - mean[c]) / 255 in float32, NHWC, to @p dst (size * size * 3 values).
 * @p size is 1..AVA_PREPROCESS_MAX_SIZE; the caller checks its arguments.
 */
void ava_nn_square_resize(const uint8_t *rgb, int w, int h, ptrdiff_t stride, int ox, int oy,
                          int size, const float mean[3], float *dst);

/** The same resize, then v / div - sub per value (SSD: 127.5 and 1, i.e. -1..1). */
void ava_nn_square_resize_scaled(const uint8_t *rgb, int w, int h, ptrdiff_t stride, int ox,
                                 int oy, int size, float div, float sub, float *dst);

/** The offset of the image in face-api's centred square (padToSquare(x, true)). */
void ava_nn_center_offset(int w, int h, int *ox, int *oy);

#endif /* AVA_SRC_NN_PREPROCESS_H */
