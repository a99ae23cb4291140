/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Pass 1: every chunk decoded and annotated by a pool of workers, each chunk written as
 * one shard database (temporary name, then renamed).
 */
#ifndef AVA_SRC_PIPELINE_PASS1_H
#define AVA_SRC_PIPELINE_PASS1_H

#include "ava/ava.h"
#include "src/io/probe.h"
#include "src/pipeline/chunks.h"

typedef struct AvaPass1 {
    const char *path;          ///< input file
    const char *title_key;     ///< written into each shard and checked on reuse
    const char *config_key;
    const int *chunk_ids;      ///< the chunks to run (n_ids of them)
    int n_ids;
    const AvaStreamInfo *si;
    const AvaScan *scan;
    const AvaChunk *chunks;
    int n_chunks;
    int n_threads;             ///< workers; decoder threads fill the cores left over
    int analysis_w, analysis_h;
    const char *shard_dir;     ///< shards are written as shard_dir/chunk-NNNNN.sqlite
    const AvaLogger *lg;
    AvaProgressFn progress;
    void *progress_cookie;
    int64_t progress_total;    ///< frames the listed chunks hold
    const volatile int *interrupt; ///< non-zero stops the workers (AVA_ERR(EINTR))
} AvaPass1;

/** Path of the shard of @p ch into @p buf. */
void ava_shard_path(char *buf, size_t size, const char *shard_dir, const AvaChunk *ch);

/**
 * Write the shard of every listed chunk, or keep it when a complete one for the same title
 * and configuration is already there (a re-run after a crash redoes only what is missing).
 * @param reused receives how many shards were kept.
 * @return 0 when every shard exists; the first worker error otherwise.
 */
int ava_pass1_run(const AvaPass1 *p, int64_t *frames_done, int *reused);

#endif /* AVA_SRC_PIPELINE_PASS1_H */
