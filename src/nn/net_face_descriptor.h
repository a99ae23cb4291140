/* SPDX-License-Identifier: MIT */
/**
 * @file
 * face-api's face recognition net (@vladmandic/face-api 1.7.15, face_recognition_model, a
 * ResNet-34-like port of dlib's face descriptor) on XNNPACK, with the package's
 * preprocessing (FaceRecognitionNet.forwardInput):
 *
 *  - the face crop is zero-padded to a centred square, resized to 150x150 with TF's legacy
 *    bilinear, the mean RGB (122.782, 117.001, 104.298) subtracted, divided by 255;
 *  - conv 7x7/2 valid + scale + ReLU, max pool 3x3/2 valid, residual blocks (3 x 32,
 *    4 x 64, 3 x 128, 3 x 256 channels, the first of each stage strided with an average-pooled
 *    shortcut, zero-padded in channels and space), a last strided 256 block, global mean,
 *    dense 256 -> 128 without bias.
 *
 * The descriptor is face-api's, not normalised: face-api compares descriptors by Euclidean
 * distance (0.6 = same person); L2-normalise before cosine clustering.
 */
#ifndef AVA_SRC_NN_NET_FACE_DESCRIPTOR_H
#define AVA_SRC_NN_NET_FACE_DESCRIPTOR_H

#include <stddef.h>
#include <stdint.h>

#include "ava/ava.h"

#define AVA_FACE_DESCRIPTOR_SIZE 150
#define AVA_FACE_DESCRIPTOR_DIM 128

typedef struct AvaFaceDescriptor AvaFaceDescriptor;

/**
 * Load @p models_dir/face_recognition/ and build the net.
 * @param lg logger; borrowed, must outlive the instance (NULL = stderr).
 * @return 0; AVA_ERR_MODEL (missing or unusable weights, named in the message);
 *         AVA_ERR(EINVAL); AVA_ERR(ENOMEM).
 * @note One instance per thread; it runs on the calling thread only.
 */
int ava_face_descriptor_open(AvaFaceDescriptor **out, const char *models_dir,
                             const AvaLogger *lg);

/**
 * The 128-D descriptor of one face crop (packed RGB24, @p stride bytes per row).
 * @return 0; AVA_ERR(EINVAL); AVA_ERR_MODEL if the runtime fails.
 */
int ava_face_descriptor_run(AvaFaceDescriptor *c, const uint8_t *rgb, int w, int h,
                            ptrdiff_t stride, float desc[AVA_FACE_DESCRIPTOR_DIM]);

/** NULL-safe; sets *c to NULL. */
void ava_face_descriptor_close(AvaFaceDescriptor **c);

#endif /* AVA_SRC_NN_NET_FACE_DESCRIPTOR_H */
