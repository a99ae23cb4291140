/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Every net refuses missing and corrupt model files with AVA_ERR_MODEL and an error message
 * that names the file. For each net: an empty models folder, then a copy of its real folder
 * with the weight file truncated to half (tiny face, expression, descriptor, SSD, age/gender:
 * the .bin shard; nsfw: the base64 shard bundle; text detection: the .onnx).
 * Usage: test_model_errors MODELS_DIR; exit 77 without models (the truncation needs them).
 */
#include <errno.h>
#include <stdarg.h>
#include <unistd.h>

#include "src/nn/net_age_gender.h"
#include "src/nn/net_expression.h"
#include "src/nn/net_face_descriptor.h"
#include "src/nn/net_landmark68.h"
#include "src/nn/net_nsfw.h"
#include "src/nn/net_ssd_face.h"
#include "src/nn/net_tiny_face.h"
#include "tests/nn/nn_image.h"
#include "tests/nn/nn_test.h"
#ifdef AVA_TEST_HAVE_ONNX
#include "src/nn/net_text_det.h"
#endif

static char last_error[2048];

static void capture(void *cookie, int level, const char *fmt, va_list ap)
{
    (void)cookie;
    if (level <= AVA_LOG_ERROR && !last_error[0])
        vsnprintf(last_error, sizeof(last_error), fmt, ap);
}

static const AvaLogger lg = { NULL, capture, AVA_LOG_DEBUG };

typedef int (*OpenFn)(const char *dir);

#define OPENER(fn, type, closefn, ...) \
    static int fn(const char *dir) { type *c = NULL; int r = __VA_ARGS__; closefn(&c); return r; }
OPENER(o_tiny, AvaTinyFace, ava_tiny_face_close, ava_tiny_face_open(&c, dir, 416, &lg))
OPENER(o_lm, AvaLandmark68, ava_landmark68_close, ava_landmark68_open(&c, dir, &lg))
OPENER(o_expr, AvaExpressionNet, ava_expression_close, ava_expression_open(&c, dir, &lg))
OPENER(o_desc, AvaFaceDescriptor, ava_face_descriptor_close, ava_face_descriptor_open(&c, dir, &lg))
OPENER(o_ssd, AvaSsdFace, ava_ssd_face_close, ava_ssd_face_open(&c, dir, &lg))
OPENER(o_ag, AvaAgeGender, ava_age_gender_close, ava_age_gender_open(&c, dir, &lg))
OPENER(o_nsfw, AvaNsfw, ava_nsfw_close, ava_nsfw_open(&c, dir, &lg))
#ifdef AVA_TEST_HAVE_ONNX
/* The graph is built on the first run: run once on a small image. */
static int o_text(const char *dir)
{
    AvaTextDet *c = NULL;
    int r = ava_text_det_open(&c, dir, &lg);
    if (r == 0) {
        static uint8_t img[64 * 64 * 3];
        AvaTextBox b[4];
        int n;
        r = ava_text_det_run(c, img, 64, 64, 192, 0, b, 4, &n);
    }
    ava_text_det_close(&c);
    return r;
}
#endif

static const struct {
    const char *name, *folder, *victim;   /* victim: the file truncated */
    OpenFn open;
} nets[] = {
    { "tiny_face", "tiny_face_detector", "tiny_face_detector_model.bin", o_tiny },
    { "landmark68", "face_landmark_68", "face_landmark_68_model.bin", o_lm },
    { "expression", "face_expression", "face_expression_model.bin", o_expr },
    { "face_descriptor", "face_recognition", "face_recognition_model.bin", o_desc },
    { "ssd_face", "ssd_mobilenetv1", "ssd_mobilenetv1_model.bin", o_ssd },
    { "age_gender", "age_gender", "age_gender_model.bin", o_ag },
    { "nsfw", "nsfw_mobilenet_v2", "group1-shard1of1.min.js", o_nsfw },
#ifdef AVA_TEST_HAVE_ONNX
    { "text_det", "ppocr_v4_det", "ch_PP-OCRv4_det_infer.onnx", o_text },
#endif
};

static int copy_file(const char *from, const char *to, int half)
{
    size_t n;
    uint8_t *b = nn_read_file(from, &n);
    FILE *f = b ? fopen(to, "wb") : NULL;
    int ok = f && fwrite(b, 1, half ? n / 2 : n, f) == (half ? n / 2 : n);
    if (f)
        fclose(f);
    free(b);
    return ok ? 0 : -1;
}

int main(int argc, char **argv)
{
    const char *models = nn_test_models_dir(argc, argv);
    if (!models) {
        printf("models/ absent: skipped; run scripts/fetch-models.sh\n");
        return NN_TEST_SKIP;
    }
    char tmp[] = "/tmp/ava_model_errors_XXXXXX";
    CHECK("temp dir", mkdtemp(tmp) != NULL);
    for (size_t i = 0; i < sizeof(nets) / sizeof(*nets); i++) {
        char dir[256], sub[512], from[1024], to[1024];
        /* 1. missing: an empty models folder */
        snprintf(dir, sizeof(dir), "%s/%s", tmp, nets[i].name);
        mkdir(dir, 0700);
        last_error[0] = 0;
        int r = nets[i].open(dir);
        printf("  %-16s missing:   %s\n", nets[i].name, last_error);
        CHECK("missing: AVA_ERR_MODEL", r == AVA_ERR_MODEL);
        CHECK("missing: the message names the folder", strstr(last_error, nets[i].folder) != NULL);
        /* 2. corrupt: the real files, the weights truncated to half */
        snprintf(sub, sizeof(sub), "%s/%s", dir, nets[i].folder);
        mkdir(sub, 0700);
        snprintf(from, sizeof(from), "%s/%s", models, nets[i].folder);
        {
            static const char *const files[] = { "_model-weights_manifest.json", "_model.bin",
                                                 "model.min.js", "group1-shard1of1.min.js",
                                                 "ch_PP-OCRv4_det_infer.onnx" };
            for (size_t k = 0; k < sizeof(files) / sizeof(*files); k++) {
                char f1[1200], f2[1200];
                const char *pre = files[k][0] == '_' ? nets[i].folder : "";
                snprintf(f1, sizeof(f1), "%s/%s%s", from, pre, files[k]);
                snprintf(f2, sizeof(f2), "%s/%s%s", sub, pre, files[k]);
                if (access(f1, R_OK) == 0)
                    copy_file(f1, f2, strstr(f2, nets[i].victim) != NULL);
            }
        }
        snprintf(to, sizeof(to), "%s/%s", sub, nets[i].victim);
        CHECK("victim copied", access(to, R_OK) == 0);
        last_error[0] = 0;
        r = nets[i].open(dir);
        printf("  %-16s truncated: %s\n", nets[i].name, last_error);
        CHECK("truncated: AVA_ERR_MODEL", r == AVA_ERR_MODEL);
        CHECK("truncated: the message names the folder", strstr(last_error, nets[i].folder) != NULL);
        /* clean up */
        static const char *const all[] = { "_model-weights_manifest.json", "_model.bin",
                                           "model.min.js", "group1-shard1of1.min.js",
                                           "ch_PP-OCRv4_det_infer.onnx" };
        for (size_t k = 0; k < sizeof(all) / sizeof(*all); k++) {
            char f2[1200];
            snprintf(f2, sizeof(f2), "%s/%s%s", sub, all[k][0] == '_' ? nets[i].folder : "",
                     all[k]);
            unlink(f2);
        }
        rmdir(sub);
        rmdir(dir);
    }
    rmdir(tmp);
    return nn_test_report("nn_model_errors");
}
