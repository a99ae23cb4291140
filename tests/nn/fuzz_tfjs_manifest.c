/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Fuzz target for the TF.js manifest loader. An input is manifest JSON, a NUL byte, then the
 * bytes of the shard "s.bin" (shard paths in the JSON are whatever the fuzzer made of them).
 * The loader must either succeed or return AVA_ERR_MODEL / ENOMEM; memory errors are caught
 * by the sanitizers.
 *
 * Two drivers:
 *  - libFuzzer (clang): clang -g -O1 -fsanitize=fuzzer,address,undefined -DAVA_LIBFUZZER
 *      -D_GNU_SOURCE -I include -I . tests/nn/fuzz_tfjs_manifest.c src/nn/tfjs_manifest.c
 *      src/log.c -lcjson -lm -o fuzz_tfjs && ./fuzz_tfjs -max_total_time=60
 *  - built in (the test suite): a seeded mutation loop over built-in seeds for a bounded
 *    time: fuzz_tfjs_manifest [SECONDS] (default 5; AVA_TEST_SEED sets the seed).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "src/nn/tfjs_manifest.h"

static char dir[] = "/tmp/ava_fuzz_tfjs_XXXXXX";
static char manifest_path[64], shard_path[64];

static void silent(void *cookie, int level, const char *fmt, va_list ap)
{
    (void)cookie, (void)level, (void)fmt, (void)ap;
}

static const AvaLogger quiet = { NULL, silent, AVA_LOG_DEBUG };

static void put(const char *path, const uint8_t *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    if (n)
        fwrite(p, 1, n, f);
    fclose(f);
}

static int setup(void)
{
    if (!mkdtemp(dir))
        return -1;
    snprintf(manifest_path, sizeof(manifest_path), "%s/m.json", dir);
    snprintf(shard_path, sizeof(shard_path), "%s/s.bin", dir);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!manifest_path[0] && setup() < 0)
        abort();
    const uint8_t *nul = memchr(data, 0, size);
    size_t jn = nul ? (size_t)(nul - data) : size;
    put(manifest_path, data, jn);
    put(shard_path, nul ? nul + 1 : data, nul ? size - jn - 1 : 0);
    AvaTfjsWeights *w = NULL;
    int ret = ava_tfjs_load(&w, manifest_path, &quiet);
    if (ret == 0) {
        /* touch every value: out-of-bounds tensors would show here */
        volatile float sink = 0;
        for (int i = 0; i < w->n_tensors; i++)
            for (size_t k = 0; k < w->tensors[i].count; k++)
                sink += w->tensors[i].data[k];
        (void)sink;
    } else if (ret != AVA_ERR_MODEL && ret != AVA_ERR(ENOMEM)) {
        abort();
    }
    ava_tfjs_close(&w);
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

static const char *const seeds[] = {
    "[{\"paths\":[\"s.bin\"],\"weights\":[{\"name\":\"a\",\"shape\":[2,3],\"dtype\":\"float32\"},"
    "{\"name\":\"b\",\"shape\":[4],\"dtype\":\"float32\",\"quantization\":{\"dtype\":\"uint8\","
    "\"scale\":0.5,\"min\":-1}},{\"name\":\"c\",\"shape\":[2],\"dtype\":\"float32\","
    "\"quantization\":{\"dtype\":\"float16\"}},{\"name\":\"d\",\"shape\":[1],\"dtype\":\"int32\","
    "\"quantization\":{\"dtype\":\"uint16\",\"scale\":2,\"min\":0}}]}]",
    "[{\"paths\":[\"s.bin\",\"s.bin\"],\"weights\":[{\"name\":\"x\",\"shape\":[3,3,1,2],"
    "\"dtype\":\"float32\",\"quantization\":{\"dtype\":\"uint8\",\"scale\":1e-3,\"min\":-0.1}},"
    "{\"name\":\"y\",\"shape\":[],\"dtype\":\"int32\"}]},{\"paths\":[\"s.bin\"],"
    "\"weights\":[{\"name\":\"z\",\"shape\":[5],\"dtype\":\"float32\"}]}]",
};
static const char *const tokens[] = {
    "0", "-1", "1e9", "4294967296", "2.5", "1048576", "[]", "{}", "\"", ",", "null", "..", "/",
    "\"uint8\"", "\"uint16\"", "\"float16\"", "\"int32\"", "\"bool\"", "\"scale\"", "\"min\"",
    "[1,1,1,1,1,1,1]", "\"../s.bin\"", "\"/etc/passwd\"",
};

int main(int argc, char **argv)
{
    double seconds = argc > 1 ? atof(argv[1]) : 5;
    const char *env = getenv("AVA_TEST_SEED");
    uint64_t seed = env ? strtoull(env, NULL, 0) : (uint64_t)time(NULL);
    rng = seed ? seed : 1;
    printf("fuzz_tfjs_manifest: seed %llu, %.0f s (AVA_TEST_SEED to repeat)\n",
           (unsigned long long)seed, seconds);
    static uint8_t buf[8192];
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    long runs = 0;
    do {
        const char *s = seeds[rnd(2)];
        size_t n = strlen(s);
        memcpy(buf, s, n);
        buf[n++] = 0;
        size_t bin = rnd(96);
        for (size_t i = 0; i < bin; i++)
            buf[n++] = (uint8_t)rnd(256);
        for (int m = 1 + (int)rnd(6); m > 0 && n > 1; m--) {
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
        LLVMFuzzerTestOneInput(buf, n);
        runs++;
        clock_gettime(CLOCK_MONOTONIC, &t);
    } while ((t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9 < seconds);
    unlink(manifest_path);
    unlink(shard_path);
    rmdir(dir);
    printf("fuzz_tfjs_manifest: %ld inputs, no failures\n", runs);
    return 0;
}
#endif
