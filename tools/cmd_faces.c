/* SPDX-License-Identifier: MIT */
/**
 * @file
 * ava faces IMAGE... [--cluster]: the face chain on still images, JSON on stdout.
 * A user of the public API only (ava/faces.h).
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ava/ava.h"
#include "ava/faces.h"
#include "commands.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: ava faces IMAGE... [options]\n"
            "  --models DIR       models folder (default $AVA_MODELS or ./models)\n"
            "  --tiny             tiny face detector instead of SSD MobileNet v1\n"
            "  --min-score S      detection confidence 0..1 (default 0.5)\n"
            "  --min-face F       smallest face, fraction of image height (default 0.03;\n"
            "                     0 = one detector pass, no tiles)\n"
            "  --age-gender       add age and gender\n"
            "  --crops            each image is one face crop: no detection\n"
            "  --cluster          group the faces of all images into identities\n"
            "  --threshold T      identity distance threshold (default %.2f)\n"
            "  --no-descriptor    leave the 128 descriptor values out of the JSON\n"
            "Prints one JSON object: {\"faces\": [...], \"identities\": [...]}.\n",
            (double)AVA_FACE_CLUSTER_THRESHOLD);
}

static double r4(double v)
{
    return round(v * 1e4) / 1e4;
}

static cJSON *num_array(const float *v, int n, double scale)
{
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; a && i < n; i++)
        cJSON_AddItemToArray(a, cJSON_CreateNumber(round(v[i] * scale) / scale));
    return a;
}

static cJSON *face_json(const char *image, int w, int h, const AvaFace *f, int with_desc,
                        int with_ag)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "image", image);
    cJSON_AddNumberToObject(o, "image_w", w);
    cJSON_AddNumberToObject(o, "image_h", h);
    float box[4] = { f->x, f->y, f->w, f->h };
    cJSON_AddItemToObject(o, "box", num_array(box, 4, 10));
    cJSON_AddNumberToObject(o, "score", r4(f->score));
    cJSON *q = cJSON_AddObjectToObject(o, "quality");
    cJSON_AddNumberToObject(q, "height_frac", r4(f->height_frac));
    cJSON_AddNumberToObject(q, "sharpness", round(f->sharpness * 10) / 10);
    cJSON_AddNumberToObject(q, "edge_cut", r4(f->edge_cut));
    cJSON_AddItemToObject(o, "landmarks", num_array(f->landmarks, 2 * AVA_FACE_POINTS, 10));
    cJSON_AddNumberToObject(o, "yaw", round(f->yaw * 10) / 10);
    cJSON_AddNumberToObject(o, "pitch", round(f->pitch * 10) / 10);
    cJSON_AddNumberToObject(o, "roll", round(f->roll * 10) / 10);
    cJSON_AddNumberToObject(o, "pose_err_px", round(f->pose_err_px * 10) / 10);
    cJSON_AddItemToObject(o, "eye_open", num_array(f->eye_open, 2, 1e4));
    cJSON_AddNumberToObject(o, "mouth_open", r4(f->mouth_open));
    cJSON *e = cJSON_AddObjectToObject(o, "expression");
    int best = 0;
    for (int k = 0; k < AVA_FACE_EXPRESSIONS; k++) {
        cJSON_AddNumberToObject(e, ava_face_expression_label(k), r4(f->expression[k]));
        if (f->expression[k] > f->expression[best])
            best = k;
    }
    cJSON_AddStringToObject(o, "top_expression", ava_face_expression_label(best));
    if (with_ag) {
        cJSON_AddNumberToObject(o, "age", round(f->age * 10) / 10);
        cJSON_AddNumberToObject(o, "p_male", r4(f->p_male));
    }
    if (with_desc)
        cJSON_AddItemToObject(o, "descriptor", num_array(f->descriptor, AVA_FACE_DESC_DIM, 1e5));
    return o;
}

int ava_cmd_faces(int argc, char **argv)
{
    enum { OPT_MODELS = 256, OPT_TINY, OPT_SCORE, OPT_MINFACE, OPT_AG, OPT_CLUSTER, OPT_TH,
           OPT_NODESC, OPT_CROPS };
    static const struct option opts[] = {
        { "models", required_argument, NULL, OPT_MODELS },
        { "tiny", no_argument, NULL, OPT_TINY },
        { "min-score", required_argument, NULL, OPT_SCORE },
        { "min-face", required_argument, NULL, OPT_MINFACE },
        { "age-gender", no_argument, NULL, OPT_AG },
        { "cluster", no_argument, NULL, OPT_CLUSTER },
        { "threshold", required_argument, NULL, OPT_TH },
        { "no-descriptor", no_argument, NULL, OPT_NODESC },
        { "crops", no_argument, NULL, OPT_CROPS },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    AvaFaceChainSettings s;
    ava_face_chain_default_settings(&s);
    const char *env = getenv("AVA_MODELS");
    s.models_dir = env && *env ? env : "models";
    int cluster = 0, with_desc = 1, crops = 0;
    float threshold = AVA_FACE_CLUSTER_THRESHOLD;
    char *end;
    int o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (o) {
        case OPT_MODELS: s.models_dir = optarg; break;
        case OPT_TINY: s.detector = AVA_FACE_DETECTOR_TINY; break;
        case OPT_SCORE:
        case OPT_MINFACE:
        case OPT_TH: {
            double v = strtod(optarg, &end);
            if (end == optarg || *end || !(v >= 0 && v <= (o == OPT_TH ? 2 : 1))) {
                fprintf(stderr, "ava faces: bad value '%s' for --%s\n", optarg,
                        o == OPT_SCORE ? "min-score" : o == OPT_TH ? "threshold" : "min-face");
                return 2;
            }
            if (o == OPT_SCORE)
                s.min_score = (float)v;
            else if (o == OPT_MINFACE)
                s.min_face_frac = (float)v;
            else
                threshold = (float)v;
            break;
        }
        case OPT_AG: s.age_gender = 1; break;
        case OPT_CLUSTER: cluster = 1; break;
        case OPT_NODESC: with_desc = 0; break;
        case OPT_CROPS: crops = 1; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return 2;
    }
    AvaFaceChain *fc = NULL;
    int ret = ava_face_chain_open(&fc, &s);
    if (ret < 0) {
        fprintf(stderr, "ava faces: cannot load the face models from '%s': %s\n", s.models_dir,
                ava_strerror(ret));
        return 1;
    }
    cJSON *root = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(root, "faces");
    float *descs = NULL;
    int n_all = 0, cap = 0, status = 0;
    enum { MAX_FACES = 256 };
    AvaFace *faces = malloc(sizeof(*faces) * MAX_FACES);
    if (!faces || !root) {
        fprintf(stderr, "ava faces: out of memory\n");
        status = 1;
        goto done;
    }
    for (int i = optind; i < argc; i++) {
        uint8_t *rgb = NULL;
        int w, h, n = 0;
        if ((ret = ava_image_load(argv[i], &rgb, &w, &h)) < 0) {
            fprintf(stderr, "ava faces: %s: %s\n", argv[i], ava_strerror(ret));
            status = 1;
            continue;
        }
        if (crops) {
            ret = ava_face_chain_describe(fc, rgb, w, h, 3 * (ptrdiff_t)w, faces);
            n = ret < 0 ? 0 : 1;
        } else {
            ret = ava_face_chain_run(fc, rgb, w, h, 3 * (ptrdiff_t)w, faces, MAX_FACES, &n);
        }
        free(rgb);
        if (ret < 0) {
            fprintf(stderr, "ava faces: %s: %s\n", argv[i], ava_strerror(ret));
            status = 1;
            continue;
        }
        for (int k = 0; k < n; k++) {
            cJSON_AddItemToArray(arr, face_json(argv[i], w, h, &faces[k], with_desc,
                                                s.age_gender));
            if (cluster) {
                if (n_all == cap) {
                    cap = cap ? 2 * cap : 64;
                    float *nd = realloc(descs, sizeof(*descs) * AVA_FACE_DESC_DIM * cap);
                    if (!nd) {
                        fprintf(stderr, "ava faces: out of memory\n");
                        status = 1;
                        goto done;
                    }
                    descs = nd;
                }
                memcpy(descs + (size_t)n_all * AVA_FACE_DESC_DIM, faces[k].descriptor,
                       sizeof(float) * AVA_FACE_DESC_DIM);
            }
            n_all++;
        }
    }
    if (cluster) {
        int *labels = malloc(sizeof(int) * (n_all ? n_all : 1)), nc = 0;
        if (!labels || ava_face_cluster(descs, n_all, AVA_FACE_DESC_DIM, threshold, labels,
                                        &nc) < 0) {
            fprintf(stderr, "ava faces: clustering failed\n");
            free(labels);
            status = 1;
            goto done;
        }
        cJSON *ids = cJSON_AddArrayToObject(root, "identities");
        for (int c = 0; c < nc; c++) {
            cJSON *g = cJSON_CreateObject(), *members = cJSON_AddArrayToObject(g, "faces");
            cJSON_AddNumberToObject(g, "id", c);
            for (int k = 0; k < n_all; k++)
                if (labels[k] == c)
                    cJSON_AddItemToArray(members, cJSON_CreateNumber(k));
            cJSON_AddItemToArray(ids, g);
        }
        int k = 0;
        for (cJSON *f = arr->child; f; f = f->next, k++)
            cJSON_AddNumberToObject(f, "identity", labels[k]);
        cJSON_AddNumberToObject(root, "threshold", r4(threshold));
        free(labels);
    }
    char *txt = cJSON_Print(root);
    if (txt) {
        fputs(txt, stdout);
        fputc('\n', stdout);
        free(txt);
    } else {
        status = 1;
    }
done:
    free(faces);
    free(descs);
    cJSON_Delete(root);
    ava_face_chain_close(&fc);
    return status;
}
