/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Parity of the SSD MobileNet v1 face detector with the original face-api package:
 * tests/data/nn/ssd_face_*.json, made by scripts/nn-fixtures/ssd_face.mjs (face-api 1.7.15,
 * tfjs CPU backend) on libjpeg-turbo-decoded images. Tolerances: sampled decoded anchor boxes
 * |d| <= 1e-3 (relative units) and scores |d| <= 1e-3, score sum relative error <= 1e-4, the
 * same number of detections, scores <= 1e-3 and boxes <= 1 px on x, y, w, h.
 * Usage: test_ssd_face MODELS_DIR MEDIA_DIR FIXTURE_DIR; exit 77 without models.
 */
#include <math.h>

#include "src/nn/net_ssd_face.h"
#include "tests/nn/nn_image.h"
#include "tests/nn/nn_test.h"

static uint8_t *first_rgb;
static int first_w, first_h;

static void test_fixture(AvaSsdFace *det, const char *media, const char *path)
{
    cJSON *fx = nn_load_json(path);
    CHECK("fixture loads", fx != NULL);
    if (!fx)
        return;
    const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(fx, "image"));
    char img[1024];
    snprintf(img, sizeof(img), "%s/stills/%s", media, name ? name : "");
    int w, h;
    uint8_t *rgb = nn_load_jpeg(img, &w, &h);
    CHECK("image decodes", rgb != NULL);
    if (!rgb) {
        cJSON_Delete(fx);
        return;
    }
    float ms = (float)nn_json_num(fx, "min_score");
    AvaFaceBox boxes[100];
    int n = 0;
    CHECK("detect", ava_ssd_face_detect(det, rgb, w, h, (ptrdiff_t)w * 3, ms, boxes, 100, &n) == 0);
    const float *raw_b, *raw_s;
    ava_ssd_face_raw(det, &raw_b, &raw_s);
    int stride = (int)nn_json_num(fx, "sample_stride");
    const cJSON *sb = cJSON_GetObjectItemCaseSensitive(fx, "sample_boxes");
    const cJSON *ss = cJSON_GetObjectItemCaseSensitive(fx, "sample_scores");
    double box_err = 0, score_err = 0, sum = 0;
    int k = 0;
    const cJSON *vb = sb ? sb->child : NULL, *vs = ss ? ss->child : NULL;
    for (int i = 0; i < AVA_SSD_FACE_ANCHORS; i += stride, k++) {
        for (int j = 0; j < 4 && vb; j++, vb = vb->next)
            box_err = fmax(box_err, fabs(raw_b[4 * i + j] - vb->valuedouble));
        if (vs) {
            score_err = fmax(score_err, fabs(raw_s[i] - vs->valuedouble));
            vs = vs->next;
        }
    }
    for (int i = 0; i < AVA_SSD_FACE_ANCHORS; i++)
        sum += raw_s[i];
    CHECK("all samples present", k == cJSON_GetArraySize(ss) && 4 * k == cJSON_GetArraySize(sb));
    double ref_sum = nn_json_num(fx, "score_sum"), sum_rel = fabs(sum - ref_sum) / ref_sum;
    const cJSON *dets = cJSON_GetObjectItemCaseSensitive(fx, "detections");
    int n_ref = cJSON_GetArraySize(dets);
    double dbox = 0, dscore = 0;
    for (int i = 0; i < n && i < n_ref; i++) {
        const cJSON *d = cJSON_GetArrayItem(dets, i);
        const cJSON *b = cJSON_GetObjectItemCaseSensitive(d, "box");
        float ours[4] = { boxes[i].x, boxes[i].y, boxes[i].w, boxes[i].h };
        dbox = fmax(dbox, nn_max_err(ours, b, 4));
        dscore = fmax(dscore, fabs(boxes[i].score - nn_json_num(d, "score")));
    }
    printf("  %-40s faces %d/%d: anchor box err %.2g, anchor score err %.2g, sum rel %.2g, "
           "box err %.3g px, score err %.2g\n", name, n, n_ref, box_err, score_err, sum_rel,
           dbox, dscore);
    CHECK("anchor boxes within 1e-3", box_err <= 1e-3);
    CHECK("anchor scores within 1e-3", score_err <= 1e-3);
    CHECK("score sum within 1e-4 relative", sum_rel <= 1e-4);
    CHECK("same number of detections", n == n_ref);
    CHECK("detection boxes within 1 px", dbox <= 1.0);
    CHECK("detection scores within 1e-3", dscore <= 1e-3);
    if (!first_rgb) {
        first_rgb = rgb;
        first_w = w;
        first_h = h;
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
    AvaSsdFace *det = NULL;
    CHECK("open", ava_ssd_face_open(&det, models, NULL) == 0);
    if (!det)
        return nn_test_report("nn_ssd_face");
    static const char *const fixtures[] = { "ssd_face_sample1.json",
        "ssd_face_grace_hopper_512x512.json", "ssd_face_faces.json" };
    for (size_t i = 0; i < sizeof(fixtures) / sizeof(*fixtures); i++) {
        char path[1024];
        snprintf(path, sizeof(path), "%s/%s", argv[3], fixtures[i]);
        test_fixture(det, argv[2], path);
    }
    AvaFaceBox b[4];
    int n;
    CHECK("bad min_score refused", ava_ssd_face_detect(det, first_rgb ? first_rgb : (uint8_t *)b,
          1, 1, 3, 1.5f, b, 4, &n) < 0);
    if (first_rgb) {
        double t0 = nn_now_ms();
        for (int r = 0; r < 10; r++)
            ava_ssd_face_detect(det, first_rgb, first_w, first_h, (ptrdiff_t)first_w * 3, 0.5f,
                                b, 4, &n);
        printf("  ssd_mobilenetv1, 1 thread: %.2f ms per detect (%dx%d image, 10 runs)\n",
               (nn_now_ms() - t0) / 10, first_w, first_h);
    }
    free(first_rgb);
    ava_ssd_face_close(&det);
    return nn_test_report("nn_ssd_face");
}
