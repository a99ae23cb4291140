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
    const volatile int *interrupt; ///< non-zero stops the workers (AVA_ERR(EINTR))
} AvaPass1;

/** Path of chunk @p id's shard into @p buf. */
void ava_shard_path(char *buf, size_t size, const char *shard_dir, int id);

/** @return 0 when every shard was written; the first worker error otherwise. */
int ava_pass1_run(const AvaPass1 *p, int64_t *frames_decoded);

#endif /* AVA_SRC_PIPELINE_PASS1_H */
