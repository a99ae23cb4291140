/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Parity of the tiny face detector with the original face-api package. The fixtures in
 * tests/data/nn/tiny_face_*.json were produced once by scripts/nn-fixtures/make-fixtures.sh
 * (face-api 1.7.15, tfjs CPU backend under node) on the same decoded pixels (libjpeg-turbo).
 * Tolerances: preprocessed input and raw outputs |d| <= 1e-3, scores |d| <= 1e-3, boxes
 * within 1 px on each of x, y, w, h; the same number of detections.
 * Usage: test_tiny_face MODELS_DIR MEDIA_DIR FIXTURE_DIR [--bench N]; exit 77 without models.
 */
#include <math.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <turbojpeg.h>

#include "src/nn/net_tiny_face.h"
#include "tests/nn/nn_test.h"

static const char *const fixtures[] = {
    "tiny_face_sample1_416.json", "tiny_face_grace_hopper_512x512_416.json",
    "tiny_face_grace_hopper_512x512_608.json", "tiny_face_faces_416.json",
};

static uint8_t *load_jpeg(const char *path, int *w, int *h)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *jpg = malloc((size_t)n), *rgb = NULL;
    if (jpg && fread(jpg, 1, (size_t)n, f) == (size_t)n) {
        tjhandle tj = tjInitDecompress();
        int sub, cs;
        if (tj && tjDecompressHeader3(tj, jpg, (unsigned long)n, w, h, &sub, &cs) == 0 &&
            (rgb = malloc((size_t)*w * *h * 3)) &&
            tjDecompress2(tj, jpg, (unsigned long)n, rgb, *w, *w * 3, *h, TJPF_RGB, 0) < 0) {
            free(rgb);
            rgb = NULL;
        }
        if (tj)
            tjDestroy(tj);
    }
    free(jpg);
    fclose(f);
    return rgb;
}

static cJSON *load_json(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    cJSON *j = NULL;
    if (buf && fread(buf, 1, (size_t)n, f) == (size_t)n)
        j = cJSON_ParseWithLength(buf, (size_t)n);
    free(buf);
    fclose(f);
    return j;
}

static double num(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/* Max |ours[i * stride] - ref[i]| over the sampled values. */
static double sample_err(const float *ours, size_t n, const cJSON *ref, int stride)
{
    double m = 0;
    int i = 0;
    const cJSON *v;
    cJSON_ArrayForEach(v, ref) {
        size_t k = (size_t)i++ * (size_t)stride;
        double e = k < n ? fabs(ours[k] - v->valuedouble) : INFINITY;
        m = e > m || isnan(e) ? e : m;
    }
    return i ? m : INFINITY;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
    const char *models = nn_test_models_dir(argc, argv);
    if (!models || argc < 4) {
        printf("models/ absent (or usage: MODELS MEDIA FIXTURES): skipped; run "
               "scripts/fetch-models.sh\n");
        return NN_TEST_SKIP;
    }
    const char *media = argv[2], *fixdir = argv[3];
    int bench = argc > 5 && !strcmp(argv[4], "--bench") ? atoi(argv[5]) : 10;
    AvaTinyFace *det[2] = { NULL, NULL }; /* 416, 608 */
    for (size_t fi = 0; fi < sizeof(fixtures) / sizeof(*fixtures); fi++) {
        char path[1024];
        snprintf(path, sizeof(path), "%s/%s", fixdir, fixtures[fi]);
        cJSON *fx = load_json(path);
        CHECK(fixtures[fi], fx != NULL);
        if (!fx)
            continue;
        const cJSON *jimg = cJSON_GetObjectItemCaseSensitive(fx, "image");
        snprintf(path, sizeof(path), "%s/stills/%s", media, cJSON_GetStringValue(jimg));
        int w, h;
        uint8_t *rgb = load_jpeg(path, &w, &h);
        CHECK("image decodes", rgb != NULL);
        if (!rgb) {
            fprintf(stderr, "  cannot read %s\n", path);
            cJSON_Delete(fx);
            continue;
        }
        CHECK("image size", w == num(fx, "width") && h == num(fx, "height"));
        int size = (int)num(fx, "input_size");
        AvaTinyFace **d = &det[size == 608];
        if (!*d)
            CHECK("open", ava_tiny_face_open(d, models, size, NULL) == 0);
        if (!*d) {
            free(rgb);
            cJSON_Delete(fx);
            break;
        }
        AvaFaceBox boxes[64];
        int n = 0;
        float min_score = (float)num(fx, "min_score");
        CHECK("detect", ava_tiny_face_detect(*d, rgb, w, h, (ptrdiff_t)w * 3, min_score,
                                             boxes, 64, &n) == 0);
        int sz, cells;
        const float *in = ava_tiny_face_input(*d, &sz);
        const float *raw = ava_tiny_face_raw(*d, &cells);
        double in_err = sample_err(in, (size_t)sz * sz * 3,
                                   cJSON_GetObjectItemCaseSensitive(fx, "input_sample"),
                                   (int)num(fx, "input_stride"));
        double raw_err = sample_err(raw, (size_t)cells * cells * 25,
                                    cJSON_GetObjectItemCaseSensitive(fx, "raw_sample"),
                                    (int)num(fx, "raw_stride"));
        double sum = 0;
        for (size_t i = 0; i < (size_t)cells * cells * 25; i++)
            sum += fabs(raw[i]);
        double abs_rel = fabs(sum - num(fx, "raw_abs_sum")) / num(fx, "raw_abs_sum");
        const cJSON *jd = cJSON_GetObjectItemCaseSensitive(fx, "detections"), *e;
        int n_ref = cJSON_GetArraySize(jd), i = 0;
        double box_err = 0, score_err = 0;
        cJSON_ArrayForEach(e, jd) {
            if (i >= n)
                break;
            const cJSON *b = cJSON_GetObjectItemCaseSensitive(e, "box");
            float ours[4] = { boxes[i].x, boxes[i].y, boxes[i].w, boxes[i].h };
            for (int k = 0; k < 4; k++)
                box_err = fmax(box_err, fabs(ours[k] - cJSON_GetArrayItem(b, k)->valuedouble));
            score_err = fmax(score_err, fabs(boxes[i].score - num(e, "score")));
            i++;
        }
        printf("  %-42s %dx%d@%d: %d/%d faces, input err %.2g, raw err %.2g, "
               "sum|raw| rel err %.2g, box err %.3g px, score err %.2g\n", fixtures[fi], w, h,
               size, n, n_ref, in_err, raw_err, abs_rel, box_err, score_err);
        CHECK("input matches", in_err <= 1e-3);
        CHECK("raw output matches", raw_err <= 1e-3 && abs_rel <= 1e-4);
        CHECK("same number of detections", n == n_ref);
        CHECK("boxes within 1 px", box_err <= 1.0);
        CHECK("scores within 1e-3", score_err <= 1e-3);

        if (fi == 0 && bench > 0) { /* one thread, 416, the full detect incl. pre/post */
            double t0 = now_ms();
            for (int r = 0; r < bench; r++)
                ava_tiny_face_detect(*d, rgb, w, h, (ptrdiff_t)w * 3, 0.5f, boxes, 64, &n);
            printf("  tiny_face_detector @%d, 1 thread: %.2f ms per detect (%dx%d image, "
                   "%d runs)\n", size, (now_ms() - t0) / bench, w, h, bench);
        }
        free(rgb);
        cJSON_Delete(fx);
    }
    ava_tiny_face_close(&det[0]);
    ava_tiny_face_close(&det[1]);
    return nn_test_report("nn_tiny_face");
}
