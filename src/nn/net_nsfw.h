/* SPDX-License-Identifier: MIT */
/**
 * @file
 * nsfwjs 4.4.0's MobileNetV2 classifier (dist/models/mobilenet_v2, a Keras model in TF.js
 * layers format inside JavaScript bundles; see tfjs_graph_js.h) on XNNPACK, with nsfwjs's
 * preprocessing (NSFWJS.infer):
 *
 *  - the whole image, as float32 v / 255, stretched to 224x224 with TF's bilinear resize with
 *    align_corners = true (skipped when it is already 224x224);
 *  - MobileNetV2 (alpha 1.0) to 7x7x1280, 7x7 average pool, dense 256 + ReLU, 128 + ReLU,
 *    5 + softmax.
 *
 * Besides the five probabilities, the 1280-D pooled features (layer average_pooling2d_1,
 * after ReLU6, so >= 0) are a general image embedding.
 */
#ifndef AVA_SRC_NN_NET_NSFW_H
#define AVA_SRC_NN_NET_NSFW_H

#include <stddef.h>
#include <stdint.h>

#include "ava/ava.h"

#define AVA_NSFW_SIZE 224
#define AVA_NSFW_CLASSES 5
#define AVA_NSFW_EMBED_DIM 1280

/** Class order of the probabilities (nsfwjs NSFW_CLASSES). */
enum AvaNsfwClass {
    AVA_NSFW_DRAWING = 0,
    AVA_NSFW_HENTAI,
    AVA_NSFW_NEUTRAL,
    AVA_NSFW_PORN,
    AVA_NSFW_SEXY,
};

typedef struct AvaNsfw AvaNsfw;

/** "Drawing", "Hentai", "Neutral", "Porn", "Sexy" for a class index, or NULL. */
const char *ava_nsfw_label(int cls);

/**
 * Load @p models_dir/nsfw_mobilenet_v2/model.min.js and its shard, and build the net.
 * @param lg logger; borrowed, must outlive the instance (NULL = stderr).
 * @return 0; AVA_ERR_MODEL (missing or unusable model files, named in the message);
 *         AVA_ERR(EINVAL); AVA_ERR(ENOMEM).
 * @note One instance per thread; it runs on the calling thread only.
 */
int ava_nsfw_open(AvaNsfw **out, const char *models_dir, const AvaLogger *lg);

/**
 * Classify a packed RGB24 image (@p stride bytes per row).
 * @param prob  receives 5 probabilities (sum 1) in enum AvaNsfwClass order.
 * @param embed receives AVA_NSFW_EMBED_DIM pooled features, or NULL.
 * @return 0; AVA_ERR(EINVAL); AVA_ERR_MODEL if the runtime fails.
 */
int ava_nsfw_run(AvaNsfw *c, const uint8_t *rgb, int w, int h, ptrdiff_t stride,
                 float prob[AVA_NSFW_CLASSES], float *embed);

/** NULL-safe; sets *c to NULL. */
void ava_nsfw_close(AvaNsfw **c);

#endif /* AVA_SRC_NN_NET_NSFW_H */
