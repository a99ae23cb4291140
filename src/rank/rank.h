/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Rank v0: the best frame of each shot by preset score, then the top N shots; more than one
 * still per shot only when N exceeds the eligible shots (picks of one shot then at least
 * min_gap_s apart). Pure functions over arrays.
 */
#ifndef AVA_SRC_RANK_RANK_H
#define AVA_SRC_RANK_RANK_H

#include <stdint.h>

#include "src/shots/shot_detect.h"

typedef struct AvaRankInput {
    int64_t n;                 ///< frames (array positions)
    const double *score;       ///< per frame; NAN = not eligible
    const double *t_s;         ///< per frame, seconds
    const AvaShotSpan *shots;  ///< covering 0..n-1
    int n_shots;
    int shot_edge_frames;      ///< positions this close to a shot's ends are skipped
    double min_gap_s;
    /** Optional (NULL = none): per frame, bit c-1 set when main character c is in it.
     *  Before the general rounds each of the n_main characters gets per_main picks of its
     *  own (the best eligible frames with it), characters in order, one round at a time. */
    const uint64_t *mains;
    int n_main;
    int per_main;
} AvaRankInput;

typedef struct AvaPick {
    int64_t pos;               ///< array position of the frame
    int shot;                  ///< index into shots
    double score;
} AvaPick;

/** Best eligible position of shot @p shot (ignoring other picks), or -1 if none. */
int64_t ava_rank_shot_best(const AvaRankInput *in, int shot);

/**
 * Choose up to @p count frames, best score first.
 * @return number of picks (>= 0) written to @p picks (capacity @p count), or AVA_ERR(ENOMEM).
 */
int ava_rank_select(const AvaRankInput *in, int count, AvaPick *picks);

#endif /* AVA_SRC_RANK_RANK_H */
