/* SPDX-License-Identifier: MIT */
/** @file Chunk workers: decode -> analysis image -> annotators -> shard (see pass1.h). */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/frame.h>

#include "src/annotators/annset.h"
#include "src/io/convert.h"
#include "src/io/decoder.h"
#include "src/log.h"
#include "src/pipeline/pass1.h"
#include "src/store/store.h"
#include "src/util/fsutil.h"

typedef struct Pool {
    const AvaPass1 *p;
    atomic_int next_chunk;
    atomic_int failed;
    atomic_llong frames;
    atomic_int reused;
    double ann_seconds[32];    ///< guarded by progress_lock
    pthread_mutex_t progress_lock;
    int decoder_threads;
    AvaSource *src;            ///< the workers' shared demuxer
    int first_error;
    pthread_mutex_t error_lock;
} Pool;

void ava_shard_path(char *buf, size_t size, const char *shard_dir, const AvaChunk *ch)
{
    snprintf(buf, size, "%s/chunk-%05d-f%lld.sqlite", shard_dir, ch->id,
             (long long)ch->first_frame);
}

static void report_progress(Pool *pool, int64_t add)
{
    const AvaPass1 *p = pool->p;
    long long done = atomic_fetch_add(&pool->frames, add) + add;
    if (!p->progress)
        return;
    pthread_mutex_lock(&pool->progress_lock);
    p->progress(p->progress_cookie, done, p->progress_total);
    pthread_mutex_unlock(&pool->progress_lock);
}

typedef struct Worker {
    AvaDecoder *dec;
    AvaConverter *conv;
    AvaAnnSet *anns;
    AvaStore *shard;
    AvaFrame cur, prev;    ///< prev is valid once the chunk has annotated a frame
} Worker;

/* Per-annotator CPU seconds summed over the workers, logged at the end of pass 1. */
static void add_times(Pool *pool, const AvaAnnSet *set)
{
    if (!set)
        return;
    pthread_mutex_lock(&pool->progress_lock);
    for (int i = 0; i < set->n_ann && i < 32; i++)
        pool->ann_seconds[i] += set->seconds[i];
    pthread_mutex_unlock(&pool->progress_lock);
}

static void worker_close(Worker *w)
{
    ava_store_close(&w->shard);
    ava_annset_close(&w->anns);
    ava_converter_close(&w->conv);
    ava_decoder_close(&w->dec);
    ava_image_free(&w->cur.img);
    ava_image_free(&w->prev.img);
}

static int annotate(Worker *w, const AvaChunk *ch, int key_frame, int lookahead)
{
    int ret = ava_annset_frame(w->anns, &w->cur);
    if (ret < 0)
        return ret;
    return ava_store_put_frame(w->shard, w->cur.index, w->cur.pts, w->cur.t_s,
                               lookahead ? ch->id + 1 : ch->id, key_frame, lookahead,
                               w->anns->row);
}

