/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Single-thread latency and peak memory of ava's nets (src/nn/), on the images of the parity
 * tests (tests/nn/). Run by bench/bench_nets.sh, which adds onnxruntime-node's time.
 *
 *   bench_nets MODELS MEDIA [--dump-det PREFIX]   latency: per net, the median of N runs after
 *                                                 3 warm-up runs (AVA_BENCH_RUNS=N overrides
 *                                                 every net's N). --dump-det writes the text
 *                                                 detector's 640x640 net input (PREFIX.in,
 *                                                 float32 NHWC BGR, normalised), its map
 *                                                 (PREFIX.map, float32) and its median wall,
 *                                                 median CPU and min CPU ms (PREFIX.ms) for
 *                                                 bench/bench_nets.sh.
 *                                                 Each line also gives the median CPU time of
 *                                                 the thread (what other processes on the
 *                                                 cores do not inflate).
 *   bench_nets MODELS MEDIA --mem                 memory: every net opened at once and run once
 *                                                 on the same inputs; VmRSS and VmHWM.
 *
 * Inputs (MEDIA/stills/...):
 *   tiny face (416, min score 0.1), SSD (min score 0.3), nsfw: faceapi/sample1.jpg (1920x1280),
 *     the image of tests/data/nn/{tiny_face,ssd_face}_sample1*.json and nsfw.json;
 *   68 landmarks: its first face crop in tests/data/nn/landmark68_sample1.json (775,445 315x257);
 *   expression, descriptor, age/gender: faceapijs/examples/images/happy.jpg, crop 231,66 204x179
 *     (tests/data/nn/face_expression.json and the others);
 *   PP-OCRv4 det: opencv_doc/imageTextN.png stretched to 640x640 (nearest, as test_text_det
 *     does), max_side 640, so the net runs at 640x640; pre/post-processing included.
 * Exit 77 when the models folder is absent.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "src/nn/net_age_gender.h"
#include "src/nn/net_expression.h"
#include "src/nn/net_face_descriptor.h"
#include "src/nn/net_landmark68.h"
#include "src/nn/net_nsfw.h"
#include "src/nn/net_ssd_face.h"
#include "src/nn/net_tiny_face.h"
#ifdef AVA_BENCH_HAVE_ONNX
#include "src/nn/net_text_det.h"
#endif
#include "tests/nn/nn_image.h"

#define BENCH_SKIP 77
#define DET_SIDE 640

typedef struct Img {
    uint8_t *rgb;
    int w, h;
} Img;

/** A crop of @c img: pointer into it, the image's stride. */
typedef struct Crop {
    const uint8_t *p;
    int w, h;
    ptrdiff_t stride;
} Crop;

typedef struct Nets {
    AvaTinyFace *tiny;
    AvaSsdFace *ssd;
    AvaLandmark68 *lm;
    AvaExpressionNet *expr;
    AvaFaceDescriptor *desc;
    AvaAgeGender *ag;
    AvaNsfw *nsfw;
#ifdef AVA_BENCH_HAVE_ONNX
    AvaTextDet *det;
#endif
} Nets;

static Img sample1, happy, det640;
static Crop lm_crop, face_crop;

static int load(Img *im, const char *media, const char *rel)
{
    char path[2048];
    snprintf(path, sizeof(path), "%s/stills/%s", media, rel);
    im->rgb = nn_load_image(path, &im->w, &im->h);
    if (!im->rgb)
        fprintf(stderr, "bench_nets: cannot decode %s\n", path);
    return im->rgb ? 0 : -1;
}

static Crop crop(const Img *im, int x, int y, int w, int h)
{
    Crop c = { im->rgb + ((size_t)y * im->w + x) * 3, w, h, (ptrdiff_t)im->w * 3 };
    return c;
}

