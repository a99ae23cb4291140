/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Global motion on synthetic frames moved by known amounts: a smooth texture T(x, y)
 * sampled as cur(x, y) = T((x - cx) / k + cx - dx, (y - cy) / k + cy - dy) is the previous
 * frame moved by (dx, dy) and zoomed by k about the centre. Then the shot labels on motion
 * series whose jitter is worked out by hand.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "src/analysis/motion.h"
#include "src/shots/camera.h"
#include "tests/common/testhelp.h"

#define W 320
#define H 180

static double texture(double x, double y)
{
    return 128 + 50 * sin(x * 0.31) * cos(y * 0.23) + 35 * sin((x + 2 * y) * 0.17) +
           20 * cos(x * 0.71 - y * 0.53);
}

static void render(uint8_t *img, double dx, double dy, double k, int bx, int by, int bdx)
{
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            double sx = (x - W / 2.0) / k + W / 2.0 - dx, sy = (y - H / 2.0) / k + H / 2.0 - dy;
            double v = texture(sx, sy);
            /* An optional bright square subject of 40 px at (bx + bdx, by). */
            if (bx >= 0 && x >= bx + bdx && x < bx + bdx + 40 && y >= by && y < by + 40)
                v = 230 - 60 * ((x - bx - bdx) / 8 % 2) - 40 * ((y - by) / 8 % 2);
            img[y * W + x] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v + 0.5);
        }
}

/* 1000 frames at 25 fps: the moving average spans 5 frames, the shrunk ends weigh 0.4 %. */
#define N 1000

static void camera_labels(void)
{
    static double dx[N], dy[N], dz[N];
    AvaCameraMove c;

    /* Steady pan, content 0.01 widths/frame to the right: no jitter, the camera pans left. */
    for (int i = 0; i < N; i++)
        dx[i] = 0.01;
    ava_camera_move(dx, dy, dz, N, 25, &c);
    CHECK("steady pan: pan_left", !strcmp(c.label, "pan_left"));
    CHECK_NEAR("steady pan: no jitter", c.shake, 0, 1e-9);
    CHECK_NEAR("steady pan: 0.25 widths/s", c.pan_w_s, 0.25, 1e-12);

    /* Speeding up from 0 to 0.008 widths/frame: path a i^2 (a = 4e-6) against its 5-frame
     * mean a (i^2 + 2) sits 2a off. */
    for (int i = 0; i < N; i++)
        dx[i] = 4e-6 * (2 * i + 1);
    ava_camera_move(dx, dy, dz, N, 25, &c);
    CHECK_NEAR("accelerating pan: jitter 2a", c.shake, 8e-6, 1e-6);
    CHECK("accelerating pan: a pan", !strcmp(c.label, "pan_left"));

    /* Shaking by 0.01 widths back and forth: path 0.01, 0, 0.01 ... against a 5-frame mean
     * of 0.006 or 0.004: 0.004 off everywhere (handheld); by 0.005: 0.002 (not). */
    for (int i = 0; i < N; i++)
        dx[i] = i % 2 ? -0.01 : 0.01;
    ava_camera_move(dx, dy, dz, N, 25, &c);
    CHECK_NEAR("shake 0.01: jitter 0.004", c.shake, 0.004, 0.0001);
    CHECK("shake 0.01: handheld", !strcmp(c.label, "handheld"));
    for (int i = 0; i < N; i++)
        dy[i] = dx[i] / 2, dx[i] = 0;
    ava_camera_move(dx, dy, dz, N, 25, &c);
    CHECK_NEAR("shake 0.005 vertical: jitter 0.002", c.shake, 0.002, 0.0001);
    CHECK("shake 0.005: static", !strcmp(c.label, "static"));

    /* One misread frame, a 0.2-width jump and back: 5 frames off the average (by 0.16 and
     * 0.04), under the tenth left out, so no jitter (with them: 0.0057, handheld). */
    for (int i = 0; i < N; i++)
        dx[i] = dy[i] = 0;
    dx[500] = 0.2;
    dx[501] = -0.2;
    ava_camera_move(dx, dy, dz, N, 25, &c);
    CHECK_NEAR("one misread frame: no jitter", c.shake, 0, 1e-12);
    CHECK("one misread frame: static", !strcmp(c.label, "static"));

    /* NAN frames are left out of the path. */
    for (int i = 0; i < N; i++)
        dx[i] = i % 3 ? 0.01 : NAN, dy[i] = 0;
    ava_camera_move(dx, dy, dz, N, 25, &c);
    CHECK_NEAR("NAN frames skipped: no jitter", c.shake, 0, 1e-9);
}

int main(void)
{
    static uint8_t a[W * H], b[W * H];
    void *scratch = malloc(ava_motion_scratch_size(W, H));
    AvaMotion m;

    render(a, 0, 0, 1, -1, 0, 0);
    render(b, 0, 0, 1, -1, 0, 0);
    ava_global_motion(a, b, W, H, W, scratch, &m);
    CHECK_NEAR("static dx", m.dx, 0, 0.05);
    CHECK_NEAR("static dy", m.dy, 0, 0.05);
    CHECK_NEAR("static zoom", m.zoom, 0, 1e-3);
    CHECK("static: every textured block agrees", m.inliers > 0.95);

    /* Content moved 3 px right and 2 px up. */
    render(b, 3, -2, 1, -1, 0, 0);
    ava_global_motion(a, b, W, H, W, scratch, &m);
    CHECK_NEAR("pan dx = +3 px", m.dx, 3.0, 0.3);
    CHECK_NEAR("tilt dy = -2 px", m.dy, -2.0, 0.3);
    CHECK_NEAR("no zoom", m.zoom, 0, 0.003);

    /* Sub-pixel: 1.5 px left. */
    render(b, -1.5, 0, 1, -1, 0, 0);
    ava_global_motion(a, b, W, H, W, scratch, &m);
    CHECK_NEAR("dx = -1.5 px", m.dx, -1.5, 0.3);

    /* A quarter pixel right and half a pixel up: the half-size search alone read 0.25 px
     * as 0.09. */
    render(b, 0.25, -0.5, 1, -1, 0, 0);
    ava_global_motion(a, b, W, H, W, scratch, &m);
    CHECK_NEAR("dx = +0.25 px", m.dx, 0.25, 0.03);
    CHECK_NEAR("dy = -0.5 px", m.dy, -0.5, 0.03);

    /* Zoom in by 3 % about the centre. */
    render(b, 0, 0, 1.03, -1, 0, 0);
    ava_global_motion(a, b, W, H, W, scratch, &m);
    CHECK_NEAR("zoom +3 %", m.zoom, 0.03, 0.006);
    CHECK_NEAR("zoom: no pan", m.dx, 0, 0.3);

    /* Static camera, a subject moving 5 px right: camera static, subject motion found. */
    render(a, 0, 0, 1, 100, 60, 0);
    render(b, 0, 0, 1, 100, 60, 5);
    ava_global_motion(a, b, W, H, W, scratch, &m);
    CHECK_NEAR("subject: camera dx 0", m.dx, 0, 0.3);
    CHECK("subject: some blocks move on their own", m.subject_share > 0 && m.subject > 1.0);
    CHECK("subject: most blocks static", m.inliers > 0.8);
    free(scratch);
    camera_labels();
    return th_report("motion");
}
