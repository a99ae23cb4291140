/* SPDX-License-Identifier: MIT */
/** @file Cutting a title into chunks at keyframes (see chunks.h). */
#include <errno.h>
#include <stdlib.h>

#include "src/pipeline/chunks.h"

int ava_plan_chunks(const AvaScan *scan, int chunk_frames, AvaChunk **chunks_out, int *n_out)
{
    int cap = 1 + (scan->pts_reliable ? scan->n_keys : 0);
    AvaChunk *c = calloc((size_t)cap, sizeof(*c));
    if (!c)
        return AVA_ERR(ENOMEM);
    int n = 0;
    c[0] = (AvaChunk){ .id = 0, .first_frame = 0, .start_pts = INT64_MIN, .end_pts = INT64_MAX };
    n = 1;
    /* Without trustworthy pts a keyframe's presentation index is unknown, and where
     * timestamps may jump a seek can land on other values than the scan saw: one chunk. */
    if (scan->pts_reliable && scan->seek_reliable) {
        for (int k = 0; k < scan->n_keys; k++) {
            const AvaKeyframe *key = &scan->keys[k];
            if (key->index - c[n - 1].first_frame < chunk_frames || key->index == 0)
                continue;
            c[n - 1].end_pts = key->pts;
            c[n] = (AvaChunk){ .id = n, .first_frame = key->index, .start_pts = key->pts,
                               .end_pts = INT64_MAX, .seek_ts = key->seek_ts };
            n++;
        }
    }
    for (int i = 0; i < n; i++) {
        int64_t next = i + 1 < n ? c[i + 1].first_frame : scan->n_frames;
        c[i].n_frames = next - c[i].first_frame;
    }
    *chunks_out = c;
    *n_out = n;
    return 0;
}
