/* SPDX-License-Identifier: MIT */
/**
 * @file
 * ONNX model loader over protobuf-c code generated at build time from Debian's onnx.proto
 * (libonnx-dev). It keeps the graph's nodes as parsed and decodes every initializer and every
 * Constant node's value into a float32 or int64 tensor, with bounds checks: a tensor's data
 * (raw_data or the typed field) must hold exactly the product of its dims.
 *
 * Supported tensor types: FLOAT, INT64, INT32 (kept as int64). External data, sparse
 * initializers and subgraphs are refused. Limits: files up to 256 MiB, at most 8 dims, 2^28
 * elements per tensor.
 */
#ifndef AVA_SRC_NN_ONNX_LOAD_H
#define AVA_SRC_NN_ONNX_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include "ava/ava.h"

#define AVA_ONNX_MAX_FILE ((size_t)256 << 20)
#define AVA_ONNX_MAX_DIMS 8

typedef struct AvaOnnxTensor {
    const char *name;              ///< the initializer's or Constant output's name (borrowed)
    int ndim;                      ///< 0..AVA_ONNX_MAX_DIMS
    int64_t dims[AVA_ONNX_MAX_DIMS];
    size_t count;                  ///< product of dims (1 for a scalar)
    int is_int;                    ///< 1: data in i64; 0: data in f32
    float *f32;                    ///< owned
    int64_t *i64;                  ///< owned
} AvaOnnxTensor;

typedef struct AvaOnnxNode {
    const char *op;                ///< op_type
    const char *name;
    int n_in, n_out;
    const char *const *in;         ///< input value names ("" = omitted optional input)
    const char *const *out;
    const void *proto;             ///< the Onnx__NodeProto, for attributes
} AvaOnnxNode;

typedef struct AvaOnnxModel {
    char *path;                    ///< for messages
    int64_t opset;                 ///< default-domain opset version
    AvaOnnxNode *nodes;            ///< in graph order (topological in valid models)
    int n_nodes;
    AvaOnnxTensor *consts;         ///< initializers, then Constant outputs
    int n_consts;
    const char *input, *output;    ///< first graph input that is not an initializer; first output
    int64_t input_dims[4];         ///< its shape (-1 = symbolic) if 4-D, else zeros
    void *proto;                   ///< Onnx__ModelProto (owned)
} AvaOnnxModel;

/**
 * Load and check an .onnx file.
 * @return 0; AVA_ERR_MODEL (missing, truncated or malformed: the message names the file and
 *         what is wrong); AVA_ERR(ENOMEM); AVA_ERR(EINVAL).
 */
int ava_onnx_load(AvaOnnxModel **out, const char *path, const AvaLogger *lg);

/** The same from memory (@p name is used in messages). */
int ava_onnx_load_memory(AvaOnnxModel **out, const char *name, const uint8_t *data, size_t len,
                         const AvaLogger *lg);

/** The constant (initializer or Constant output) called @p name, or NULL. */
const AvaOnnxTensor *ava_onnx_const(const AvaOnnxModel *m, const char *name);

/** Attribute getters; return @p def when the attribute is absent or of another type. */
int64_t ava_onnx_attr_int(const AvaOnnxNode *n, const char *name, int64_t def);
float ava_onnx_attr_float(const AvaOnnxNode *n, const char *name, float def);
/** INTS attribute: copies up to @p max values; returns the count, or -1 if absent. */
int ava_onnx_attr_ints(const AvaOnnxNode *n, const char *name, int64_t *vals, int max);
/** STRING attribute as a NUL-terminated copy in @p buf, or NULL if absent. */
const char *ava_onnx_attr_str(const AvaOnnxNode *n, const char *name, char *buf, size_t size);

/** NULL-safe; sets *m to NULL. */
void ava_onnx_close(AvaOnnxModel **m);

#endif /* AVA_SRC_NN_ONNX_LOAD_H */
