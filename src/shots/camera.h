/* SPDX-License-Identifier: MIT */
/** @file A shot's camera move from its frames' global motion (motion annotator). */
#ifndef AVA_SRC_SHOTS_CAMERA_H
#define AVA_SRC_SHOTS_CAMERA_H

#include <stdint.h>

typedef struct AvaCameraMove {
    const char *label;     ///< static, pan_left, pan_right, tilt_up, tilt_down, zoom_in,
                           ///< zoom_out, handheld
    double pan_w_s;        ///< median content motion, widths per second (> 0 right)
    double tilt_w_s;       ///< widths per second (> 0 down)
    double zoom_s;         ///< median scale change per second (> 0 zoom in)
    double shake;          ///< jitter: RMS distance of the camera path (running sum of the
                           ///< motion) from its moving average over 0.12 s, the farthest
                           ///< tenth of the frames left out, widths
} AvaCameraMove;

/**
 * Label a shot from per-frame motion (fractions of the width per frame; NAN frames are
 * skipped) at @p fps frames per second. Rules, in order: jitter above 0.0022 widths
 * (0.7 px at 320; see camera.c for the measurements behind it): handheld; median zoom
 * above 5 %/s moving the frame's edges faster than the pan: zoom in/out; median pan or tilt
 * above 3 % of the width per second: the larger of the two (content moving right means
 * the camera pans left); otherwise static. A steady or smoothly changing move follows its
 * moving average and adds no jitter, so a shaking pan is handheld and a steady one a pan.
 */
void ava_camera_move(const double *dx, const double *dy, const double *zoom, int64_t n,
                     double fps, AvaCameraMove *out);

#endif /* AVA_SRC_SHOTS_CAMERA_H */
