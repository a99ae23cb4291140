/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Fuzz target for the ONNX loader (onnx_load.c): an input is the bytes of an .onnx file,
 * given to ava_onnx_load_memory(); a loaded model's constants are read in full and its
 * attributes queried. Results must be success or AVA_ERR_MODEL / ENOMEM; memory errors are
 * caught by the sanitizers.
 *
 * Two drivers:
 *  - libFuzzer (clang), from the build dir (for the generated onnx.pb-c.[ch]):
 *      clang -g -O1 -fsanitize=fuzzer,address,undefined -DAVA_LIBFUZZER -D_GNU_SOURCE
 *      -I ../include -I .. -I . ../tests/nn/fuzz_onnx.c ../src/nn/onnx_load.c
 *      src/nn/onnx.pb-c.c ../src/log.c -lprotobuf-c -o fuzz_onnx && mkdir corpus &&
 *      AVA_FUZZ_WRITE_SEED=corpus/seed tests/nn/fuzz_onnx && ./fuzz_onnx -max_total_time=60 corpus
 *  - built in (the test suite): a seeded mutation loop over a generated seed model for a
 *    bounded time: fuzz_onnx [SECONDS] (default 5; AVA_TEST_SEED sets the seed).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "src/nn/onnx.pb-c.h"
#include "src/nn/onnx_load.h"

static void silent(void *cookie, int level, const char *fmt, va_list ap)
{
    (void)cookie, (void)level, (void)fmt, (void)ap;
}

static const AvaLogger quiet = { NULL, silent, AVA_LOG_DEBUG };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *copy = malloc(size ? size : 1); /* exact size: reads past the end are caught */
    if (!copy)
        abort();
    if (size)
        memcpy(copy, data, size);
    AvaOnnxModel *m = NULL;
    int ret = ava_onnx_load_memory(&m, "fuzz", copy, size, &quiet);
    if (ret == 0) {
        volatile double sink = 0;
        for (int i = 0; i < m->n_consts; i++)
            for (size_t k = 0; k < m->consts[i].count; k++)
                sink += m->consts[i].is_int ? (double)m->consts[i].i64[k] : m->consts[i].f32[k];
        for (int i = 0; i < m->n_nodes; i++) {
            int64_t v[8];
            char s[32];
            sink += (double)ava_onnx_attr_int(&m->nodes[i], "group", 1);
            sink += ava_onnx_attr_ints(&m->nodes[i], "pads", v, 8);
            sink += ava_onnx_attr_str(&m->nodes[i], "mode", s, sizeof(s)) != NULL;
            for (int k = 0; k < m->nodes[i].n_in; k++)
                sink += ava_onnx_const(m, m->nodes[i].in[k]) != NULL;
        }
        (void)sink;
    } else if (ret != AVA_ERR_MODEL && ret != AVA_ERR(ENOMEM)) {
        abort();
    }
    ava_onnx_close(&m);
    free(copy);
    return 0;
}

#ifndef AVA_LIBFUZZER
static uint64_t rng;

static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return n ? (uint32_t)(rng % n) : 0;
}

/* A small model: input x [1,3,-1,-1], a Conv with an initializer weight (raw_data), a Constant
 * node (int64 data), a Clip with float_data constants, and a Resize with a mode string. */
