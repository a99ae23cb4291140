/* SPDX-License-Identifier: MIT */
/**
 * @file
 * face-api's tiny face detector (@vladmandic/face-api 1.7.15, tiny_face_detector_model) on
 * XNNPACK, with the package's exact pre- and post-processing:
 *
 *  - the image is zero-padded to a square on the right or bottom, resized to the input size
 *    with TF's legacy bilinear (align_corners = half_pixel_centers = false), the mean RGB
 *    (117.001, 114.697, 97.404) subtracted, divided by 255;
 *  - conv 3x3 valid (3 -> 16) + leaky 0.1, five separable 3x3 convs (16..512) + leaky 0.1
 *    with 2x2 max pools (stride 2, the last stride 1), conv 1x1 512 -> 25;
 *  - the (size/32)^2 x 5 anchors x (x, y, w, h, score) grid is decoded YOLO-style, boxes with
 *    sigmoid(score) > min_score kept, then greedy NMS at IoU 0.4.
 */
#ifndef AVA_SRC_NN_NET_TINY_FACE_H
#define AVA_SRC_NN_NET_TINY_FACE_H

#include <stddef.h>
#include <stdint.h>

#include "ava/ava.h"

typedef struct AvaTinyFace AvaTinyFace;

typedef struct AvaFaceBox {
    float x, y, w, h;   ///< pixels of the input image (not clipped to it)
    float score;        ///< 0..1
} AvaFaceBox;

/**
 * Load the weights from @p models_dir/tiny_face_detector/ and build the net.
 * @param input_size 128..1024, a multiple of 32 (face-api uses 416 or 608; 0 = 416).
 * @param lg logger; borrowed, must outlive the detector (NULL = stderr).
 * @return 0; AVA_ERR_MODEL (missing or unusable weights: the message names the file);
 *         AVA_ERR(EINVAL); AVA_ERR(ENOMEM).
 * @note One instance per thread; it runs on the calling thread only.
 */
int ava_tiny_face_open(AvaTinyFace **out, const char *models_dir, int input_size,
                       const AvaLogger *lg);

/**
 * Detect faces in a packed RGB24 image.
 * @param stride bytes between rows (>= 3 * w).
 * @param boxes  receives up to @p max_boxes detections, best first.
 * @param n_boxes receives how many were written.
 * @return 0; AVA_ERR(EINVAL) bad arguments; AVA_ERR_MODEL if the runtime fails.
 */
int ava_tiny_face_detect(AvaTinyFace *c, const uint8_t *rgb, int w, int h, ptrdiff_t stride,
                         float min_score, AvaFaceBox *boxes, int max_boxes, int *n_boxes);

/** The net's input tensor of the last detect (size x size x 3), for tests. */
const float *ava_tiny_face_input(const AvaTinyFace *c, int *size);

/** The raw output of the last detect (cells x cells x 25), for tests. */
const float *ava_tiny_face_raw(const AvaTinyFace *c, int *cells);

/** NULL-safe; sets *c to NULL. */
void ava_tiny_face_close(AvaTinyFace **c);

#endif /* AVA_SRC_NN_NET_TINY_FACE_H */
