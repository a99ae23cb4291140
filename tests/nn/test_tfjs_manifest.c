/* SPDX-License-Identifier: MIT */
/**
 * @file
 * TF.js weight manifest loader: the real face-api manifests (when models/ is there) and
 * hand-made malformed manifests written into a temporary folder.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <unistd.h>

#include "src/nn/tfjs_manifest.h"
#include "tests/nn/nn_test.h"

static char last_msg[1024];
static int n_errors;

static void capture(void *cookie, int level, const char *fmt, va_list ap)
{
    (void)cookie;
    if (level == AVA_LOG_ERROR)
        n_errors++;
    vsnprintf(last_msg, sizeof(last_msg), fmt, ap);
}

static const AvaLogger quiet = { NULL, capture, AVA_LOG_DEBUG };
static char tmpdir[] = "/tmp/ava_tfjs_XXXXXX";

static void write_file(const char *name, const void *data, size_t len)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        exit(1);
    }
    fwrite(data, 1, len, f);
    fclose(f);
}

/* Write manifest text as m.json and try to load it. */
static int try_manifest(const char *json, AvaTfjsWeights **w)
{
    char path[256];
    write_file("m.json", json, strlen(json));
    snprintf(path, sizeof(path), "%s/m.json", tmpdir);
    last_msg[0] = 0;
    n_errors = 0;
    return ava_tfjs_load(w, path, &quiet);
}

/* Expect a load failure with one error message that names the manifest. */
static void expect_fail(const char *desc, const char *json)
{
    AvaTfjsWeights *w = NULL;
    int ret = try_manifest(json, &w);
    CHECK(desc, ret == AVA_ERR_MODEL && w == NULL);
    CHECK("one error message", n_errors == 1);
    CHECK("message names the file", strstr(last_msg, tmpdir) != NULL);
    if (ret != AVA_ERR_MODEL)
        fprintf(stderr, "  %s: ret %d\n", desc, ret);
    else
        printf("  ok (%s): %s\n", desc, last_msg);
    ava_tfjs_close(&w);
}

