/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Parity of the face descriptor net with the original face-api package.
 *  1. tests/data/nn/face_descriptor.json, made by scripts/nn-fixtures/face_nets.mjs (face-api
 *     1.7.15, tfjs CPU backend) on face crops of libjpeg-turbo-decoded images: every
 *     component |d| <= 1e-3.
 *  2. face-api.js's own published descriptors for stills/faceapijs/test/images/face1.png,
 *     face2.png and face_rectangular.png (labels/faceapijs_test_data/faceDescriptor{1,2,Rect}
 *     .json, computed by face-api.js's tests in a browser with other weights: face-api 1.7.15
 *     itself, under node, is 0.036 / 0.041 / 0.042 from them, max component 0.012): every
 *     component |d| <= 0.015 and the Euclidean distance <= 0.05, a twelfth of face-api's 0.6
 *     same-person threshold.
 * Usage: test_face_descriptor MODELS_DIR MEDIA_DIR FIXTURE_DIR; exit 77 without models.
 */
#include <math.h>

#include "src/nn/net_face_descriptor.h"
#include "tests/nn/nn_image.h"
#include "tests/nn/nn_test.h"

#define DIM AVA_FACE_DESCRIPTOR_DIM

static double dist(const float *a, const cJSON *arr)
{
    double s = 0;
    for (int i = 0; i < DIM; i++) {
        double d = a[i] - cJSON_GetArrayItem(arr, i)->valuedouble;
        s += d * d;
    }
    return sqrt(s);
}

static void test_published(AvaFaceDescriptor *net, const char *media, const char *img,
                           const char *ref)
{
    char p[1024], q[1024];
    snprintf(p, sizeof(p), "%s/stills/faceapijs/test/images/%s", media, img);
    snprintf(q, sizeof(q), "%s/labels/faceapijs_test_data/%s", media, ref);
    int w, h;
    uint8_t *rgb = nn_load_png(p, &w, &h);
    cJSON *j = nn_load_json(q);
    CHECK("published image and descriptor load", rgb && cJSON_GetArraySize(j) == DIM);
    if (rgb && cJSON_GetArraySize(j) == DIM) {
        float d[DIM];
        CHECK("run", ava_face_descriptor_run(net, rgb, w, h, (ptrdiff_t)w * 3, d) == 0);
        double e = nn_max_err(d, j, DIM), l2 = dist(d, j);
        printf("  %-22s vs face-api.js published %s: max err %.2g, distance %.2g\n", img, ref,
               e, l2);
        CHECK("published: components within 0.015", e <= 0.015);
        CHECK("published: distance <= 0.05", l2 <= 0.05);
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
    AvaFaceDescriptor *net = NULL;
    CHECK("open", ava_face_descriptor_open(&net, models, NULL) == 0);
    if (!net)
        return nn_test_report("nn_face_descriptor");
    char path[1024];
    snprintf(path, sizeof(path), "%s/face_descriptor.json", argv[3]);
    cJSON *fx = nn_load_json(path);
    const cJSON *face, *faces = cJSON_GetObjectItemCaseSensitive(fx, "faces");
    CHECK("fixture has 7 faces", cJSON_GetArraySize(faces) == 7);
    double worst = 0;
    cJSON_ArrayForEach(face, faces) {
        const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(face, "image"));
        snprintf(path, sizeof(path), "%s/stills/%s", argv[2], name ? name : "");
        int w, h, r[4];
        uint8_t *rgb = nn_load_image(path, &w, &h);
        CHECK("image decodes", rgb != NULL);
        if (!rgb)
            continue;
        for (int k = 0; k < 4; k++)
            r[k] = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(face, "crop"), k)->valueint;
        CHECK("crop inside image", r[0] >= 0 && r[1] >= 0 && r[0] + r[2] <= w && r[1] + r[3] <= h);
        float d[DIM];
        CHECK("run", ava_face_descriptor_run(net, rgb + ((size_t)r[1] * w + r[0]) * 3, r[2],
                                             r[3], (ptrdiff_t)w * 3, d) == 0);
        const cJSON *ref = cJSON_GetObjectItemCaseSensitive(face, "descriptor");
        double e = nn_max_err(d, ref, DIM);
        printf("  %-40s crop %dx%d: max err %.2g, distance %.2g\n", name, r[2], r[3], e,
               dist(d, ref));
        CHECK("components within 1e-3", e <= 1e-3);
        worst = fmax(worst, e);
        free(rgb);
    }
    printf("  worst: %.2g\n", worst);
    cJSON_Delete(fx);
    test_published(net, argv[2], "face1.png", "faceDescriptor1.json");
    test_published(net, argv[2], "face2.png", "faceDescriptor2.json");
    test_published(net, argv[2], "face_rectangular.png", "faceDescriptorRect.json");

    static uint8_t crop[150 * 150 * 3];
    for (size_t i = 0; i < sizeof(crop); i++)
        crop[i] = (uint8_t)(i * 7);
    float d[DIM];
    double t0 = nn_now_ms();
    for (int r = 0; r < 20; r++)
        ava_face_descriptor_run(net, crop, 150, 150, 450, d);
    printf("  face_recognition, 1 thread: %.3f ms per face (150x150 crop, 20 runs)\n",
           (nn_now_ms() - t0) / 20);
    ava_face_descriptor_close(&net);
    return nn_test_report("nn_face_descriptor");
}
