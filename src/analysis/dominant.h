/* SPDX-License-Identifier: MIT */
/** @file Dominant colours: k-means in CIE L*a*b* (D65) over a subsample of the image. */
#ifndef AVA_SRC_ANALYSIS_DOMINANT_H
#define AVA_SRC_ANALYSIS_DOMINANT_H

#include <stdint.h>

#define AVA_DOMINANT_MAX_K 8

typedef struct AvaDominant {
    int k;                                ///< clusters found (<= requested)
    uint8_t rgb[AVA_DOMINANT_MAX_K][3];   ///< sRGB of each centre, heaviest first
    double lab[AVA_DOMINANT_MAX_K][3];
    double weight[AVA_DOMINANT_MAX_K];    ///< fraction of samples, sums to 1
} AvaDominant;

void ava_srgb_to_lab(const uint8_t rgb[3], double lab[3]);
void ava_lab_to_srgb(const double lab[3], uint8_t rgb[3]);

/**
 * Cluster every @p step-th pixel (in x and y) of RGB24 into @p k colours (1..8).
 * Deterministic: centres start at L* quantiles; Lloyd iterations until stable (max 12).
 * @param scratch  ava_dominant_scratch_size() bytes, suitably aligned for float
 */
void ava_dominant_colors(const uint8_t *rgb, int w, int h, int stride, int step, int k,
                         void *scratch, AvaDominant *out);

size_t ava_dominant_scratch_size(int w, int h, int step);

#endif /* AVA_SRC_ANALYSIS_DOMINANT_H */
