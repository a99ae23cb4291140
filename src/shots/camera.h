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
    double shake;          ///< frame-to-frame jitter: RMS deviation from the median, widths/frame
} AvaCameraMove;

/**
 * Label a shot from per-frame motion (fractions of the width per frame; NAN frames are
 * skipped) at @p fps frames per second. Rules, in order: jitter above 0.004 widths/frame
 * with a slower median: handheld; median zoom above 5 %/s moving the frame's edges faster
 * than the pan: zoom in/out; median pan or tilt
 * above 3 % of the width per second: the larger of the two (content moving right means
 * the camera pans left); otherwise static.
 */
void ava_camera_move(const double *dx, const double *dy, const double *zoom, int64_t n,
                     double fps, AvaCameraMove *out);

#endif /* AVA_SRC_SHOTS_CAMERA_H */
