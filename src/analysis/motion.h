/* SPDX-License-Identifier: MIT */
/** @file Global (camera) motion and subject motion between consecutive frames. */
#ifndef AVA_SRC_ANALYSIS_MOTION_H
#define AVA_SRC_ANALYSIS_MOTION_H

#include <stddef.h>
#include <stdint.h>

typedef struct AvaMotion {
    double dx, dy;         ///< picture content displacement, px/frame at the input size
                           ///< (dx > 0: content moves right, the camera pans left)
    double zoom;           ///< content scale change per frame - 1 (> 0: zoom in)
    double inliers;        ///< share of textured blocks that follow the camera model, 0..1
    double subject;        ///< mean deviation of the other blocks from it, px/frame
    double subject_share;  ///< share of textured blocks that move on their own, 0..1
    int blocks;            ///< textured blocks measured (of 60)
} AvaMotion;

/** Bytes of scratch ava_global_motion() needs for a @p w x @p h image. */
size_t ava_motion_scratch_size(int w, int h);

/**
 * Motion from @p prev to @p cur (same size luma, @p stride bytes a row): 10x6 blocks of
 * 16 px on half-size copies, exhaustive SAD search +-6 px with equal-slope sub-pixel peaks,
 * each vector refined on the full-size images (Lucas-Kanade on a 16 px window with a
 * brightness offset; blocks it cannot follow are dropped), then translation + zoom about
 * the centre fitted by RANSAC over block pairs (inlier within 1 half-size px) and refitted
 * by least squares. Measurable motion: up to 12 px/frame at the input size; sub-pixel
 * moves of a real still read within 0.02 px. Deterministic.
 */
void ava_global_motion(const uint8_t *prev, const uint8_t *cur, int w, int h, int stride,
                       void *scratch, AvaMotion *out);

#endif /* AVA_SRC_ANALYSIS_MOTION_H */
