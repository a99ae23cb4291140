/* SPDX-License-Identifier: MIT */
/**
 * @file
 * face-api's 68-point face landmark net (@vladmandic/face-api 1.7.15, face_landmark_68_model)
 * on XNNPACK, with the package's pre- and post-processing (FaceLandmark68Net):
 *
 *  - the face crop is zero-padded to a square, centred (the extra odd pixel after), resized
 *    to 112x112 with TF's legacy bilinear, the mean RGB (122.782, 117.001, 104.298)
 *    subtracted, divided by 255;
 *  - four dense blocks of separable 3x3 convs (32, 64, 128, 256 channels; the first block
 *    starts with a plain 3x3 conv; each starts with stride 2) with ReLU and residual sums,
 *    7x7 average pool, dense 256 -> 136;
 *  - the 136 outputs (x, y in [0, 1] of the padded square) are mapped back to the crop.
 */
#ifndef AVA_SRC_NN_NET_LANDMARK68_H
#define AVA_SRC_NN_NET_LANDMARK68_H

#include <stddef.h>
#include <stdint.h>

#include "ava/ava.h"

#define AVA_LANDMARK68_SIZE 112
#define AVA_LANDMARK68_POINTS 68

typedef struct AvaLandmark68 AvaLandmark68;

/**
 * Load @p models_dir/face_landmark_68/ and build the net.
 * @param lg logger; borrowed, must outlive the instance (NULL = stderr).
 * @return 0; AVA_ERR_MODEL (missing or unusable weights, named in the message);
 *         AVA_ERR(EINVAL); AVA_ERR(ENOMEM).
 */
int ava_landmark68_open(AvaLandmark68 **out, const char *models_dir, const AvaLogger *lg);

/**
 * Landmarks of one face crop (packed RGB24, @p stride bytes per row).
 * @param pts receives 68 (x, y) pairs in pixels of the crop (0,0 = its top-left corner).
 * @return 0; AVA_ERR(EINVAL); AVA_ERR_MODEL if the runtime fails.
 */
int ava_landmark68_run(AvaLandmark68 *c, const uint8_t *rgb, int w, int h, ptrdiff_t stride,
                       float pts[2 * AVA_LANDMARK68_POINTS]);

/** The 136 raw outputs of the last run (relative to the padded square), for tests. */
const float *ava_landmark68_raw(const AvaLandmark68 *c);

/** NULL-safe; sets *c to NULL. */
void ava_landmark68_close(AvaLandmark68 **c);

#endif /* AVA_SRC_NN_NET_LANDMARK68_H */
