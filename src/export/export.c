/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Seek, decode and encode the chosen frames (see export.h). Items are grouped by the
 * keyframe before them; each group is decoded once from its keyframe, and groups are shared
 * out to worker threads, each with its own decoder.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/export/export.h"
#include "src/frame.h"
#include "src/io/convert.h"
#include "src/io/decoder.h"
#include "src/io/still_writer.h"
#include "src/log.h"

typedef struct Group {
    AvaExportItem **items; ///< sorted by frame
    int n;
    int key;               ///< keyframe index, -1 = from the start of the file
} Group;

typedef struct Job {
    const char *src;
    AvaSource *source;     ///< the workers' shared demuxer
    const AvaStreamInfo *si;
    const AvaScan *scan;
    Group *groups;
    int n_groups;
    int format, quality, decoder_threads;
    const AvaLogger *lg;
    AvaExportItem *base;   ///< items as given, for the callback's index
    AvaFetchFn fn;         ///< NULL: write stills
    void *cookie;
    atomic_int next_worker;
    atomic_int next;
    atomic_int failed;
    atomic_llong decoded;  ///< frames decoded by all workers
    int first_error;
    pthread_mutex_t lock;
} Job;

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
static int decode_until(Job *j, AvaDecoder *dec, const AvaExportItem *it, int64_t *out_index,
                        const AVFrame **f, int64_t *pts, int *ret)
{
    const AvaScan *scan = j->scan;
    for (;;) {
        *ret = ava_decoder_next(dec, f, pts);
        if (*ret != 0) {
            if (*ret == AVA_EOF)
                *ret = 0;
            return 0;
        }
        atomic_fetch_add_explicit(&j->decoded, 1, memory_order_relaxed);
        ++*out_index;
        if (scan->pts_reliable ? *pts >= it->pts : *out_index >= it->frame)
            return 1;
    }
}

/* Put @p dec at the start of group @p g (ava_decoder_seek_key(): by the keyframe's pts). */
static int start_group(Job *j, AvaDecoder **dec, const Group *g, int64_t *out_index)
{
    *out_index = -1;
    if (!*dec) {
        int ret = ava_decoder_open(dec, j->source, j->decoder_threads, j->lg);
        if (ret < 0)
            return ret;
        if (g->key < 0)
            return 0;
    }
    if (g->key < 0)
        return ava_decoder_seek(*dec, INT64_MIN);
    const AvaKeyframe *key = &j->scan->keys[g->key];
    return ava_decoder_seek_key(*dec, key->pts, key->seek_ts);
}

/* Width of the contact-sheet thumbnails written next to each still. */
#define THUMB_WIDTH 320

/* Box-average @p src into @p dst (smaller or equal in both directions). */
static void downscale(const AvaImage *src, AvaImage *dst)
{
    for (int y = 0; y < dst->height; y++) {
        int y0 = y * src->height / dst->height, y1 = (y + 1) * src->height / dst->height;
        if (y1 <= y0)
            y1 = y0 + 1;
        for (int x = 0; x < dst->width; x++) {
            int x0 = x * src->width / dst->width, x1 = (x + 1) * src->width / dst->width;
            if (x1 <= x0)
                x1 = x0 + 1;
            unsigned sum[3] = { 0, 0, 0 }, n = 0;
            for (int yy = y0; yy < y1; yy++) {
                const uint8_t *p = src->rgb + (size_t)yy * src->rgb_stride + (size_t)x0 * 3;
                for (int xx = x0; xx < x1; xx++, p += 3, n++) {
                    sum[0] += p[0];
                    sum[1] += p[1];
                    sum[2] += p[2];
                }
            }
            uint8_t *d = dst->rgb + (size_t)y * dst->rgb_stride + (size_t)x * 3;
            for (int c = 0; c < 3; c++)
                d[c] = (uint8_t)((sum[c] + n / 2) / n);
        }
    }
}

