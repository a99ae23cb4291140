/* SPDX-License-Identifier: MIT */
/** @file libswscale scaling plus rotation into display geometry (see convert.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/common.h>
#include <libavutil/frame.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>

#include "ava/ava.h"
#include "src/io/convert.h"
#include "src/util/clones.h"

struct AvaConverter {
    struct SwsContext *sws;
    AVFrame *pooled;       ///< analysis only: 8-bit 4:2:0 input box-averaged by an integer factor
    AVFrame *progressive;  ///< stills only: an interlaced frame with its second field rebuilt
    uint16_t *rowsum;      ///< prefilter scratch: one source row of sums
    int rowsum_len;
    int out_w, out_h;      ///< display orientation
    int scaled_w, scaled_h;///< before rotation
    int rotation;
    int flags;
    int quality;
    uint8_t *tmp;          ///< pre-rotation RGB24 when rotation != 0
};

void ava_converter_close(AvaConverter **c_out)
{
    AvaConverter *c = c_out ? *c_out : NULL;
    if (!c)
        return;
    sws_freeContext(c->sws);
    av_frame_free(&c->pooled);
    av_frame_free(&c->progressive);
    free(c->rowsum);
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
    c->quality = quality;
    int swap = rotation == 90 || rotation == 270;
    c->scaled_w = swap ? out_h : out_w;
    c->scaled_h = swap ? out_w : out_h;
    c->flags = quality ? SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT
                       : SWS_AREA;
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

AVA_CLONES
static void pool_plane(const uint8_t *src, int sstride, uint8_t *dst, int dstride, int w,
                       int h, int k, uint16_t *rowsum)
{
    /* Sum k source rows into rowsum (vectorises), then k columns; divide by the area with a
     * 16.16 reciprocal. */
    const unsigned area = (unsigned)(k * k), inv = (65536u + area / 2) / area;
    const int sw = w * k;
    for (int y = 0; y < h; y++) {
        const uint8_t *s0 = src + (size_t)y * k * sstride;
        for (int x = 0; x < sw; x++)
            rowsum[x] = s0[x];
        for (int j = 1; j < k; j++) {
            const uint8_t *sj = s0 + (size_t)j * sstride;
            for (int x = 0; x < sw; x++)
                rowsum[x] = (uint16_t)(rowsum[x] + sj[x]);
        }
        uint8_t *d = dst + (size_t)y * dstride;
        /* The usual factors get constant-width loops the compiler vectorises. */
        if (k == 4) {
            for (int x = 0; x < w; x++) {
                const uint16_t *r = rowsum + 4 * x;
                d[x] = (uint8_t)((r[0] + r[1] + r[2] + r[3] + 8u) >> 4);
            }
        } else if (k == 2) {
            for (int x = 0; x < w; x++)
                d[x] = (uint8_t)((rowsum[2 * x] + rowsum[2 * x + 1] + 2u) >> 2);
        } else {
            for (int x = 0; x < w; x++) {
                unsigned sum = 0;
                for (int i = 0; i < k; i++)
                    sum += rowsum[x * k + i];
                d[x] = (uint8_t)((sum * inv + 32768u) >> 16);
            }
        }
    }
}

/*
 * Analysis images are 4-6x smaller than HD sources, and swscale's antialiasing filters then
 * cost about a third of the decode. A box average by the integer part of the factor first
 * (one add per source sample) leaves swscale a small picture: pass 1 on 720p H.264 went
 * from 1.7x to ~1.3x of FFmpeg's decode time (bench/bench_analyze.sh).
 */
