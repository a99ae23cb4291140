/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Parity of the nsfwjs MobileNetV2 net with the original package:
 * tests/data/nn/nsfw.json, made by scripts/nn-fixtures/nsfw.mjs (nsfwjs 4.4.0 with its own
 * bundled model files, @tensorflow/tfjs 4.22 CPU backend) on libjpeg-turbo-decoded images:
 * probabilities |d| <= 1e-3, the same top class, sampled pooled features |d| <= 1e-3 and
 * their sum of |x| within 1e-4 relative.
 * Usage: test_nsfw MODELS_DIR MEDIA_DIR FIXTURE_DIR; exit 77 without models.
 */
#include <math.h>

#include "src/nn/net_nsfw.h"
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
    AvaNsfw *net = NULL;
    CHECK("open", ava_nsfw_open(&net, models, NULL) == 0);
    if (!net)
        return nn_test_report("nn_nsfw");
    char path[1024];
    snprintf(path, sizeof(path), "%s/nsfw.json", argv[3]);
    cJSON *fx = nn_load_json(path);
    const cJSON *im, *ims = cJSON_GetObjectItemCaseSensitive(fx, "images");
    int stride = (int)nn_json_num(fx, "embed_stride");
    CHECK("fixture has images", cJSON_GetArraySize(ims) >= 5 && stride >= 1);
    static float embed[AVA_NSFW_EMBED_DIM];
    uint8_t *keep = NULL;
    int kw = 0, kh = 0;
    cJSON_ArrayForEach(im, ims) {
        const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(im, "image"));
        snprintf(path, sizeof(path), "%s/stills/%s", argv[2], name ? name : "");
        int w, h;
        uint8_t *rgb = nn_load_image(path, &w, &h);
        CHECK("image decodes", rgb != NULL);
        if (!rgb)
            continue;
        float prob[AVA_NSFW_CLASSES];
        CHECK("run", ava_nsfw_run(net, rgb, w, h, (ptrdiff_t)w * 3, prob, embed) == 0);
        const cJSON *ref = cJSON_GetObjectItemCaseSensitive(im, "prob");
        double ep = nn_max_err(prob, ref, AVA_NSFW_CLASSES);
        const char *top = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(im, "top"));
        const char *ours = ava_nsfw_label(argmax(prob, AVA_NSFW_CLASSES));
        double ee = 0, abs = 0;
        const cJSON *es = cJSON_GetObjectItemCaseSensitive(im, "embed_sample"), *v = es ? es->child : NULL;
        int k = 0;
        for (int i = 0; i < AVA_NSFW_EMBED_DIM; i++) {
            abs += fabs(embed[i]);
            if (i % stride == 0 && v) {
                ee = fmax(ee, fabs(embed[i] - v->valuedouble));
                v = v->next;
                k++;
            }
        }
        double ref_abs = nn_json_num(im, "embed_abs_sum"), rel = fabs(abs - ref_abs) / ref_abs;
        printf("  %-45s %4dx%-4d %-8s %.4f: prob err %.2g, embed err %.2g, |embed| rel %.2g\n",
               name, w, h, ours, prob[argmax(prob, AVA_NSFW_CLASSES)], ep, ee, rel);
        CHECK("probabilities within 1e-3", ep <= 1e-3);
        CHECK("same top class", top && !strcmp(top, ours));
        CHECK("all embedding samples", k == cJSON_GetArraySize(es));
        CHECK("embedding within 1e-3", ee <= 1e-3);
        CHECK("embedding |sum| within 1e-4 relative", rel <= 1e-4);
        if (!keep) {
            keep = rgb;
            kw = w;
            kh = h;
        } else {
            free(rgb);
        }
    }
    cJSON_Delete(fx);
    if (keep) {
        float prob[AVA_NSFW_CLASSES];
        double t0 = nn_now_ms();
        for (int r = 0; r < 10; r++)
            ava_nsfw_run(net, keep, kw, kh, (ptrdiff_t)kw * 3, prob, NULL);
        printf("  nsfw_mobilenet_v2, 1 thread: %.2f ms per image (%dx%d, resize included, "
               "10 runs)\n", (nn_now_ms() - t0) / 10, kw, kh);
        free(keep);
    }
    ava_nsfw_close(&net);
    return nn_test_report("nn_nsfw");
}
