/* SPDX-License-Identifier: MIT */
/** @file Pass-1 statistics on tiny images whose values are worked out by hand. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "src/analysis/stats.h"
#include "src/frame.h"
#include "tests/common/testhelp.h"

static void test_tone(void)
{
    /* 2x2 luma {0, 0, 255, 255}: mean 127.5 -> 0.5; population std 127.5 -> 0.5;
     * shadows (<=5) 2/4; highlights (>=250) 2/4; black (<=24) 2/4. */
    uint8_t l[4] = { 0, 0, 255, 255 };
    AvaToneStats t;
    ava_tone_stats(l, 2, 2, 2, &t);
    CHECK_NEAR("2x2 brightness", t.brightness, 0.5, 1e-12);
    CHECK_NEAR("2x2 RMS contrast", t.contrast, 0.5, 1e-12);
    CHECK_NEAR("2x2 shadows", t.shadows, 0.5, 1e-12);
    CHECK_NEAR("2x2 highlights", t.highlights, 0.5, 1e-12);

    /* 2x2 {10, 20, 30, 40}: mean 25, deviations -15 -5 5 15, variance (225+25+25+225)/4
     * = 125, std 11.1803 -> /255 = 0.0438443. */
    uint8_t m[4] = { 10, 20, 30, 40 };
    ava_tone_stats(m, 2, 2, 2, &t);
    CHECK_NEAR("2x2 contrast by hand", t.contrast, sqrt(125.0) / 255.0, 1e-12);
    CHECK_NEAR("2x2 black ratio (10, 20 <= 24)", t.black_ratio, 0.5, 1e-12);

    /* 8x8 with 16 pixels at 0 and 48 at 200: black ratio 16/64 = 0.25 (STYLE.md example). */
    uint8_t b[64];
    memset(b, 200, sizeof(b));
    memset(b, 0, 16);
    ava_tone_stats(b, 8, 8, 8, &t);
    CHECK_NEAR("8x8 black ratio", t.black_ratio, 0.25, 1e-12);
    CHECK_NEAR("8x8 brightness", t.brightness, 48 * 200 / 64.0 / 255.0, 1e-12);

    /* Stride larger than the width: the padding (255) must be ignored. */
    uint8_t s[2 * 4] = { 0, 0, 255, 255, 0, 0, 255, 255 };
    ava_tone_stats(s, 2, 2, 4, &t);
    CHECK_NEAR("stride ignores padding", t.brightness, 0.0, 1e-12);
}

static void test_colorfulness(void)
{
    /* Uniform pure red: rg = 255, yb = 127.5, no variance:
     * M = 0.3 * sqrt(255^2 + 127.5^2) = 0.3 * 285.0987 = 85.5296. */
    uint8_t red[4 * 3];
    for (int i = 0; i < 4; i++) {
        red[3 * i] = 255;
        red[3 * i + 1] = 0;
        red[3 * i + 2] = 0;
    }
    CHECK_NEAR("uniform red", ava_colorfulness(red, 2, 2, 6), 0.3 * sqrt(255.0 * 255 + 127.5 * 127.5),
               1e-9);
    /* Any grey has rg = yb = 0 everywhere: M = 0. */
    uint8_t grey[4 * 3];
    memset(grey, 128, sizeof(grey));
    CHECK_NEAR("grey", ava_colorfulness(grey, 2, 2, 6), 0.0, 1e-12);
    /* Half black, half white: rg = 0, yb = 0 for both (R=G=B): M = 0. */
    uint8_t bw[4 * 3] = { 0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255 };
    CHECK_NEAR("black and white", ava_colorfulness(bw, 2, 2, 6), 0.0, 1e-12);
    /* Two pixels red (255,0,0) and blue (0,0,255): rg = {255, 0}, yb = {127.5, -255}.
     * var(rg) = 127.5^2 = 16256.25, var(yb) = 191.25^2 = 36576.5625,
     * mean rg 127.5, mean yb -63.75:
     * M = sqrt(52832.8125) + 0.3 * sqrt(16256.25 + 4064.0625) = 229.8539 + 42.7651. */
    uint8_t rb[2 * 3] = { 255, 0, 0, 0, 0, 255 };
    CHECK_NEAR("red and blue", ava_colorfulness(rb, 2, 1, 6),
               sqrt(52832.8125) + 0.3 * sqrt(20320.3125), 1e-9);
}

static void test_laplacian(void)
{
    /* 3x3 with a single bright centre (9): one interior pixel, Laplacian -36; variance of a
     * single value is 0. */
    uint8_t one[9] = { 0, 0, 0, 0, 9, 0, 0, 0, 0 };
    CHECK_NEAR("single interior pixel", ava_laplacian_variance(one, 3, 3, 3), 0.0, 1e-12);
    /* 4x3 rows {0,0,0,0},{0,10,0,0},{0,0,0,0}: interior (1,1) -> -40, (2,1) -> 10.
     * mean -15, variance ((25)^2 + (25)^2)/2 = 625. */
    uint8_t two[12] = { 0, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0, 0 };
    CHECK_NEAR("two interior pixels", ava_laplacian_variance(two, 4, 3, 4), 625.0, 1e-9);
    uint8_t flat[16];
    memset(flat, 77, sizeof(flat));
    CHECK_NEAR("flat image", ava_laplacian_variance(flat, 4, 4, 4), 0.0, 1e-12);
}

