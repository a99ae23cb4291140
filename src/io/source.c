/* SPDX-License-Identifier: MIT */
/** @file One demuxer for the decoders of a pass (see source.h). */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>

#include "src/io/probe.h"
#include "src/io/source.h"
#include "src/log.h"

struct AvaSource {
    char *path;
    int stream_index;
    AVFormatContext *fmt;      ///< the shared demuxer; NULL: each cursor opens its own
    pthread_mutex_t lock;      ///< guards fmt and reader
    const AvaCursor *reader;   ///< whose place the demuxer is at; NULL: nobody's
    int untouched;             ///< never read or moved: at the start, as opened
    const AvaLogger *lg;
};

/* Putting the shared demuxer back costs about 0.3 ms (a seek, a few packets read again),
 * so a cursor reads ahead while it holds it: up to this many packets or bytes. */
#define AHEAD_PACKETS 16
#define AHEAD_BYTES (2 << 20)

struct AvaCursor {
    AvaSource *s;
    AVFormatContext *own;      ///< this cursor's demuxer when the source is not shared
    AVPacket *scratch;         ///< packets read again to find the cursor's place
    int64_t seek_ts;           ///< where the cursor was last put (INT64_MIN: the start)
    int64_t last_pos;          ///< file position of the last packet it read; -1: none since
    AVPacket *ahead[AHEAD_PACKETS]; ///< read ahead, not yet returned: a ring
    int head, n_ahead;
    int end;                   ///< what the read after the queued packets returned (<0), or 0
};

static int open_demuxer(AVFormatContext **fmt, const char *path, int stream_index,
                        const AvaLogger *lg)
{
    int ret = ava_open_input(fmt, path, lg);
    if (ret < 0)
        return ret;
    if (avformat_find_stream_info(*fmt, NULL) < 0 || stream_index < 0 ||
        stream_index >= (int)(*fmt)->nb_streams) {
        ava_log(lg, AVA_LOG_ERROR, "%s: cannot read stream %d", path, stream_index);
        avformat_close_input(fmt);
        return AVA_ERR_DECODE;
    }
    for (unsigned i = 0; i < (*fmt)->nb_streams; i++)
        if ((int)i != stream_index)
            (*fmt)->streams[i]->discard = AVDISCARD_ALL;
    return 0;
}

/* Only MOV/MP4 is shared: its packets carry their file position, it seeks to any sample
 * (AVSEEK_FLAG_ANY), and it is the container whose index grows with the title. */
static int shareable(AVFormatContext *fmt, int stream_index, int64_t n_frames)
{
    if (strcmp(fmt->iformat->name, "mov,mp4,m4a,3gp,3g2,mj2"))
        return 0;
    return avformat_index_get_entries_count(fmt->streams[stream_index]) >= n_frames;
}

int ava_source_open(AvaSource **s_out, const char *path, int stream_index, int64_t n_frames,
                    const AvaLogger *lg)
{
    AvaSource *s = calloc(1, sizeof(*s));
    if (!s || !(s->path = strdup(path))) {
        free(s);
        return AVA_ERR(ENOMEM);
    }
    s->stream_index = stream_index;
    s->lg = lg;
    pthread_mutex_init(&s->lock, NULL);
    int ret = open_demuxer(&s->fmt, path, stream_index, lg);
    if (ret < 0) {
        ava_source_close(&s);
        return ret;
    }
    if (!shareable(s->fmt, stream_index, n_frames))
        avformat_close_input(&s->fmt);
    s->untouched = 1;
    *s_out = s;
    return 0;
}

const char *ava_source_path(const AvaSource *s)
{
    return s->path;
}

int ava_source_shared(const AvaSource *s)
{
    return s->fmt != NULL;
}

void ava_source_close(AvaSource **s_out)
{
    AvaSource *s = s_out ? *s_out : NULL;
    if (!s)
        return;
    avformat_close_input(&s->fmt);
    pthread_mutex_destroy(&s->lock);
    free(s->path);
    free(s);
    *s_out = NULL;
}