static void test_synthetic(void)
{
    /* a.bin: float32 [2,3] = 0..5, then uint8 [4] = {0, 1, 2, 255}, then float16 [2]. */
    uint8_t bin[24 + 4 + 4];
    for (int i = 0; i < 6; i++) {
        float v = (float)i;
        memcpy(bin + 4 * i, &v, 4);
    }
    bin[24] = 0, bin[25] = 1, bin[26] = 2, bin[27] = 255;
    bin[28] = 0x00, bin[29] = 0x3c; /* half 1.0 */
    bin[30] = 0x00, bin[31] = 0xc0; /* half -2.0 */
    write_file("a.bin", bin, sizeof(bin));
    write_file("short.bin", bin, 27);
    uint8_t longer[40] = { 0 };
    memcpy(longer, bin, sizeof(bin));
    write_file("long.bin", longer, sizeof(longer));

#define W_F32 "{\"name\":\"f\",\"shape\":[2,3],\"dtype\":\"float32\"}"
#define W_U8 "{\"name\":\"q\",\"shape\":[4],\"dtype\":\"float32\"," \
             "\"quantization\":{\"dtype\":\"uint8\",\"scale\":0.5,\"min\":-1}}"
#define W_F16 "{\"name\":\"h\",\"shape\":[2],\"dtype\":\"float32\"," \
              "\"quantization\":{\"dtype\":\"float16\"}}"
#define GROUP(paths, weights) "[{\"paths\":[" paths "],\"weights\":[" weights "]}]"

    AvaTfjsWeights *w = NULL;
    int ret = try_manifest(GROUP("\"a.bin\"", W_F32 "," W_U8 "," W_F16), &w);
    CHECK("valid manifest loads", ret == 0 && w);
    if (ret == 0) {
        CHECK("3 tensors", w->n_tensors == 3);
        const AvaTensor *f = ava_tfjs_expect(w, "f", 2, (const int[]){ 2, 3 }, &quiet);
        CHECK("f found with shape [2,3]", f && f->count == 6);
        CHECK("f values", f && f->data[0] == 0.0f && f->data[5] == 5.0f);
        const AvaTensor *q = ava_tfjs_find(w, "q");
        /* q*scale+min with scale 0.5, min -1: 0 -> -1, 1 -> -0.5, 2 -> 0, 255 -> 126.5 */
        CHECK("q dequantised", q && q->data[0] == -1.0f && q->data[1] == -0.5f &&
              q->data[2] == 0.0f && q->data[3] == 126.5f);
        const AvaTensor *h = ava_tfjs_find(w, "h");
        CHECK("float16 widened", h && h->data[0] == 1.0f && h->data[1] == -2.0f);
        CHECK("wrong expected shape refused",
              !ava_tfjs_expect(w, "f", 2, (const int[]){ 3, 2 }, &quiet));
        CHECK("shape message names the tensor", strstr(last_msg, "'f'") != NULL);
        CHECK("wildcard dim", ava_tfjs_expect(w, "f", 2, (const int[]){ -1, 3 }, &quiet));
        CHECK("absent tensor", !ava_tfjs_expect(w, "nope", 1, (const int[]){ 1 }, &quiet));
    }
    ava_tfjs_close(&w);
    CHECK("close sets NULL", w == NULL);
    ava_tfjs_close(&w); /* NULL-safe */

    ret = try_manifest(GROUP("\"long.bin\"", W_F32 "," W_U8 "," W_F16), &w);
    CHECK("trailing bytes only warn", ret == 0 && n_errors == 0);
    ava_tfjs_close(&w);

    expect_fail("truncated shard", GROUP("\"short.bin\"", W_F32 "," W_U8 "," W_F16));
    expect_fail("missing shard", GROUP("\"nothere.bin\"", W_F32));
    expect_fail("escaping path", GROUP("\"../a.bin\"", W_F32));
    expect_fail("absolute path", GROUP("\"/etc/passwd\"", W_F32));
    expect_fail("unknown dtype",
                GROUP("\"a.bin\"", "{\"name\":\"x\",\"shape\":[2],\"dtype\":\"complex64\"}"));
    expect_fail("unknown quantization",
                GROUP("\"a.bin\"", "{\"name\":\"x\",\"shape\":[2],\"dtype\":\"float32\","
                      "\"quantization\":{\"dtype\":\"int4\",\"scale\":1,\"min\":0}}"));
    expect_fail("quantization without scale",
                GROUP("\"a.bin\"", "{\"name\":\"x\",\"shape\":[2],\"dtype\":\"float32\","
                      "\"quantization\":{\"dtype\":\"uint8\"}}"));
    expect_fail("absurd size", GROUP("\"a.bin\"", "{\"name\":\"x\",\"shape\":[1048576,"
                                     "1048576,1048576],\"dtype\":\"float32\"}"));
    expect_fail("dimension too large",
                GROUP("\"a.bin\"", "{\"name\":\"x\",\"shape\":[4294967297],\"dtype\":\"float32\"}"));
    expect_fail("zero dimension",
                GROUP("\"a.bin\"", "{\"name\":\"x\",\"shape\":[0],\"dtype\":\"float32\"}"));
    expect_fail("negative dimension",
                GROUP("\"a.bin\"", "{\"name\":\"x\",\"shape\":[-3],\"dtype\":\"float32\"}"));
    expect_fail("fractional dimension",
                GROUP("\"a.bin\"", "{\"name\":\"x\",\"shape\":[2.5],\"dtype\":\"float32\"}"));
    expect_fail("too many dims", GROUP("\"a.bin\"", "{\"name\":\"x\",\"shape\":[1,1,1,1,1,1,1],"
                                       "\"dtype\":\"float32\"}"));
    expect_fail("string dimension",
                GROUP("\"a.bin\"", "{\"name\":\"x\",\"shape\":[\"4\"],\"dtype\":\"float32\"}"));
    expect_fail("duplicate name", GROUP("\"a.bin\"", W_F32 "," W_F32));
    expect_fail("nameless weight", GROUP("\"a.bin\"", "{\"shape\":[2],\"dtype\":\"float32\"}"));
    expect_fail("not JSON", "[{\"paths\": [\"a.bin\"], \"weights\": [");
    expect_fail("not an array", "{\"paths\":[\"a.bin\"]}");
    expect_fail("group without weights", "[{\"paths\":[\"a.bin\"]}]");
    expect_fail("empty manifest", "[]");

    char path[256];
    snprintf(path, sizeof(path), "%s/absent.json", tmpdir);
    n_errors = 0;
    CHECK("missing manifest", ava_tfjs_load(&w, path, &quiet) == AVA_ERR_MODEL && n_errors == 1);
    CHECK("missing manifest message names fix", strstr(last_msg, "fetch-models") != NULL);

    const char *names[] = { "m.json", "a.bin", "short.bin", "long.bin" };
    for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
        snprintf(path, sizeof(path), "%s/%s", tmpdir, names[i]);
        unlink(path);
    }
    rmdir(tmpdir);
}

