/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Chunk plan: the title cut at keyframes into runs of about chunk_frames frames. A chunk
 * owns the frames whose pts lie in [start_pts, end_pts); the plan depends only on the file
 * and chunk_frames, never on the number of workers.
 */
#ifndef AVA_SRC_PIPELINE_CHUNKS_H
#define AVA_SRC_PIPELINE_CHUNKS_H

#include <stdint.h>

#include "src/io/probe.h"

typedef struct AvaChunk {
    int id;                ///< 0-based, in presentation order
    int64_t first_frame;   ///< presentation index of its first frame
    int64_t n_frames;      ///< frames the scan expects in it
    int64_t start_pts;     ///< INT64_MIN for the first chunk
    int64_t end_pts;       ///< INT64_MAX for the last chunk
    int64_t seek_ts;       ///< where to seek before decoding (unused for chunk 0)
} AvaChunk;

/** @return 0 or AVA_ERR(ENOMEM); *chunks_out is malloc'd, owned by the caller. */
int ava_plan_chunks(const AvaScan *scan, int chunk_frames, AvaChunk **chunks_out, int *n_out);

#endif /* AVA_SRC_PIPELINE_CHUNKS_H */
