/* SPDX-License-Identifier: MIT */
/** @file Pure per-image statistics behind the pass-1 annotators (unit-tested directly). */
#ifndef AVA_SRC_ANALYSIS_STATS_H
#define AVA_SRC_ANALYSIS_STATS_H

#include <stdint.h>

#include "src/frame.h"

typedef struct AvaToneStats {
    double brightness;   ///< mean luma / 255, 0..1
    double contrast;     ///< RMS contrast: population std of luma / 255, 0..0.5
    double shadows;      ///< fraction of pixels with luma <= 5 (crushed), 0..1
    double highlights;   ///< fraction of pixels with luma >= 250 (blown), 0..1
    double black_ratio;  ///< fraction with luma <= 24: blackdetect's pix_th=0.10 in full range
} AvaToneStats;

void ava_tone_stats(const uint8_t *luma, int w, int h, int stride, AvaToneStats *out);

/**
 * Hasler & Suesstrunk (2003) colourfulness on 0..255 RGB:
 * rg = R - G, yb = (R + G) / 2 - B,
 * M = sqrt(var(rg) + var(yb)) + 0.3 * sqrt(mean(rg)^2 + mean(yb)^2).
 * Their scale: ~0 grey, 15 slightly, 33 moderately, 59 quite, 82 highly, 109 extremely colourful.
 */
double ava_colorfulness(const uint8_t *rgb, int w, int h, int stride);

/** Population variance of the 4-neighbour Laplacian of luma over interior pixels. */
double ava_laplacian_variance(const uint8_t *luma, int w, int h, int stride);

/** Mean |a - b| of two luma planes / 255, 0..1. */
double ava_luma_mad(const uint8_t *a, const uint8_t *b, int w, int h, int stride);

/** OpenCV-convention HSV of RGB24 (H 0..179, S and V 0..255), three planes interleaved. */
void ava_rgb_to_hsv(const uint8_t *rgb, int w, int h, int stride, uint8_t *hsv);

/**
 * PySceneDetect's content value: mean over pixels of (|dH| + |dS| + |dV|) / 3 between two
 * HSV images (0..255 scale; its ContentDetector cuts at 27 by default).
 */
double ava_hsv_content_delta(const uint8_t *hsv_a, const uint8_t *hsv_b, int n_pixels);

/** Box-average RGB24 into a gw x gh grid of RGB24 cells (the thumbnail signature). */
void ava_grid_thumbnail(const uint8_t *rgb, int w, int h, int stride, int gw, int gh,
                        uint8_t *out);

#endif /* AVA_SRC_ANALYSIS_STATS_H */
