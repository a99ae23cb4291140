/* SPDX-License-Identifier: MIT */
/** @file ONNX loading: protobuf-c unpacking, initializers and Constant nodes (onnx_load.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/log.h"
#include "src/nn/onnx.pb-c.h"
#include "src/nn/onnx_load.h"

#define MAX_ELEMS ((size_t)1 << 28)

void ava_onnx_close(AvaOnnxModel **mp)
{
    if (!mp || !*mp)
        return;
    AvaOnnxModel *m = *mp;
    for (int i = 0; i < m->n_consts; i++) {
        free(m->consts[i].f32);
        free(m->consts[i].i64);
    }
    free(m->consts);
    free(m->nodes);
    if (m->proto)
        onnx__model_proto__free_unpacked(m->proto, NULL);
    free(m->path);
    free(m);
    *mp = NULL;
}

const AvaOnnxTensor *ava_onnx_const(const AvaOnnxModel *m, const char *name)
{
    if (!m || !name)
        return NULL;
    for (int i = m->n_consts - 1; i >= 0; i--) /* a Constant may shadow an initializer */
        if (!strcmp(m->consts[i].name, name))
            return &m->consts[i];
    return NULL;
}

/* Decode one TensorProto into t (name set by the caller). */
static int decode_tensor(const AvaOnnxModel *m, const Onnx__TensorProto *tp, const char *name,
                         AvaOnnxTensor *t, const AvaLogger *lg)
{
    if (tp->n_dims > AVA_ONNX_MAX_DIMS) {
        ava_log(lg, AVA_LOG_ERROR, "model %s: tensor '%s': over %d dims", m->path, name,
                AVA_ONNX_MAX_DIMS);
        return AVA_ERR_MODEL;
    }
    t->name = name;
    t->ndim = (int)tp->n_dims;
    t->count = 1;
    for (size_t i = 0; i < tp->n_dims; i++) {
        int64_t d = tp->dims[i];
        if (d < 0 || (size_t)d > MAX_ELEMS || (d && t->count > MAX_ELEMS / (size_t)d)) {
            ava_log(lg, AVA_LOG_ERROR, "model %s: tensor '%s': dimension %lld out of range or "
                    "over %zu elements", m->path, name, (long long)d, MAX_ELEMS);
            return AVA_ERR_MODEL;
        }
        t->dims[i] = d;
        t->count *= (size_t)d;
    }
    if (tp->has_data_location && tp->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL) {
        ava_log(lg, AVA_LOG_ERROR, "model %s: tensor '%s': external data is not supported",
                m->path, name);
        return AVA_ERR_MODEL;
    }
    int dt = tp->has_data_type ? tp->data_type : 0;
    size_t esize = dt == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT ? 4
                 : dt == ONNX__TENSOR_PROTO__DATA_TYPE__INT32 ? 4
                 : dt == ONNX__TENSOR_PROTO__DATA_TYPE__INT64 ? 8 : 0;
    if (!esize) {
        ava_log(lg, AVA_LOG_ERROR, "model %s: tensor '%s': data type %d is not supported "
                "(float, int32, int64)", m->path, name, dt);
        return AVA_ERR_MODEL;
    }
    size_t have = tp->has_raw_data ? tp->raw_data.len / esize
                : dt == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT ? tp->n_float_data
                : dt == ONNX__TENSOR_PROTO__DATA_TYPE__INT32 ? tp->n_int32_data
                : tp->n_int64_data;
    if (have != t->count || (tp->has_raw_data && tp->raw_data.len % esize)) {
        ava_log(lg, AVA_LOG_ERROR, "model %s: tensor '%s': %zu values for a shape of %zu "
                "(truncated?)", m->path, name, have, t->count);
        return AVA_ERR_MODEL;
    }
    size_t n = t->count ? t->count : 1; /* malloc(0) may return NULL */
    t->is_int = dt != ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
    if (t->is_int ? !(t->i64 = malloc(n * sizeof(int64_t))) : !(t->f32 = malloc(n * 4)))
        return AVA_ERR(ENOMEM);
    const uint8_t *raw = tp->has_raw_data ? tp->raw_data.data : NULL;
    for (size_t i = 0; i < t->count; i++) { /* raw_data is little-endian, as this host */
        if (dt == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT) {
            if (raw)
                memcpy(&t->f32[i], raw + 4 * i, 4);
            else
                t->f32[i] = tp->float_data[i];
        } else if (dt == ONNX__TENSOR_PROTO__DATA_TYPE__INT32) {
            int32_t v;
            if (raw)
                memcpy(&v, raw + 4 * i, 4);
            else
                v = tp->int32_data[i];
            t->i64[i] = v;
        } else {
            if (raw)
                memcpy(&t->i64[i], raw + 8 * i, 8);
            else
                t->i64[i] = tp->int64_data[i];
        }
    }
    return 0;
}