int ava_export_thumb(const char *path, const AvaImage *img, const AvaLogger *lg)
{
    int tw = img->width < THUMB_WIDTH ? img->width : THUMB_WIDTH;
    int th = (int)((int64_t)img->height * tw / img->width);
    if (th < 1)
        th = 1;
    AvaImage t;
    int ret = ava_image_alloc(&t, tw, th);
    if (ret < 0)
        return ret;
    downscale(img, &t);
    ret = ava_still_write(path, AVA_STILL_JPEG, t.rgb, tw, th, t.rgb_stride, 85, lg);
    ava_image_free(&t);
    return ret;
}

/* STILL.ext -> STILL.thumb.jpg, a small JPEG for the report's contact sheet. */
static int write_thumb(Job *j, const char *still, const AvaImage *img)
{
    char path[4200];
    snprintf(path, sizeof(path), "%s", still);
    char *dot = strrchr(path, '.');
    if (!dot || (size_t)(dot - path) + 12 >= sizeof(path))
        return 0;
    snprintf(dot, sizeof(path) - (size_t)(dot - path), ".thumb.jpg");
    return ava_export_thumb(path, img, j->lg);
}

/* Decode item @p k of @p g into @p img; @p dec is already at the group's start. */
static int decode_item(Job *j, AvaDecoder **dec, const Group *g, int k, int64_t *out_index,
                       AvaConverter *conv, AvaImage *img)
{
    const AvaExportItem *it = g->items[k];
    const AVFrame *f = NULL;
    int64_t pts = 0;
    int ret;
    int found = decode_until(j, *dec, it, out_index, &f, &pts, &ret);
    if (!found && ret >= 0 && j->scan->pts_reliable) {
        /* Some demuxers (single images, raw streams) seek poorly: decode from the start. */
        ava_decoder_close(dec);
        Group from_start = { .key = -1 };
        ret = start_group(j, dec, &from_start, out_index);
        if (ret >= 0)
            found = decode_until(j, *dec, it, out_index, &f, &pts, &ret);
    }
    if (ret < 0)
        return ret;
    if (!found) {
        ava_log(j->lg, AVA_LOG_ERROR, "%s: frame %lld (pts %lld) not found again by seeking",
                j->src, (long long)it->frame, (long long)it->pts);
        return AVA_ERR_DECODE;
    }
    if (j->scan->pts_reliable && pts != it->pts)
        ava_log(j->lg, AVA_LOG_WARNING, "%s: frame %lld: wanted pts %lld, decoded %lld",
                j->src, (long long)it->frame, (long long)it->pts, (long long)pts);
    return ava_converter_run(conv, f, img);
}

/* @p decp: the worker's decoder, opened by the first group and kept for the next ones (a
 * seek, not a new demuxer: opening one reads the whole index of a long title again). */
static int export_group(Job *j, const Group *g, AvaConverter *conv, AvaImage *img, int worker,
                        AvaDecoder **decp)
{
    AvaDecoder *dec = *decp;
    int64_t out_index;
    int ret = start_group(j, &dec, g, &out_index);
    for (int k = 0; ret >= 0 && k < g->n; k++) {
        AvaExportItem *it = g->items[k];
        /* A frame asked for twice (by two callers sharing a fetch) is still in img. */
        if (k == 0 || it->frame != g->items[k - 1]->frame)
            ret = decode_item(j, &dec, g, k, &out_index, conv, img);
        if (ret < 0)
            break;
        if (j->fn) {
            ret = j->fn(j->cookie, worker, (int)(it - j->base), img);
            continue;
        }
        ret = ava_still_write(it->path, j->format, img->rgb, img->width, img->height,
                              img->rgb_stride, j->quality, j->lg);
        if (ret >= 0)
            ret = write_thumb(j, it->path, img);
        it->width = img->width;
        it->height = img->height;
    }
    if (ret < 0)
        ava_decoder_close(&dec);
    *decp = dec;
    return ret;
}

