/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Fuzz target for the TF.js-in-JavaScript loader (tfjs_graph_js.c). An input is the model
 * bundle's text, a NUL byte, then the shard bundle's text; both go through
 * ava_tfjs_js_load_memory() (the literal parser, base64, weight decoding), and a loaded model
 * through ava_keras_build(). Results must be success or AVA_ERR_MODEL / ENOMEM; memory errors
 * are caught by the sanitizers.
 *
 * Two drivers:
 *  - libFuzzer (clang): clang -g -O1 -fsanitize=fuzzer,address,undefined -DAVA_LIBFUZZER
 *      -D_GNU_SOURCE -I include -I . tests/nn/fuzz_tfjs_graph_js.c src/nn/tfjs_graph_js.c
 *      src/nn/tfjs_manifest.c src/nn/graph.c src/log.c -lcjson -lXNNPACK -lpthreadpool -lm
 *      -o fuzz_js && mkdir corpus && AVA_FUZZ_WRITE_SEED=corpus/seed
 *      build/tests/nn/fuzz_tfjs_graph_js && ./fuzz_js -max_total_time=60 corpus
 *  - built in (the test suite): a seeded mutation loop over built-in seeds for a bounded
 *    time: fuzz_tfjs_graph_js [SECONDS] (default 5; AVA_TEST_SEED sets the seed).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "src/nn/graph.h"
#include "src/nn/tfjs_graph_js.h"

static void silent(void *cookie, int level, const char *fmt, va_list ap)
{
    (void)cookie, (void)level, (void)fmt, (void)ap;
}

static const AvaLogger quiet = { NULL, silent, AVA_LOG_DEBUG };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Exact-size copies, so any read past either text is caught. */
    const uint8_t *nul = memchr(data, 0, size);
    size_t mn = nul ? (size_t)(nul - data) : size, sn = nul ? size - mn - 1 : 0;
    char *mt = malloc(mn ? mn : 1), *st = malloc(sn ? sn : 1);
    if (!mt || !st)
        abort();
    memcpy(mt, data, mn);
    if (sn)
        memcpy(st, nul + 1, sn);
    const char *shards[1] = { st };
    size_t lens[1] = { sn };
    AvaTfjsJsModel *m = NULL;
    int ret = ava_tfjs_js_load_memory(&m, "fuzz", mt, mn, shards, lens, 1, &quiet);
    if (ret == 0) {
        AvaGraph *g = NULL;
        if (ava_graph_create(&g, "fuzz", &quiet) == 0) {
            AvaKerasNet net;
            int r = ava_keras_build(g, m, ava_graph_input(g, 1, 8, 8, 3), NULL, &net, &quiet);
            if (r != 0 && r != AVA_ERR_MODEL && r != AVA_ERR(ENOMEM) && r != AVA_ERR(EINVAL))
                abort();
            ava_graph_close(&g);
        }
    } else if (ret != AVA_ERR_MODEL && ret != AVA_ERR(ENOMEM)) {
        abort();
    }
    ava_tfjs_js_close(&m);
    free(mt);
    free(st);
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

/* A tiny Keras model (input 8x8x3, conv 1x1 -> 2 + BN + ReLU6, pool, dense 2 softmax) with a
 * shard of 6 uint8 + 12 float32 + 2 float16 values, written as the minifier would. */
static const char seed_model[] =
    "!function(e){module.exports=e()}(function(){return{1:[function(e,a,n){a.exports={"
    "modelTopology:{model_config:{class_name:\"Model\",config:{layers:["
    "{name:\"in\",class_name:\"InputLayer\",config:{batch_input_shape:[null,8,8,3]},"
    "inbound_nodes:[]},"
    "{name:\"c\",class_name:\"Conv2D\",config:{filters:2,kernel_size:[1,1],strides:[1,1],"
    "padding:\"same\",dilation_rate:[1,1],activation:\"linear\",use_bias:!1},"
    "inbound_nodes:[[[\"in\",0,0,{}]]]},"
    "{name:\"bn\",class_name:\"BatchNormalization\",config:{axis:-1,epsilon:.001,center:!0,"
    "scale:!0},inbound_nodes:[[[\"c\",0,0,{}]]]},"
    "{name:\"r\",class_name:\"ReLU\",config:{max_value:6,negative_slope:0,threshold:0},"
    "inbound_nodes:[[[\"bn\",0,0,{}]]]},"
    "{name:\"p\",class_name:\"GlobalAveragePooling2D\",config:{},"
    "inbound_nodes:[[[\"r\",0,0,{}]]]},"
    "{name:\"d\",class_name:\"Dense\",config:{units:2,activation:\"softmax\",use_bias:!0},"
    "inbound_nodes:[[[\"p\",0,0,{}]]]}],"
    "input_layers:[[\"in\",0,0]],output_layers:[[\"d\",0,0]]}}},"
    "weightsManifest:[{paths:[\"s\"],weights:["
    "{name:\"c/kernel\",shape:[1,1,3,2],dtype:\"float32\",quantization:{min:-1,scale:.01,"
    "dtype:\"uint8\"}},"
    "{name:\"bn/gamma\",shape:[2],dtype:\"float32\"},{name:\"bn/beta\",shape:[2],"
    "dtype:\"float32\"},{name:\"bn/moving_mean\",shape:[2],dtype:\"float32\"},"
    "{name:\"bn/moving_variance\",shape:[2],dtype:\"float32\"},"
    "{name:\"d/kernel\",shape:[2,2],dtype:\"float32\"},{name:\"d/bias\",shape:[2],"
    "dtype:\"float32\",quantization:{dtype:\"float16\"}}]}]}},{}]},{},[1])(1)});";
