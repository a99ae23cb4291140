/* SPDX-License-Identifier: MIT */
/** @file User classifiers: declarations, model loading, inference (see classifier.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "src/log.h"
#include "src/maturity/classifier.h"
#include "src/nn/face_common.h"
#include "src/nn/graph.h"
#include "src/nn/tfjs_graph_js.h"

struct AvaClassifier {
    AvaGraph *g;
    int size, n_classes, softmax;
    float *in;
    const float *out;
};

static int name_ok(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n == 0 || n >= max)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return 0;
    return 1;
}

static int bad(const AvaLogger *lg, int k, const char *why)
{
    ava_log(lg, AVA_LOG_ERROR, "classifiers: entry %d: %s", k + 1, why);
    return AVA_ERR_CONFIG;
}

int ava_classifier_specs_parse(const char *json, AvaClassifierSpec *specs, int max, int *n,
                               const AvaLogger *lg)
{
    *n = 0;
    cJSON *root = json ? cJSON_Parse(json) : NULL;
    if (!cJSON_IsArray(root)) {
        cJSON_Delete(root);
        ava_log(lg, AVA_LOG_ERROR, "classifiers: not a JSON array of {name, path, input_size, "
                "classes}");
        return AVA_ERR_CONFIG;
    }
    int ret = 0, k = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, root) {
        if (k >= max) {
            ret = bad(lg, k, "too many classifiers");
            break;
        }
        AvaClassifierSpec *s = &specs[k];
        memset(s, 0, sizeof(*s));
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(e, "name");
        const cJSON *path = cJSON_GetObjectItemCaseSensitive(e, "path");
        const cJSON *size = cJSON_GetObjectItemCaseSensitive(e, "input_size");
        const cJSON *cls = cJSON_GetObjectItemCaseSensitive(e, "classes");
        if (!cJSON_IsString(name) || !name_ok(name->valuestring, sizeof(s->name))) {
            ret = bad(lg, k, "\"name\" must be 1-31 characters of [a-z0-9_]");
            break;
        }
        if (!cJSON_IsString(path) || !*path->valuestring ||
            strlen(path->valuestring) >= sizeof(s->path)) {
            ret = bad(lg, k, "\"path\" must be a model file name under 1024 bytes");
            break;
        }
        if (!cJSON_IsNumber(size) || size->valuedouble < 16 || size->valuedouble > 1024 ||
            size->valuedouble != floor(size->valuedouble)) {
            ret = bad(lg, k, "\"input_size\" must be an integer 16..1024");
            break;
        }
        int nc = cJSON_IsArray(cls) ? cJSON_GetArraySize(cls) : 0;
        if (nc < 1 || nc > AVA_CLASSIFIER_MAX_CLASSES) {
            ret = bad(lg, k, "\"classes\" must be an array of 1..16 class names");
            break;
        }
        snprintf(s->name, sizeof(s->name), "%s", name->valuestring);
        snprintf(s->path, sizeof(s->path), "%s", path->valuestring);
        s->input_size = (int)size->valuedouble;
        s->n_classes = nc;
        int c = 0;
        const cJSON *v;
        cJSON_ArrayForEach(v, cls) {
            if (!cJSON_IsString(v) || !name_ok(v->valuestring, AVA_CLASSIFIER_NAME)) {
                ret = bad(lg, k, "a class name must be 1-31 characters of [a-z0-9_]");
                break;
            }
            snprintf(s->classes[c++], AVA_CLASSIFIER_NAME, "%s", v->valuestring);
        }
        if (ret < 0)
            break;
        k++;
    }
    cJSON_Delete(root);
    *n = ret < 0 ? 0 : k;
    return ret;
}

void ava_classifier_close(AvaClassifier **cp)
{
    if (!cp || !*cp)
        return;
    ava_graph_close(&(*cp)->g);
    free(*cp);
    *cp = NULL;
}

int ava_classifier_open(AvaClassifier **out, const AvaClassifierSpec *spec,
                        const char *models_dir, const AvaLogger *lg)
{
    *out = NULL;
    if (!spec || spec->input_size < 16 || spec->input_size > 1024 || spec->n_classes < 1 ||
        spec->n_classes > AVA_CLASSIFIER_MAX_CLASSES)
        return AVA_ERR(EINVAL);
    char path[2200];
    if (spec->path[0] == '/' || !models_dir)
        snprintf(path, sizeof(path), "%s", spec->path);
    else
        snprintf(path, sizeof(path), "%s/%s", models_dir, spec->path);
    AvaClassifier *c = calloc(1, sizeof(*c));
    if (!c)
        return AVA_ERR(ENOMEM);
    c->size = spec->input_size;
    c->n_classes = spec->n_classes;
    AvaTfjsJsModel *m = NULL;
    AvaKerasNet net;
    int ret = ava_tfjs_js_load(&m, path, lg);
    if (ret >= 0)
        ret = ava_graph_create(&c->g, spec->name, lg);
    if (ret >= 0)
        ret = ava_keras_build(c->g, m, ava_graph_input(c->g, 1, c->size, c->size, 3), NULL,
                              &net, lg);
    if (ret >= 0) {
        int d[4];
        int nd = ava_graph_shape(c->g, net.output, d);
        if (nd != 2 || d[1] != spec->n_classes) {
            ava_log(lg, AVA_LOG_ERROR, "classifier %s: model %s gives %d outputs, %d classes "
                    "declared", spec->name, path, nd == 2 ? d[1] : -1, spec->n_classes);
            ret = AVA_ERR_MODEL;
        }
    }
    if (ret >= 0) {
        c->softmax = net.softmax;
        ava_graph_output(c->g, net.output);
        ret = ava_graph_build(c->g);
    }
    ava_tfjs_js_close(&m);
    if (ret < 0) {
        ava_classifier_close(&c);
        return ret;
    }
    c->in = ava_graph_input_data(c->g, 0, NULL);
    c->out = ava_graph_output_data(c->g, 0, NULL);
    *out = c;
    return 0;
}

/* Bilinear stretch with aligned corners (tfjs resizeBilinear alignCorners = true), / 255. */
static void stretch(const uint8_t *rgb, int w, int h, ptrdiff_t stride, int s, float *dst)
{
    double ry = s > 1 ? (double)(h - 1) / (s - 1) : 0, rx = s > 1 ? (double)(w - 1) / (s - 1) : 0;
    for (int r = 0; r < s; r++) {
        double fy = ry * r;
        int y0 = (int)floor(fy), y1 = (int)ceil(fy) < h - 1 ? (int)ceil(fy) : h - 1;
        double dy = fy - y0;
        const uint8_t *a = rgb + (ptrdiff_t)y0 * stride, *b = rgb + (ptrdiff_t)y1 * stride;
        for (int col = 0; col < s; col++) {
            double fx = rx * col;
            int x0 = (int)floor(fx), x1 = (int)ceil(fx) < w - 1 ? (int)ceil(fx) : w - 1;
            double dx = fx - x0;
            for (int ch = 0; ch < 3; ch++) {
                double tl = a[3 * x0 + ch] / 255.0f, tr = a[3 * x1 + ch] / 255.0f;
                double bl = b[3 * x0 + ch] / 255.0f, br = b[3 * x1 + ch] / 255.0f;
                double top = tl + (tr - tl) * dx, bottom = bl + (br - bl) * dx;
                *dst++ = (float)(top + (bottom - top) * dy);
            }
        }
    }
}

int ava_classifier_run(AvaClassifier *c, const uint8_t *rgb, int w, int h, ptrdiff_t stride,
                       float *prob)
{
    if (!c || !rgb || !prob || w < 1 || h < 1 || stride < 3 * (ptrdiff_t)w)
        return AVA_ERR(EINVAL);
    stretch(rgb, w, h, stride, c->size, c->in);
    int ret = ava_graph_run(c->g);
    if (ret < 0)
        return ret;
    if (c->softmax)
        ava_nn_softmax(c->out, prob, c->n_classes);
    else
        memcpy(prob, c->out, (size_t)c->n_classes * sizeof(float));
    return 0;
}
