/* SPDX-License-Identifier: MIT */
/** @file Preset scoring formula and the per-shot selection, on hand-made arrays. */
#include <string.h>

#include "src/rank/preset.h"
#include "src/rank/rank.h"
#include "tests/common/testhelp.h"

static void test_preset_score(void)
{
    const char *json = "{\"name\":\"t\",\"features\":["
                       "{\"column\":\"a\",\"weight\":2,\"lo\":0,\"hi\":10},"
                       "{\"column\":\"b\",\"weight\":-1,\"target\":0.5,\"width\":0.25}]}";
    AvaPreset p;
    CHECK("parse", ava_preset_parse(&p, json, "inline", NULL) == 0);
    CHECK("two features", p.n == 2);
    /* frame 0: a=5 -> u 0.5 -> 1.0; b=0.5 -> u 1 -> -1.0; total 0.0
     * frame 1: a=20 -> clamped 1 -> 2.0; b=0.625 -> u 0.5 -> -0.5; total 1.5
     * frame 2: a=NULL -> 0; b=1.0 -> u 0 (clamped); total 0 */
    double values[6] = { 5, 20, NAN, 0.5, 0.625, 1.0 };
    double score[3];
    ava_preset_score(&p, values, 3, score);
    CHECK_NEAR("score 0", score[0], 0.0, 1e-12);
    CHECK_NEAR("score 1", score[1], 1.5, 1e-12);
    CHECK_NEAR("score 2", score[2], 0.0, 1e-12);

    const char *bad[] = {
        "[]",
        "{\"name\":\"x\"}",
        "{\"name\":\"x\",\"features\":[{\"column\":\"a\",\"weight\":1,\"lo\":1,\"hi\":1}]}",
        "{\"name\":\"x\",\"features\":[{\"column\":\"a; DROP\",\"weight\":1,\"lo\":0,\"hi\":1}]}",
        "{\"name\":\"x\",\"features\":[{\"column\":\"a\",\"weight\":\"1\",\"lo\":0,\"hi\":1}]}",
        "{\"name\":\"x\",\"features\":[{\"column\":\"a\",\"weight\":1,\"target\":1,\"width\":0}]}",
        "{\"name\":\"x\",\"min_gap_s\":-1,\"features\":[{\"column\":\"a\",\"weight\":1,\"lo\":0,\"hi\":1}]}",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CHECK("invalid preset refused", ava_preset_parse(&p, bad[i], "bad", NULL) ==
                                            AVA_ERR_CONFIG);
}

static void test_select(void)
{
    /* Three shots of 10 frames at 1 fps. Shot 0's best 0.9 at 4, shot 1's best 0.5 at 15,
     * shot 2's best 0.7 at 27; frame 1 scores 1.0 but lies in the 2-frame edge of shot 0,
     * frame 5 (0.95) is a transition (NAN). */
    double score[30], t[30];
    for (int i = 0; i < 30; i++) {
        score[i] = 0.1;
        t[i] = i;
    }
    score[1] = 1.0;
    score[4] = 0.9;
    score[5] = NAN;
    score[15] = 0.5;
    score[27] = 0.7;
    score[6] = 0.85;   /* second best of shot 0, 2 s from frame 4 */
    AvaShotSpan shots[3] = { { 0, 9, 0 }, { 10, 19, 1 }, { 20, 29, 1 } };
    AvaRankInput in = { .n = 30, .score = score, .t_s = t, .shots = shots, .n_shots = 3,
                        .shot_edge_frames = 2, .min_gap_s = 1.5 };
    AvaPick picks[5];
    int n = ava_rank_select(&in, 2, picks);
    CHECK("two picks", n == 2);
    CHECK("best first: frame 4", n >= 1 && picks[0].pos == 4);
    CHECK("then shot 2's best: frame 27", n >= 2 && picks[1].pos == 27);
    /* Four picks out of three shots: one round of three bests, then the next round's best,
     * frame 6 of shot 0 (2 s from frame 4, beyond min_gap_s). Sorted by score. */
    n = ava_rank_select(&in, 4, picks);
    CHECK("four picks", n == 4);
    int64_t want[4] = { 4, 6, 27, 15 };
    for (int i = 0; i < 4 && i < n; i++)
        CHECK("order by score", picks[i].pos == want[i]);
}

static void test_no_repeats(void)
{
    /* min_gap_s 0 and one shot: four picks must be four different frames (2, 3, 4, 5 are
     * the eligible ones of 0..7 with a 2-frame edge), best first. */
    double score[8] = { 0, 0, 0.3, 0.9, 0.5, 0.7, 0, 0 }, t[8];
    for (int i = 0; i < 8; i++)
        t[i] = i;
    AvaShotSpan shots[1] = { { 0, 7, 0 } };
    AvaRankInput in = { .n = 8, .score = score, .t_s = t, .shots = shots, .n_shots = 1,
                        .shot_edge_frames = 2, .min_gap_s = 0 };
    AvaPick picks[6];
    int n = ava_rank_select(&in, 6, picks);
    CHECK("four distinct picks", n == 4);
    int64_t want[4] = { 3, 5, 4, 2 };
    for (int i = 0; i < 4 && i < n; i++)
        CHECK("distinct, by score", picks[i].pos == want[i]);
}

int main(void)
{
    test_no_repeats();
    test_preset_score();
    test_select();
    return th_report("rank");
}