static int run_chunk(Pool *pool, const AvaChunk *ch)
{
    const AvaPass1 *p = pool->p;
    const AvaScan *scan = p->scan;
    Worker w = { 0 };
    char final_path[4096], tmp_path[4200], why[160];
    ava_shard_path(final_path, sizeof(final_path), p->shard_dir, ch);
    snprintf(tmp_path, sizeof(tmp_path), "%s.tmp", final_path);
    AvaShardKey key = { p->title_key, p->config_key, ch->id, ch->first_frame, ch->start_pts,
                        ch->end_pts };
    int ret = ava_store_check_shard(final_path, &key, why, sizeof(why));
    if (ret == 0) {
        atomic_fetch_add(&pool->reused, 1);
        report_progress(pool, ch->n_frames);
        return 0;
    }
    if (ret != AVA_ERR(ENOENT)) {
        ava_log(p->lg, AVA_LOG_WARNING, "%s: redoing chunk %d: its shard %s is %s", p->path,
                ch->id, final_path, why);
        remove(final_path);
    }

    ret = ava_decoder_open(&w.dec, pool->src, pool->decoder_threads, p->lg);
    if (ret >= 0 && ch->id > 0)
        ret = ava_decoder_seek_key(w.dec, ch->start_pts, ch->seek_ts);
    if (ret >= 0)
        ret = ava_converter_open(&w.conv, p->analysis_w, p->analysis_h, p->si->rotation, 0);
    if (ret >= 0)
        ret = ava_image_alloc(&w.cur.img, p->analysis_w, p->analysis_h);
    if (ret >= 0)
        ret = ava_image_alloc(&w.prev.img, p->analysis_w, p->analysis_h);
    if (ret >= 0)
        ret = ava_annset_open(&w.anns, p->analysis_w, p->analysis_h, p->lg);
    if (ret >= 0)
        ret = ava_store_create(&w.shard, tmp_path, AVA_STORE_SHARD, w.anns->cols,
                               w.anns->n_cols, p->lg);
    if (ret >= 0)
        ret = ava_store_begin(w.shard);
    if (ret >= 0)
        ret = ava_store_put_meta(w.shard, "title_key", p->title_key);
    if (ret >= 0)
        ret = ava_store_put_meta(w.shard, "config_key", p->config_key);
    if (ret < 0)
        goto done;

    const double tb = (double)p->si->tb_num / p->si->tb_den;
    const int64_t origin = p->si->origin_pts;
    int64_t last_index = ch->first_frame - 1, n_done = 0, pending = 0;
    int64_t skipped = 0;
    for (;;) {
        if (atomic_load(&pool->failed)) {
            ret = AVA_ERR(ECANCELED);
            goto done;
        }
        if (p->interrupt && *p->interrupt) {
            ret = AVA_ERR(EINTR);
            goto done;
        }
        const AVFrame *f;
        int64_t pts;
        ret = ava_decoder_next(w.dec, &f, &pts);
        if (ret == AVA_EOF) {
            ret = 0;
            break;
        }
        if (ret < 0)
            goto done;
        if (pts < ch->start_pts)
            continue;
        if (scan->tail_cut && pts > scan->pts[scan->n_frames - 1])
            break;   /* the incomplete group of pictures the scan left out */
        int lookahead = pts >= ch->end_pts;
        int64_t index;
        if (scan->pts_reliable) {
            /* Only frames the packet scan knows: a damaged stream can make the decoder
             * repeat or invent timestamps, which would collide with other frames. */
            index = ava_scan_index_of(scan, pts);
            /* Packets may share a pts (a muxer rounding to milliseconds): take them in turn. */
            if (index <= last_index && last_index + 1 < scan->n_frames &&
                scan->pts[last_index + 1] == pts)
                index = last_index + 1;
            if (index >= scan->n_frames || scan->pts[index] != pts || index <= last_index ||
                (lookahead && pts != ch->end_pts)) {
                if (!skipped++)
                    ava_log(p->lg, AVA_LOG_WARNING,
                            "%s: chunk %d: skipped a decoded frame with pts %lld that matches "
                            "no packet (damaged input)", p->path, ch->id, (long long)pts);
                if (lookahead)
                    break;
                continue;
            }
        } else {
            index = last_index + 1;
        }
        last_index = index;
        w.cur.index = index;
        w.cur.pts = pts;
        w.cur.t_s = (pts - origin) * tb;
        w.cur.prev = n_done > 0 ? &w.prev : NULL;
        ret = ava_converter_run(w.conv, f, &w.cur.img);
        if (ret < 0)
            goto done;
        ret = annotate(&w, ch, f->key_frame, lookahead);
        if (ret < 0)
            goto done;
        if (lookahead)
            break;
        n_done++;
        /* The frame just annotated becomes the previous one: swap, never copy. */
        AvaFrame t = w.prev;
        w.prev = w.cur;
        w.cur = t;
        if (++pending == 32) {
            report_progress(pool, pending);
            pending = 0;
        }
    }
    report_progress(pool, pending);
    ret = ava_store_put_chunk(w.shard, ch->id, ch->first_frame, n_done, ch->start_pts,
                              ch->end_pts, ava_decoder_errors(w.dec));
    if (ret >= 0)
        ret = ava_store_commit(w.shard);
    if (ret >= 0)
        ret = ava_store_close(&w.shard);
    if (ret >= 0)
        ret = ava_rename_durable(tmp_path, final_path, p->lg);
done:
    add_times(pool, w.anns);
    worker_close(&w);
    if (ret < 0)
        remove(tmp_path);
    return ret;
}

