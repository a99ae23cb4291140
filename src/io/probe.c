/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Stream facts and the demux-only packet scan (see probe.h). Seconds for an hour of video:
 * packets are read, never decoded.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/display.h>
#include <libavutil/pixdesc.h>

#include "src/io/probe.h"
#include "src/log.h"
#include "src/util/text.h"

int ava_rotation_from_matrix(const int32_t *matrix)
{
    if (!matrix)
        return 0;
    /* Same rule as fftools' get_rotation(): the matrix angle is counter-clockwise. */
    double theta = -round(av_display_rotation_get(matrix));
    if (isnan(theta))
        return 0;
    theta -= 360 * floor(theta / 360 + 0.9 / 360);
    int r = (int)theta;
    if (r == 90 || r == 180 || r == 270)
        return r;
    return 0;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int cmp_key(const void *a, const void *b)
{
    const AvaKeyframe *x = a, *y = b;
    return (x->pts > y->pts) - (x->pts < y->pts);
}

int64_t ava_scan_index_of(const AvaScan *scan, int64_t pts)
{
    int64_t lo = 0, hi = scan->n_frames;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (scan->pts[mid] < pts)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

void ava_scan_drop_pts(AvaScan *scan)
{
    free(scan->pts);
    scan->pts = NULL;
}

void ava_scan_free(AvaScan *scan)
{
    if (!scan)
        return;
    free(scan->pts);
    free(scan->keys);
    memset(scan, 0, sizeof(*scan));
}

static int fill_info(const char *path, const AvaLogger *lg, AVFormatContext *fmt, int idx,
                     AvaStreamInfo *si)
{
    AVStream *st = fmt->streams[idx];
    AVCodecParameters *par = st->codecpar;
    memset(si, 0, sizeof(*si));
    si->stream_index = idx;
    si->width = par->width;
    si->height = par->height;
    if (si->width < AVA_MIN_SIDE_PX || si->height < AVA_MIN_SIDE_PX) {
        ava_log(lg, AVA_LOG_ERROR, "%s: picture %dx%d is smaller than the %d px minimum", path,
                si->width, si->height, AVA_MIN_SIDE_PX);
        return AVA_ERR_LIMIT;
    }
    if (si->width > AVA_MAX_SIDE_PX || si->height > AVA_MAX_SIDE_PX ||
        (int64_t)si->width * si->height > AVA_MAX_PIXELS) {
        ava_log(lg, AVA_LOG_ERROR,
                "%s: picture %dx%d exceeds the limit (%d px a side, %lld pixels)", path,
                si->width, si->height, AVA_MAX_SIDE_PX, (long long)AVA_MAX_PIXELS);
        return AVA_ERR_LIMIT;
    }
    AVRational sar = av_guess_sample_aspect_ratio(fmt, st, NULL);
    if (sar.num <= 0 || sar.den <= 0 || av_q2d(sar) < 0.1 || av_q2d(sar) > 10)
        sar = (AVRational){ 1, 1 };
    av_reduce(&si->sar_num, &si->sar_den, sar.num, sar.den, 1 << 16);
    const int32_t *matrix =
        (const int32_t *)av_stream_get_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, NULL);
    si->rotation = ava_rotation_from_matrix(matrix);
    int dw = (int)lrint(si->width * av_q2d(sar));
    int dh = si->height;
    if (si->rotation == 90 || si->rotation == 270) {
        si->display_width = dh;
        si->display_height = dw;
    } else {
        si->display_width = dw;
        si->display_height = dh;
    }
    if (dw < 1 || dw > AVA_MAX_SIDE_PX || (int64_t)dw * dh > AVA_MAX_PIXELS) {
        ava_log(lg, AVA_LOG_ERROR,
                "%s: displayed picture %dx%d (coded %dx%d, SAR %d:%d) exceeds the limit "
                "(%d px a side, %lld pixels)", path, dw, dh, si->width, si->height, sar.num,
                sar.den, AVA_MAX_SIDE_PX, (long long)AVA_MAX_PIXELS);
        return AVA_ERR_LIMIT;
    }
    si->tb_num = st->time_base.num;
    si->tb_den = st->time_base.den;
    /* The nominal rate labels timecode frames: r_frame_rate, the stream's base rate, rather
     * than avg_frame_rate, which gaps and variable rates pull anywhere. */
    AVRational fr = st->r_frame_rate;
    if (!(fr.num > 0 && fr.den > 0 && av_q2d(fr) <= 240))
        fr = st->avg_frame_rate;
    si->fps = fr.num > 0 && fr.den > 0 && av_q2d(fr) <= 1000 ? av_q2d(fr) : 25.0;
    if (fmt->duration > 0)
        si->duration_s = fmt->duration / (double)AV_TIME_BASE;
    const AVPixFmtDescriptor *desc = av_pix_fmt_desc_get(par->format);
    si->bit_depth = desc ? desc->comp[0].depth : 8;
    snprintf(si->pix_fmt, sizeof(si->pix_fmt), "%s", desc ? desc->name : "unknown");
    snprintf(si->codec, sizeof(si->codec), "%s", avcodec_get_name(par->codec_id));
    snprintf(si->container, sizeof(si->container), "%s", fmt->iformat->name);
    const AVDictionaryEntry *t = av_dict_get(fmt->metadata, "title", NULL, 0);
    if (!t)
        t = av_dict_get(st->metadata, "title", NULL, 0);
    if (t)
        ava_text_sanitize(si->title, sizeof(si->title), t->value);
    return 0;
}

typedef struct PacketList {
    int64_t *pts;
    int64_t n, cap;
    AvaKeyframe *keys;
    int n_keys, cap_keys;
} PacketList;

static int push_packet(PacketList *l, int64_t pts, int64_t dts, int key)
{
    if (l->n == l->cap) {
        int64_t cap = l->cap ? l->cap * 2 : 4096;
        int64_t *p = realloc(l->pts, (size_t)cap * sizeof(*p));
        if (!p)
            return AVA_ERR(ENOMEM);
        l->pts = p;
        l->cap = cap;
    }
    l->pts[l->n++] = pts;
    if (key) {
        if (l->n_keys == l->cap_keys) {
            int cap = l->cap_keys ? l->cap_keys * 2 : 256;
            AvaKeyframe *k = realloc(l->keys, (size_t)cap * sizeof(*k));
            if (!k)
                return AVA_ERR(ENOMEM);
            l->keys = k;
            l->cap_keys = cap;
        }
        int64_t seek = dts != AV_NOPTS_VALUE && dts < pts ? dts : pts;
        l->keys[l->n_keys++] = (AvaKeyframe){ .pts = pts, .seek_ts = seek, .index = -1 };
    }
    return 0;
}

static int scan_packets(const char *path, const AvaLogger *lg, AVFormatContext *fmt, int idx,
                        AvaScan *scan)
{
    PacketList l = { 0 };
    AVPacket *pkt = av_packet_alloc();
    int ret = 0, missing_pts = 0, read_error = 0, last_corrupt = 0;
    if (!pkt)
        return AVA_ERR(ENOMEM);
    int64_t counter = 0;
    for (;;) {
        int r = av_read_frame(fmt, pkt);
        if (r == AVERROR_EOF)
            break;
        if (r < 0) {
            /* A damaged tail: keep what was read; decoding will stop at the same place. */
            ava_log(lg, AVA_LOG_WARNING, "%s: demuxing stopped early: %s", path, av_err2str(r));
            read_error = 1;
            break;
        }
        if (pkt->stream_index == idx && !(pkt->flags & AV_PKT_FLAG_DISCARD)) {
            int64_t pts = pkt->pts;
            if (pts == AV_NOPTS_VALUE) {
                missing_pts = 1;
                pts = pkt->dts != AV_NOPTS_VALUE ? pkt->dts : counter;
            }
            scan->packet_bytes += pkt->size;
            last_corrupt = !!(pkt->flags & AV_PKT_FLAG_CORRUPT);
            ret = push_packet(&l, pts, pkt->dts, pkt->flags & AV_PKT_FLAG_KEY);
            counter++;
        }
        av_packet_unref(pkt);
        if (ret < 0)
            break;
    }
    av_packet_free(&pkt);
    if (ret < 0)
        goto fail;
    if (l.n == 0) {
        ava_log(lg, AVA_LOG_ERROR, "%s: the video stream holds no frames%s", path,
                read_error ? " (the file is damaged or truncated)" : "");
        ret = AVA_ERR_NOVIDEO;
        goto fail;
    }
    qsort(l.pts, (size_t)l.n, sizeof(*l.pts), cmp_i64);
    if (l.n_keys > 1)
        qsort(l.keys, (size_t)l.n_keys, sizeof(*l.keys), cmp_key);
    if ((read_error || last_corrupt) && l.n_keys > 1 && !missing_pts) {
        /* The file ends inside a group of pictures (cut short, or still being written): its
         * last packets are partial and, with B-frames, some of its frames are missing, so the
         * others would be numbered wrongly. Keep the frames before its keyframe. */
        int64_t cut = l.keys[l.n_keys - 1].pts, keep = 0;
        while (keep < l.n && l.pts[keep] < cut)
            keep++;
        if (keep > 0) {
            ava_log(lg, AVA_LOG_WARNING, "%s: the file ends inside a group of pictures (cut "
                    "short or still being written): its last %lld frames are left out",
                    path, (long long)(l.n - keep));
            l.n = keep;
            l.n_keys--;
            scan->tail_cut = 1;
        }
    }
    scan->pts = l.pts;
    scan->n_frames = l.n;
    scan->keys = l.keys;
    scan->n_keys = l.n_keys;
    scan->pts_reliable = !missing_pts;
    for (int k = 0; k < scan->n_keys; k++)
        scan->keys[k].index = ava_scan_index_of(scan, scan->keys[k].pts);
    return 0;
fail:
    free(l.pts);
    free(l.keys);
    return ret;
}

int ava_open_input(AVFormatContext **fmt, const char *path, const AvaLogger *lg)
{
    struct stat sb;
    if (stat(path, &sb) < 0) {
        int e = errno;
        ava_log(lg, AVA_LOG_ERROR, "%s: cannot open: %s", path, strerror(e));
        return e == ENOENT ? AVA_ERR(ENOENT) : AVA_ERR_DECODE;
    }
    if (!S_ISREG(sb.st_mode)) {
        ava_log(lg, AVA_LOG_ERROR, "%s: not a regular file (%s)", path,
                S_ISDIR(sb.st_mode) ? "a folder" : S_ISFIFO(sb.st_mode) ? "a pipe" : "a device");
        return AVA_ERR_DECODE;
    }
    size_t len = strlen(path) + 6;
    char *url = malloc(len);
    if (!url)
        return AVA_ERR(ENOMEM);
    snprintf(url, len, "file:%s", path);
    int r = avformat_open_input(fmt, url, NULL, NULL);
    free(url);
    if (r < 0) {
        ava_log(lg, AVA_LOG_ERROR, "%s: cannot open: %s", path, av_err2str(r));
        return AVA_ERR_DECODE;
    }
    return 0;
}

static int file_state(const char *path, int64_t *size, int64_t *mtime_ns)
{
    struct stat sb;
    if (stat(path, &sb) < 0)
        return AVA_ERR(errno);
    *size = (int64_t)sb.st_size;
    *mtime_ns = (int64_t)sb.st_mtim.tv_sec * 1000000000 + sb.st_mtim.tv_nsec;
    return 0;
}

int ava_probe_unchanged(const char *path, const AvaStreamInfo *si, const AvaLogger *lg)
{
    int64_t size, mtime;
    int ret = file_state(path, &size, &mtime);
    if (ret < 0) {
        ava_log(lg, AVA_LOG_ERROR, "%s: the file went away during the analysis: %s", path,
                strerror(-ret));
        return ret;
    }
    if (size == si->file_size && mtime == si->file_mtime_ns)
        return 0;
    if (size != si->file_size)
        ava_log(lg, AVA_LOG_ERROR, "%s: the file is still being written (its size changed from "
                "%lld to %lld bytes during the analysis); nothing was written; run again once "
                "it is complete", path, (long long)si->file_size, (long long)size);
    else
        ava_log(lg, AVA_LOG_ERROR, "%s: the file was modified during the analysis (same size, "
                "new modification time); nothing was written; run again once it is complete",
                path);
    return AVA_ERR(EAGAIN);
}

int ava_probe_file(const char *path, const AvaLogger *lg, AvaStreamInfo *si, AvaScan *scan)
{
    AVFormatContext *fmt = NULL;
    memset(scan, 0, sizeof(*scan));
    int64_t size = 0, mtime = 0;
    file_state(path, &size, &mtime);   /* a missing file is reported by ava_open_input() */
    int ret = ava_open_input(&fmt, path, lg);
    if (ret < 0)
        goto done;
    int r;
    r = avformat_find_stream_info(fmt, NULL);
    if (r < 0) {
        ava_log(lg, AVA_LOG_ERROR, "%s: not a readable media file: %s", path, av_err2str(r));
        ret = AVA_ERR_DECODE;
        goto done;
    }
    int idx = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
    if (idx >= 0 && (fmt->streams[idx]->disposition & AV_DISPOSITION_ATTACHED_PIC))
        idx = -1;
    if (idx < 0) {
        ava_log(lg, AVA_LOG_ERROR, "%s: no video stream (streams: %u, container: %s)", path,
                fmt->nb_streams, fmt->iformat->name);
        ret = AVA_ERR_NOVIDEO;
        goto done;
    }
    if (!avcodec_find_decoder(fmt->streams[idx]->codecpar->codec_id)) {
        ava_log(lg, AVA_LOG_ERROR, "%s: no decoder for video codec %s", path,
                avcodec_get_name(fmt->streams[idx]->codecpar->codec_id));
        ret = AVA_ERR_NOVIDEO;
        goto done;
    }
    ret = fill_info(path, lg, fmt, idx, si);
    if (ret < 0)
        goto done;
    for (unsigned i = 0; i < fmt->nb_streams; i++)
        if ((int)i != idx)
            fmt->streams[i]->discard = AVDISCARD_ALL;
    ret = scan_packets(path, lg, fmt, idx, scan);
    if (ret >= 0) {
        scan->seek_reliable = !(fmt->iformat->flags & AVFMT_TS_DISCONT);
        si->origin_pts = scan->pts[0];
        if (fmt->start_time != AV_NOPTS_VALUE) {
            int64_t start = av_rescale_q(fmt->start_time, AV_TIME_BASE_Q,
                                         fmt->streams[idx]->time_base);
            if (start < si->origin_pts)
                si->origin_pts = start;
        }
    }
done:
    avformat_close_input(&fmt);
    if (ret >= 0 || ret == AVA_ERR_DECODE || ret == AVA_ERR_NOVIDEO) {
        /* Growing under us: say so, whatever else went wrong (an MP4 without its index yet). */
        AvaStreamInfo at_start = { .file_size = size, .file_mtime_ns = mtime };
        int changed = ava_probe_unchanged(path, &at_start, lg);
        if (changed < 0) {
            ava_scan_free(scan);
            return changed;
        }
        /* Not growing right now, but written to seconds ago: perhaps a pause in a recording. */
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        double age_s = now.tv_sec + now.tv_nsec / 1e9 - mtime / 1e9;
        if (ret < 0 && mtime > 0 && age_s >= 0 && age_s < 10)
            ava_log(lg, AVA_LOG_ERROR, "%s: it was modified %.1f s ago: if it is still being "
                    "written, run again once it is complete", path, age_s);
    }
    if (ret >= 0) {
        si->file_size = size;
        si->file_mtime_ns = mtime;
    }
    return ret;
}
