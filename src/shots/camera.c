/* SPDX-License-Identifier: MIT */
/** @file Camera-move labels from robust statistics of per-frame motion (see camera.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "src/shots/camera.h"

#define SHAKE_W 0.004      /* widths/frame of jitter that reads as a hand-held camera */
#define MOVE_W_S 0.03      /* widths/second of steady motion that reads as a pan or tilt */
#define ZOOM_S 0.05        /* scale change per second that reads as a zoom (the estimate's
                            * noise on steady pans is ~0.0005 a frame, ~1 %/s) */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of the finite values of v (copied into tmp); NAN if none. */
static double median(const double *v, int64_t n, double *tmp)
{
    int64_t m = 0;
    for (int64_t i = 0; i < n; i++)
        if (isfinite(v[i]))
            tmp[m++] = v[i];
    if (!m)
        return NAN;
    qsort(tmp, (size_t)m, sizeof(*tmp), cmp_double);
    return m % 2 ? tmp[m / 2] : 0.5 * (tmp[m / 2 - 1] + tmp[m / 2]);
}

void ava_camera_move(const double *dx, const double *dy, const double *zoom, int64_t n,
                     double fps, AvaCameraMove *out)
{
    memset(out, 0, sizeof(*out));
    out->label = "static";
    double *tmp = malloc((size_t)(n > 0 ? n : 1) * sizeof(*tmp));
    if (!tmp || n <= 0 || !(fps > 0)) {
        free(tmp);
        return;
    }
    double mx = median(dx, n, tmp), my = median(dy, n, tmp), mz = median(zoom, n, tmp);
    free(tmp);
    if (isnan(mx) || isnan(my) || isnan(mz))
        return;
    double ss = 0;
    int64_t k = 0;
    for (int64_t i = 0; i < n; i++)
        if (isfinite(dx[i]) && isfinite(dy[i])) {
            ss += (dx[i] - mx) * (dx[i] - mx) + (dy[i] - my) * (dy[i] - my);
            k++;
        }
    out->shake = k ? sqrt(ss / k) : 0;
    out->pan_w_s = mx * fps;
    out->tilt_w_s = my * fps;
    out->zoom_s = mz * fps;
    double steady = hypot(mx, my);
    if (out->shake > SHAKE_W && out->shake > steady)
        out->label = "handheld";
    else if (fabs(out->zoom_s) > ZOOM_S && fabs(mz) * 0.5 > steady)
        out->label = out->zoom_s > 0 ? "zoom_in" : "zoom_out";
    else if (fmax(fabs(out->pan_w_s), fabs(out->tilt_w_s)) > MOVE_W_S) {
        if (fabs(out->pan_w_s) >= fabs(out->tilt_w_s))
            out->label = out->pan_w_s > 0 ? "pan_left" : "pan_right";
        else
            out->label = out->tilt_w_s > 0 ? "tilt_up" : "tilt_down";
    }
}