static const Onnx__AttributeProto *attr(const AvaOnnxNode *n, const char *name)
{
    const Onnx__NodeProto *np = n ? n->proto : NULL;
    for (size_t i = 0; np && i < np->n_attribute; i++)
        if (np->attribute[i]->name && !strcmp(np->attribute[i]->name, name))
            return np->attribute[i];
    return NULL;
}

int64_t ava_onnx_attr_int(const AvaOnnxNode *n, const char *name, int64_t def)
{
    const Onnx__AttributeProto *a = attr(n, name);
    return a && a->has_i ? a->i : def;
}

float ava_onnx_attr_float(const AvaOnnxNode *n, const char *name, float def)
{
    const Onnx__AttributeProto *a = attr(n, name);
    return a && a->has_f ? a->f : def;
}

int ava_onnx_attr_ints(const AvaOnnxNode *n, const char *name, int64_t *vals, int max)
{
    const Onnx__AttributeProto *a = attr(n, name);
    if (!a || (a->has_type && a->type != ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS))
        return -1;
    for (size_t i = 0; i < a->n_ints && (int)i < max; i++)
        vals[i] = a->ints[i];
    return a->n_ints > (size_t)max ? max : (int)a->n_ints;
}

const char *ava_onnx_attr_str(const AvaOnnxNode *n, const char *name, char *buf, size_t size)
{
    const Onnx__AttributeProto *a = attr(n, name);
    if (!a || !a->has_s || !size)
        return NULL;
    size_t k = a->s.len < size - 1 ? a->s.len : size - 1;
    memcpy(buf, a->s.data, k);
    buf[k] = 0;
    return buf;
}

static int is_const_name(const Onnx__GraphProto *g, const char *name)
{
    for (size_t i = 0; i < g->n_initializer; i++)
        if (g->initializer[i]->name && !strcmp(g->initializer[i]->name, name))
            return 1;
    return 0;
}

