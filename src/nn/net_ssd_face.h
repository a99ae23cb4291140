/* SPDX-License-Identifier: MIT */
/**
 * @file
 * face-api's SSD MobileNet v1 face detector (@vladmandic/face-api 1.7.15, ssd_mobilenetv1_model)
 * on XNNPACK, with the package's exact pre- and post-processing (SsdMobilenetv1):
 *
 *  - the image is zero-padded to a square on the right or bottom, resized to 512x512 with
 *    TF's legacy bilinear, scaled to -1..1 (v / 127.5 - 1);
 *  - MobileNet v1 (conv 3x3/2, 13 depthwise-separable pairs with BatchNorm and ReLU6), eight
 *    extra convs, six box predictors (32x32 x 3 anchors, then 16x16, 8x8, 4x4, 2x2, 1x1 x 6:
 *    5118 anchors);
 *  - boxes decoded against the stored anchors (centre / 10, size / 5, exp), score =
 *    sigmoid of class 1, greedy NMS at IoU 0.5 over scores > min_score (face-api's own
 *    nonMaxSuppression), boxes clipped to the padded square and mapped to the image.
 */
#ifndef AVA_SRC_NN_NET_SSD_FACE_H
#define AVA_SRC_NN_NET_SSD_FACE_H

#include <stddef.h>
#include <stdint.h>

#include "ava/ava.h"
#include "src/nn/net_tiny_face.h" /* AvaFaceBox */

#define AVA_SSD_FACE_SIZE 512
#define AVA_SSD_FACE_ANCHORS 5118

typedef struct AvaSsdFace AvaSsdFace;

/**
 * Load @p models_dir/ssd_mobilenetv1/ and build the net.
 * @param lg logger; borrowed, must outlive the detector (NULL = stderr).
 * @return 0; AVA_ERR_MODEL (missing or unusable weights: the message names the file);
 *         AVA_ERR(EINVAL); AVA_ERR(ENOMEM).
 * @note One instance per thread; it runs on the calling thread only.
 */
int ava_ssd_face_open(AvaSsdFace **out, const char *models_dir, const AvaLogger *lg);

/**
 * Detect faces in a packed RGB24 image.
 * @param min_score  face-api's minConfidence (its default is 0.5), in (0, 1).
 * @param boxes      receives up to @p max_boxes (at most 256) detections, best first (face-api's
 *                   maxResults; its default is 100).
 * @param n_boxes    receives how many were written.
 * @return 0; AVA_ERR(EINVAL) bad arguments; AVA_ERR_MODEL if the runtime fails.
 */
int ava_ssd_face_detect(AvaSsdFace *c, const uint8_t *rgb, int w, int h, ptrdiff_t stride,
                        float min_score, AvaFaceBox *boxes, int max_boxes, int *n_boxes);

/**
 * The decoded anchors of the last detect, for tests: AVA_SSD_FACE_ANCHORS boxes as
 * (ymin, xmin, ymax, xmax) relative to the padded square, and their scores.
 */
void ava_ssd_face_raw(const AvaSsdFace *c, const float **boxes, const float **scores);

/** NULL-safe; sets *c to NULL. */
void ava_ssd_face_close(AvaSsdFace **c);

#endif /* AVA_SRC_NN_NET_SSD_FACE_H */