/* OpenCV's color_hsv.simd.hpp, scalar path, with its division tables. */
static void cv_hsv(int r, int g, int b, uint8_t out[3])
{
    int v = r > g ? (r > b ? r : b) : (g > b ? g : b);
    int mn = r < g ? (r < b ? r : b) : (g < b ? g : b);
    int diff = v - mn;
    int sdiv = v ? (int)lrint((255 << 12) / (double)v) : 0;
    int hdiv = diff ? (int)lrint((180 << 12) / (6.0 * diff)) : 0;
    int vr = v == r ? -1 : 0, vg = v == g ? -1 : 0;
    int s = (diff * sdiv + (1 << 11)) >> 12;
    int h = (vr & (g - b)) + (~vr & ((vg & (b - r + 2 * diff)) + ((~vg) & (r - g + 4 * diff))));
    h = (h * hdiv + (1 << 11)) >> 12;
    h += h < 0 ? 180 : 0;
    out[0] = (uint8_t)(h == 180 ? 0 : h);
    out[1] = (uint8_t)s;
    out[2] = (uint8_t)v;
}

static void test_hsv_every_colour(void)
{
    /* All 2^24 colours, one 4096x4096 image, against OpenCV's own formulation. */
    enum { SIDE = 4096 };
    uint8_t *rgb = malloc((size_t)SIDE * SIDE * 3), *hsv = malloc((size_t)SIDE * SIDE * 3);
    CHECK("allocation", rgb && hsv);
    if (!rgb || !hsv) {
        free(rgb);
        free(hsv);
        return;
    }
    for (uint32_t c = 0; c < (1u << 24); c++) {
        rgb[3 * (size_t)c] = (uint8_t)(c >> 16);
        rgb[3 * (size_t)c + 1] = (uint8_t)(c >> 8);
        rgb[3 * (size_t)c + 2] = (uint8_t)c;
    }
    ava_rgb_to_hsv(rgb, SIDE, SIDE, SIDE * 3, hsv);
    long bad = 0;
    for (uint32_t c = 0; c < (1u << 24); c++) {
        uint8_t want[3];
        cv_hsv(c >> 16, (c >> 8) & 255, c & 255, want);
        bad += memcmp(want, hsv + 3 * (size_t)c, 3) != 0;
    }
    CHECK("HSV of every colour as OpenCV", bad == 0);
    free(rgb);
    free(hsv);
}

static void test_hsv_and_diff(void)
{
    /* OpenCV's 8-bit HSV: red (0,255,255), green (60,255,255), blue (120,255,255),
     * white (0,0,255), (128,64,64): V 128, S = 255*64/128 = 127.5 -> 128, H 0. */
    uint8_t rgb[5 * 3] = { 255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255, 128, 64, 64 };
    uint8_t hsv[5 * 3];
    ava_rgb_to_hsv(rgb, 5, 1, 15, hsv);
    CHECK("red", hsv[0] == 0 && hsv[1] == 255 && hsv[2] == 255);
    CHECK("green", hsv[3] == 60 && hsv[4] == 255 && hsv[5] == 255);
    CHECK("blue", hsv[6] == 120 && hsv[7] == 255 && hsv[8] == 255);
    CHECK("white", hsv[9] == 0 && hsv[10] == 0 && hsv[11] == 255);
    CHECK("dull red", hsv[12] == 0 && hsv[13] == 128 && hsv[14] == 128);

    /* content delta of red vs green pixel: |0-60| + 0 + 0 over 3 = 20. */
    CHECK_NEAR("content delta red/green", ava_hsv_content_delta(hsv, hsv + 3, 1), 20.0, 1e-12);
    uint8_t a[4] = { 0, 10, 20, 30 }, b[4] = { 255, 10, 20, 0 };
    CHECK_NEAR("luma MAD", ava_luma_mad(a, b, 2, 2, 2), (255.0 + 30) / 4 / 255, 1e-12);
}

static void test_grid(void)
{
    /* 4x2 RGB, grid 2x1: left cell pixels (0,0,0),(10,20,30),(0,0,0),(10,20,30) -> mean
     * (5,10,15); right cell all (100,100,100). */
    uint8_t rgb[8 * 3] = { 0, 0, 0, 10, 20, 30, 100, 100, 100, 100, 100, 100,
                           0, 0, 0, 10, 20, 30, 100, 100, 100, 100, 100, 100 };
    uint8_t out[6];
    ava_grid_thumbnail(rgb, 4, 2, 12, 2, 1, out);
    CHECK("left cell", out[0] == 5 && out[1] == 10 && out[2] == 15);
    CHECK("right cell", out[3] == 100 && out[4] == 100 && out[5] == 100);
}

static void test_luma(void)
{
    /* BT.601 luma of pure green: 0.587 * 255 = 149.7 -> 150 with the 8.8 weights. */
    AvaImage im;
    if (ava_image_alloc(&im, 1, 1) < 0) {
        CHECK("alloc", 0);
        return;
    }
    im.rgb[0] = 0;
    im.rgb[1] = 255;
    im.rgb[2] = 0;
    ava_image_update_luma(&im);
    CHECK("green luma", im.luma[0] == 150);
    ava_image_free(&im);
}

int main(void)
{
    test_tone();
    test_colorfulness();
    test_laplacian();
    test_hsv_and_diff();
    test_hsv_every_colour();
    test_grid();
    test_luma();
    return th_report("stats");
}
