/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Shot boundaries from the per-frame signals of pass 1: hard cuts, fades through black and
 * dissolves. Runs after the merge over the whole title, so chunk borders never split a shot.
 */
#ifndef AVA_SRC_SHOTS_SHOT_DETECT_H
#define AVA_SRC_SHOTS_SHOT_DETECT_H

#include <stdint.h>

#define AVA_THUMB_BYTES (16 * 9 * 3)

enum AvaShotKind { AVA_SHOT_START, AVA_SHOT_CUT, AVA_SHOT_FADE, AVA_SHOT_DISSOLVE, AVA_SHOT_BLACK };

typedef struct AvaShotParams {
    double cut_ratio;        ///< adaptive: content / mean of neighbours (PySceneDetect 3.0)
    double cut_min_content;  ///< and content_delta at least this (PySceneDetect 15)
    int cut_window;          ///< neighbours each side (PySceneDetect 2)
    int min_shot_frames;     ///< a cut closer than this to the previous one is ignored (15)
    double black_pic_th;     ///< black_ratio at or above this is a black frame (0.98)
    double gradual_low;      ///< content_delta that opens a gradual-transition window (3)
    int gradual_max_frames;  ///< longest dissolve considered (90)
    double blend_max_residual; ///< dissolve: frames within this of a cross-blend (0.30)
    double dissolve_max_var_ratio; ///< dissolve: mid variance / mean of end variances (0.85)
} AvaShotParams;

typedef struct AvaShotSignals {
    int64_t n;               ///< frames, in presentation order
    const double *content;   ///< content_delta (NAN at the first frame)
    const double *brightness;
    const double *contrast;  ///< RMS contrast (std of luma)
    const double *black_ratio;
} AvaShotSignals;

/** Fills @p thumb (AVA_THUMB_BYTES) with the 16x9 grid of frame @p i. @return 0 or <0. */
typedef int (*AvaThumbFn)(void *cookie, int64_t i, uint8_t *thumb);

typedef struct AvaShotSpan {
    int64_t first, last;     ///< frame positions (array indices), inclusive
    int kind;                ///< enum AvaShotKind: how this shot / transition begins
} AvaShotSpan;

typedef struct AvaShotResult {
    AvaShotSpan *shots;      ///< covering 0..n-1 in order
    int n_shots;
    AvaShotSpan *transitions;///< fades and dissolves (frames never picked)
    int n_transitions;
    uint8_t *black;          ///< n flags: black frame
} AvaShotResult;

void ava_shot_params_default(AvaShotParams *p);

/** @return 0, AVA_ERR(ENOMEM), or an error from @p thumb. Free with ava_shot_result_free(). */
int ava_detect_shots(const AvaShotSignals *s, const AvaShotParams *p, AvaThumbFn thumb,
                     void *cookie, AvaShotResult *out);

void ava_shot_result_free(AvaShotResult *r);

/** Name of an AvaShotKind ("start", "cut", "fade", "dissolve", "black"). */
const char *ava_shot_kind_name(int kind);

#endif /* AVA_SRC_SHOTS_SHOT_DETECT_H */