int ava_cursor_open(AvaSource *s, AvaCursor **c_out)
{
    AvaCursor *c = calloc(1, sizeof(*c));
    if (!c)
        return AVA_ERR(ENOMEM);
    c->s = s;
    c->seek_ts = INT64_MIN;
    c->last_pos = -1;
    int ret = 0;
    if (!s->fmt)
        ret = open_demuxer(&c->own, s->path, s->stream_index, s->lg);
    else if (!(c->scratch = av_packet_alloc()))
        ret = AVA_ERR(ENOMEM);
    for (int i = 0; ret >= 0 && c->scratch && i < AHEAD_PACKETS; i++)
        if (!(c->ahead[i] = av_packet_alloc()))
            ret = AVA_ERR(ENOMEM);
    if (ret < 0) {
        ava_cursor_close(&c);
        return ret;
    }
    *c_out = c;
    return 0;
}

void ava_cursor_close(AvaCursor **c_out)
{
    AvaCursor *c = c_out ? *c_out : NULL;
    if (!c)
        return;
    if (c->s->fmt) {
        pthread_mutex_lock(&c->s->lock);
        if (c->s->reader == c)
            c->s->reader = NULL;
        pthread_mutex_unlock(&c->s->lock);
    }
    avformat_close_input(&c->own);
    av_packet_free(&c->scratch);
    for (int i = 0; i < AHEAD_PACKETS; i++)
        av_packet_free(&c->ahead[i]);
    free(c);
    *c_out = NULL;
}

const AVStream *ava_cursor_stream(const AvaCursor *c)
{
    AVFormatContext *fmt = c->own ? c->own : c->s->fmt;
    return fmt->streams[c->s->stream_index];
}

int ava_cursor_codec_params(AvaCursor *c, AVCodecContext *dec)
{
    AvaSource *s = c->s;
    if (!c->own)
        pthread_mutex_lock(&s->lock);
    int r = avcodec_parameters_to_context(dec, ava_cursor_stream(c)->codecpar);
    if (!c->own)
        pthread_mutex_unlock(&s->lock);
    return r < 0 ? AVA_ERR(ENOMEM) : 0;
}

static int seek_keyframe(AVFormatContext *fmt, int idx, int64_t ts)
{
    int r = av_seek_frame(fmt, idx, ts, AVSEEK_FLAG_BACKWARD);
    /* Some demuxers cannot seek by timestamp: start again from the beginning. */
    if (r < 0)
        r = avformat_seek_file(fmt, idx, INT64_MIN, INT64_MIN, INT64_MIN, 0);
    return r;
}

/* The shared (MOV) demuxer back at its first sample. MOV offsets a seek's timestamp by its
 * first pts, which overflows for INT64_MIN: the first sample's own timestamp is used. */
static int seek_start(AVFormatContext *fmt, int idx)
{
    AVStream *st = fmt->streams[idx];
    if (avformat_index_get_entries_count(st) > 0 &&
        av_seek_frame(fmt, idx, avformat_index_get_entry(st, 0)->timestamp, AVSEEK_FLAG_ANY) >= 0)
        return 0;
    return avformat_seek_file(fmt, idx, INT64_MIN, INT64_MIN, INT64_MIN, 0);
}

/* Where @p ts puts the shared demuxer. */
static int seek_shared(AVFormatContext *fmt, int idx, int64_t ts)
{
    return ts == INT64_MIN ? seek_start(fmt, idx) : seek_keyframe(fmt, idx, ts);
}

static int read_stream_packet(AVFormatContext *fmt, int idx, AVPacket *pkt)
{
    for (;;) {
        int r = av_read_frame(fmt, pkt);
        if (r < 0 || pkt->stream_index == idx)
            return r;
        av_packet_unref(pkt);
    }
}

/* Index entry whose sample starts at @p pos, or -1. Samples of one track normally follow
 * each other in the file; when they do not, every entry is looked at. */
static int entry_at(const AVStream *st, int64_t pos)
{
    int n = avformat_index_get_entries_count(st);
    int lo = 0, hi = n;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (avformat_index_get_entry((AVStream *)st, mid)->pos < pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < n && avformat_index_get_entry((AVStream *)st, lo)->pos == pos)
        return lo;
    for (int i = 0; i < n; i++)
        if (avformat_index_get_entry((AVStream *)st, i)->pos == pos)
            return i;
    return -1;
}

/* Read on to just after the packet at @p pos (entry @p k); 1 overshot: a packet of a later
 * entry came first. */
static int skip_through(AvaCursor *c, int64_t pos, int k)
{
    AVFormatContext *fmt = c->s->fmt;
    const AVStream *st = fmt->streams[c->s->stream_index];
    for (;;) {
        int r = read_stream_packet(fmt, c->s->stream_index, c->scratch);
        if (r < 0)
            return r;
        int64_t got = c->scratch->pos;
        av_packet_unref(c->scratch);
        if (got == pos)
            return 0;
        if (entry_at(st, got) > k)
            return 1;
    }
}