static size_t make_seed(uint8_t **out)
{
    static float w[2 * 3 * 3 * 3], lo = 0, hi = 6;
    for (size_t i = 0; i < sizeof(w) / sizeof(*w); i++)
        w[i] = (float)i / 10;
    int64_t wd[4] = { 2, 3, 3, 3 }, sd[1] = { 4 }, xd_shape[4] = { 1, 3, -1, -1 };
    int64_t scales_i64[4] = { 1, 1, 2, 2 };
    Onnx__TensorProto wt = ONNX__TENSOR_PROTO__INIT, ct = ONNX__TENSOR_PROTO__INIT;
    Onnx__TensorProto lot = ONNX__TENSOR_PROTO__INIT, hit = ONNX__TENSOR_PROTO__INIT;
    wt.name = "w", wt.n_dims = 4, wt.dims = wd, wt.has_data_type = 1, wt.data_type = 1;
    wt.has_raw_data = 1, wt.raw_data.len = sizeof(w), wt.raw_data.data = (uint8_t *)w;
    ct.n_dims = 1, ct.dims = sd, ct.has_data_type = 1, ct.data_type = 7;
    ct.n_int64_data = 4, ct.int64_data = scales_i64;
    lot.name = "lo", lot.has_data_type = 1, lot.data_type = 1, lot.n_float_data = 1,
    lot.float_data = &lo;
    hit.name = "hi", hit.has_data_type = 1, hit.data_type = 1, hit.n_float_data = 1,
    hit.float_data = &hi;
    Onnx__AttributeProto a_val = ONNX__ATTRIBUTE_PROTO__INIT, a_k = ONNX__ATTRIBUTE_PROTO__INIT;
    Onnx__AttributeProto a_pads = ONNX__ATTRIBUTE_PROTO__INIT, a_g = ONNX__ATTRIBUTE_PROTO__INIT;
    Onnx__AttributeProto a_mode = ONNX__ATTRIBUTE_PROTO__INIT;
    int64_t k33[2] = { 3, 3 }, pads[4] = { 1, 1, 1, 1 };
    a_val.name = "value", a_val.has_type = 1, a_val.type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR;
    a_val.t = &ct;
    a_k.name = "kernel_shape", a_k.has_type = 1, a_k.type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS;
    a_k.n_ints = 2, a_k.ints = k33;
    a_pads.name = "pads", a_pads.has_type = 1, a_pads.type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS;
    a_pads.n_ints = 4, a_pads.ints = pads;
    a_g.name = "group", a_g.has_type = 1, a_g.type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT;
    a_g.has_i = 1, a_g.i = 1;
    a_mode.name = "mode", a_mode.has_type = 1, a_mode.type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING;
    a_mode.has_s = 1, a_mode.s.len = 7, a_mode.s.data = (uint8_t *)"nearest";
    Onnx__AttributeProto *cattrs[1] = { &a_val }, *vattrs[3] = { &a_k, &a_pads, &a_g };
    Onnx__AttributeProto *rattrs[1] = { &a_mode };
    char *cin[1] = { NULL }, *cout[1] = { "scales" };
    char *vin[2] = { "x", "w" }, *vout[1] = { "y" };
    char *kin[3] = { "y", "lo", "hi" }, *kout[1] = { "z" };
    char *rin[3] = { "z", "", "scales" }, *rout[1] = { "out" };
    Onnx__NodeProto nc = ONNX__NODE_PROTO__INIT, nv = ONNX__NODE_PROTO__INIT;
    Onnx__NodeProto nk = ONNX__NODE_PROTO__INIT, nr = ONNX__NODE_PROTO__INIT;
    nc.op_type = "Constant", nc.n_input = 0, nc.input = cin, nc.n_output = 1, nc.output = cout;
    nc.n_attribute = 1, nc.attribute = cattrs;
    nv.op_type = "Conv", nv.n_input = 2, nv.input = vin, nv.n_output = 1, nv.output = vout;
    nv.n_attribute = 3, nv.attribute = vattrs;
    nk.op_type = "Clip", nk.n_input = 3, nk.input = kin, nk.n_output = 1, nk.output = kout;
    nr.op_type = "Resize", nr.n_input = 3, nr.input = rin, nr.n_output = 1, nr.output = rout;
    nr.n_attribute = 1, nr.attribute = rattrs;
    Onnx__NodeProto *nodes[4] = { &nc, &nv, &nk, &nr };
    Onnx__TensorShapeProto__Dimension dims[4], *dimp[4];
    for (int i = 0; i < 4; i++) {
        onnx__tensor_shape_proto__dimension__init(&dims[i]);
        if (xd_shape[i] >= 0) {
            dims[i].value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
            dims[i].dim_value = xd_shape[i];
        } else {
            dims[i].value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
            dims[i].dim_param = "n";
        }
        dimp[i] = &dims[i];
    }
    Onnx__TensorShapeProto shape = ONNX__TENSOR_SHAPE_PROTO__INIT;
    shape.n_dim = 4, shape.dim = dimp;
    Onnx__TypeProto__Tensor tt = ONNX__TYPE_PROTO__TENSOR__INIT;
    tt.has_elem_type = 1, tt.elem_type = 1, tt.shape = &shape;
    Onnx__TypeProto type = ONNX__TYPE_PROTO__INIT;
    type.value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE, type.tensor_type = &tt;
    Onnx__ValueInfoProto vin_x = ONNX__VALUE_INFO_PROTO__INIT, vout_o = ONNX__VALUE_INFO_PROTO__INIT;
    vin_x.name = "x", vin_x.type = &type;
    vout_o.name = "out";
    Onnx__ValueInfoProto *ins[1] = { &vin_x }, *outs[1] = { &vout_o };
    Onnx__TensorProto *inits[3] = { &wt, &lot, &hit };
    Onnx__GraphProto g = ONNX__GRAPH_PROTO__INIT;
    g.n_node = 4, g.node = nodes, g.n_initializer = 3, g.initializer = inits;
    g.n_input = 1, g.input = ins, g.n_output = 1, g.output = outs;
    Onnx__OperatorSetIdProto ops = ONNX__OPERATOR_SET_ID_PROTO__INIT, *opsp[1] = { &ops };
    ops.has_version = 1, ops.version = 11;
    Onnx__ModelProto mp = ONNX__MODEL_PROTO__INIT;
    mp.has_ir_version = 1, mp.ir_version = 6, mp.n_opset_import = 1, mp.opset_import = opsp;
    mp.graph = &g;
    size_t n = onnx__model_proto__get_packed_size(&mp);
    *out = malloc(n);
    if (!*out)
        return 0;
    onnx__model_proto__pack(&mp, *out);
    return n;
}