/* The real face-api manifests; expected values read straight from the .bin bytes. */
static int test_real(const char *models)
{
    static const struct { const char *name; int n_tensors; } nets[] = {
        { "tiny_face_detector", 19 }, { "ssd_mobilenetv1", -1 }, { "face_landmark_68", -1 },
        { "face_expression", -1 }, { "face_recognition", -1 }, { "age_gender", -1 },
    };
    char path[512];
    for (size_t i = 0; i < sizeof(nets) / sizeof(*nets); i++) {
        snprintf(path, sizeof(path), "%s/%s/%s_model-weights_manifest.json", models,
                 nets[i].name, nets[i].name);
        AvaTfjsWeights *w = NULL;
        int ret = ava_tfjs_load(&w, path, NULL);
        CHECK(nets[i].name, ret == 0);
        if (ret < 0)
            continue;
        size_t total = 0;
        for (int t = 0; t < w->n_tensors; t++)
            total += w->tensors[t].count;
        printf("  %s: %d tensors, %zu values\n", nets[i].name, w->n_tensors, total);
        if (nets[i].n_tensors > 0)
            CHECK("tensor count", w->n_tensors == nets[i].n_tensors);
        ava_tfjs_close(&w);
    }

    /* tiny_face_detector: first tensor conv0/filters [3,3,3,16] and last conv8/bias [25] are
     * uint8 with {scale, min} from the manifest; the .bin is all uint8, so conv0's first value
     * is byte 0 and conv8/bias's last value is the file's last byte. */
    snprintf(path, sizeof(path), "%s/tiny_face_detector/tiny_face_detector_model.bin", models);
    FILE *f = fopen(path, "rb");
    CHECK("open tiny .bin", f != NULL);
    if (!f)
        return 0;
    int first = fgetc(f);
    fseek(f, -1, SEEK_END);
    int last = fgetc(f);
    long size = ftell(f);
    fclose(f);
    snprintf(path, sizeof(path), "%s/tiny_face_detector/"
             "tiny_face_detector_model-weights_manifest.json", models);
    AvaTfjsWeights *w = NULL;
    if (ava_tfjs_load(&w, path, NULL) < 0)
        return 0;
    const AvaTensor *c0 = ava_tfjs_expect(w, "conv0/filters", 4, (const int[]){ 3, 3, 3, 16 }, NULL);
    const AvaTensor *b8 = ava_tfjs_expect(w, "conv8/bias", 1, (const int[]){ 25 }, NULL);
    CHECK("conv0/filters", c0 != NULL);
    CHECK("conv8/bias", b8 != NULL);
    if (c0 && b8) {
        float e0 = (float)(first * 0.009007044399485869 + -1.2069439495311063);
        float e1 = (float)(last * 0.002268134028303857 + -0.41053225912299807);
        CHECK("conv0 first value", c0->data[0] == e0);
        CHECK("conv8 bias last value", b8->data[24] == e1);
        size_t total = 0;
        for (int t = 0; t < w->n_tensors; t++)
            total += w->tensors[t].count;
        CHECK("one uint8 per value", (long)total == size);
    }
    ava_tfjs_close(&w);
    return 1;
}

/* Usage: test_tfjs_manifest            synthetic manifests only
 *        test_tfjs_manifest --real [DIR] the real manifests in DIR (default models/); 77 if absent */
int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "--real")) {
        const char *models = nn_test_models_dir(argc - 1, argv + 1);
        if (!models) {
            printf("models/ absent: skipped (run scripts/fetch-models.sh)\n");
            return NN_TEST_SKIP;
        }
        test_real(models);
        return nn_test_report("nn_tfjs_manifest_real");
    }
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_synthetic();
    return nn_test_report("nn_tfjs_manifest");
}