static int load_inputs(const char *media)
{
    Img text;
    if (load(&sample1, media, "faceapi/sample1.jpg") ||
        load(&happy, media, "faceapijs/examples/images/happy.jpg") ||
        load(&text, media, "opencv_doc/imageTextN.png"))
        return -1;
    lm_crop = crop(&sample1, 775, 445, 315, 257);
    face_crop = crop(&happy, 231, 66, 204, 179);
    det640.w = det640.h = DET_SIDE;
    det640.rgb = malloc((size_t)DET_SIDE * DET_SIDE * 3);
    if (!det640.rgb)
        return -1;
    for (int y = 0; y < DET_SIDE; y++)
        for (int x = 0; x < DET_SIDE; x++)
            memcpy(det640.rgb + ((size_t)y * DET_SIDE + x) * 3,
                   text.rgb + ((size_t)(y * text.h / DET_SIDE) * text.w + x * text.w / DET_SIDE) * 3,
                   3);
    free(text.rgb);
    return 0;
}

/* One run of each net; 0 on success. */
static int run_tiny(Nets *n)
{
    AvaFaceBox b[64];
    int k;
    return ava_tiny_face_detect(n->tiny, sample1.rgb, sample1.w, sample1.h,
                                (ptrdiff_t)sample1.w * 3, 0.1f, b, 64, &k);
}

static int run_ssd(Nets *n)
{
    AvaFaceBox b[100];
    int k;
    return ava_ssd_face_detect(n->ssd, sample1.rgb, sample1.w, sample1.h,
                               (ptrdiff_t)sample1.w * 3, 0.3f, b, 100, &k);
}

static int run_lm(Nets *n)
{
    float pts[2 * AVA_LANDMARK68_POINTS];
    return ava_landmark68_run(n->lm, lm_crop.p, lm_crop.w, lm_crop.h, lm_crop.stride, pts);
}

static int run_expr(Nets *n)
{
    float p[AVA_EXPRESSION_CLASSES];
    return ava_expression_run(n->expr, face_crop.p, face_crop.w, face_crop.h, face_crop.stride,
                              p);
}

static int run_desc(Nets *n)
{
    float d[AVA_FACE_DESCRIPTOR_DIM];
    return ava_face_descriptor_run(n->desc, face_crop.p, face_crop.w, face_crop.h,
                                   face_crop.stride, d);
}

static int run_ag(Nets *n)
{
    AvaAgeGenderResult r;
    return ava_age_gender_run(n->ag, face_crop.p, face_crop.w, face_crop.h, face_crop.stride,
                              &r);
}

static int run_nsfw(Nets *n)
{
    float p[AVA_NSFW_CLASSES];
    static float embed[AVA_NSFW_EMBED_DIM];
    return ava_nsfw_run(n->nsfw, sample1.rgb, sample1.w, sample1.h, (ptrdiff_t)sample1.w * 3, p,
                        embed);
}

#ifdef AVA_BENCH_HAVE_ONNX
static int run_det(Nets *n)
{
    AvaTextBox b[256];
    int k;
    return ava_text_det_run(n->det, det640.rgb, DET_SIDE, DET_SIDE, DET_SIDE * 3, DET_SIDE, b,
                            256, &k);
}
#endif

typedef struct Bench {
    const char *name, *input;
    int runs;
    int (*open)(Nets *n, const char *models);
    int (*run)(Nets *n);
    void (*close)(Nets *n);
} Bench;

static int open_tiny(Nets *n, const char *m) { return ava_tiny_face_open(&n->tiny, m, 416, NULL); }
static int open_ssd(Nets *n, const char *m) { return ava_ssd_face_open(&n->ssd, m, NULL); }
static int open_lm(Nets *n, const char *m) { return ava_landmark68_open(&n->lm, m, NULL); }
static int open_expr(Nets *n, const char *m) { return ava_expression_open(&n->expr, m, NULL); }
static int open_desc(Nets *n, const char *m) { return ava_face_descriptor_open(&n->desc, m, NULL); }
static int open_ag(Nets *n, const char *m) { return ava_age_gender_open(&n->ag, m, NULL); }
static int open_nsfw(Nets *n, const char *m) { return ava_nsfw_open(&n->nsfw, m, NULL); }
static void close_tiny(Nets *n) { ava_tiny_face_close(&n->tiny); }
static void close_ssd(Nets *n) { ava_ssd_face_close(&n->ssd); }
static void close_lm(Nets *n) { ava_landmark68_close(&n->lm); }
static void close_expr(Nets *n) { ava_expression_close(&n->expr); }
static void close_desc(Nets *n) { ava_face_descriptor_close(&n->desc); }
static void close_ag(Nets *n) { ava_age_gender_close(&n->ag); }
static void close_nsfw(Nets *n) { ava_nsfw_close(&n->nsfw); }
#ifdef AVA_BENCH_HAVE_ONNX
static int open_det(Nets *n, const char *m) { return ava_text_det_open(&n->det, m, NULL); }
static void close_det(Nets *n) { ava_text_det_close(&n->det); }
#endif

