/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Parity of PP-OCRv4 text detection with onnxruntime: tests/data/nn/text_det_*.json, made by
 * scripts/nn-fixtures/text_det.mjs (onnxruntime-node, 1 thread, with its own JavaScript
 * preprocessing and DB post-processing) on stills/opencv_doc/imageTextN.png,
 * imageTextR.png and stills/skimage/text.png. Tolerances: net size equal; sampled probabilities |d| <= 1e-3;
 * map sum within 1e-4 relative (absolute below 1: text.png has no text for either); the same number of boxes, each within 1 px and its score
 * within 1e-3. Also times ava at 640x640 against the fixture's onnxruntime time.
 * Usage: test_text_det MODELS_DIR MEDIA_DIR FIXTURE_DIR; exit 77 without models.
 */
#include <math.h>

#include "src/nn/net_text_det.h"
#include "tests/nn/nn_image.h"
#include "tests/nn/nn_test.h"

static double ort_ms;
static uint8_t *keep;
static int kw, kh;

static void test_fixture(AvaTextDet *det, const char *media, const char *path)
{
    cJSON *fx = nn_load_json(path);
    CHECK("fixture loads", fx != NULL);
    if (!fx)
        return;
    const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(fx, "image"));
    char img[1024];
    snprintf(img, sizeof(img), "%s/stills/%s", media, name ? name : "");
    int w, h;
    uint8_t *rgb = nn_load_image(img, &w, &h);
    CHECK("image decodes", rgb != NULL);
    if (!rgb) {
        cJSON_Delete(fx);
        return;
    }
    AvaTextBox boxes[256];
    int n = 0, mw = 0, mh = 0;
    double t0 = nn_now_ms();
    CHECK("run", ava_text_det_run(det, rgb, w, h, (ptrdiff_t)w * 3, 0, boxes, 256, &n) == 0);
    double first_ms = nn_now_ms() - t0;
    const float *map = ava_text_det_map(det, &mw, &mh);
    CHECK("net size", map && mw == (int)nn_json_num(fx, "net_width") &&
                      mh == (int)nn_json_num(fx, "net_height"));
    if (!map) {
        free(rgb);
        cJSON_Delete(fx);
        return;
    }
    int stride = (int)nn_json_num(fx, "map_stride");
    const cJSON *ms = cJSON_GetObjectItemCaseSensitive(fx, "map_sample"), *v = ms ? ms->child : NULL;
    double merr = 0, sum = 0;
    int k = 0;
    for (int i = 0; i < mw * mh; i++) {
        sum += map[i];
        if (i % stride == 0 && v) {
            merr = fmax(merr, fabs(map[i] - v->valuedouble));
            v = v->next;
            k++;
        }
    }
    double ref_sum = nn_json_num(fx, "map_sum");
    double rel = fabs(sum - ref_sum) / fmax(ref_sum, 1.0); /* absolute for an empty map */
    const cJSON *bx = cJSON_GetObjectItemCaseSensitive(fx, "boxes");
    int n_ref = cJSON_GetArraySize(bx);
    double berr = 0, serr = 0;
    for (int i = 0; i < n && i < n_ref; i++) {
        const cJSON *b = cJSON_GetArrayItem(bx, i);
        float ours[4] = { boxes[i].x, boxes[i].y, boxes[i].w, boxes[i].h };
        berr = fmax(berr, nn_max_err(ours, cJSON_GetObjectItemCaseSensitive(b, "box"), 4));
        serr = fmax(serr, fabs(boxes[i].score - nn_json_num(b, "score")));
    }
    printf("  %-28s %dx%d -> %dx%d: map err %.2g, sum rel %.2g, boxes %d/%d, box err %.3g px, "
           "score err %.2g (first run incl. graph build %.0f ms)\n", name, w, h, mw, mh, merr,
           rel, n, n_ref, berr, serr, first_ms);
    CHECK("all map samples", k == cJSON_GetArraySize(ms));
    CHECK("probabilities within 1e-3", merr <= 1e-3);
    CHECK("map sum within 1e-4 relative", rel <= 1e-4);
    CHECK("same number of boxes", n == n_ref);
    CHECK("boxes within 1 px", berr <= 1.0);
    CHECK("box scores within 1e-3", serr <= 1e-3);
    if (!ort_ms)
        ort_ms = nn_json_num(fx, "ort_ms_640");
    if (!keep) {
        keep = rgb;
        kw = w;
        kh = h;
    } else {
        free(rgb);
    }
    cJSON_Delete(fx);
}

