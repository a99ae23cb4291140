/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Shot detection on synthetic signals whose boundaries are known by construction: a hard
 * cut, sustained motion (no cut), a fade through black, a cross-dissolve (cut) and a moving
 * bar with the same amount of change that is not a blend (no cut).
 */
#include <stdlib.h>
#include <string.h>

#include "src/shots/shot_detect.h"
#include "tests/common/testhelp.h"

#define N 500

static double content[N], brightness[N], contrast[N], black[N];

/* Thumbnails: before frame 300 all 20; 319 on: left half 200; between, the blend with
 * alpha = (k - 299) / 20. Frames 400..419 show a bright bar moving right (a "morph"). */
static int thumb(void *cookie, int64_t k, uint8_t *t)
{
    (void)cookie;
    for (int y = 0; y < 9; y++)
        for (int x = 0; x < 16; x++) {
            double a = 20, b = x < 8 ? 200 : 20, v;
            if (k < 300)
                v = a;
            else if (k < 319)
                v = a + (b - a) * (k - 299) / 20.0;
            else
                v = b;
            if (k >= 399 && k <= 420) {
                int bar = (int)((k - 399) * 15 / 21);
                v = (x == bar || x == bar + 1) ? 220 : 20;
            }
            for (int c = 0; c < 3; c++)
                t[(y * 16 + x) * 3 + c] = (uint8_t)(v + 0.5);
        }
    return 0;
}

int main(void)
{
    for (int i = 0; i < N; i++) {
        content[i] = 1.0;
        brightness[i] = 0.5;
        contrast[i] = 0.2;
        black[i] = 0.0;
    }
    content[0] = NAN;
    content[50] = 40.0;                 /* hard cut */
    for (int i = 100; i <= 140; i++)    /* fast motion: high change, sustained */
        content[i] = 30.0;
    for (int k = 190; k <= 199; k++)    /* fade out */
        brightness[k] = 0.5 - 0.05 * (k - 190);
    for (int k = 200; k <= 209; k++) {  /* black run */
        brightness[k] = 0.0;
        black[k] = 1.0;
    }
    for (int k = 210; k <= 219; k++)    /* fade in */
        brightness[k] = 0.05 + 0.05 * (k - 210);
    for (int k = 300; k <= 319; k++) {  /* dissolve of two uncorrelated pictures */
        double al = (k - 299) / 20.0;
        content[k] = 5.0;
        contrast[k] = sqrt((1 - al) * (1 - al) * 0.04 + al * al * 0.04);
    }
    for (int k = 400; k <= 419; k++)    /* moving bar */
        content[k] = 5.0;

    AvaShotSignals s = { .n = N, .content = content, .brightness = brightness,
                         .contrast = contrast, .black_ratio = black };
    AvaShotParams p;
    ava_shot_params_default(&p);
    AvaShotResult r;
    int ret = ava_detect_shots(&s, &p, thumb, NULL, &r);
    CHECK("detect", ret == 0);
    if (ret == 0) {
        /* Shots start at 0, the cut at 50, the middle of the black run 200..209 (205) and the
         * dissolve's half-way frame: alpha = (k - 299)/20 >= 0.5 first at k = 309. */
        int64_t want[] = { 0, 50, 205, 309 };
        int kinds[] = { AVA_SHOT_START, AVA_SHOT_CUT, AVA_SHOT_FADE, AVA_SHOT_DISSOLVE };
        CHECK("four shots", r.n_shots == 4);
        for (int i = 0; i < 4 && i < r.n_shots; i++) {
            CHECK("shot start", r.shots[i].first == want[i]);
            CHECK("shot kind", r.shots[i].kind == kinds[i]);
            if (r.shots[i].first != want[i])
                fprintf(stderr, "shot %d starts at %lld, want %lld\n", i,
                        (long long)r.shots[i].first, (long long)want[i]);
        }
        CHECK("shots cover the title", r.n_shots > 0 && r.shots[r.n_shots - 1].last == N - 1);
        /* Transitions: the fade 190..219 and the dissolve's blended frames 300..318. */
        CHECK("two transitions", r.n_transitions == 2);
        if (r.n_transitions == 2) {
            CHECK("fade span", r.transitions[0].first == 190 && r.transitions[0].last == 219);
            CHECK("dissolve span",
                  r.transitions[1].first == 300 && r.transitions[1].last == 318);
        }
        CHECK("black flags", r.black[205] && !r.black[199] && !r.black[210]);
    }
    ava_shot_result_free(&r);

    /* min_shot_frames: a second cut 10 frames after the first is ignored. */
    content[60] = 40.0;
    ret = ava_detect_shots(&s, &p, thumb, NULL, &r);
    CHECK("close cut ignored", ret == 0 && r.n_shots == 4 && r.shots[2].first == 205);
    ava_shot_result_free(&r);

    /* The same blend-like thumbnails without the variance dip (a zoom) is no dissolve. */
    content[60] = 1.0;
    for (int k = 300; k <= 319; k++)
        contrast[k] = 0.2;
    ret = ava_detect_shots(&s, &p, thumb, NULL, &r);
    CHECK("no variance dip, no dissolve", ret == 0 && r.n_shots == 3);
    ava_shot_result_free(&r);
    return th_report("shots");
}
