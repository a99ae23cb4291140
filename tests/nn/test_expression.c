/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Parity of the expression net with the original face-api package:
 * tests/data/nn/face_expression.json, made by scripts/nn-fixtures/face_nets.mjs (face-api
 * 1.7.15, tfjs CPU backend) on face crops of libjpeg-turbo-decoded
 * stills/faceapijs/examples/images/{angry,...}.jpg: logits |d| <= 1e-3, probabilities
 * |d| <= 1e-4, the same top class.
 * Usage: test_expression MODELS_DIR MEDIA_DIR FIXTURE_DIR; exit 77 without models.
 */
#include <math.h>

#include "src/nn/net_expression.h"
#include "tests/nn/nn_image.h"
#include "tests/nn/nn_test.h"

static int argmax(const float *p, int n)
{
    int b = 0;
    for (int i = 1; i < n; i++)
        b = p[i] > p[b] ? i : b;
    return b;
}

int main(int argc, char **argv)
{
    const char *models = nn_test_models_dir(argc, argv);
    if (!models || argc < 4) {
        printf("models/ absent (or usage: MODELS MEDIA FIXTURES): skipped; run "
               "scripts/fetch-models.sh\n");
        return NN_TEST_SKIP;
    }
    AvaExpressionNet *net = NULL;
    CHECK("open", ava_expression_open(&net, models, NULL) == 0);
    if (!net)
        return nn_test_report("nn_expression");
    char path[1024];
    snprintf(path, sizeof(path), "%s/face_expression.json", argv[3]);
    cJSON *fx = nn_load_json(path);
    const cJSON *face, *faces = cJSON_GetObjectItemCaseSensitive(fx, "faces");
    CHECK("fixture has 7 faces", cJSON_GetArraySize(faces) == 7);
    double worst_l = 0, worst_p = 0;
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
        float prob[AVA_EXPRESSION_CLASSES];
        CHECK("run", ava_expression_run(net, rgb + ((size_t)r[1] * w + r[0]) * 3, r[2], r[3],
                                        (ptrdiff_t)w * 3, prob) == 0);
        double el = nn_max_err(ava_expression_logits(net),
                               cJSON_GetObjectItemCaseSensitive(face, "logits"), 7);
        const cJSON *ref = cJSON_GetObjectItemCaseSensitive(face, "prob");
        double ep = nn_max_err(prob, ref, 7);
        float refp[7];
        for (int k = 0; k < 7; k++)
            refp[k] = (float)cJSON_GetArrayItem(ref, k)->valuedouble;
        printf("  %-40s crop %dx%d: %-9s %.4f, logit err %.2g, prob err %.2g\n", name, r[2],
               r[3], ava_expression_label(argmax(prob, 7)), prob[argmax(prob, 7)], el, ep);
        CHECK("logits within 1e-3", el <= 1e-3);
        CHECK("probabilities within 1e-4", ep <= 1e-4);
        CHECK("same top class", argmax(prob, 7) == argmax(refp, 7));
        worst_l = fmax(worst_l, el);
        worst_p = fmax(worst_p, ep);
        free(rgb);
    }
    printf("  worst: logits %.2g, probabilities %.2g\n", worst_l, worst_p);
    cJSON_Delete(fx);

    static uint8_t crop[150 * 150 * 3];
    for (size_t i = 0; i < sizeof(crop); i++)
        crop[i] = (uint8_t)(i * 7);
    float prob[7];
    double t0 = nn_now_ms();
    for (int r = 0; r < 50; r++)
        ava_expression_run(net, crop, 150, 150, 450, prob);
    printf("  face_expression, 1 thread: %.3f ms per face (150x150 crop, 50 runs)\n",
           (nn_now_ms() - t0) / 50);
    ava_expression_close(&net);
    return nn_test_report("nn_expression");
}
