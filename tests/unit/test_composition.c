/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Composition on synthetic frames: a textured 40 px subject on a plain background placed on
 * a rule-of-thirds point or in the centre, and mirror-symmetric pictures. Expected orderings
 * follow from the definitions (see composition.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "src/analysis/composition.h"
#include "tests/common/testhelp.h"

#define W 320
#define H 180

static void scene(uint8_t *l, int cx, int cy, int mirror)
{
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            int v = 110 + (int)(10 * sin(x * 0.02) + 8 * cos(y * 0.03)); /* soft background */
            if (abs(x - cx) < 20 && abs(y - cy) < 20)
                v = ((x / 4 + y / 4) % 2) ? 240 : 20; /* checker subject */
            l[y * W + x] = (uint8_t)v;
        }
    if (mirror)
        for (int y = 0; y < H; y++)
            for (int x = W / 2; x < W; x++)
                l[y * W + x] = l[y * W + (W - 1 - x)];
}

int main(void)
{
    static uint8_t a[W * H];
    AvaSaliency *s = NULL;
    CHECK("open", ava_saliency_open(&s, W, H) == 0);
    if (!s)
        return th_report("composition");
    AvaComposition third, centre, flat, sym, busy;

    scene(a, W / 3, H / 3, 0);
    ava_saliency_run(s, a, W, H, W);
    ava_composition(s, a, W, H, W, &third);
    CHECK_NEAR("salient centre x at the subject (1/3)", third.saliency_x, 1.0 / 3, 0.08);
    CHECK_NEAR("salient centre y at the subject (1/3)", third.saliency_y, 1.0 / 3, 0.08);

    scene(a, W / 2, H / 2, 0);
    ava_saliency_run(s, a, W, H, W);
    ava_composition(s, a, W, H, W, &centre);
    CHECK_NEAR("centred subject x", centre.saliency_x, 0.5, 0.06);
    CHECK("thirds: third point scores above centre", third.thirds > centre.thirds + 0.1);
    CHECK("mostly empty picture has negative space", third.negative_space > 0.6);

    /* Mirror symmetry: exact for a mirrored picture; a subject off-centre breaks it. */
    scene(a, W / 2, H / 2, 1);
    ava_saliency_run(s, a, W, H, W);
    ava_composition(s, a, W, H, W, &sym);
    CHECK_NEAR("mirrored picture: symmetry 1", sym.symmetry, 1.0, 1e-12);
    CHECK("off-centre subject: less symmetric", third.symmetry < sym.symmetry - 0.02);

    /* Complexity: a plain picture has no edges; a fine checkerboard is all edges. */
    memset(a, 128, sizeof(a));
    ava_saliency_run(s, a, W, H, W);
    ava_composition(s, a, W, H, W, &flat);
    CHECK_NEAR("flat: no edges", flat.complexity, 0.0, 1e-12);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            a[y * W + x] = ((x / 2 + y / 2) % 2) ? 200 : 40;
    ava_saliency_run(s, a, W, H, W);
    ava_composition(s, a, W, H, W, &busy);
    CHECK("checkerboard: mostly edges", busy.complexity > 0.9);
    CHECK("checkerboard: little negative space", busy.negative_space < third.negative_space);
    ava_saliency_close(&s);
    return th_report("composition");
}
