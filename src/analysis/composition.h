/* SPDX-License-Identifier: MIT */
/** @file Saliency and composition measures of a frame. */
#ifndef AVA_SRC_ANALYSIS_COMPOSITION_H
#define AVA_SRC_ANALYSIS_COMPOSITION_H

#include <stdint.h>

#define AVA_SALIENCY_W 64

typedef struct AvaSaliency AvaSaliency;

typedef struct AvaComposition {
    double saliency_x, saliency_y; ///< centre of salient mass, 0..1 of width / height
    double saliency_spread;        ///< RMS distance of salient mass from it, 0..~0.7
    double thirds;         ///< salient mass near the power points (Gaussian, sigma 0.08) or,
                           ///< at half weight, the third lines: 0..1, higher = thirds
    double symmetry;       ///< 1 - mean |L(x) - L(mirror x)| / 255: 1 = mirror-symmetric
    double negative_space; ///< share of the saliency map below 0.15 of its peak
    double complexity;     ///< share of pixels with a luma gradient above 24 levels
    double depth_of_field; ///< log10 of salient over other regions' Laplacian variance
} AvaComposition;

/** A saliency engine for images of @p w x @p h (map 64 px wide, same aspect). */
int ava_saliency_open(AvaSaliency **s, int w, int h);
void ava_saliency_close(AvaSaliency **s);
void ava_saliency_size(const AvaSaliency *s, int *w, int *h);

/**
 * Spectral-residual saliency: S = G * |IFFT(exp(R + iP))|^2 with R = log|F| - h3 * log|F|
 * (3x3 mean), P the phase of F, F the FFT of the 64-wide luma, G a Gaussian (sigma 2.5 px);
 * normalised to a peak of 1. @return the map (owned by @p s, valid until the next call).
 */
const float *ava_saliency_run(AvaSaliency *s, const uint8_t *luma, int w, int h, int stride);

/** The composition measures from the last map of @p s and the full analysis luma, which
 *  must be as wide as the images @p s was opened for (else *out is all zero). */
void ava_composition(const AvaSaliency *s, const uint8_t *luma, int w, int h, int stride,
                     AvaComposition *out);

#endif /* AVA_SRC_ANALYSIS_COMPOSITION_H */
