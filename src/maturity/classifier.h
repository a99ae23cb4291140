/* SPDX-License-Identifier: MIT */
/**
 * @file
 * User classifiers for pass 3 (violence, brands...): any whole-image classifier a user has
 * as a TF.js layers model in a JavaScript bundle (the format of nsfwjs's model.min.js, read
 * by src/nn/tfjs_graph_js.c, with the layer types listed there), declared by a model path
 * and its class list:
 *
 *     [{"name": "violence", "path": "violence/model.min.js", "input_size": 224,
 *       "classes": ["none", "fight", "weapon"]}]
 *
 * Input: the whole frame stretched to input_size x input_size (bilinear, corners aligned, as
 * nsfwjs), RGB / 255. Output: one probability per class (softmax when the model's last
 * layer has one). Results go to the classifier_scores table (docs/schema.md).
 */
#ifndef AVA_SRC_MATURITY_CLASSIFIER_H
#define AVA_SRC_MATURITY_CLASSIFIER_H

#include <stddef.h>
#include <stdint.h>

#include "ava/ava.h"

#define AVA_CLASSIFIER_MAX 4
#define AVA_CLASSIFIER_MAX_CLASSES 16
#define AVA_CLASSIFIER_NAME 32

typedef struct AvaClassifierSpec {
    char name[AVA_CLASSIFIER_NAME];     ///< [a-z0-9_], 1..31 characters: the stored name
    char path[1024];                    ///< model file; relative: to the models folder
    int input_size;                     ///< square net input, 16..1024 px
    int n_classes;                      ///< 1..AVA_CLASSIFIER_MAX_CLASSES
    char classes[AVA_CLASSIFIER_MAX_CLASSES][AVA_CLASSIFIER_NAME]; ///< in model output order
} AvaClassifierSpec;

/**
 * Parse a JSON array of classifier declarations (see the file comment) into @p specs.
 * @return 0; AVA_ERR_CONFIG (logged: which entry and why).
 */
int ava_classifier_specs_parse(const char *json, AvaClassifierSpec *specs, int max, int *n,
                               const AvaLogger *lg);

typedef struct AvaClassifier AvaClassifier;

/**
 * Load the model of @p spec (a relative path is taken in @p models_dir) and build its net.
 * @return 0; AVA_ERR_MODEL (missing or unusable, or its output size is not n_classes;
 *         logged); AVA_ERR(EINVAL); AVA_ERR(ENOMEM).
 * @note One instance per thread.
 */
int ava_classifier_open(AvaClassifier **out, const AvaClassifierSpec *spec,
                        const char *models_dir, const AvaLogger *lg);

/** Classify a packed RGB24 image into @p prob (n_classes values). */
int ava_classifier_run(AvaClassifier *c, const uint8_t *rgb, int w, int h, ptrdiff_t stride,
                       float *prob);

/** NULL-safe; sets *c to NULL. */
void ava_classifier_close(AvaClassifier **c);

#endif /* AVA_SRC_MATURITY_CLASSIFIER_H */
