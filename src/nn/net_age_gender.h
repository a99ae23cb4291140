/* SPDX-License-Identifier: MIT */
/**
 * @file
 * face-api's age and gender net (@vladmandic/face-api 1.7.15, age_gender_model) on XNNPACK,
 * with the package's pre- and post-processing (AgeGenderNet):
 *
 *  - the face crop is zero-padded to a centred square, resized to 112x112 with TF's legacy
 *    bilinear, the mean RGB (122.782, 117.001, 104.298) subtracted, divided by 255;
 *  - TinyXception(2): conv 3x3/2 + ReLU, two reduction blocks (separable convs, max pool
 *    3x3/2 'same', 1x1/2 expansion shortcut), two main blocks (three separable convs +
 *    identity), an exit reduction block and separable conv to 7x7x512 + ReLU;
 *  - avg pool 7x7, dense 512 -> 1 (age in years) and 512 -> 2 (softmax: male, female).
 */
#ifndef AVA_SRC_NN_NET_AGE_GENDER_H
#define AVA_SRC_NN_NET_AGE_GENDER_H

#include <stddef.h>
#include <stdint.h>

#include "ava/ava.h"

#define AVA_AGE_GENDER_SIZE 112

typedef struct AvaAgeGender AvaAgeGender;

typedef struct AvaAgeGenderResult {
    float age;          ///< years (the regression output, not clamped)
    float p_male;       ///< softmax probability of "male", 0..1; female = 1 - p_male
} AvaAgeGenderResult;

/**
 * Load @p models_dir/age_gender/ and build the net.
 * @param lg logger; borrowed, must outlive the instance (NULL = stderr).
 * @return 0; AVA_ERR_MODEL (missing or unusable weights, named in the message);
 *         AVA_ERR(EINVAL); AVA_ERR(ENOMEM).
 * @note One instance per thread; it runs on the calling thread only.
 */
int ava_age_gender_open(AvaAgeGender **out, const char *models_dir, const AvaLogger *lg);

/**
 * Age and gender of one face crop (packed RGB24, @p stride bytes per row).
 * @return 0; AVA_ERR(EINVAL); AVA_ERR_MODEL if the runtime fails.
 */
int ava_age_gender_run(AvaAgeGender *c, const uint8_t *rgb, int w, int h, ptrdiff_t stride,
                       AvaAgeGenderResult *res);

/** The gender logits (male, female) of the last run, before softmax, for tests. */
const float *ava_age_gender_logits(const AvaAgeGender *c);

/** NULL-safe; sets *c to NULL. */
void ava_age_gender_close(AvaAgeGender **c);

#endif /* AVA_SRC_NN_NET_AGE_GENDER_H */
