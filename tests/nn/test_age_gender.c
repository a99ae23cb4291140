/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Parity of the age/gender net with the original face-api package:
 * tests/data/nn/age_gender.json, made by scripts/nn-fixtures/face_nets.mjs (face-api 1.7.15,
 * tfjs CPU backend) on face crops of libjpeg-turbo-decoded images: age |d| <= 0.01 years,
 * gender logits |d| <= 1e-3, gender probability |d| <= 1e-4, the same gender.
 * Usage: test_age_gender MODELS_DIR MEDIA_DIR FIXTURE_DIR; exit 77 without models.
 */
#include <math.h>

#include "src/nn/net_age_gender.h"
#include "tests/nn/nn_image.h"
#include "tests/nn/nn_test.h"

int main(int argc, char **argv)
{
    const char *models = nn_test_models_dir(argc, argv);
    if (!models || argc < 4) {
        printf("models/ absent (or usage: MODELS MEDIA FIXTURES): skipped; run "
               "scripts/fetch-models.sh\n");
        return NN_TEST_SKIP;
    }
    AvaAgeGender *net = NULL;
    CHECK("open", ava_age_gender_open(&net, models, NULL) == 0);
    if (!net)
        return nn_test_report("nn_age_gender");
    char path[1024];
    snprintf(path, sizeof(path), "%s/age_gender.json", argv[3]);
    cJSON *fx = nn_load_json(path);
    const cJSON *face, *faces = cJSON_GetObjectItemCaseSensitive(fx, "faces");
    CHECK("fixture has 7 faces", cJSON_GetArraySize(faces) == 7);
    double wa = 0, wl = 0, wp = 0;
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
        AvaAgeGenderResult res;
        CHECK("run", ava_age_gender_run(net, rgb + ((size_t)r[1] * w + r[0]) * 3, r[2], r[3],
                                        (ptrdiff_t)w * 3, &res) == 0);
        double ea = fabs(res.age - nn_json_num(face, "age"));
        double el = nn_max_err(ava_age_gender_logits(net),
                               cJSON_GetObjectItemCaseSensitive(face, "gender_logits"), 2);
        const char *g = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(face, "gender"));
        int male = g && !strcmp(g, "male");
        double ref_pm = male ? nn_json_num(face, "gender_probability")
                             : 1 - nn_json_num(face, "gender_probability");
        double ep = fabs(res.p_male - ref_pm);
        printf("  %-40s crop %dx%d: age %.2f %s %.4f; age err %.2g, logit err %.2g, prob err "
               "%.2g\n", name, r[2], r[3], res.age, res.p_male > 0.5f ? "male" : "female",
               res.p_male > 0.5f ? res.p_male : 1 - res.p_male, ea, el, ep);
        CHECK("age within 0.01", ea <= 0.01);
        CHECK("gender logits within 1e-3", el <= 1e-3);
        CHECK("gender probability within 1e-4", ep <= 1e-4);
        CHECK("same gender", (res.p_male > 0.5f) == male);
        wa = fmax(wa, ea), wl = fmax(wl, el), wp = fmax(wp, ep);
        free(rgb);
    }
    printf("  worst: age %.2g, logits %.2g, probability %.2g\n", wa, wl, wp);
    cJSON_Delete(fx);

    static uint8_t crop[150 * 150 * 3];
    for (size_t i = 0; i < sizeof(crop); i++)
        crop[i] = (uint8_t)(i * 7);
    AvaAgeGenderResult res;
    double t0 = nn_now_ms();
    for (int r = 0; r < 50; r++)
        ava_age_gender_run(net, crop, 150, 150, 450, &res);
    printf("  age_gender, 1 thread: %.3f ms per face (150x150 crop, 50 runs)\n",
           (nn_now_ms() - t0) / 50);
    ava_age_gender_close(&net);
    return nn_test_report("nn_age_gender");
}
