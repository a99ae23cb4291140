/* SPDX-License-Identifier: MIT */
/** @file FFmpeg send/receive decode loop behind AvaDecoder (see decoder.h). */
#include <errno.h>
#include <stdlib.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>

#include "src/io/decoder.h"
#include "src/io/source.h"
#include "src/log.h"

struct AvaDecoder {
    AvaCursor *cur;
    AVCodecContext *dec;
    AVPacket *pkt;
    AVFrame *frame;
    int draining;          ///< input exhausted, flush packet sent
    int pending;           ///< frame holds a decoded frame next() has not returned yet
    int64_t last_pts;
    int64_t errors;
    const AvaLogger *lg;
    const char *path;      ///< borrowed for messages
};

void ava_decoder_close(AvaDecoder **d_out)
{
    AvaDecoder *d = d_out ? *d_out : NULL;
    if (!d)
        return;
    av_frame_free(&d->frame);
    av_packet_free(&d->pkt);
    avcodec_free_context(&d->dec);
    ava_cursor_close(&d->cur);
    free(d);
    *d_out = NULL;
}

int ava_decoder_open(AvaDecoder **d_out, AvaSource *src, int threads, const AvaLogger *lg)
{
    const char *path = ava_source_path(src);
    AvaDecoder *d = calloc(1, sizeof(*d));
    if (!d)
        return AVA_ERR(ENOMEM);
    d->lg = lg;
    d->path = path;
    d->last_pts = AV_NOPTS_VALUE;
    int ret = ava_cursor_open(src, &d->cur);
    if (ret < 0)
        goto fail;
    ret = AVA_ERR_DECODE;
    const AVStream *st = ava_cursor_stream(d->cur);
    const AVCodec *codec = avcodec_find_decoder(st->codecpar->codec_id);
    if (!codec) {
        ava_log(lg, AVA_LOG_ERROR, "%s: no decoder for %s", path,
                avcodec_get_name(st->codecpar->codec_id));
        goto fail;
    }
    d->dec = avcodec_alloc_context3(codec);
    d->pkt = av_packet_alloc();
    d->frame = av_frame_alloc();
    if (!d->dec || !d->pkt || !d->frame) {
        ret = AVA_ERR(ENOMEM);
        goto fail;
    }
    if ((ret = ava_cursor_codec_params(d->cur, d->dec)) < 0)
        goto fail;
    ret = AVA_ERR_DECODE;
    d->dec->thread_count = threads > 0 ? threads : 1;
    d->dec->pkt_timebase = st->time_base;
    int r = avcodec_open2(d->dec, codec, NULL);
    if (r < 0) {
        ava_log(lg, AVA_LOG_ERROR, "%s: cannot open the %s decoder: %s", path, codec->name,
                av_err2str(r));
        goto fail;
    }
    *d_out = d;
    return 0;
fail:
    ava_decoder_close(&d);
    return ret;
}

int ava_decoder_seek(AvaDecoder *d, int64_t ts)
{
    int ret = ava_cursor_seek(d->cur, ts);
    if (ret < 0)
        return ret;
    avcodec_flush_buffers(d->dec);
    d->draining = 0;
    d->pending = 0;
    d->last_pts = AV_NOPTS_VALUE;
    return 0;
}

int ava_decoder_seek_key(AvaDecoder *d, int64_t key_pts, int64_t seek_ts)
{
    if (key_pts == seek_ts)
        return ava_decoder_seek(d, seek_ts);
    int ret = ava_decoder_seek(d, key_pts);
    if (ret < 0)
        return ret;
    const AVFrame *f;
    int64_t pts;
    ret = ava_decoder_next(d, &f, &pts);
    if (ret == AVA_EOF || (ret >= 0 && pts > key_pts))
        return ava_decoder_seek(d, seek_ts);
    if (ret < 0)
        return ret;
    d->pending = 1;
    return 0;
}

static void note_error(AvaDecoder *d, int r)
{
    d->errors++;
    if (d->errors <= 3)
        ava_log(d->lg, AVA_LOG_WARNING, "%s: skipped a damaged packet: %s", d->path,
                av_err2str(r));
}

int ava_decoder_next(AvaDecoder *d, const AVFrame **f, int64_t *pts)
{
    if (d->pending) {
        d->pending = 0;
        *f = d->frame;
        *pts = d->last_pts;
        return 0;
    }
    for (;;) {
        int r = avcodec_receive_frame(d->dec, d->frame);
        if (r == 0) {
            int64_t t = d->frame->best_effort_timestamp;
            if (t == AV_NOPTS_VALUE)
                t = d->frame->pts;
            if (t == AV_NOPTS_VALUE)
                t = d->last_pts == AV_NOPTS_VALUE ? 0 : d->last_pts + 1;
            d->last_pts = t;
            *f = d->frame;
            *pts = t;
            return 0;
        }
        if (r == AVERROR_EOF)
            return AVA_EOF;
        if (r != AVERROR(EAGAIN)) {
            note_error(d, r);
            if (d->draining)
                return AVA_EOF;
        }
        if (d->draining)
            continue;
        r = ava_cursor_read(d->cur, d->pkt);
        if (r < 0) {
            if (r != AVERROR_EOF)
                ava_log(d->lg, AVA_LOG_WARNING, "%s: reading stopped early: %s", d->path,
                        av_err2str(r));
            d->draining = 1;
            avcodec_send_packet(d->dec, NULL);
            continue;
        }
        r = avcodec_send_packet(d->dec, d->pkt);
        av_packet_unref(d->pkt);
        if (r == AVERROR(ENOMEM))
            return AVA_ERR(ENOMEM);
        if (r < 0 && r != AVERROR(EAGAIN))
            note_error(d, r);
    }
}

void ava_decoder_set_library_logging(int debug)
{
    av_log_set_level(debug ? AV_LOG_WARNING : AV_LOG_QUIET);
}

int64_t ava_decoder_errors(const AvaDecoder *d)
{
    return d->errors;
}