int ava_onnx_load_memory(AvaOnnxModel **out, const char *name, const uint8_t *data, size_t len,
                         const AvaLogger *lg)
{
    if (!out || !name || (!data && len))
        return AVA_ERR(EINVAL);
    AvaOnnxModel *m = calloc(1, sizeof(*m));
    if (!m || !(m->path = strdup(name))) {
        free(m);
        return AVA_ERR(ENOMEM);
    }
    int ret = AVA_ERR_MODEL;
    Onnx__ModelProto *mp = onnx__model_proto__unpack(NULL, len, data);
    m->proto = mp;
    const Onnx__GraphProto *g = mp ? mp->graph : NULL;
    if (!g) {
        ava_log(lg, AVA_LOG_ERROR, "model %s: not an ONNX model (protobuf parse failed or no "
                "graph)", name);
        goto fail;
    }
    for (size_t i = 0; i < mp->n_opset_import; i++) {
        const Onnx__OperatorSetIdProto *o = mp->opset_import[i];
        if ((!o->domain || !o->domain[0]) && o->has_version)
            m->opset = o->version;
    }
    if (g->n_sparse_initializer || g->n_node > 100000 || g->n_initializer > 100000) {
        ava_log(lg, AVA_LOG_ERROR, "model %s: sparse initializers or too many nodes", name);
        goto fail;
    }
    size_t n_const_nodes = 0;
    for (size_t i = 0; i < g->n_node; i++)
        n_const_nodes += g->node[i]->op_type && !strcmp(g->node[i]->op_type, "Constant");
    m->consts = calloc(g->n_initializer + n_const_nodes + 1, sizeof(*m->consts));
    m->nodes = calloc(g->n_node + 1, sizeof(*m->nodes));
    if (!m->consts || !m->nodes) {
        ret = AVA_ERR(ENOMEM);
        goto fail;
    }
    for (size_t i = 0; i < g->n_initializer; i++) {
        const Onnx__TensorProto *tp = g->initializer[i];
        if (!tp->name || !tp->name[0]) {
            ava_log(lg, AVA_LOG_ERROR, "model %s: initializer %zu has no name", name, i);
            goto fail;
        }
        if ((ret = decode_tensor(m, tp, tp->name, &m->consts[m->n_consts++], lg)) < 0)
            goto fail;
        ret = AVA_ERR_MODEL;
    }
    for (size_t i = 0; i < g->n_node; i++) {
        const Onnx__NodeProto *np = g->node[i];
        if (!np->op_type || (np->domain && np->domain[0] && strcmp(np->domain, "ai.onnx"))) {
            ava_log(lg, AVA_LOG_ERROR, "model %s: node %zu: no op type, or a custom domain",
                    name, i);
            goto fail;
        }
        for (size_t k = 0; k < np->n_attribute; k++)
            if (np->attribute[k]->g || np->attribute[k]->n_graphs) {
                ava_log(lg, AVA_LOG_ERROR, "model %s: node %zu (%s): subgraphs are not "
                        "supported", name, i, np->op_type);
                goto fail;
            }
        AvaOnnxNode *n = &m->nodes[m->n_nodes++];
        n->op = np->op_type;
        n->name = np->name ? np->name : "";
        n->n_in = (int)np->n_input;
        n->n_out = (int)np->n_output;
        n->in = (const char *const *)np->input;
        n->out = (const char *const *)np->output;
        n->proto = np;
        if (np->n_input > 64 || np->n_output > 64) {
            ava_log(lg, AVA_LOG_ERROR, "model %s: node %zu (%s): too many inputs or outputs",
                    name, i, np->op_type);
            goto fail;
        }
        if (!strcmp(np->op_type, "Constant")) {
            const Onnx__AttributeProto *a = attr(n, "value");
            if (np->n_output != 1 || !np->output[0][0] || !a || !a->t) {
                ava_log(lg, AVA_LOG_ERROR, "model %s: Constant node %zu without one output "
                        "and a tensor 'value'", name, i);
                goto fail;
            }
            if ((ret = decode_tensor(m, a->t, np->output[0], &m->consts[m->n_consts++], lg)) < 0)
                goto fail;
            ret = AVA_ERR_MODEL;
        }
    }
    for (size_t i = 0; i < g->n_input && !m->input; i++) {
        const Onnx__ValueInfoProto *v = g->input[i];
        if (!v->name || is_const_name(g, v->name))
            continue;
        m->input = v->name;
        const Onnx__TypeProto *tp = v->type;
        const Onnx__TensorShapeProto *sh = tp && tp->value_case == ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE
                                           && tp->tensor_type ? tp->tensor_type->shape : NULL;
        if (sh && sh->n_dim == 4)
            for (int k = 0; k < 4; k++)
                m->input_dims[k] = sh->dim[k]->value_case ==
                    ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE ? sh->dim[k]->dim_value : -1;
    }
    if (g->n_output)
        m->output = g->output[0]->name;
    if (!m->input || !m->output || !m->n_nodes) {
        ava_log(lg, AVA_LOG_ERROR, "model %s: graph without an input, an output or nodes", name);
        goto fail;
    }
    *out = m;
    return 0;
fail:
    ava_onnx_close(&m);
    return ret;
}

int ava_onnx_load(AvaOnnxModel **out, const char *path, const AvaLogger *lg)
{
    if (!out || !path)
        return AVA_ERR(EINVAL);
    FILE *f = fopen(path, "rb");
    if (!f) {
        ava_log(lg, AVA_LOG_ERROR, "model %s: cannot open (%s); run scripts/fetch-models.sh",
                path, strerror(errno));
        return AVA_ERR_MODEL;
    }
    long n = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    uint8_t *buf = NULL;
    int ret = AVA_ERR_MODEL;
    if (n <= 0 || (size_t)n > AVA_ONNX_MAX_FILE || fseek(f, 0, SEEK_SET) != 0)
        ava_log(lg, AVA_LOG_ERROR, "model %s: empty, unreadable or over %zu bytes", path,
                AVA_ONNX_MAX_FILE);
    else if (!(buf = malloc((size_t)n)))
        ret = AVA_ERR(ENOMEM);
    else if (fread(buf, 1, (size_t)n, f) != (size_t)n)
        ava_log(lg, AVA_LOG_ERROR, "model %s: read failed", path);
    else
        ret = ava_onnx_load_memory(out, path, buf, (size_t)n, lg);
    fclose(f);
    free(buf);
    return ret;
}
