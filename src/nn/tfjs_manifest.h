/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Loader for TF.js weight manifests (`*-weights_manifest.json` plus `.bin` shards), the
 * format of the face-api models. Every tensor comes out as float32 in TF layout (HWIO for
 * conv filters, HWCM for depthwise, [in, out] for dense): uint8/uint16 quantised weights are
 * dequantised as q * scale + min, float16 is widened, float32 and int32 are taken as they are.
 *
 * Limits (anything beyond them is rejected as a malformed file, with AVA_ERR_MODEL):
 * at most AVA_TFJS_MAX_DIMS dimensions, each 1..AVA_TFJS_MAX_DIM, at most
 * AVA_TFJS_MAX_TENSORS tensors and AVA_TFJS_MAX_BYTES of shard data and of float32 output.
 */
#ifndef AVA_SRC_NN_TFJS_MANIFEST_H
#define AVA_SRC_NN_TFJS_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include "ava/ava.h"

#define AVA_TFJS_MAX_DIMS 6
#define AVA_TFJS_MAX_DIM (1 << 20)
#define AVA_TFJS_MAX_TENSORS 4096
#define AVA_TFJS_MAX_BYTES ((size_t)512 << 20)

typedef struct AvaTensor {
    char *name;                       ///< as in the manifest, e.g. "conv1/depthwise_filter"
    int ndim;                         ///< 0..AVA_TFJS_MAX_DIMS (0 = scalar)
    int shape[AVA_TFJS_MAX_DIMS];     ///< outermost first, as in the manifest
    size_t count;                     ///< product of the shape (1 for a scalar)
    float *data;                      ///< count values, owned by the weight set
} AvaTensor;

typedef struct AvaTfjsWeights {
    char *path;                       ///< the manifest path, for messages
    AvaTensor *tensors;
    int n_tensors;
} AvaTfjsWeights;

/**
 * Load a weight manifest and all the shards it names (paths relative to the manifest's
 * folder; absolute paths and ".." are refused).
 * @param out receives the weights on success; untouched on failure. Free with
 *        ava_tfjs_close().
 * @param lg  logger for the one error message (NULL = stderr); borrowed.
 * @return 0; AVA_ERR_MODEL if a file is missing, truncated or malformed (the message names
 *         the file and what is wrong); AVA_ERR(ENOMEM).
 */
int ava_tfjs_load(AvaTfjsWeights **out, const char *manifest_path, const AvaLogger *lg);

struct cJSON;

/**
 * Decode one weight group's "weights" array against its shard bytes (already joined), for
 * formats that carry the manifest and the shards inside other files (tfjs_graph_js.c).
 * @param name used as the weight set's path in messages; copied.
 * @return as ava_tfjs_load().
 */
int ava_tfjs_decode(AvaTfjsWeights **out, const char *name, const struct cJSON *weights,
                    const uint8_t *bytes, size_t n_bytes, const AvaLogger *lg);

/** The tensor called @p name, or NULL. */
const AvaTensor *ava_tfjs_find(const AvaTfjsWeights *w, const char *name);

/**
 * The tensor called @p name, checked against an expected shape (a -1 entry matches any size).
 * Logs what is wrong, naming the manifest and the tensor.
 * @return the tensor, or NULL if it is absent or has another shape.
 */
const AvaTensor *ava_tfjs_expect(const AvaTfjsWeights *w, const char *name, int ndim,
                                 const int *shape, const AvaLogger *lg);

/** Free the weights; NULL-safe, sets *w to NULL. */
void ava_tfjs_close(AvaTfjsWeights **w);

#endif /* AVA_SRC_NN_TFJS_MANIFEST_H */
