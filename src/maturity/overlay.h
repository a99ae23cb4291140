/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Static overlays (broadcaster logos, watermarks) found without a model: luma samples of
 * the title at a reduced size, a Sobel edge map per sample, and the pixels whose edge
 * persists across most of the sampled shots while the picture around them changes.
 * The rule and its thresholds are in docs/analyze.md ("Maturity").
 */
#ifndef AVA_SRC_MATURITY_OVERLAY_H
#define AVA_SRC_MATURITY_OVERLAY_H

#include <stddef.h>
#include <stdint.h>

#include "src/maturity/maturity.h"

/** Width of the overlay analysis (display width when smaller), px. */
#define AVA_OVERLAY_WIDTH 320
/** Edge present: (|Gx| + |Gy|) / 8 of the 3x3 Sobel kernels, in luma levels, at least. */
#define AVA_OVERLAY_EDGE_TH 10
/** A pixel is an overlay pixel when its edge is present in at least this share of the
 *  samples ... */
#define AVA_OVERLAY_MIN_FREQ 0.6
/** ... and in at least this share of the sampled shots (present in a shot: in at least half
 *  of that shot's samples), and in AVA_OVERLAY_MIN_SHOTS shots or more. */
#define AVA_OVERLAY_MIN_SHOT_SHARE 0.7
#define AVA_OVERLAY_MIN_SHOTS 3
/** The picture around a component must change: mean edge frequency of its ring at most. */
#define AVA_OVERLAY_MAX_RING_FREQ 0.3

/** The overlay pixels of a title at the analysis size. */
typedef struct AvaOverlayMask {
    int w, h;
    uint8_t *mask;      ///< w*h, 0 or the edge direction (1..8) of a kept overlay pixel
    int64_t n_mask;     ///< pixels set
} AvaOverlayMask;

/** Analysis size for a @p dw x @p dh display: AVA_OVERLAY_WIDTH wide (or dw), aspect kept. */
void ava_overlay_size(int dw, int dh, int *w, int *h);

/** Box-average the RGB24 image into an 8-bit BT.601 luma image of @p ow x @p oh. */
void ava_overlay_luma(const uint8_t *rgb, int w, int h, ptrdiff_t stride, uint8_t *out, int ow,
                      int oh);

/** Gradient directions told apart: 8 bins of 45 degrees. */
#define AVA_OVERLAY_DIRS 8

/** Edge map of a @p w x @p h luma image: 0 no edge, else its gradient direction in 8 bins
 *  (1..4: within 22.5 degrees of 0, 45, 90, 135 degrees, positive along that axis; 5..8 the
 *  same, negative); the outer pixel ring is 0. An overlay pixel keeps one direction in every
 *  sample (a blended logo or watermark stays brighter, or darker, than what is under it),
 *  where texture that happens to have an edge at the same place in another shot rarely
 *  does. */
void ava_overlay_edges(const uint8_t *luma, int w, int h, uint8_t *edge);

/**
 * Find the static overlays in @p n luma samples (@p w x @p h each, in time order) whose
 * shots are @p shot (any ids; equal id = same shot). Fewer than AVA_OVERLAY_MIN_SHOTS
 * distinct shots: none (persistence cannot be told from a static scene).
 * @param mask receives the overlay pixels (mask->mask malloc'd; free with
 *        ava_overlay_mask_free), also when none are found.
 * @param ov   receives up to @p max overlays, largest first; boxes as fractions.
 * @return 0; AVA_ERR(ENOMEM); AVA_ERR(EINVAL).
 */
int ava_overlay_find(const uint8_t *const *luma, const int *shot, int n, int w, int h,
                     AvaOverlayMask *mask, AvaOverlay *ov, int max, int *n_ov);

/** Share (0..1) of the overlay pixels whose edge (same direction) is present in @p luma
 *  (w x h of the mask); 0 when there are none. @p scratch: w*h bytes. */
double ava_overlay_visible(const AvaOverlayMask *m, const uint8_t *luma, uint8_t *scratch);

/** NULL-safe; zeroes the struct. */
void ava_overlay_mask_free(AvaOverlayMask *m);

#endif /* AVA_SRC_MATURITY_OVERLAY_H */