/* Put the shared demuxer where @p c stopped. */
static int reposition(AvaCursor *c)
{
    AvaSource *s = c->s;
    int idx = s->stream_index;
    if (c->last_pos < 0) {
        if (s->untouched && c->seek_ts == INT64_MIN)
            return 0;
        return seek_shared(s->fmt, idx, c->seek_ts);
    }
    const AVStream *st = s->fmt->streams[idx];
    int k = entry_at(st, c->last_pos);
    if (k < 0)
        return AVERROR(EIO);
    /* MOV seeks on a timeline offset by its first pts, so this lands on the sample or
     * shortly before it; from the start of the file when it does not. */
    int r = av_seek_frame(s->fmt, idx, avformat_index_get_entry((AVStream *)st, k)->timestamp,
                          AVSEEK_FLAG_ANY);
    if (r >= 0)
        r = skip_through(c, c->last_pos, k);
    if (r != 0) {
        ava_log(s->lg, AVA_LOG_VERBOSE, "%s: finding sample %d again from the start",
                s->path, k);
        r = seek_start(s->fmt, idx);
        if (r >= 0)
            r = skip_through(c, c->last_pos, k);
        if (r > 0)
            r = AVERROR(EIO);
    }
    return r;
}

static void drop_ahead(AvaCursor *c)
{
    for (; c->n_ahead > 0; c->n_ahead--, c->head = (c->head + 1) % AHEAD_PACKETS)
        av_packet_unref(c->ahead[c->head]);
    c->head = 0;
    c->end = 0;
}

/* Fill the empty queue from the shared demuxer; returns 0, or how reading ended (<0). */
static int read_ahead(AvaCursor *c)
{
    AvaSource *s = c->s;
    pthread_mutex_lock(&s->lock);
    int r = s->reader == c ? 0 : reposition(c);
    int64_t bytes = 0;
    while (r >= 0 && c->n_ahead < AHEAD_PACKETS && bytes < AHEAD_BYTES) {
        AVPacket *pkt = c->ahead[(c->head + c->n_ahead) % AHEAD_PACKETS];
        r = read_stream_packet(s->fmt, s->stream_index, pkt);
        if (r >= 0 && pkt->pos < 0) {
            /* Without its position the cursor could not find its place again. */
            av_packet_unref(pkt);
            ava_log(s->lg, AVA_LOG_WARNING, "%s: a packet without a file position", s->path);
            r = AVERROR(EIO);
        }
        if (r < 0)
            break;
        c->last_pos = pkt->pos;
        bytes += pkt->size;
        c->n_ahead++;
    }
    s->reader = r >= 0 || r == AVERROR_EOF ? c : NULL;
    s->untouched = 0;
    pthread_mutex_unlock(&s->lock);
    return r < 0 ? r : 0;
}

int ava_cursor_seek(AvaCursor *c, int64_t ts)
{
    AvaSource *s = c->s;
    int r;
    if (c->own) {
        r = seek_keyframe(c->own, s->stream_index, ts);
    } else {
        pthread_mutex_lock(&s->lock);
        r = seek_shared(s->fmt, s->stream_index, ts);
        s->reader = r >= 0 ? c : NULL;
        s->untouched = 0;
        pthread_mutex_unlock(&s->lock);
    }
    c->seek_ts = ts;
    c->last_pos = -1;
    drop_ahead(c);
    if (r < 0) {
        ava_log(s->lg, AVA_LOG_ERROR, "%s: cannot seek to ts %lld: %s", s->path, (long long)ts,
                av_err2str(r));
        return AVA_ERR_DECODE;
    }
    return 0;
}

int ava_cursor_read(AvaCursor *c, AVPacket *pkt)
{
    AvaSource *s = c->s;
    if (c->own)
        return read_stream_packet(c->own, s->stream_index, pkt);
    if (!c->n_ahead && !c->end)
        c->end = read_ahead(c);
    if (c->n_ahead) {
        av_packet_move_ref(pkt, c->ahead[c->head]);
        c->head = (c->head + 1) % AHEAD_PACKETS;
        c->n_ahead--;
        return 0;
    }
    return c->end;
}