static const Bench benches[] = {
    { "tiny face detector", "416, sample1.jpg 1920x1280", 31, open_tiny, run_tiny, close_tiny },
    { "SSD face detector", "512, sample1.jpg 1920x1280", 15, open_ssd, run_ssd, close_ssd },
    { "68 landmarks", "112, crop 315x257", 51, open_lm, run_lm, close_lm },
    { "expression", "112, crop 204x179", 51, open_expr, run_expr, close_expr },
    { "face descriptor", "150, crop 204x179", 31, open_desc, run_desc, close_desc },
    { "age/gender", "112, crop 204x179", 51, open_ag, run_ag, close_ag },
    { "nsfw MobileNetV2", "224, sample1.jpg 1920x1280", 31, open_nsfw, run_nsfw, close_nsfw },
#ifdef AVA_BENCH_HAVE_ONNX
    { "PP-OCRv4 det", "640x640, imageTextN.png", 15, open_det, run_det, close_det },
#endif
};
#define N_BENCHES (sizeof(benches) / sizeof(*benches))

/* CPU time of this thread: unlike wall time, not inflated when other processes share the
 * cores (the 2-core machine is often loaded several times over). */
static int cmp_double(const void *a, const void *b);

static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double median(double *t, int runs)
{
    qsort(t, (size_t)runs, sizeof(double), cmp_double);
    return runs % 2 ? t[runs / 2] : (t[runs / 2 - 1] + t[runs / 2]) / 2;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/** kB of a /proc/self/status field ("VmHWM", "VmRSS"), or -1. */
static long status_kb(const char *field)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    size_t n = strlen(field);
    while (f && fgets(line, sizeof(line), f))
        if (!strncmp(line, field, n) && line[n] == ':') {
            kb = strtol(line + n + 1, NULL, 10);
            break;
        }
    if (f)
        fclose(f);
    if (kb < 0 && !strcmp(field, "VmHWM")) { /* no procfs: getrusage's peak */
        struct rusage ru;
        if (getrusage(RUSAGE_SELF, &ru) == 0)
            kb = ru.ru_maxrss;
    }
    return kb;
}

static int write_floats(const char *prefix, const char *ext, const float *v, size_t n)
{
    char path[2048];
    snprintf(path, sizeof(path), "%s%s", prefix, ext);
    FILE *f = fopen(path, "wb");
    int ok = f && fwrite(v, sizeof(float), n, f) == n;
    if (f && fclose(f))
        ok = 0;
    if (!ok)
        fprintf(stderr, "bench_nets: cannot write %s\n", path);
    return ok ? 0 : -1;
}