int main(int argc, char **argv)
{
    const char *models = nn_test_models_dir(argc, argv);
    if (!models || argc < 4) {
        printf("models/ absent (or usage: MODELS MEDIA FIXTURES): skipped; run "
               "scripts/fetch-models.sh\n");
        return NN_TEST_SKIP;
    }
    AvaTextDet *det = NULL;
    CHECK("open", ava_text_det_open(&det, models, NULL) == 0);
    if (!det)
        return nn_test_report("nn_text_det");
    static const char *const fixtures[] = { "text_det_imageTextN.json", "text_det_imageTextR.json",
                                            "text_det_text.json" };
    for (size_t i = 0; i < sizeof(fixtures) / sizeof(*fixtures); i++) {
        char path[1024];
        snprintf(path, sizeof(path), "%s/%s", argv[3], fixtures[i]);
        test_fixture(det, argv[2], path);
    }
    /* Odd sizes: a 1x1 image and thin strips run (net sizes 32x32, 960x32, 32x960). */
    static const int sizes[][2] = { { 1, 1 }, { 3000, 20 }, { 17, 1500 } };
    for (size_t i = 0; i < sizeof(sizes) / sizeof(*sizes); i++) {
        int w = sizes[i][0], h = sizes[i][1], n = -1, mw = 0, mh = 0;
        uint8_t *img = calloc((size_t)w * h, 3);
        AvaTextBox b[8];
        CHECK("odd size runs", img && ava_text_det_run(det, img, w, h, (ptrdiff_t)w * 3, 0, b, 8,
                                                       &n) == 0 && n >= 0);
        CHECK("odd size net", ava_text_det_map(det, &mw, &mh) && mw % 32 == 0 && mh % 32 == 0 &&
                              mw >= 32 && mh >= 32 && mw <= 960 && mh <= 960);
        free(img);
    }
    AvaTextBox b1[1];
    int n1;
    uint8_t px[3] = { 0 };
    CHECK("bad max_side refused", ava_text_det_run(det, px, 1, 1, 3, 16, b1, 1, &n1) < 0);
    if (keep) {
        /* 640x640: stretch the first image there (max_side 640 on a square source). */
        static uint8_t sq[640 * 640 * 3];
        for (int y = 0; y < 640; y++)
            for (int x = 0; x < 640; x++)
                memcpy(sq + ((size_t)y * 640 + x) * 3,
                       keep + ((size_t)(y * kh / 640) * kw + x * kw / 640) * 3, 3);
        AvaTextBox b[64];
        int n;
        ava_text_det_run(det, sq, 640, 640, 640 * 3, 640, b, 64, &n); /* builds the graph */
        double t[10];
        for (int r = 0; r < 10; r++) {
            double t0 = nn_now_ms();
            ava_text_det_run(det, sq, 640, 640, 640 * 3, 640, b, 64, &n);
            t[r] = nn_now_ms() - t0;
        }
        for (int i = 0; i < 10; i++) /* median */
            for (int j = i + 1; j < 10; j++)
                if (t[j] < t[i]) {
                    double s = t[i];
                    t[i] = t[j];
                    t[j] = s;
                }
        printf("  ppocr_v4_det 640x640, 1 thread: ava %.1f ms (median of 10, pre/post "
               "included), onnxruntime-node %.1f ms (fixture): ratio %.2f\n", t[5], ort_ms,
               ort_ms > 0 ? t[5] / ort_ms : 0);
        free(keep);
    }
    ava_text_det_close(&det);
    return nn_test_report("nn_text_det");
}
