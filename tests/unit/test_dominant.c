/* SPDX-License-Identifier: MIT */
/** @file CIELAB conversion against published values; k-means on two-colour images. */
#include <stdlib.h>
#include <string.h>

#include "src/analysis/dominant.h"
#include "tests/common/testhelp.h"

static void test_lab(void)
{
    /* Published sRGB (D65) -> L*a*b*: white (100, 0, 0); red (53.24, 80.09, 67.20);
     * green (87.73, -86.18, 83.18); blue (32.30, 79.19, -107.86). */
    struct { uint8_t rgb[3]; double lab[3]; } ref[] = {
        { { 255, 255, 255 }, { 100.0, 0.0, 0.0 } },
        { { 255, 0, 0 }, { 53.24, 80.09, 67.20 } },
        { { 0, 255, 0 }, { 87.73, -86.18, 83.18 } },
        { { 0, 0, 255 }, { 32.30, 79.19, -107.86 } },
        { { 0, 0, 0 }, { 0.0, 0.0, 0.0 } },
    };
    for (size_t i = 0; i < sizeof(ref) / sizeof(ref[0]); i++) {
        double lab[3];
        ava_srgb_to_lab(ref[i].rgb, lab);
        for (int c = 0; c < 3; c++)
            CHECK_NEAR("sRGB -> Lab", lab[c], ref[i].lab[c], 0.02);
        uint8_t back[3];
        ava_lab_to_srgb(lab, back);
        CHECK("Lab -> sRGB round trip",
              !memcmp(back, ref[i].rgb, 3));
    }
}

static void test_kmeans(void)
{
    /* 8x8: the top 6 rows red, the bottom 2 blue. Sampling every pixel (step 1), two
     * clusters: red with weight 48/64 = 0.75 first, blue 0.25. */
    uint8_t img[8 * 8 * 3];
    for (int y = 0; y < 8; y++)
        for (int x = 0; x < 8; x++) {
            uint8_t *p = img + (y * 8 + x) * 3;
            p[0] = y < 6 ? 255 : 0;
            p[1] = 0;
            p[2] = y < 6 ? 0 : 255;
        }
    void *scratch = malloc(ava_dominant_scratch_size(8, 8, 1));
    AvaDominant d;
    ava_dominant_colors(img, 8, 8, 24, 1, 2, scratch, &d);
    CHECK("two clusters", d.k == 2);
    CHECK_NEAR("red weight", d.weight[0], 0.75, 1e-12);
    CHECK_NEAR("blue weight", d.weight[1], 0.25, 1e-12);
    CHECK("red first", d.rgb[0][0] == 255 && d.rgb[0][1] == 0 && d.rgb[0][2] == 0);
    CHECK("blue second", d.rgb[1][0] == 0 && d.rgb[1][1] == 0 && d.rgb[1][2] == 255);

    /* A uniform image asked for 5 clusters yields one (the others stay empty). */
    memset(img, 90, sizeof(img));
    ava_dominant_colors(img, 8, 8, 24, 2, 5, scratch, &d);
    CHECK("uniform: one cluster", d.k == 1);
    CHECK_NEAR("uniform: weight 1", d.weight[0], 1.0, 1e-12);
    CHECK("uniform: colour kept", d.rgb[0][0] == 90 && d.rgb[0][1] == 90 && d.rgb[0][2] == 90);
    free(scratch);
}

int main(void)
{
    test_lab();
    test_kmeans();
    return th_report("dominant");
}