static const AVFrame *prefilter(AvaConverter *c, const AVFrame *f)
{
    if (f->format != AV_PIX_FMT_YUV420P && f->format != AV_PIX_FMT_YUVJ420P)
        return f;
    int k = f->width / c->scaled_w;
    if (f->height / c->scaled_h < k)
        k = f->height / c->scaled_h;
    /* Chroma is pooled by k too, so keep whole chroma blocks: k even. */
    k &= ~1;
    if (k < 2)
        return f;
    int pw = f->width / k, ph = f->height / k;
    AVFrame *p = c->pooled;
    if (!p || p->width != pw || p->height != ph || p->format != f->format) {
        av_frame_free(&c->pooled);
        if (!(p = c->pooled = av_frame_alloc()))
            return NULL;
        p->width = pw;
        p->height = ph;
        p->format = f->format;
        if (av_frame_get_buffer(p, 0) < 0)
            return NULL;
    }
    p->color_range = f->color_range;
    p->colorspace = f->colorspace;
    if (c->rowsum_len < f->width) {
        free(c->rowsum);
        c->rowsum_len = 0;
        if (!(c->rowsum = malloc((size_t)f->width * sizeof(*c->rowsum))))
            return NULL;
        c->rowsum_len = f->width;
    }
    pool_plane(f->data[0], f->linesize[0], p->data[0], p->linesize[0], pw, ph, k, c->rowsum);
    int cw = (pw + 1) / 2, ch = (ph + 1) / 2;
    /* Source chroma planes are (w+1)/2 x (h+1)/2: stay inside them. */
    if (cw * k > (f->width + 1) / 2)
        cw = (f->width + 1) / 2 / k;
    if (ch * k > (f->height + 1) / 2)
        ch = (f->height + 1) / 2 / k;
    pool_plane(f->data[1], f->linesize[1], p->data[1], p->linesize[1], cw, ch, k, c->rowsum);
    pool_plane(f->data[2], f->linesize[2], p->data[2], p->linesize[2], cw, ch, k, c->rowsum);
    return p;
}

/*
 * A player deinterlaces: stills of interlaced frames keep the first field and rebuild the
 * other by averaging the lines above and below (linear "bob"), so moving edges show no
 * combing. Planar formats with 8- or 16-bit samples; others pass through.
 */
static const AVFrame *deinterlace(AvaConverter *c, const AVFrame *f)
{
    const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(f->format);
    if (!f->interlaced_frame || !d || !(d->flags & AV_PIX_FMT_FLAG_PLANAR) ||
        (d->flags & (AV_PIX_FMT_FLAG_HWACCEL | AV_PIX_FMT_FLAG_BITSTREAM | AV_PIX_FMT_FLAG_PAL)) ||
        d->comp[0].step > 2 || f->height < 3)
        return f;
    av_frame_free(&c->progressive);
    AVFrame *p = c->progressive = av_frame_alloc();
    if (!p || av_frame_ref(p, f) < 0 || av_frame_make_writable(p) < 0)
        return NULL;
    /* Rebuild the bottom field when the top comes first, and the other way round. */
    int keep = f->top_field_first ? 0 : 1;
    int bytes = d->comp[0].step;
    for (int pl = 0; pl < 4 && p->data[pl]; pl++) {
        int h = pl == 0 || pl == 3 ? f->height : AV_CEIL_RSHIFT(f->height, d->log2_chroma_h);
        int w = pl == 0 || pl == 3 ? f->width : AV_CEIL_RSHIFT(f->width, d->log2_chroma_w);
        uint8_t *base = p->data[pl];
        int ls = p->linesize[pl];
        for (int y = 1 - keep; y < h; y += 2) {
            const uint8_t *up = base + (size_t)(y > 0 ? y - 1 : y + 1) * ls;
            const uint8_t *dn = base + (size_t)(y + 1 < h ? y + 1 : y - 1) * ls;
            uint8_t *row = base + (size_t)y * ls;
            if (bytes == 1)
                for (int x = 0; x < w; x++)
                    row[x] = (uint8_t)((up[x] + dn[x] + 1) >> 1);
            else
                for (int x = 0; x < w; x++) {
                    uint16_t a, b, v;
                    memcpy(&a, up + 2 * x, 2);
                    memcpy(&b, dn + 2 * x, 2);
                    v = (uint16_t)((a + b + 1) >> 1);
                    memcpy(row + 2 * x, &v, 2);
                }
        }
    }
    return p;
}

int ava_converter_run(AvaConverter *c, const AVFrame *f, AvaImage *dst)
{
    if (!c->quality && !(f = prefilter(c, f)))
        return AVA_ERR(ENOMEM);
    if (c->quality && !(f = deinterlace(c, f)))
        return AVA_ERR(ENOMEM);
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