static const char *const tokens[] = {
    "0", "-1", "1e9", ".5", "!0", "!1", "null", "[]", "{}", "\"", "'", ",", ":", "\\u00e9",
    "\\x41", "\\", "\"Add\"", "\"Dense\"", "\"ZeroPadding2D\"", "\"DepthwiseConv2D\"",
    "[[0,1],[0,1]]", "max_value:null", "a.exports=", "====", "AAAA", "[[[\"c\",0,0,{}]]]",
    "{name:\"x\",class_name:\"Flatten\",config:{},inbound_nodes:[[[\"d\",0,0,{}]]]}",
};

static size_t make_shard(char *buf, size_t cap)
{
    /* 6 uint8 + 12 float32 + 2 float16 = 58 bytes of plausible weights, as base64 */
    enum { N = 58 };
    uint8_t raw[N];
    for (int i = 0; i < 6; i++)
        raw[i] = (uint8_t)rnd(256);
    for (int i = 0; i < 12; i++) {
        float v = (float)(rnd(2000)) / 1000.0f + 0.1f;
        memcpy(raw + 6 + 4 * i, &v, 4);
    }
    raw[54] = 0x00, raw[55] = 0x3c, raw[56] = 0x00, raw[57] = 0xbc; /* 1.0, -1.0 */
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t n = (size_t)snprintf(buf, cap, "!function(e){}({1:[function(e,h,n){h.exports=\"");
    for (int i = 0; i < N; i += 3) {
        uint32_t v = (uint32_t)raw[i] << 16 | (i + 1 < N ? raw[i + 1] << 8 : 0) |
                     (i + 2 < N ? raw[i + 2] : 0);
        buf[n++] = b64[v >> 18 & 63];
        buf[n++] = b64[v >> 12 & 63];
        buf[n++] = i + 1 < N ? b64[v >> 6 & 63] : '=';
        buf[n++] = i + 2 < N ? b64[v & 63] : '=';
    }
    n += (size_t)snprintf(buf + n, cap - n, "\"},{}]})");
    return n;
}

int main(int argc, char **argv)
{
    double seconds = argc > 1 ? atof(argv[1]) : 5;
    const char *env = getenv("AVA_TEST_SEED");
    uint64_t seed = env ? strtoull(env, NULL, 0) : (uint64_t)time(NULL);
    rng = seed ? seed : 1;
    printf("fuzz_tfjs_graph_js: seed %llu, %.0f s (AVA_TEST_SEED to repeat)\n",
           (unsigned long long)seed, seconds);
    static uint8_t buf[16384];
    const char *seed_out = getenv("AVA_FUZZ_WRITE_SEED"); /* a libFuzzer corpus file */
    if (seed_out) {
        size_t n = sizeof(seed_model);
        memcpy(buf, seed_model, n); /* with its NUL */
        n += make_shard((char *)buf + n, 512);
        FILE *f = fopen(seed_out, "wb");
        if (!f || fwrite(buf, 1, n, f) != n)
            return 1;
        fclose(f);
        return 0;
    }
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    long runs = 0, loaded = 0;
    do {
        size_t n = sizeof(seed_model) - 1;
        memcpy(buf, seed_model, n);
        buf[n++] = 0;
        n += make_shard((char *)buf + n, 512);
        int muts = (int)rnd(7); /* 0: the seed as is, which must load */
        for (int m = muts; m > 0 && n > 1; m--) {
            size_t at = rnd((uint32_t)n);
            switch (rnd(4)) {
            case 0: buf[at] = (uint8_t)rnd(256); break;                     /* byte */
            case 1: memmove(buf + at, buf + at + 1, n - at - 1); n--; break; /* delete */
            case 2: n = at + 1; break;                                      /* truncate */
            default: {                                                      /* token */
                const char *tk = tokens[rnd(sizeof(tokens) / sizeof(*tokens))];
                size_t tl = strlen(tk);
                if (n + tl < sizeof(buf)) {
                    memmove(buf + at + tl, buf + at, n - at);
                    memcpy(buf + at, tk, tl);
                    n += tl;
                }
            }
            }
        }
        if (!muts) {
            const uint8_t *nul = memchr(buf, 0, n);
            const char *sh[1] = { (const char *)nul + 1 };
            size_t sl[1] = { n - (size_t)(nul - buf) - 1 };
            AvaTfjsJsModel *mm = NULL;
            if (ava_tfjs_js_load_memory(&mm, "seed", (const char *)buf, (size_t)(nul - buf), sh,
                                        sl, 1, NULL) != 0) {
                fprintf(stderr, "fuzz_tfjs_graph_js: the unmutated seed does not load\n");
                return 1;
            }
            AvaGraph *g = NULL;
            AvaKerasNet net;
            if (ava_graph_create(&g, "seed", NULL) != 0 ||
                ava_keras_build(g, mm, ava_graph_input(g, 1, 8, 8, 3), "p", &net, NULL) != 0 ||
                !net.softmax || net.tap == AVA_VAL_NONE) {
                fprintf(stderr, "fuzz_tfjs_graph_js: the unmutated seed does not build\n");
                return 1;
            }
            ava_graph_close(&g);
            ava_tfjs_js_close(&mm);
            loaded++;
        }
        LLVMFuzzerTestOneInput(buf, n);
        runs++;
        clock_gettime(CLOCK_MONOTONIC, &t);
    } while ((t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9 < seconds);
    printf("fuzz_tfjs_graph_js: %ld inputs (%ld unmutated seeds loaded), no failures\n", runs,
           loaded);
    return 0;
}
#endif
