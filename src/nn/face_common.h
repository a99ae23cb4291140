/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Pieces shared by the face-api nets: weight lookup by formatted name, the separable conv
 * (depthwise 3x3 + pointwise 1x1 + bias, 'same'), face-api's FaceFeatureExtractor backbone
 * (landmarks and expression), a float32 softmax in tfjs's order of operations, and loading a
 * face-api manifest by model name.
 */
#ifndef AVA_SRC_NN_FACE_COMMON_H
#define AVA_SRC_NN_FACE_COMMON_H

#include "ava/ava.h"
#include "src/nn/graph.h"
#include "src/nn/tfjs_manifest.h"

/** face-api's mean RGB for the face crop nets (landmarks, expression, recognition, age). */
extern const float ava_face_mean_rgb[3];

/**
 * The data of tensor @p fmt... checked against @p shape (a -1 entry matches anything).
 * Logs (naming the manifest and the tensor) and returns NULL if it is absent or mis-shaped.
 */
const float *ava_nn_weight(const AvaTfjsWeights *w, const AvaLogger *lg, int ndim,
                           const int *shape, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/**
 * common/depthwiseSeparableConv.ts: separableConv2d(stride, 'same') + bias, then @p act.
 * Weights are @p prefix + "/depthwise_filter", "/pointwise_filter", "/bias".
 */
AvaVal ava_face_sep_conv(AvaGraph *g, AvaVal x, const AvaTfjsWeights *w, const char *prefix,
                         int cin, int cout, int stride, enum AvaAct act, const AvaLogger *lg);

/**
 * faceFeatureExtractor/FaceFeatureExtractor.ts on a 112x112x3 input: denseBlock4 x 4 (32,
 * 64, 128, 256 channels) and avgPool 7x7 stride 2 'valid' -> 1x1x256.
 * @return the feature value, or AVA_VAL_NONE (a missing weight is logged).
 */
AvaVal ava_face_feature_extractor(AvaGraph *g, AvaVal x, const AvaTfjsWeights *w,
                                  const AvaLogger *lg);

/** Load @p models_dir/@p name/@p name_model-weights_manifest.json. */
int ava_face_load_manifest(AvaTfjsWeights **w, const char *models_dir, const char *name,
                           const AvaLogger *lg);

/** Defines a net's layers on @p g from the weights @p w; a missing weight is logged. */
typedef int (*AvaFaceNetBuild)(AvaGraph *g, const AvaTfjsWeights *w, const AvaLogger *lg);

/**
 * Load the face-api manifest @p name (as ava_face_load_manifest()), create the graph @p name
 * and define it with @p build. The weights are released; the graph keeps its own copies.
 * @return 0 with *g set; the load's or build's error (logged), *g then NULL.
 */
int ava_face_net_open(AvaGraph **g, const char *models_dir, const char *name,
                      AvaFaceNetBuild build, const AvaLogger *lg);

/** tf.softmax over @p n float32 values as tfjs's CPU kernel: exp(x - max) / sum, float32. */
void ava_nn_softmax(const float *x, float *y, int n);

#endif /* AVA_SRC_NN_FACE_COMMON_H */
