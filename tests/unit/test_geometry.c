/* SPDX-License-Identifier: MIT */
/** @file Display-matrix rotation, RGB rotation and chunk planning, worked by hand. */
#include <stdlib.h>
#include <string.h>

#include <libavutil/display.h>

#include "src/io/convert.h"
#include "src/io/probe.h"
#include "src/pipeline/chunks.h"
#include "tests/common/testhelp.h"

static void test_rotation_matrix(void)
{
    int32_t m[9];
    /* ffprobe prints av_display_rotation_get(); "rotation=-90" (psd_issue-134-rotate.mp4)
     * is shown turned 90 degrees clockwise by ffmpeg's autorotate (the integration test
     * compares our still with ffmpeg's). av_display_rotation_set(m, a) yields get() == -a. */
    av_display_rotation_set(m, 90);
    CHECK("get -90 -> 90 cw", av_display_rotation_get(m) == -90 && ava_rotation_from_matrix(m) == 90);
    av_display_rotation_set(m, -90);
    CHECK("get 90 -> 270 cw", ava_rotation_from_matrix(m) == 270);
    av_display_rotation_set(m, 180);
    CHECK("180", ava_rotation_from_matrix(m) == 180);
    av_display_rotation_set(m, 0);
    CHECK("0", ava_rotation_from_matrix(m) == 0);
    CHECK("no matrix", ava_rotation_from_matrix(NULL) == 0);
}

static void test_rotate_rgb(void)
{
    /* 3x2 image, pixel value = its label (R channel):
     *   a b c          rotated 90 cw (2x3):  d a
     *   d e f                                e b
     *                                        f c                              */
    uint8_t src[6 * 3] = { 0 }, dst[6 * 3];
    const char *lab = "abcdef";
    for (int i = 0; i < 6; i++)
        src[i * 3] = (uint8_t)lab[i];
    ava_rotate_rgb(src, 3, 2, 9, dst, 6, 90);
    const char *want90 = "daebfc";
    int ok = 1;
    for (int i = 0; i < 6; i++)
        ok &= dst[i * 3] == (uint8_t)want90[i];
    CHECK("90 clockwise", ok);
    ava_rotate_rgb(src, 3, 2, 9, dst, 9, 180);
    const char *want180 = "fedcba";
    ok = 1;
    for (int i = 0; i < 6; i++)
        ok &= dst[i * 3] == (uint8_t)want180[i];
    CHECK("180", ok);
    /* 270 cw (2x3): c f / b e / a d */
    ava_rotate_rgb(src, 3, 2, 9, dst, 6, 270);
    const char *want270 = "cfbead";
    ok = 1;
    for (int i = 0; i < 6; i++)
        ok &= dst[i * 3] == (uint8_t)want270[i];
    CHECK("270 clockwise", ok);
}

static void test_chunks(void)
{
    /* 100 frames, pts 0..99, keyframes every 10 frames. chunk_frames 25: a chunk closes at
     * the first keyframe at least 25 frames after its start: starts 0, 30, 60, 90. */
    int64_t pts[100];
    for (int i = 0; i < 100; i++)
        pts[i] = i;
    AvaKeyframe keys[10];
    for (int k = 0; k < 10; k++)
        keys[k] = (AvaKeyframe){ .pts = 10 * k, .seek_ts = 10 * k, .index = 10 * k };
    AvaScan scan = { .pts = pts, .n_frames = 100, .keys = keys, .n_keys = 10,
                     .pts_reliable = 1, .seek_reliable = 1 };
    AvaChunk *c = NULL;
    int n = 0;
    CHECK("plan", ava_plan_chunks(&scan, 25, &c, &n) == 0);
    CHECK("four chunks", n == 4);
    int64_t first[4] = { 0, 30, 60, 90 }, count[4] = { 30, 30, 30, 10 };
    for (int i = 0; i < 4 && i < n; i++) {
        CHECK("first frame", c[i].first_frame == first[i]);
        CHECK("frame count", c[i].n_frames == count[i]);
    }
    CHECK("open ends", n == 4 && c[0].start_pts == INT64_MIN && c[3].end_pts == INT64_MAX);
    CHECK("contiguous", n == 4 && c[1].end_pts == c[2].start_pts && c[1].end_pts == 60);
    free(c);
    /* Unreliable pts: one chunk whatever the keyframes. */
    scan.pts_reliable = 0;
    CHECK("plan", ava_plan_chunks(&scan, 25, &c, &n) == 0);
    CHECK("one chunk", n == 1 && c[0].n_frames == 100);
    free(c);
    /* ava_scan_index_of: the number of smaller timestamps. */
    scan.pts_reliable = 1;
    CHECK("index of 42", ava_scan_index_of(&scan, 42) == 42);
    CHECK("index past the end", ava_scan_index_of(&scan, 1000) == 100);
}

int main(void)
{
    test_rotation_matrix();
    test_rotate_rgb();
    test_chunks();
    return th_report("geometry");
}
