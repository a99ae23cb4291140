/* SPDX-License-Identifier: MIT */
/**
 * @file
 * face-api's facial expression net (@vladmandic/face-api 1.7.15, face_expression_model) on
 * XNNPACK, with the package's pre- and post-processing (FaceExpressionNet):
 *
 *  - the face crop is zero-padded to a centred square, resized to 112x112 with TF's legacy
 *    bilinear, the mean RGB (122.782, 117.001, 104.298) subtracted, divided by 255;
 *  - the landmark net's backbone (FaceFeatureExtractor: four dense blocks, 7x7 avg pool),
 *    dense 256 -> 7, softmax.
 */
#ifndef AVA_SRC_NN_NET_EXPRESSION_H
#define AVA_SRC_NN_NET_EXPRESSION_H

#include <stddef.h>
#include <stdint.h>

#include "ava/ava.h"

#define AVA_EXPRESSION_SIZE 112
#define AVA_EXPRESSION_CLASSES 7

/** Class order of the probabilities (FACE_EXPRESSION_LABELS). */
enum AvaExpression {
    AVA_EXPRESSION_NEUTRAL = 0,
    AVA_EXPRESSION_HAPPY,
    AVA_EXPRESSION_SAD,
    AVA_EXPRESSION_ANGRY,
    AVA_EXPRESSION_FEARFUL,
    AVA_EXPRESSION_DISGUSTED,
    AVA_EXPRESSION_SURPRISED,
};

typedef struct AvaExpressionNet AvaExpressionNet;

/** "neutral", "happy", ... for a class index, or NULL out of range. */
const char *ava_expression_label(int cls);

/**
 * Load @p models_dir/face_expression/ and build the net.
 * @param lg logger; borrowed, must outlive the instance (NULL = stderr).
 * @return 0; AVA_ERR_MODEL (missing or unusable weights, named in the message);
 *         AVA_ERR(EINVAL); AVA_ERR(ENOMEM).
 * @note One instance per thread; it runs on the calling thread only.
 */
int ava_expression_open(AvaExpressionNet **out, const char *models_dir, const AvaLogger *lg);

/**
 * Expression probabilities of one face crop (packed RGB24, @p stride bytes per row).
 * @param prob receives 7 probabilities (sum 1) in enum AvaExpression order.
 * @return 0; AVA_ERR(EINVAL); AVA_ERR_MODEL if the runtime fails.
 */
int ava_expression_run(AvaExpressionNet *c, const uint8_t *rgb, int w, int h, ptrdiff_t stride,
                       float prob[AVA_EXPRESSION_CLASSES]);

/** The 7 logits of the last run (before softmax), for tests. */
const float *ava_expression_logits(const AvaExpressionNet *c);

/** NULL-safe; sets *c to NULL. */
void ava_expression_close(AvaExpressionNet **c);

#endif /* AVA_SRC_NN_NET_EXPRESSION_H */