static void *worker(void *arg)
{
    Job *j = arg;
    AvaConverter *conv = NULL;
    AvaDecoder *dec = NULL;
    AvaImage img = { 0 };
    int id = atomic_fetch_add(&j->next_worker, 1);
    int w = j->si->display_width, h = j->si->display_height;
    int ret = ava_converter_open(&conv, w, h, j->si->rotation, 1);
    if (ret >= 0)
        ret = ava_image_alloc(&img, w, h);
    while (ret >= 0 && !atomic_load(&j->failed)) {
        int g = atomic_fetch_add(&j->next, 1);
        if (g >= j->n_groups)
            break;
        ret = export_group(j, &j->groups[g], conv, &img, id, &dec);
    }
    ava_decoder_close(&dec);
    if (ret < 0) {
        pthread_mutex_lock(&j->lock);
        if (!j->first_error)
            j->first_error = ret;
        pthread_mutex_unlock(&j->lock);
        atomic_store(&j->failed, 1);
    }
    ava_image_free(&img);
    ava_converter_close(&conv);
    return NULL;
}

static int run_items(const char *src, const AvaStreamInfo *si, const AvaScan *scan,
                     AvaExportItem *items, int n, int format, int quality, int threads,
                     AvaFetchFn fn, void *cookie, const AvaLogger *lg)
{
    const char *what = fn ? "frames" : "stills";
    if (n <= 0)
        return 0;
    AvaSource *source = NULL;
    int ret = ava_source_open(&source, src, si->stream_index, scan->n_frames, lg);
    if (ret < 0)
        return ret;
    AvaExportItem **order = malloc((size_t)n * sizeof(*order));
    Group *groups = calloc((size_t)n, sizeof(*groups));
    if (!order || !groups) {
        free(order);
        free(groups);
        ava_source_close(&source);
        return AVA_ERR(ENOMEM);
    }
    for (int i = 0; i < n; i++)
        order[i] = &items[i];
    qsort(order, (size_t)n, sizeof(*order), cmp_item);
    /* Without trustworthy pts (or seeking) frames are found by decoding from the start. */
    int n_groups = 0;
    for (int i = 0; i < n; i++) {
        int key = scan->pts_reliable && scan->seek_reliable ? key_before(scan, order[i]->pts) : -1;
        if (n_groups == 0 || groups[n_groups - 1].key != key)
            groups[n_groups++] = (Group){ .items = order + i, .key = key };
        groups[n_groups - 1].n++;
    }
    Job j = { .src = src, .source = source, .si = si, .scan = scan, .groups = groups, .n_groups = n_groups,
              .format = format, .quality = quality, .lg = lg, .base = items, .fn = fn,
              .cookie = cookie };
    atomic_init(&j.next_worker, 0);
    atomic_init(&j.next, 0);
    atomic_init(&j.failed, 0);
    atomic_init(&j.decoded, 0);
    pthread_mutex_init(&j.lock, NULL);
    int n_workers = threads < n_groups ? threads : n_groups;
    if (n_workers > 64)
        n_workers = 64;
    if (n_workers < 1)
        n_workers = 1;
    j.decoder_threads = threads / n_workers > 1 ? threads / n_workers : 1;
    pthread_t tid[64];
    int started = 0;
    for (; started < n_workers && started < 64; started++)
        if (pthread_create(&tid[started], NULL, worker, &j))
            break;
    if (started == 0)
        worker(&j);
    for (int i = 0; i < started; i++)
        pthread_join(tid[i], NULL);
    pthread_mutex_destroy(&j.lock);
    ava_log(lg, AVA_LOG_VERBOSE, "%s: %d %s fetched: %lld frames decoded in %d groups",
            src, n, what, (long long)atomic_load(&j.decoded), n_groups);
    ava_source_close(&source);
    free(order);
    free(groups);
    return j.first_error;
}

int ava_export_stills(const char *src, const AvaStreamInfo *si, const AvaScan *scan,
                      AvaExportItem *items, int n, int format, int quality, int threads,
                      const AvaLogger *lg)
{
    return run_items(src, si, scan, items, n, format, quality, threads, NULL, NULL, lg);
}

int ava_fetch_frames(const char *src, const AvaStreamInfo *si, const AvaScan *scan,
                     AvaExportItem *items, int n, int threads, AvaFetchFn fn, void *cookie,
                     const AvaLogger *lg)
{
    return run_items(src, si, scan, items, n, 0, 0, threads, fn, cookie, lg);
}
