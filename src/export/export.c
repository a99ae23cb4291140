/* SPDX-License-Identifier: MIT */
/** @file Seek, decode and encode the chosen frames (see export.h). */
#include <errno.h>
#include <stdlib.h>

#include "src/export/export.h"
#include "src/frame.h"
#include "src/io/convert.h"
#include "src/io/decoder.h"
#include "src/io/still_writer.h"
#include "src/log.h"

static int cmp_item(const void *x, const void *y)
{
    const AvaExportItem *const *a = x, *const *b = y;
    return ((*a)->frame > (*b)->frame) - ((*a)->frame < (*b)->frame);
}

/* Last keyframe at or before @p pts, or -1. keys are sorted by pts. */
static int key_before(const AvaScan *scan, int64_t pts)
{
    int lo = 0, hi = scan->n_keys;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (scan->keys[mid].pts <= pts)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo - 1;
}

/* Decode until the frame of @p it; 1 found, 0 end of stream (*ret < 0 on error). */
static int decode_until(AvaDecoder *dec, const AvaScan *scan, const AvaExportItem *it,
                        int64_t *out_index, int64_t *last_pts, const AVFrame **f, int64_t *pts,
                        int *ret)
{
    for (;;) {
        *ret = ava_decoder_next(dec, f, pts);
        if (*ret != 0) {
            if (*ret == AVA_EOF)
                *ret = 0;
            return 0;
        }
        ++*out_index;
        *last_pts = *pts;
        if (scan->pts_reliable ? *pts >= it->pts : *out_index >= it->frame)
            return 1;
    }
}

int ava_export_stills(const char *src, const AvaStreamInfo *si, const AvaScan *scan,
                      AvaExportItem *items, int n, int format, int quality,
                      const AvaLogger *lg)
{
    if (n <= 0)
        return 0;
    AvaExportItem **order = malloc((size_t)n * sizeof(*order));
    if (!order)
        return AVA_ERR(ENOMEM);
    for (int i = 0; i < n; i++)
        order[i] = &items[i];
    qsort(order, (size_t)n, sizeof(*order), cmp_item);

    AvaDecoder *dec = NULL;
    AvaConverter *conv = NULL;
    AvaImage img = { 0 };
    int w = si->display_width, h = si->display_height;
    int ret = ava_decoder_open(&dec, src, si->stream_index, 0, lg);
    if (ret >= 0)
        ret = ava_converter_open(&conv, w, h, si->rotation, 1);
    if (ret >= 0)
        ret = ava_image_alloc(&img, w, h);
    int current_key = -2;  ///< keyframe the decoder is positioned after (-2: start of file)
    int64_t out_index = -1; ///< frames output since the start (for files without pts)
    int64_t last_pts = INT64_MIN;
    for (int k = 0; ret >= 0 && k < n; k++) {
        AvaExportItem *it = order[k];
        if (scan->pts_reliable) {
            int key = key_before(scan, it->pts);
            /* Seek only when the target lies beyond the next keyframe or behind us. */
            if (key != current_key || it->pts <= last_pts) {
                if (key >= 0 && (ret = ava_decoder_seek(dec, scan->keys[key].seek_ts)) < 0)
                    break;
                if (key < 0 && (ret = ava_decoder_seek(dec, INT64_MIN)) < 0)
                    break;
                current_key = key;
                last_pts = INT64_MIN;
            }
        }
        const AVFrame *f = NULL;
        int64_t pts = 0;
        int found = decode_until(dec, scan, it, &out_index, &last_pts, &f, &pts, &ret);
        if (!found && ret >= 0 && scan->pts_reliable) {
            /* Some demuxers (single images, raw streams) seek poorly: decode from the start. */
            ava_decoder_close(&dec);
            ret = ava_decoder_open(&dec, src, si->stream_index, 0, lg);
            current_key = -2;
            last_pts = INT64_MIN;
            if (ret >= 0)
                found = decode_until(dec, scan, it, &out_index, &last_pts, &f, &pts, &ret);
        }
        if (ret < 0)
            break;
        if (!found) {
            ava_log(lg, AVA_LOG_ERROR, "%s: frame %lld (pts %lld) not found again by seeking",
                    src, (long long)it->frame, (long long)it->pts);
            ret = AVA_ERR_DECODE;
            break;
        }
        if (scan->pts_reliable && pts != it->pts)
            ava_log(lg, AVA_LOG_WARNING, "%s: frame %lld: wanted pts %lld, decoded %lld", src,
                    (long long)it->frame, (long long)it->pts, (long long)pts);
        ret = ava_converter_run(conv, f, &img);
        if (ret >= 0)
            ret = ava_still_write(it->path, format, img.rgb, w, h, img.rgb_stride, quality, lg);
        it->width = w;
        it->height = h;
    }
    ava_image_free(&img);
    ava_converter_close(&conv);
    ava_decoder_close(&dec);
    free(order);
    return ret < 0 ? ret : 0;
}
