/* SPDX-License-Identifier: MIT */
/** @file Image and fixture loading shared by the nn parity tests (libjpeg-turbo, libpng, cJSON). */
#ifndef AVA_TESTS_NN_NN_IMAGE_H
#define AVA_TESTS_NN_NN_IMAGE_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <png.h>
#include <turbojpeg.h>

/** A file's bytes (plus a NUL), or NULL. */
static inline uint8_t *nn_read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf) {
        buf[n] = 0;
        *size = (size_t)n;
    }
    return buf;
}

/** Packed RGB24 from a JPEG (tjDecompress2, default flags: what jpeg2ppm gives node). */
static inline uint8_t *nn_load_jpeg(const char *path, int *w, int *h)
{
    size_t n;
    uint8_t *jpg = nn_read_file(path, &n), *rgb = NULL;
    if (!jpg)
        return NULL;
    tjhandle tj = tjInitDecompress();
    int sub, cs;
    if (tj && tjDecompressHeader3(tj, jpg, (unsigned long)n, w, h, &sub, &cs) == 0 &&
        (rgb = malloc((size_t)*w * *h * 3)) &&
        tjDecompress2(tj, jpg, (unsigned long)n, rgb, *w, *w * 3, *h, TJPF_RGB, 0) < 0) {
        free(rgb);
        rgb = NULL;
    }
    if (tj)
        tjDestroy(tj);
    free(jpg);
    return rgb;
}

/** Packed RGB24 from a PNG (grey is replicated, alpha dropped). */
static inline uint8_t *nn_load_png(const char *path, int *w, int *h)
{
    png_image img = { .version = PNG_IMAGE_VERSION };
    if (!png_image_begin_read_from_file(&img, path))
        return NULL;
    img.format = PNG_FORMAT_RGB;
    uint8_t *rgb = malloc(PNG_IMAGE_SIZE(img));
    if (!rgb || !png_image_finish_read(&img, NULL, rgb, 0, NULL)) {
        free(rgb);
        png_image_free(&img);
        return NULL;
    }
    *w = (int)img.width;
    *h = (int)img.height;
    return rgb;
}

/** JPEG or PNG by extension. */
static inline uint8_t *nn_load_image(const char *path, int *w, int *h)
{
    size_t n = strlen(path);
    return n > 4 && !strcmp(path + n - 4, ".png") ? nn_load_png(path, w, h)
                                                  : nn_load_jpeg(path, w, h);
}

static inline cJSON *nn_load_json(const char *path)
{
    size_t n;
    char *buf = (char *)nn_read_file(path, &n);
    cJSON *j = buf ? cJSON_ParseWithLength(buf, n) : NULL;
    free(buf);
    return j;
}

static inline double nn_json_num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/** max |a[i] - json[i]| over n values (NAN if the array is short). */
static inline double nn_max_err(const float *a, const cJSON *arr, int n)
{
    if (cJSON_GetArraySize(arr) < n)
        return NAN;
    double e = 0;
    const cJSON *v = arr ? arr->child : NULL;
    for (int i = 0; i < n && v; i++, v = v->next) {
        double d = fabs((double)a[i] - v->valuedouble);
        e = d > e ? d : e;
    }
    return e;
}

static inline double nn_now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

#endif /* AVA_TESTS_NN_NN_IMAGE_H */
