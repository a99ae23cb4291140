/* SPDX-License-Identifier: MIT */
/** @file Still encoders (see still_writer.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>
#include <turbojpeg.h>
#include <webp/encode.h>

#include "src/io/still_writer.h"
#include "src/log.h"
#include "src/util/fsutil.h"

const char *ava_still_extension(int format)
{
    switch (format) {
    case AVA_STILL_PNG: return "png";
    case AVA_STILL_WEBP: return "webp";
    default: return "jpg";
    }
}

static int write_jpeg(const char *path, const uint8_t *rgb, int w, int h, int stride,
                      int quality, const AvaLogger *lg)
{
    tjhandle tj = tjInitCompress();
    if (!tj)
        return AVA_ERR(ENOMEM);
    unsigned char *buf = NULL;
    unsigned long len = 0;
    int ret = 0;
    if (tjCompress2(tj, rgb, w, stride, h, TJPF_RGB, &buf, &len, TJSAMP_420, quality,
                    TJFLAG_ACCURATEDCT) < 0) {
        ava_log(lg, AVA_LOG_ERROR, "%s: JPEG encoding failed: %s", path, tjGetErrorStr2(tj));
        ret = AVA_ERR_OUTPUT;
    } else {
        ret = ava_write_file_atomic(path, buf, len, lg);
    }
    tjFree(buf);
    tjDestroy(tj);
    return ret;
}

static int write_webp(const char *path, const uint8_t *rgb, int w, int h, int stride,
                      int quality, const AvaLogger *lg)
{
    uint8_t *out = NULL;
    size_t len = WebPEncodeRGB(rgb, w, h, stride, (float)quality, &out);
    if (!len) {
        ava_log(lg, AVA_LOG_ERROR, "%s: WebP encoding failed (%dx%d)", path, w, h);
        return AVA_ERR_OUTPUT;
    }
    int ret = ava_write_file_atomic(path, out, len, lg);
    WebPFree(out);
    return ret;
}

static int write_png(const char *path, const uint8_t *rgb, int w, int h, int stride,
                     const AvaLogger *lg)
{
    png_image img;
    memset(&img, 0, sizeof(img));
    img.version = PNG_IMAGE_VERSION;
    img.width = (png_uint_32)w;
    img.height = (png_uint_32)h;
    img.format = PNG_FORMAT_RGB;
    png_alloc_size_t len = 0;
    if (!png_image_write_get_memory_size(img, len, 0, rgb, stride, NULL)) {
        ava_log(lg, AVA_LOG_ERROR, "%s: PNG encoding failed: %s", path, img.message);
        return AVA_ERR_OUTPUT;
    }
    void *buf = malloc(len);
    if (!buf)
        return AVA_ERR(ENOMEM);
    int ret;
    if (!png_image_write_to_memory(&img, buf, &len, 0, rgb, stride, NULL)) {
        ava_log(lg, AVA_LOG_ERROR, "%s: PNG encoding failed: %s", path, img.message);
        ret = AVA_ERR_OUTPUT;
    } else {
        ret = ava_write_file_atomic(path, buf, len, lg);
    }
    free(buf);
    return ret;
}

int ava_still_write(const char *path, int format, const uint8_t *rgb, int w, int h,
                    int stride, int quality, const AvaLogger *lg)
{
    if (quality < 1)
        quality = 1;
    if (quality > 100)
        quality = 100;
    switch (format) {
    case AVA_STILL_PNG: return write_png(path, rgb, w, h, stride, lg);
    case AVA_STILL_WEBP: return write_webp(path, rgb, w, h, stride, quality, lg);
    default: return write_jpeg(path, rgb, w, h, stride, quality, lg);
    }
}
