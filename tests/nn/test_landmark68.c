/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Parity of the 68-point landmark net with the original face-api package.
 *  1. tests/data/nn/landmark68_*.json, made by scripts/nn-fixtures/landmark68.mjs (face-api
 *     1.7.15, tfjs CPU backend) on face crops of libjpeg-turbo-decoded images:
 *     raw outputs |d| <= 1e-3, points within 0.5 px.
 *  2. face-api.js's own published positions for stills/faceapijs/test/images/face{1,2}.png
 *     (labels/faceapijs_test_data/faceLandmarkPositions{1,2}.json, computed in a browser from a
 *     canvas resize, so not bit-exact): mean error <= 1 px, max <= 3 px.
 * Usage: test_landmark68 MODELS_DIR MEDIA_DIR FIXTURE_DIR; exit 77 without models.
 */
#include <math.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <png.h>
#include <turbojpeg.h>

#include "src/nn/net_landmark68.h"
#include "tests/nn/nn_test.h"

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

static uint8_t *load_png(const char *path, int *w, int *h)
{
    png_image img = { .version = PNG_IMAGE_VERSION };
    if (!png_image_begin_read_from_file(&img, path))
        return NULL;
    img.format = PNG_FORMAT_RGB;
    uint8_t *rgb = malloc(PNG_IMAGE_SIZE(img));
    if (!rgb || !png_image_finish_read(&img, NULL, rgb, 0, NULL)) {
        free(rgb);
        png_image_free(&img);
        return NULL;
    }
    *w = (int)img.width;
    *h = (int)img.height;
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

static void test_fixture(AvaLandmark68 *lm, const char *media, const char *path)
{
    cJSON *fx = load_json(path);
    CHECK("fixture loads", fx != NULL);
    if (!fx)
        return;
    char img[1024];
    snprintf(img, sizeof(img), "%s/stills/%s", media,
             cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(fx, "image")));
    int w, h;
    uint8_t *rgb = load_jpeg(img, &w, &h);
    CHECK("image decodes", rgb != NULL);
    const cJSON *face, *faces = cJSON_GetObjectItemCaseSensitive(fx, "faces");
    if (!rgb)
        faces = NULL;
    cJSON_ArrayForEach(face, faces) {
        const cJSON *crop = cJSON_GetObjectItemCaseSensitive(face, "crop");
        int r[4];
        for (int k = 0; k < 4; k++)
            r[k] = cJSON_GetArrayItem(crop, k)->valueint;
        CHECK("crop inside image", r[0] >= 0 && r[1] >= 0 && r[0] + r[2] <= w && r[1] + r[3] <= h);
        float pts[136];
        CHECK("run", ava_landmark68_run(lm, rgb + ((size_t)r[1] * w + r[0]) * 3, r[2], r[3],
                                        (ptrdiff_t)w * 3, pts) == 0);
        const float *raw = ava_landmark68_raw(lm);
        double raw_err = 0, pt_err = 0;
        for (int k = 0; k < 136; k++) {
            raw_err = fmax(raw_err, fabs(raw[k] - cJSON_GetArrayItem(
                cJSON_GetObjectItemCaseSensitive(face, "raw"), k)->valuedouble));
            pt_err = fmax(pt_err, fabs(pts[k] - cJSON_GetArrayItem(
                cJSON_GetObjectItemCaseSensitive(face, "points"), k)->valuedouble));
        }
        printf("  %-40s crop %dx%d: raw err %.2g, point err %.3g px\n", img + strlen(media),
               r[2], r[3], raw_err, pt_err);
        CHECK("raw within 1e-3", raw_err <= 1e-3);
        CHECK("points within 0.5 px", pt_err <= 0.5);
    }
    free(rgb);
    cJSON_Delete(fx);
}

/* face-api.js's published positions: an outside oracle, browser-made. */
static void test_published(AvaLandmark68 *lm, const char *media, int i)
{
    char img[1024], ref[1024];
    snprintf(img, sizeof(img), "%s/stills/faceapijs/test/images/face%d.png", media, i);
    snprintf(ref, sizeof(ref), "%s/labels/faceapijs_test_data/faceLandmarkPositions%d.json",
             media, i);
    int w, h;
    uint8_t *rgb = load_png(img, &w, &h);
    cJSON *j = load_json(ref);
    CHECK("published image and positions load", rgb && j && cJSON_GetArraySize(j) == 68);
    if (rgb && j && cJSON_GetArraySize(j) == 68) {
        float pts[136];
        CHECK("run", ava_landmark68_run(lm, rgb, w, h, (ptrdiff_t)w * 3, pts) == 0);
        double sum = 0, max = 0;
        for (int k = 0; k < 68; k++) {
            const cJSON *p = cJSON_GetArrayItem(j, k);
            double dx = pts[2 * k] - cJSON_GetObjectItemCaseSensitive(p, "x")->valuedouble;
            double dy = pts[2 * k + 1] - cJSON_GetObjectItemCaseSensitive(p, "y")->valuedouble;
            double d = sqrt(dx * dx + dy * dy);
            sum += d;
            max = fmax(max, d);
        }
        printf("  face%d.png vs face-api.js published: mean %.3f px, max %.3f px\n", i,
               sum / 68, max);
        CHECK("published: mean error <= 1 px", sum / 68 <= 1.0);
        CHECK("published: max error <= 3 px", max <= 3.0);
    }
    free(rgb);
    cJSON_Delete(j);
}

int main(int argc, char **argv)
{
    const char *models = nn_test_models_dir(argc, argv);
    if (!models || argc < 4) {
        printf("models/ absent (or usage: MODELS MEDIA FIXTURES): skipped; run "
               "scripts/fetch-models.sh\n");
        return NN_TEST_SKIP;
    }
    AvaLandmark68 *lm = NULL;
    CHECK("open", ava_landmark68_open(&lm, models, NULL) == 0);
    if (!lm)
        return nn_test_report("nn_landmark68");
    static const char *const fixtures[] = { "landmark68_sample1.json",
        "landmark68_grace_hopper_512x512.json", "landmark68_faces.json" };
    for (size_t i = 0; i < sizeof(fixtures) / sizeof(*fixtures); i++) {
        char path[1024];
        snprintf(path, sizeof(path), "%s/%s", argv[3], fixtures[i]);
        test_fixture(lm, argv[2], path);
    }
    test_published(lm, argv[2], 1);
    test_published(lm, argv[2], 2);

    uint8_t crop[150 * 150 * 3];
    for (size_t i = 0; i < sizeof(crop); i++)
        crop[i] = (uint8_t)(i * 7);
    float pts[136];
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int r = 0; r < 50; r++)
        ava_landmark68_run(lm, crop, 150, 150, 450, pts);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("  face_landmark_68, 1 thread: %.3f ms per face (150x150 crop, 50 runs)\n",
           ((t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6) / 50);
    ava_landmark68_close(&lm);
    return nn_test_report("nn_landmark68");
}