static void *worker_main(void *arg)
{
    Pool *pool = arg;
    for (;;) {
        int i = atomic_fetch_add(&pool->next_chunk, 1);
        if (i >= pool->p->n_ids || atomic_load(&pool->failed))
            break;
        int ret = run_chunk(pool, &pool->p->chunks[pool->p->chunk_ids[i]]);
        if (ret < 0) {
            pthread_mutex_lock(&pool->error_lock);
            if (!pool->first_error && ret != AVA_ERR(ECANCELED))
                pool->first_error = ret;
            pthread_mutex_unlock(&pool->error_lock);
            atomic_store(&pool->failed, 1);
        }
    }
    return NULL;
}

int ava_pass1_run(const AvaPass1 *p, int64_t *frames_done, int *reused)
{
    Pool pool = { .p = p };
    *frames_done = 0;
    *reused = 0;
    int ret = ava_source_open(&pool.src, p->path, p->si->stream_index, p->scan->n_frames,
                              p->lg);
    if (ret < 0)
        return ret;
    atomic_init(&pool.next_chunk, 0);
    atomic_init(&pool.reused, 0);
    atomic_init(&pool.failed, 0);
    atomic_init(&pool.frames, 0);
    pthread_mutex_init(&pool.progress_lock, NULL);
    pthread_mutex_init(&pool.error_lock, NULL);
    int n = p->n_threads < p->n_ids ? p->n_threads : p->n_ids;
    if (n < 1)
        n = 1;
    /* Fewer chunks than cores: let each decoder use the spare ones. Fewer than 4 chunks per
     * worker: chunks end at keyframes and differ in length, so the workers still running at
     * the end would leave cores idle (psd_testvideo: 480 and 240 frames); their decoders
     * also get frame threads to use them. Output is bit-exact whatever the thread count. */
    pool.decoder_threads = p->n_threads / n > 1 ? p->n_threads / n : 1;
    if (p->n_threads > 1 && p->n_ids < 4 * n && pool.decoder_threads < 2)
        pool.decoder_threads = 2;
    pthread_t *tid = calloc((size_t)n, sizeof(*tid));
    int started = 0;
    if (tid)
        for (; started < n; started++)
            if (pthread_create(&tid[started], NULL, worker_main, &pool))
                break;
    if (started == 0)
        worker_main(&pool);
    for (int i = 0; i < started; i++)
        pthread_join(tid[i], NULL);
    free(tid);
    pthread_mutex_destroy(&pool.progress_lock);
    pthread_mutex_destroy(&pool.error_lock);
    ava_source_close(&pool.src);
    *frames_done = atomic_load(&pool.frames);
    *reused = atomic_load(&pool.reused);
    if (*frames_done > 0 && p->lg && p->lg->max_level >= AVA_LOG_VERBOSE) {
        char line[1024];
        int len = snprintf(line, sizeof(line), "%s: annotator CPU ms/frame:", p->path);
        void *it = NULL;
        const AvaAnnotator *ann;
        for (int i = 0; (ann = ava_annotator_iterate(&it)) && i < 32 && len < (int)sizeof(line);
             i++)
            len += snprintf(line + len, sizeof(line) - (size_t)len, " %s %.3f", ann->name,
                            1000 * pool.ann_seconds[i] / (double)*frames_done);
        ava_log(p->lg, AVA_LOG_VERBOSE, "%s", line);
    }
    /* A last report at 100 %: the count can differ from the scan's on damaged input. */
    if (p->progress && !pool.first_error && !atomic_load(&pool.failed))
        p->progress(p->progress_cookie, *frames_done, *frames_done);
    if (pool.first_error)
        return pool.first_error;
    return atomic_load(&pool.failed) ? AVA_ERR(ECANCELED) : 0;
}
