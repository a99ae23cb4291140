/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Global motion on synthetic frames moved by known amounts: a smooth texture T(x, y)
 * sampled as cur(x, y) = T((x - cx) / k + cx - dx, (y - cy) / k + cy - dy) is the previous
 * frame moved by (dx, dy) and zoomed by k about the centre.
 */
#include <math.h>
#include <stdlib.h>

#include "src/analysis/motion.h"
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
    return th_report("motion");
}
