/* SPDX-License-Identifier: MIT */
/** @file libswscale scaling plus rotation into display geometry (see convert.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>

#include "ava/ava.h"
#include "src/io/convert.h"

struct AvaConverter {
    struct SwsContext *sws;
    int out_w, out_h;      ///< display orientation
    int scaled_w, scaled_h;///< before rotation
    int rotation;
    int flags;
    uint8_t *tmp;          ///< pre-rotation RGB24 when rotation != 0
};

void ava_converter_close(AvaConverter **c_out)
{
    AvaConverter *c = c_out ? *c_out : NULL;
    if (!c)
        return;
    sws_freeContext(c->sws);
    free(c->tmp);
    free(c);
    *c_out = NULL;
}

int ava_converter_open(AvaConverter **c_out, int out_w, int out_h, int rotation, int quality)
{
    AvaConverter *c = calloc(1, sizeof(*c));
    if (!c)
        return AVA_ERR(ENOMEM);
    c->out_w = out_w;
    c->out_h = out_h;
    c->rotation = rotation;
    int swap = rotation == 90 || rotation == 270;
    c->scaled_w = swap ? out_h : out_w;
    c->scaled_h = swap ? out_w : out_h;
    c->flags = quality ? SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT
                       : SWS_BILINEAR;
    if (rotation) {
        c->tmp = malloc((size_t)c->scaled_w * 3 * c->scaled_h);
        if (!c->tmp) {
            ava_converter_close(&c);
            return AVA_ERR(ENOMEM);
        }
    }
    *c_out = c;
    return 0;
}

void ava_rotate_rgb(const uint8_t *src, int sw, int sh, int sstride, uint8_t *dst, int dstride,
                    int rotation)
{
    for (int y = 0; y < sh; y++) {
        const uint8_t *s = src + (size_t)y * sstride;
        for (int x = 0; x < sw; x++, s += 3) {
            int dx, dy;
            switch (rotation) {
            case 90: dx = sh - 1 - y; dy = x; break;
            case 180: dx = sw - 1 - x; dy = sh - 1 - y; break;
            case 270: dx = y; dy = sw - 1 - x; break;
            default: dx = x; dy = y; break;
            }
            uint8_t *d = dst + (size_t)dy * dstride + (size_t)dx * 3;
            d[0] = s[0];
            d[1] = s[1];
            d[2] = s[2];
        }
    }
}

static int src_colorspace(const AVFrame *f)
{
    if (f->colorspace != AVCOL_SPC_UNSPECIFIED && f->colorspace != AVCOL_SPC_RGB &&
        f->colorspace < AVCOL_SPC_NB)
        return f->colorspace;
    return f->height >= 720 ? SWS_CS_ITU709 : SWS_CS_ITU601;
}

int ava_converter_run(AvaConverter *c, const AVFrame *f, AvaImage *dst)
{
    c->sws = sws_getCachedContext(c->sws, f->width, f->height, f->format, c->scaled_w,
                                  c->scaled_h, AV_PIX_FMT_RGB24, c->flags, NULL, NULL, NULL);
    if (!c->sws)
        return AVA_ERR(ENOMEM);
    const AVPixFmtDescriptor *desc = av_pix_fmt_desc_get(f->format);
    if (desc && !(desc->flags & AV_PIX_FMT_FLAG_RGB)) {
        int full = f->color_range == AVCOL_RANGE_JPEG || f->format == AV_PIX_FMT_YUVJ420P ||
                   f->format == AV_PIX_FMT_YUVJ422P || f->format == AV_PIX_FMT_YUVJ444P;
        const int *coefs = sws_getCoefficients(src_colorspace(f));
        sws_setColorspaceDetails(c->sws, coefs, full, sws_getCoefficients(SWS_CS_DEFAULT), 1,
                                 0, 1 << 16, 1 << 16);
    }
    uint8_t *out = c->rotation ? c->tmp : dst->rgb;
    int stride = c->rotation ? c->scaled_w * 3 : dst->rgb_stride;
    uint8_t *planes[4] = { out, NULL, NULL, NULL };
    int strides[4] = { stride, 0, 0, 0 };
    sws_scale(c->sws, (const uint8_t *const *)f->data, f->linesize, 0, f->height, planes,
              strides);
    if (c->rotation)
        ava_rotate_rgb(c->tmp, c->scaled_w, c->scaled_h, stride, dst->rgb, dst->rgb_stride,
                       c->rotation);
    ava_image_update_luma(dst);
    return 0;
}
