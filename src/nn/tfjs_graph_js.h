/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Loader for TF.js layers models shipped as JavaScript bundles (nsfwjs 4.x: `model.min.js`
 * and `group1-shardNofM.min.js`). Each file is a browserify/UMD wrapper whose module body is
 * `X.exports=<literal>`: an object literal {modelTopology, weightsManifest} for the model, a
 * base64 string for a shard. The literal is parsed, never evaluated, with a small parser for
 * the subset a minifier emits (objects with bare or quoted keys, arrays, strings, numbers,
 * true/false/null and !0/!1); it becomes a cJSON tree. The weights are then decoded like a
 * TF.js weight manifest (tfjs_manifest.c).
 *
 * ava_keras_build() turns the Keras functional model in modelTopology into graph nodes:
 * InputLayer, ZeroPadding2D, Conv2D, DepthwiseConv2D, BatchNormalization (folded into the
 * conv before it), ReLU (fused into that conv when it is the only consumer), Add,
 * AveragePooling2D, GlobalAveragePooling2D, Flatten, Dropout (identity) and Dense.
 *
 * Limits: files up to 64 MiB, literals nested at most 64 deep, one weight group.
 */
#ifndef AVA_SRC_NN_TFJS_GRAPH_JS_H
#define AVA_SRC_NN_TFJS_GRAPH_JS_H

#include <stddef.h>

#include "ava/ava.h"
#include "src/nn/graph.h"
#include "src/nn/tfjs_manifest.h"

struct cJSON;

#define AVA_JS_MAX_FILE ((size_t)64 << 20)
#define AVA_JS_MAX_DEPTH 64

typedef struct AvaTfjsJsModel {
    char *path;                     ///< model file, for messages
    struct cJSON *root;             ///< the parsed model literal (owned)
    const struct cJSON *topology;   ///< root.modelTopology
    AvaTfjsWeights *weights;        ///< decoded weights (owned)
} AvaTfjsJsModel;

/**
 * Parse the literal assigned to the first `.exports=` in @p text (len bytes, need not be
 * NUL-terminated) that is followed by an object, array or string.
 * @param out receives a cJSON tree (free with cJSON_Delete) on success.
 * @param err receives a short reason (with the byte offset) on failure.
 * @return 0 or AVA_ERR_MODEL; AVA_ERR(ENOMEM).
 */
int ava_js_literal_parse(const char *text, size_t len, struct cJSON **out, char *err,
                         size_t err_size);

/**
 * Load a model bundle and the shard bundles its weightsManifest names (each path P is read
 * as P.min.js next to the model file; absolute paths and ".." are refused).
 * @return 0; AVA_ERR_MODEL (missing, truncated or malformed file, named in the message);
 *         AVA_ERR(ENOMEM); AVA_ERR(EINVAL).
 */
int ava_tfjs_js_load(AvaTfjsJsModel **out, const char *model_path, const AvaLogger *lg);

/**
 * The same from memory: the model bundle's text, and the shard bundles' texts in the order of
 * the manifest's paths. @p name is used in messages.
 */
int ava_tfjs_js_load_memory(AvaTfjsJsModel **out, const char *name, const char *model_text,
                            size_t model_len, const char *const *shard_texts,
                            const size_t *shard_lens, int n_shards, const AvaLogger *lg);

/** NULL-safe; sets *m to NULL. */
void ava_tfjs_js_close(AvaTfjsJsModel **m);

typedef struct AvaKerasNet {
    AvaVal output;     ///< the model's output layer, before a softmax activation
    int softmax;       ///< 1 if that layer's activation is softmax (left to the caller)
    AvaVal tap;        ///< the value of the layer named by tap_name, or AVA_VAL_NONE
} AvaKerasNet;

/**
 * Add the Keras functional model of @p m to @p g on @p input (the InputLayer's value).
 * @param tap_name a layer whose value the caller wants too (e.g. the pooled features), or NULL.
 * @return 0; AVA_ERR_MODEL (unsupported layer or configuration, or a weight of the wrong
 *         shape: the message names the layer).
 */
int ava_keras_build(AvaGraph *g, const AvaTfjsJsModel *m, AvaVal input, const char *tap_name,
                    AvaKerasNet *net, const AvaLogger *lg);

#endif /* AVA_SRC_NN_TFJS_GRAPH_JS_H */