static int bench_latency(const char *models, const char *dump)
{
    const char *env = getenv("AVA_BENCH_RUNS");
    int override = env ? atoi(env) : 0, status = 0;
    printf("%-20s %-28s %9s %9s %5s %9s\n", "net (1 thread)", "input", "median", "min", "runs",
           "cpu med");
    for (size_t i = 0; i < N_BENCHES; i++) {
        const Bench *b = &benches[i];
        Nets n = { 0 };
        int runs = override > 0 ? override : b->runs;
        double *t = malloc(sizeof(double) * 2 * (size_t)runs), *ct = t ? t + runs : NULL;
        int rc = t ? b->open(&n, models) : -1;
        for (int r = 0; rc == 0 && r < 3; r++) /* warm-up (the text graph is built here) */
            rc = b->run(&n);
        for (int r = 0; rc == 0 && r < runs; r++) {
            double t0 = nn_now_ms(), c0 = cpu_ms();
            rc = b->run(&n);
            ct[r] = cpu_ms() - c0;
            t[r] = nn_now_ms() - t0;
        }
        if (rc) {
            printf("%-20s %-28s failed (%d)\n", b->name, b->input, rc);
            status = 1;
        } else {
            double med = median(t, runs), cmed = median(ct, runs);
            printf("%-20s %-28s %6.2f ms %6.2f ms %5d %6.2f ms\n", b->name, b->input, med, t[0],
                   runs, cmed);
#ifdef AVA_BENCH_HAVE_ONNX
            if (dump && b->run == run_det) {
                int mw = 0, mh = 0;
                const float *map = ava_text_det_map(n.det, &mw, &mh);
                const float *in = ava_text_det_input(n.det);
                char path[2048];
                snprintf(path, sizeof(path), "%s.ms", dump);
                FILE *f = fopen(path, "w");
                if (!map || !in || mw != DET_SIDE || mh != DET_SIDE || !f ||
                    fprintf(f, "%.3f %.3f %.3f\n", med, cmed, ct[0]) < 0 || fclose(f) ||
                    write_floats(dump, ".in", in, (size_t)3 * DET_SIDE * DET_SIDE) ||
                    write_floats(dump, ".map", map, (size_t)DET_SIDE * DET_SIDE)) {
                    fprintf(stderr, "bench_nets: cannot dump the text detector's input\n");
                    status = 1;
                }
            }
#endif
        }
        fflush(stdout);
        if (t)
            b->close(&n);
        free(t);
    }
#ifndef AVA_BENCH_HAVE_ONNX
    printf("%-20s %-28s skipped (built without ONNX support)\n", "PP-OCRv4 det", "640x640");
    (void)dump;
#endif
    return status;
}

static int bench_memory(const char *models)
{
    Nets n = { 0 };
    long base = status_kb("VmRSS");
    int status = 0;
    for (size_t i = 0; i < N_BENCHES; i++)
        if (benches[i].open(&n, models)) {
            printf("peak memory: %s does not open\n", benches[i].name);
            status = 1;
        }
    long opened = status_kb("VmRSS");
    for (size_t i = 0; !status && i < N_BENCHES; i++)
        if (benches[i].run(&n)) {
            printf("peak memory: %s fails\n", benches[i].name);
            status = 1;
        }
    long peak = status_kb("VmHWM");
    if (!status)
        printf("peak RSS, all %zu nets open and run once (text det at 640x640): %.1f MiB "
               "(VmHWM; %.1f MiB after opening, %.1f MiB with images only)\n", N_BENCHES,
               peak / 1024.0, opened / 1024.0, base / 1024.0);
    for (size_t i = 0; i < N_BENCHES; i++)
        benches[i].close(&n);
    return status;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_nets MODELS MEDIA [--dump-det PREFIX | --mem]\n");
        return 2;
    }
    const char *models = argv[1], *media = argv[2], *dump = NULL;
    int mem = 0;
    for (int i = 3; i < argc; i++) {
        if (!strcmp(argv[i], "--mem"))
            mem = 1;
        else if (!strcmp(argv[i], "--dump-det") && i + 1 < argc)
            dump = argv[++i];
        else {
            fprintf(stderr, "bench_nets: unknown argument %s\n", argv[i]);
            return 2;
        }
    }
    struct stat st;
    if (stat(models, &st) || !S_ISDIR(st.st_mode)) {
        printf("bench_nets: %s absent: skipped (run scripts/fetch-models.sh)\n", models);
        return BENCH_SKIP;
    }
    if (load_inputs(media))
        return 1;
    int rc = mem ? bench_memory(models) : bench_latency(models, dump);
    free(sample1.rgb);
    free(happy.rgb);
    free(det640.rgb);
    return rc;
}
