/* SPDX-License-Identifier: MIT */
/** @file FFmpeg send/receive decode loop behind AvaDecoder (see decoder.h). */
#include <errno.h>
#include <stdlib.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>

#include "src/io/decoder.h"
#include "src/io/probe.h"
#include "src/log.h"

struct AvaDecoder {
    AVFormatContext *fmt;
    AVCodecContext *dec;
    AVPacket *pkt;
    AVFrame *frame;
    int stream_index;
    int draining;          ///< input exhausted, flush packet sent
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
    avformat_close_input(&d->fmt);
    free(d);
    *d_out = NULL;
}

int ava_decoder_open(AvaDecoder **d_out, const char *path, int stream_index, int threads,
                     const AvaLogger *lg)
{
    AvaDecoder *d = calloc(1, sizeof(*d));
    if (!d)
        return AVA_ERR(ENOMEM);
    d->stream_index = stream_index;
    d->lg = lg;
    d->path = path;
    d->last_pts = AV_NOPTS_VALUE;
    int ret = ava_open_input(&d->fmt, path, lg);
    if (ret < 0)
        goto fail;
    ret = AVA_ERR_DECODE;
    int r = avformat_find_stream_info(d->fmt, NULL);
    if (r < 0 || stream_index < 0 || stream_index >= (int)d->fmt->nb_streams) {
        ava_log(lg, AVA_LOG_ERROR, "%s: cannot read stream %d", path, stream_index);
        goto fail;
    }
    for (unsigned i = 0; i < d->fmt->nb_streams; i++)
        if ((int)i != stream_index)
            d->fmt->streams[i]->discard = AVDISCARD_ALL;
    AVCodecParameters *par = d->fmt->streams[stream_index]->codecpar;
    const AVCodec *codec = avcodec_find_decoder(par->codec_id);
    if (!codec) {
        ava_log(lg, AVA_LOG_ERROR, "%s: no decoder for %s", path, avcodec_get_name(par->codec_id));
        goto fail;
    }
    d->dec = avcodec_alloc_context3(codec);
    d->pkt = av_packet_alloc();
    d->frame = av_frame_alloc();
    if (!d->dec || !d->pkt || !d->frame) {
        ret = AVA_ERR(ENOMEM);
        goto fail;
    }
    if (avcodec_parameters_to_context(d->dec, par) < 0)
        goto fail;
    d->dec->thread_count = threads > 0 ? threads : 1;
    d->dec->pkt_timebase = d->fmt->streams[stream_index]->time_base;
    r = avcodec_open2(d->dec, codec, NULL);
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
    int r = av_seek_frame(d->fmt, d->stream_index, ts, AVSEEK_FLAG_BACKWARD);
    if (r < 0) {
        /* Some demuxers cannot seek by timestamp: start again from the beginning. */
        r = avformat_seek_file(d->fmt, d->stream_index, INT64_MIN, INT64_MIN, INT64_MIN, 0);
        if (r < 0) {
            ava_log(d->lg, AVA_LOG_ERROR, "%s: cannot seek to ts %lld: %s", d->path,
                    (long long)ts, av_err2str(r));
            return AVA_ERR_DECODE;
        }
    }
    avcodec_flush_buffers(d->dec);
    d->draining = 0;
    d->last_pts = AV_NOPTS_VALUE;
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
        for (;;) {
            r = av_read_frame(d->fmt, d->pkt);
            if (r < 0) {
                if (r != AVERROR_EOF)
                    ava_log(d->lg, AVA_LOG_WARNING, "%s: reading stopped early: %s", d->path,
                            av_err2str(r));
                d->draining = 1;
                avcodec_send_packet(d->dec, NULL);
                break;
            }
            if (d->pkt->stream_index != d->stream_index) {
                av_packet_unref(d->pkt);
                continue;
            }
            r = avcodec_send_packet(d->dec, d->pkt);
            av_packet_unref(d->pkt);
            if (r == AVERROR(ENOMEM))
                return AVA_ERR(ENOMEM);
            if (r < 0 && r != AVERROR(EAGAIN))
                note_error(d, r);
            break;
        }
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
