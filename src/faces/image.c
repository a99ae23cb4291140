/* SPDX-License-Identifier: MIT */
/** @file JPEG (libjpeg-turbo) and PNG (libpng) files to packed RGB24, for ava faces and tests. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>
#include <turbojpeg.h>

#include "ava/faces.h"

#define MAX_SIDE 16384

static int load_png(const char *path, uint8_t **rgb, int *w, int *h)
{
    png_image img = { .version = PNG_IMAGE_VERSION };
    if (!png_image_begin_read_from_file(&img, path))
        return AVA_ERR_DECODE;
    if (img.width > MAX_SIDE || img.height > MAX_SIDE) {
        png_image_free(&img);
        return AVA_ERR_LIMIT;
    }
    img.format = PNG_FORMAT_RGB;
    uint8_t *buf = malloc(PNG_IMAGE_SIZE(img));
    if (!buf) {
        png_image_free(&img);
        return AVA_ERR(ENOMEM);
    }
    if (!png_image_finish_read(&img, NULL, buf, 0, NULL)) {
        free(buf);
        png_image_free(&img);
        return AVA_ERR_DECODE;
    }
    *rgb = buf;
    *w = (int)img.width;
    *h = (int)img.height;
    return 0;
}

int ava_image_load(const char *path, uint8_t **rgb, int *w, int *h)
{
    if (!path || !rgb || !w || !h)
        return AVA_ERR(EINVAL);
    FILE *f = fopen(path, "rb");
    if (!f)
        return AVA_ERR(errno);
    uint8_t sig[8] = { 0 };
    size_t got = fread(sig, 1, sizeof(sig), f);
    if (got == 8 && !png_sig_cmp(sig, 0, 8)) {
        fclose(f);
        return load_png(path, rgb, w, h);
    }
    if (fseek(f, 0, SEEK_END) < 0) {
        fclose(f);
        return AVA_ERR_DECODE;
    }
    long n = ftell(f);
    if (n <= 0 || n > (1L << 30)) {
        fclose(f);
        return n <= 0 ? AVA_ERR_DECODE : AVA_ERR_LIMIT;
    }
    rewind(f);
    uint8_t *jpg = malloc((size_t)n);
    if (!jpg) {
        fclose(f);
        return AVA_ERR(ENOMEM);
    }
    size_t rd = fread(jpg, 1, (size_t)n, f);
    fclose(f);
    int ret = AVA_ERR_DECODE, sub, cs;
    tjhandle tj = rd == (size_t)n ? tjInitDecompress() : NULL;
    uint8_t *buf = NULL;
    if (tj && tjDecompressHeader3(tj, jpg, (unsigned long)n, w, h, &sub, &cs) == 0) {
        if (*w <= 0 || *h <= 0 || *w > MAX_SIDE || *h > MAX_SIDE)
            ret = AVA_ERR_LIMIT;
        else if (!(buf = malloc((size_t)*w * *h * 3)))
            ret = AVA_ERR(ENOMEM);
        else if (tjDecompress2(tj, jpg, (unsigned long)n, buf, *w, *w * 3, *h, TJPF_RGB, 0) < 0)
            free(buf), buf = NULL;
        else
            ret = 0;
    }
    if (tj)
        tjDestroy(tj);
    free(jpg);
    if (ret == 0)
        *rgb = buf;
    return ret;
}