int main(int argc, char **argv)
{
    double seconds = argc > 1 ? atof(argv[1]) : 5;
    uint8_t *seed_buf = NULL;
    size_t seed_n = make_seed(&seed_buf);
    const char *seed_out = getenv("AVA_FUZZ_WRITE_SEED"); /* a libFuzzer corpus file */
    if (seed_out) {
        FILE *f = fopen(seed_out, "wb");
        int bad = !f || fwrite(seed_buf, 1, seed_n, f) != seed_n;
        if (f)
            fclose(f);
        free(seed_buf);
        return bad;
    }
    AvaOnnxModel *m = NULL;
    if (!seed_n || ava_onnx_load_memory(&m, "seed", seed_buf, seed_n, NULL) != 0 ||
        m->n_consts != 4 || m->n_nodes != 4 || m->opset != 11 || m->input_dims[2] != -1 ||
        !ava_onnx_const(m, "scales") || ava_onnx_const(m, "scales")->i64[3] != 2) {
        fprintf(stderr, "fuzz_onnx: the generated seed does not load as expected\n");
        return 1;
    }
    ava_onnx_close(&m);
    const char *env = getenv("AVA_TEST_SEED");
    uint64_t seed = env ? strtoull(env, NULL, 0) : (uint64_t)time(NULL);
    rng = seed ? seed : 1;
    printf("fuzz_onnx: seed %llu, %.0f s, seed model %zu bytes (AVA_TEST_SEED to repeat)\n",
           (unsigned long long)seed, seconds, seed_n);
    static uint8_t buf[4096];
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    long runs = 0;
    do {
        size_t n = seed_n < sizeof(buf) ? seed_n : sizeof(buf);
        memcpy(buf, seed_buf, n);
        for (int k = 1 + (int)rnd(6); k > 0 && n > 1; k--) {
            size_t at = rnd((uint32_t)n);
            switch (rnd(5)) {
            case 0: buf[at] = (uint8_t)rnd(256); break;                     /* byte */
            case 1: buf[at] ^= (uint8_t)(1u << rnd(8)); break;              /* bit */
            case 2: memmove(buf + at, buf + at + 1, n - at - 1); n--; break; /* delete */
            case 3: n = at + 1; break;                                      /* truncate */
            default: /* a varint-ish big value (lengths, dims) */
                if (n + 4 < sizeof(buf)) {
                    memmove(buf + at + 4, buf + at, n - at);
                    buf[at] = 0xff, buf[at + 1] = 0xff, buf[at + 2] = 0xff, buf[at + 3] = 0x0f;
                    n += 4;
                }
            }
        }
        LLVMFuzzerTestOneInput(buf, n);
        runs++;
        clock_gettime(CLOCK_MONOTONIC, &t);
    } while ((t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9 < seconds);
    free(seed_buf);
    printf("fuzz_onnx: %ld inputs, no failures\n", runs);
    return 0;
}
#endif
