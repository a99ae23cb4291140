/* SPDX-License-Identifier: MIT */
/** @file Camera-move labels from robust statistics of per-frame motion (see camera.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "src/shots/camera.h"

/* Path jitter (see path_jitter), in widths (x 320 = px at the default analysis width), as
 * measured: a still shaken by +-1 px 1.03 px (by +-4 and +-3 px 2.83; as worked out from the
 * crop offsets), Sintel's fight shots 1.4-1.8, talking heads 0.19-0.37 (st_WDA_*,
 * lp_driving_d10), zoompan's own whole-pixel wobble 0.46, the tree clip's fixed camera
 * 0.04 (phase correlation at full size: 0.025). 0.7 px sits between 0.46 and 1.03. */
#define SHAKE_W 0.0022     /* widths of path jitter that reads as a hand-held camera */
#define SMOOTH_S 0.12      /* seconds of the moving average the jitter is measured against */
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

/* RMS distance of the camera path (the running sum of the finite motions) from its centred
 * moving average over 2 half + 1 frames, the window shrunk symmetrically at the ends, over
 * the frames nearest it (the farthest tenth left out): a steady or smoothly changing move
 * follows its average, a shaking one does not. px and py are scratch of n values each. */
static double path_jitter(const double *dx, const double *dy, int64_t n, int64_t half,
                          double *px, double *py)
{
    int64_t m = 0;
    double x = 0, y = 0;
    for (int64_t i = 0; i < n; i++)
        if (isfinite(dx[i]) && isfinite(dy[i])) {
            px[m] = x += dx[i];
            py[m] = y += dy[i];
            m++;
        }
    if (m < 3)
        return 0;
    /* Prefix sums make each window's mean one subtraction. */
    double *cx = malloc((size_t)(m + 1) * 2 * sizeof(*cx));
    if (!cx)
        return 0;
    double *cy = cx + m + 1;
    cx[0] = cy[0] = 0;
    for (int64_t i = 0; i < m; i++) {
        cx[i + 1] = cx[i] + px[i];
        cy[i + 1] = cy[i] + py[i];
    }
    for (int64_t i = 0; i < m; i++) {
        int64_t k = half;
        k = k < i ? k : i;
        k = k < m - 1 - i ? k : m - 1 - i;
        double ax = (cx[i + k + 1] - cx[i - k]) / (2 * k + 1);
        double ay = (cy[i + k + 1] - cy[i - k]) / (2 * k + 1);
        px[i] = (px[i] - ax) * (px[i] - ax) + (py[i] - ay) * (py[i] - ay);
    }
    free(cx);
    /* The largest tenth left out: a misread frame (a 12 px jump and back in Caminandes'
     * static shot) steps the path for a few frames; shake lasts. */
    qsort(px, (size_t)m, sizeof(*px), cmp_double);
    int64_t keep = m - m / 10;
    double ss = 0;
    for (int64_t i = 0; i < keep; i++)
        ss += px[i];
    return sqrt(ss / keep);
}

void ava_camera_move(const double *dx, const double *dy, const double *zoom, int64_t n,
                     double fps, AvaCameraMove *out)
{
    memset(out, 0, sizeof(*out));
    out->label = "static";
    double *tmp = malloc((size_t)(n > 0 ? n : 1) * 2 * sizeof(*tmp));
    if (!tmp || n <= 0 || !(fps > 0)) {
        free(tmp);
        return;
    }
    double mx = median(dx, n, tmp), my = median(dy, n, tmp), mz = median(zoom, n, tmp);
    if (isnan(mx) || isnan(my) || isnan(mz)) {
        free(tmp);
        return;
    }
    int64_t half = (int64_t)lround(fps * SMOOTH_S / 2);
    out->shake = path_jitter(dx, dy, n, half > 1 ? half : 1, tmp, tmp + n);
    free(tmp);
    out->pan_w_s = mx * fps;
    out->tilt_w_s = my * fps;
    out->zoom_s = mz * fps;
    double steady = hypot(mx, my);
    if (out->shake > SHAKE_W)
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
