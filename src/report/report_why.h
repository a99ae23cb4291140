/* SPDX-License-Identifier: MIT */
/**
 * @file
 * What the report's "Why was frame N not picked?" box knows about frames outside the
 * candidate pool: why each one never became a candidate, in the terms of the pool's own
 * rules (src/rank/rank.c ava_rank_select with min_gap_s / 4, src/pipeline/analyze.c).
 */
#ifndef AVA_SRC_REPORT_REPORT_WHY_H
#define AVA_SRC_REPORT_REPORT_WHY_H

#include "src/report/report_html.h"

/** Past this many frames (2 bytes each) the per-frame scores are left out: the page stays small. */
#define AVA_REPORT_MAX_FRAME_SCORES 50000

/** Why a frame outside the pool is not in it (first that applies, in this order). */
enum AvaWhyCode {
    AVA_WHY_BLACK,      ///< black frame (black_ratio >= shots_fade black_pic_th): no score
    AVA_WHY_TRANSITION, ///< inside a fade or dissolve: no score
    AVA_WHY_UNSAMPLED,  ///< in a shot with faces, not one of the frames the faces pass read
    AVA_WHY_NO_SCORE,   ///< no score for another reason
    AVA_WHY_EDGE,       ///< within shot_edge_frames of its shot's first or last frame
    AVA_WHY_GAP,        ///< closer than min_gap_s / 4 to a pool frame of its shot (ref)
    AVA_WHY_FULL,       ///< eligible, but the pool filled before its shot's next round
};

/**
 * <pre id="ava-frames" hidden> holding JSON of numbers only: {"first", "last": the first
 * and last frame numbers, "edge":
 * shot_edge_frames, "gap": seconds, "size": pool frames, "shots": [[first, last, best
 * frame, best score], ...], "pool": [[frame, base_score], ...], "runs": [[first, last,
 * AvaWhyCode, pool frame or -1], ...] over the frames outside the pool, "scores": {"lo",
 * "hi": the title's score range, "q": two characters per frame number from "first", a base-64 number q (digits
 * A-Z a-z 0-9 - _) for score lo + q (hi - lo) / 4095, "~~" for none} or null past
 * AVA_REPORT_MAX_FRAME_SCORES frames}. Nothing when the database has no pool. @return 0; AVA_ERR_STORE; AVA_ERR(ENOMEM).
 */
int ava_report_why_data(AvaReport *r);

#endif /* AVA_SRC_REPORT_REPORT_WHY_H */
