/* SPDX-License-Identifier: MIT */
/**
 * @file
 * The selection stage's pure parts on hand-made inputs: shot-scale thresholds, the
 * similarity and its parts, the diversity index, MMR (order worked out by hand below), the
 * crop box, the new preset keys and the title metadata's mapping.
 */
#include <math.h>
#include <string.h>

#include "src/faces/faces.h"
#include "src/rank/preset.h"
#include "src/select/meta.h"
#include "src/select/select.h"
#include "tests/common/testhelp.h"

static void test_scale(void)
{
    /* thresholds 0.57 / 0.37 / 0.24 / 0.11 / 0.04 of the frame height */
    CHECK("0.60 ECU", ava_shot_scale_from_face(0.60) == AVA_SCALE_ECU);
    CHECK("0.57 ECU (inclusive)", ava_shot_scale_from_face(0.57) == AVA_SCALE_ECU);
    CHECK("0.50 CU", ava_shot_scale_from_face(0.50) == AVA_SCALE_CU);
    CHECK("0.30 MCU", ava_shot_scale_from_face(0.30) == AVA_SCALE_MCU);
    CHECK("0.20 MS", ava_shot_scale_from_face(0.20) == AVA_SCALE_MS);
    CHECK("0.05 LS", ava_shot_scale_from_face(0.05) == AVA_SCALE_LS);
    CHECK("0.03 ELS", ava_shot_scale_from_face(0.03) == AVA_SCALE_ELS);
    CHECK("0 unknown", ava_shot_scale_from_face(0) == AVA_SCALE_UNKNOWN);
    CHECK("NAN unknown", ava_shot_scale_from_face(NAN) == AVA_SCALE_UNKNOWN);
    /* saliency: negative space 0.60 / 0.45 / 0.30 / 0.15; compact blob in empty frame ELS */
    CHECK("ns 0.7 CU", ava_shot_scale_from_saliency(0.3, 0.7) == AVA_SCALE_CU);
    CHECK("ns 0.7, spread 0.1 ELS", ava_shot_scale_from_saliency(0.1, 0.7) == AVA_SCALE_ELS);
    CHECK("ns 0.5 MCU", ava_shot_scale_from_saliency(0.3, 0.5) == AVA_SCALE_MCU);
    CHECK("ns 0.35 MS", ava_shot_scale_from_saliency(0.3, 0.35) == AVA_SCALE_MS);
    CHECK("ns 0.2 LS", ava_shot_scale_from_saliency(0.3, 0.2) == AVA_SCALE_LS);
    CHECK("ns 0.1 ELS", ava_shot_scale_from_saliency(0.3, 0.1) == AVA_SCALE_ELS);
    CHECK("NAN unknown", ava_shot_scale_from_saliency(NAN, 0.5) == AVA_SCALE_UNKNOWN);
    CHECK("names round-trip", ava_shot_scale_parse(ava_shot_scale_name(AVA_SCALE_MCU)) ==
                                  AVA_SCALE_MCU);
    CHECK("name", !strcmp(ava_shot_scale_name(AVA_SCALE_ELS), "extreme_long"));
}

static void fill(AvaDivVec *v, int value)
{
    memset(v->thumb, value, sizeof(v->thumb));
    ava_div_vec_hist(v);
}

static void test_similarity(void)
{
    AvaDivParams p;
    ava_div_params_default(&p);
    AvaDivVec a = { 0 }, b = { 0 };
    /* layout: every value 8 apart -> RMS 8 -> 1 - 8/80 = 0.9; 80 apart -> 0 */
    fill(&a, 100);
    fill(&b, 108);
    CHECK_NEAR("layout RMS 8", ava_div_layout_similarity(a.thumb, b.thumb), 0.9, 1e-12);
    CHECK("RMS 8 is a near-duplicate at 0.9", ava_div_near_duplicate(&p, &a, &b));
    fill(&b, 109);
    CHECK("RMS 9 is not", !ava_div_near_duplicate(&p, &a, &b));
    fill(&b, 180);
    CHECK_NEAR("layout RMS 80", ava_div_layout_similarity(a.thumb, b.thumb), 0.0, 1e-12);

    /* a: black thumb; b: top half black, bottom half white.
     * embedding (no nets): layout, RMS = sqrt(216 * 255^2 / 432) = 180.3 -> 0
     * colour: histogram intersection 0.5 (b has half its pixels in a's only bin)
     * composition: centre (0.5,0.5) vs (0.8,0.9): 0.5 apart -> 0; thirds 0.2 vs 0.6 -> 0.6;
     *   symmetry 0.9 vs 0.8 -> 1 - 0.1/0.2 = 0.5; mean 1.1/3
     * scale CU vs LS: 1 - 3/5 = 0.4; camera same: 1; characters {1,2} vs {2,3}: 1/3
     * time 0 vs 2 s, tau 2: e^-1
     * sim = 0.30*0 + 0.15*0.5 + 0.15*1.1/3 + 0.10*0.4 + 0.05*1 + 0.10/3 + 0.15*e^-1 */
    fill(&a, 0);
    memset(b.thumb, 0, sizeof(b.thumb));
    memset(b.thumb + sizeof(b.thumb) / 2, 255, sizeof(b.thumb) / 2);
    ava_div_vec_hist(&b);
    a.sal_x = 0.5, a.sal_y = 0.5, b.sal_x = 0.8, b.sal_y = 0.9;
    a.thirds = 0.2, b.thirds = 0.6, a.symmetry = 0.9, b.symmetry = 0.8;
    a.scale = AVA_SCALE_CU, b.scale = AVA_SCALE_LS;
    a.camera = b.camera = 0;
    a.mains = 3, b.mains = 6;
    a.t_s = 0, b.t_s = 2;
    double parts[AVA_DIV_PARTS];
    double want = 0.15 * 0.5 + 0.15 * 1.1 / 3 + 0.10 * 0.4 + 0.05 + 0.10 / 3 + 0.15 * exp(-1);
    /* (float histograms: 1e-6) */
    CHECK_NEAR("similarity", ava_div_similarity(&p, &a, &b, parts), want, 1e-6);
    CHECK_NEAR("part embedding (layout)", parts[AVA_DIV_EMBED], 0, 1e-12);
    CHECK_NEAR("part colour", parts[AVA_DIV_COLOUR], 0.5, 1e-6);
    CHECK_NEAR("part composition", parts[AVA_DIV_COMPOSITION], 1.1 / 3, 1e-9);
    CHECK_NEAR("part characters", parts[AVA_DIV_CHARACTERS], 1.0 / 3, 1e-12);
    CHECK_NEAR("symmetric", ava_div_similarity(&p, &b, &a, NULL), want, 1e-6);
    /* embeddings (1, 0) and (0.6, 0.8): cosine 0.6 replaces the layout's 0 */
    float ea[2] = { 1, 0 }, eb[2] = { 0.6f, 0.8f };
    a.embedding = ea, b.embedding = eb, a.embed_dim = b.embed_dim = 2;
    CHECK_NEAR("with embeddings", ava_div_similarity(&p, &a, &b, NULL), want + 0.30 * 0.6, 1e-6);
    a.embedding = b.embedding = NULL;
    CHECK_NEAR("a frame is like itself", ava_div_similarity(&p, &a, &a, NULL), 1.0, 1e-6);
}

/* Weights on the time part only, tau 1 s: sim = exp(-|dt|). */
static void time_only(AvaDivParams *p, double lambda)
{
    ava_div_params_default(p);
    memset(p->w, 0, sizeof(p->w));
    p->w[AVA_DIV_TIME] = 1;
    p->tau_s = 1;
    p->lambda = lambda;
}

static void test_index(void)
{
    AvaDivParams p;
    time_only(&p, 0.5);
    AvaDivVec v[3] = { { .t_s = 0 }, { .t_s = 1 }, { .t_s = 3 } };
    /* pairs: e^-1, e^-3, e^-2 -> index 1 - (e^-1 + e^-3 + e^-2) / 3 */
    CHECK_NEAR("index of 3", ava_div_index(&p, v, NULL, 3),
               1 - (exp(-1) + exp(-3) + exp(-2)) / 3, 1e-12);
    int idx[2] = { 0, 2 };
    CHECK_NEAR("index of a subset", ava_div_index(&p, v, idx, 2), 1 - exp(-3), 1e-12);
    CHECK("index of 1 is NAN", isnan(ava_div_index(&p, v, NULL, 1)));
}

static void test_mmr(void)
{
    /* Four candidates of one shot, time part only (tau 1 s), lambda 0.5, no gap:
     *   c0 t=0 score 1.0, c1 t=0.1 0.9, c2 t=5 0.5, c3 t=2 0.0 -> rel 1, 0.9, 0.5, 0
     * step 1: 0.5 rel -> c0.
     * step 2: c1 0.45 - 0.5 e^-0.1 = -0.0024; c2 0.25 - 0.5 e^-5 = 0.2466;
     *         c3 0 - 0.5 e^-2 = -0.0677 -> c2.
     * step 3: c1 still -0.0024 (nearest c0), c3 -0.0677 (nearest c0, e^-2 > e^-3) -> c1. */
    AvaDivParams p;
    time_only(&p, 0.5);
    AvaDivVec v[4] = { { .pos = 0, .t_s = 0 }, { .pos = 1, .t_s = 0.1 }, { .pos = 2, .t_s = 5 },
                       { .pos = 3, .t_s = 2 } };
    AvaSelCand c[4] = { { 1.0, 0 }, { 0.9, 0 }, { 0.5, 0 }, { 0.0, 0 } };
    AvaSelInput in = { .n = 4, .c = c, .v = v, .p = &p };
    int chosen[4];
    AvaSelResult r[4];
    int n = ava_select_mmr(&in, 3, chosen, r);
    CHECK("three chosen", n == 3);
    CHECK("order c0 c2 c1", n == 3 && chosen[0] == 0 && chosen[1] == 2 && chosen[2] == 1);
    /* c3 (t=2) is nearest to c1 (t=0.1, chosen last): e^-1.9 beats c0's e^-2 */
    CHECK("c3 not chosen, nearest c1", r[3].order < 0 && r[3].nearest == 1);
    CHECK_NEAR("its similarity e^-1.9", r[3].nearest_sim, exp(-1.9), 1e-12);
    /* lambda 1: score order c0 c1 c2 */
    p.lambda = 1;
    n = ava_select_mmr(&in, 3, chosen, r);
    CHECK("lambda 1: by score", n == 3 && chosen[0] == 0 && chosen[1] == 1 && chosen[2] == 2);

    /* near-duplicate: c1's thumb equals c0's -> never picked; then c0, c2, c3 */
    p.lambda = 0.5;
    for (int i = 0; i < 4; i++)
        fill(&v[i], 40 * i);
    fill(&v[1], 0);
    n = ava_select_mmr(&in, 4, chosen, r);
    CHECK("near-duplicate skipped", n == 3 && chosen[0] == 0 && chosen[1] == 2 && chosen[2] == 3);
    CHECK("dup_of c0", r[1].dup_of == 0 && r[1].order < 0);
    for (int i = 0; i < 4; i++)
        v[i].has_thumb = 0;

    /* main character 1 only in c3: it goes first; then mmr against c3:
     * c0 0.5 - 0.5 e^-2 = 0.4323, c1 0.45 - 0.5 e^-1.9 = 0.3752, c2 0.25 - 0.5 e^-3 = 0.2251
     * -> c0; then c1 -0.0024 (e^-0.1 to c0), c2 0.25 - 0.5 e^-3 = 0.2251 -> c2. */
    v[3].mains = 1;
    in.n_main = 1;
    in.per_main = 1;
    n = ava_select_mmr(&in, 3, chosen, r);
    CHECK("main character first", n == 3 && chosen[0] == 3 && chosen[1] == 0 && chosen[2] == 2);
    v[3].mains = 0;
    in.n_main = in.per_main = 0;

    /* shot rounds, lambda 1: c0 c1 in shot 0, c2 c3 in shot 1. c0 first, then shot 1 must
     * have its pick (c2, better than c3) before shot 0's second (c1). */
    p.lambda = 1;
    v[2].shot = v[3].shot = 1;
    n = ava_select_mmr(&in, 3, chosen, r);
    CHECK("every shot before a repeat", n == 3 && chosen[0] == 0 && chosen[1] == 2 &&
                                            chosen[2] == 1);
    /* min gap 0.5 s: c1 is 0.1 s from c0 in its shot -> out; four asked, three given */
    in.min_gap_s = 0.5;
    n = ava_select_mmr(&in, 4, chosen, r);
    CHECK("min gap", n == 3 && chosen[0] == 0 && chosen[1] == 2 && chosen[2] == 3);
    /* excluded c0 -> c2 (shot 1) first... by score c1 0.9 first, then shot 1's c2 */
    c[0].excluded = 1;
    in.min_gap_s = 0;
    n = ava_select_mmr(&in, 2, chosen, r);
    CHECK("excluded never picked", n == 2 && chosen[0] == 1 && chosen[1] == 2);
}

/* The set objective of ava_select_mmr()'s refine, from its definition. */
static double objective(const AvaDivParams *p, const AvaSelCand *c, const AvaDivVec *v,
                        const int *set, int m, double lo, double hi)
{
    double rel = 0, sim = 0;
    for (int k = 0; k < m; k++)
        rel += (c[set[k]].score - lo) / (hi - lo);
    for (int a = 0; a < m; a++)
        for (int b = a + 1; b < m; b++)
            sim += ava_div_similarity(p, &v[set[a]], &v[set[b]], NULL);
    return p->lambda * rel / m + (1 - p->lambda) * (1 - sim / (m * (m - 1) / 2.0));
}

static void test_repeats(void)
{
    AvaDivParams p;
    time_only(&p, 1);
    /* one shot, lambda 1 (score order), min gap 0.5 s: c0 t=0, c1 t=0.6, c2 t=1.5 */
    AvaDivVec v[6] = { { .pos = 0, .t_s = 0 }, { .pos = 1, .t_s = 0.6 }, { .pos = 2, .t_s = 1.5 } };
    AvaSelCand c[6] = { { 1.0, 0 }, { 0.9, 0 }, { 0.8, 0 } };
    AvaSelInput in = { .n = 3, .c = c, .v = v, .p = &p, .min_gap_s = 0.5 };
    int chosen[6];
    AvaSelResult r[6];
    int n = ava_select_mmr(&in, 3, chosen, r);
    CHECK("min gap alone: all three", n == 3);
    /* a repeat at least 1 s from the shot's picks: c1 (0.6 s from c0) out */
    in.repeat_gap_s = 1.0;
    n = ava_select_mmr(&in, 3, chosen, r);
    CHECK("repeat gap 1 s: c0 c2", n == 2 && chosen[0] == 0 && chosen[1] == 2);
    /* ...unless a third of the shot is less: a 1.5 s shot -> 0.5 s, c1 back */
    double len[1] = { 1.5 };
    in.shot_len_s = len;
    n = ava_select_mmr(&in, 3, chosen, r);
    CHECK("a third of a 1.5 s shot: all three", n == 3);
    in.shot_len_s = NULL;
    in.repeat_gap_s = 0;

    /* visual similarity = colour part alone (the other visual weights 0): c0 black, c1 all
     * 60 (the same 4x4x4 bin, intersection 1; layout RMS 60, no near-duplicate), c2 all 200
     * (another bin, 0). With repeat_visual 0.8 c1 cannot follow c0 in its shot. */
    memset(p.w, 0, sizeof(p.w));
    p.w[AVA_DIV_COLOUR] = 1;
    fill(&v[0], 0);
    fill(&v[1], 60);
    fill(&v[2], 200);
    CHECK_NEAR("visual: colour only, same bin", ava_div_visual_similarity(&p, &v[0], &v[1]), 1,
               1e-6);
    CHECK_NEAR("visual: other bin", ava_div_visual_similarity(&p, &v[0], &v[2]), 0, 1e-6);
    in.repeat_visual = 0.8;
    n = ava_select_mmr(&in, 3, chosen, r);
    CHECK("repeat must differ: c0 c2", n == 2 && chosen[0] == 0 && chosen[1] == 2);
    /* in another shot c1 is no repeat */
    v[1].shot = 1;
    n = ava_select_mmr(&in, 3, chosen, r);
    CHECK("other shot: allowed", n == 3);
    v[1].shot = 0;
    in.repeat_visual = 0;

    /* refine, time only, tau 1, lambda 0.5: scores c0 1 (t 0), c1 0.9 (t 0.2), c2 0.6 (t 5),
     * c3 0.55 (t 2.4), c4 0 (t 9), one shot each. Greedy, 3 picks: c0; then c1
     * 0.45 - 0.5 e^-0.2 = 0.0406, c2 0.3 - 0.5 e^-5 = 0.2966, c3 0.275 - 0.5 e^-2.4 = 0.2296,
     * c4 0 - 0.5 e^-9 -> c2; then c1 0.0406, c3 0.275 - 0.5 e^-2.4 = 0.2296 (nearest c0 at
     * 2.4 s, c2 2.6 s away), c4 -0.5 e^-4 = -0.0092 -> c3: {c0, c2, c3}. A swap can only
     * raise the objective; whatever it gives must keep every rule and beat the greedy set. */
    time_only(&p, 0.5);
    for (int i = 0; i < 5; i++)
        v[i] = (AvaDivVec){ .pos = i, .shot = i };
    double t[5] = { 0, 0.2, 5, 2.4, 9 }, sc[5] = { 1, 0.9, 0.6, 0.55, 0 };
    for (int i = 0; i < 5; i++) {
        v[i].t_s = t[i];
        c[i] = (AvaSelCand){ sc[i], 0 };
    }
    in = (AvaSelInput){ .n = 5, .c = c, .v = v, .p = &p };
    n = ava_select_mmr(&in, 3, chosen, r);
    CHECK("greedy c0 c2 c3", n == 3 && chosen[0] == 0 && chosen[1] == 2 && chosen[2] == 3);
    double greedy = objective(&p, c, v, chosen, 3, 0, 1);
    in.refine = 1;
    in.refine_lambda = 0.5;
    n = ava_select_mmr(&in, 3, chosen, r);
    double refined = objective(&p, c, v, chosen, 3, 0, 1);
    CHECK("refine: three", n == 3);
    CHECK("refine: no worse", refined >= greedy - 1e-12);
    /* a swap of c3 (t 2.4) for c4 (t 9): rel -0.55 / 3 x 0.5 = -0.0917; similarity sum
     * e^-9 + e^-4 - e^-2.4 - e^-2.6 = -0.1461 -> +0.5 x 0.1461 / 3 = +0.0244: no. So the
     * greedy set stays. */
    CHECK("refine: greedy set kept", chosen[0] == 0 && chosen[1] == 2 && chosen[2] == 3);
    /* lambda 0.2 favours variety. Greedy: c0; then c2 0.12 - 0.8 e^-5 = 0.1146 beats c4
     * -0.8 e^-9 = -0.0001; then c3 0.11 - 0.8 e^-2.4 = 0.0374 beats c4 -0.8 e^-4 = -0.0147
     * and c1 0.18 - 0.8 e^-0.2 = -0.475: c0 c2 c3 again. Swapping c3 for c4 changes the
     * objective by 0.2 x (0 - 0.55) / 3 + 0.8 x (e^-2.4 + e^-2.6 - e^-9 - e^-4) / 3
     * = -0.0367 + 0.0390 = +0.0023 > 0: refine takes c4. */
    p.lambda = 0.2;
    in.refine_lambda = 0.2;
    in.refine = 0;
    n = ava_select_mmr(&in, 3, chosen, r);
    CHECK("lambda 0.2 greedy c0 c2 c3", n == 3 && chosen[0] == 0 && chosen[1] == 2 &&
                                           chosen[2] == 3);
    in.refine = 1;
    n = ava_select_mmr(&in, 3, chosen, r);
    CHECK("lambda 0.2 refined c0 c2 c4", n == 3 && chosen[0] == 0 && chosen[1] == 2 &&
                                            chosen[2] == 4);
    CHECK("refined: order and nearest redone", r[4].order == 2 && r[3].order < 0 &&
                                                   r[3].nearest == 0);
    /* a floor of rel 0.5 keeps c4 (rel 0) out */
    in.refine_floor = 0.5;
    n = ava_select_mmr(&in, 3, chosen, r);
    CHECK("refine floor", n == 3 && chosen[2] == 3);
    in.refine_floor = 0;
    /* shot counts: c4 in c0's shot (which has a pick), c3 alone: a swap c3 -> c4 would
     * leave shot 3 empty for a second pick of shot 0: refused */
    v[4].shot = 0;
    n = ava_select_mmr(&in, 3, chosen, r);
    CHECK("refine keeps shots even", n == 3 && chosen[2] == 3);
}

static void test_seeds(void)
{
    /* recognisable: a good face, then one threshold broken at a time */
    AvaFaceMeasures f = { .x = 0, .y = 0, .w = 80, .h = 100, .score = 0.9f, .height_frac = 0.3f,
                  .sharpness = 300, .edge_cut = 0, .yaw = 10, .pitch = 5, .pose_err_px = 3 };
    CHECK("good face", ava_face_recognisable(&f));
    AvaFaceMeasures g = f;
    g.score = 0.59f;
    CHECK("score 0.59", !ava_face_recognisable(&g));
    g = f, g.sharpness = 7;
    CHECK("blurred (sharpness 7)", !ava_face_recognisable(&g));
    g = f, g.yaw = -80;
    CHECK("profile (yaw -80)", !ava_face_recognisable(&g));
    g = f, g.pitch = 35;
    CHECK("looking down 35", !ava_face_recognisable(&g));
    g = f, g.height_frac = 0.04f;
    CHECK("tiny", !ava_face_recognisable(&g));
    g = f, g.edge_cut = 0.3f;
    CHECK("cut by the edge", !ava_face_recognisable(&g));
    g = f, g.pose_err_px = 8; /* 8 % of the 100 px box */
    CHECK("landmarks off the mean face", !ava_face_recognisable(&g));

    /* seeded clustering, 2-D unit vectors at angles (distance 2 sin(d/2)): seeds at 0 and
     * 0.1 rad (distance 0.0999) join; a seed at 1.5 rad is its own; a non-seed at 0.2 rad
     * joins the first (mean distance to its seeds 0.1997 and 0.0999 -> 0.1498 < 0.38); a
     * non-seed at 3 rad (nearest seed 1.5 rad, distance 1.363) stays -1 and founds nothing. */
    double ang[5] = { 0, 0.1, 1.5, 0.2, 3.0 };
    float d[10];
    for (int i = 0; i < 5; i++) {
        d[2 * i] = (float)cos(ang[i]);
        d[2 * i + 1] = (float)sin(ang[i]);
    }
    uint8_t seed[5] = { 1, 1, 1, 0, 0 };
    int lab[5], nc = -1;
    CHECK("seeded clustering runs", ava_face_cluster_seeded(d, 5, 2, 0.38f, seed, lab, &nc) == 0);
    CHECK("two clusters, from seeds only", nc == 2);
    CHECK("seeds 0 1 together, 2 apart", lab[0] == 0 && lab[1] == 0 && lab[2] == 1);
    CHECK("non-seed joins the near cluster", lab[3] == 0);
    CHECK("far non-seed is nobody's", lab[4] == -1);
    /* no seeds: no clusters, everyone -1 */
    uint8_t none[5] = { 0 };
    CHECK("no seeds", ava_face_cluster_seeded(d, 5, 2, 0.38f, none, lab, &nc) == 0 && nc == 0 &&
                          lab[0] == -1 && lab[3] == -1);
}

static void test_crop(void)
{
    int b[4];
    /* 1280x720 to 2:3: height 720, width 480. Face centre x 960 is right of centre: on the
     * right third line, x = 960 - 2/3 * 480 = 640; the face (900..1020) is inside. */
    double face[4] = { 900, 100, 120, 160 };
    ava_crop_suggest(1280, 720, 2.0 / 3, face, 1, b);
    CHECK("2:3 box", b[0] == 640 && b[1] == 0 && b[2] == 480 && b[3] == 720);
    CHECK("2:3 exactly", b[2] * 3 == b[3] * 2);
    /* face near the right edge (1200..1270): 1235 - 320 = 915, clamped to 1280 - 480 */
    double edge[4] = { 1200, 300, 70, 90 };
    ava_crop_suggest(1280, 720, 2.0 / 3, edge, 1, b);
    CHECK("clamped to the frame", b[0] == 800 && b[0] + b[2] == 1280);
    CHECK("face inside", b[0] <= 1200 && b[0] + b[2] >= 1270);
    /* no subject: centred, 640 - 240 */
    ava_crop_suggest(1280, 720, 2.0 / 3, NULL, 0, b);
    CHECK("centred", b[0] == 400 && b[2] == 480);
    /* 720x1280 to 16:9: width 720, height round(720 * 9 / 16) = 405; eyes a quarter down
     * the face (300 + 50) on the upper third line: 350 - 135 = 215; the face 300..500 fits */
    double tall[4] = { 300, 300, 150, 200 };
    ava_crop_suggest(720, 1280, 16.0 / 9, tall, 1, b);
    CHECK("16:9 from portrait", b[0] == 0 && b[1] == 215 && b[2] == 720 && b[3] == 405);
    /* 1000x1000 to 16:9: height round(562.5) = 563, aspect within 1 px */
    ava_crop_suggest(1000, 1000, 16.0 / 9, NULL, 0, b);
    CHECK("rounded height", b[2] == 1000 && b[3] == 563);
    CHECK("aspect within 1 px", fabs((double)b[2] / b[3] - 16.0 / 9) <= 1.0 / b[3]);
    /* a subject wider than the crop: centred on it */
    double wide[4] = { 100, 100, 1000, 200 };
    ava_crop_suggest(1280, 720, 2.0 / 3, wide, 0, b);
    CHECK("wide subject centred", b[0] == 600 - 240);
}

static void test_preset_keys(void)
{
    const char *json =
        "{\"name\":\"t\",\"features\":[{\"column\":\"a\",\"weight\":1,\"lo\":0,\"hi\":1}],"
        "\"canvas\":{\"aspect\":\"2:3\"},"
        "\"maturity\":{\"nudity\":2,\"text\":1.5,\"max_nudity\":0.4},"
        "\"shot_scale\":{\"close_up\":0.2,\"extreme_long\":-0.1},"
        "\"diversity\":{\"lambda\":0.4,\"near_duplicate\":0.95,\"pool_factor\":6,"
        "\"repeat_visual\":0.8,"
        "\"weights\":{\"time\":1,\"embedding\":3}}}";
    AvaPreset p;
    CHECK("parse", ava_preset_parse(&p, json, "inline", NULL) == 0);
    CHECK_NEAR("aspect 2:3", p.canvas.aspect, 2.0 / 3, 1e-12);
    CHECK("aspect text", !strcmp(p.canvas.aspect_text, "2:3"));
    CHECK_NEAR("nudity", p.maturity.nudity, 2, 0);
    CHECK_NEAR("text", p.maturity.text, 1.5, 0);
    CHECK_NEAR("caption default", p.maturity.caption, 0.3, 0);
    CHECK_NEAR("max_nudity", p.maturity.max_nudity, 0.4, 0);
    CHECK_NEAR("close-up bonus", p.scale_bonus[AVA_SCALE_CU], 0.2, 0);
    CHECK_NEAR("extreme long bonus", p.scale_bonus[AVA_SCALE_ELS], -0.1, 0);
    CHECK_NEAR("medium bonus default", p.scale_bonus[AVA_SCALE_MS], 0, 0);
    CHECK_NEAR("lambda", p.diversity.lambda, 0.4, 0);
    CHECK("pool factor", p.diversity.pool_factor == 6 && p.diversity.pool_min == 16);
    CHECK_NEAR("repeat_visual", p.diversity.repeat_visual, 0.8, 0);
    /* weights normalised: embedding 3/4, time 1/4, the parts not named 0 */
    CHECK_NEAR("embedding weight", p.diversity.w[AVA_DIV_EMBED], 0.75, 1e-12);
    CHECK_NEAR("time weight", p.diversity.w[AVA_DIV_TIME], 0.25, 1e-12);
    CHECK_NEAR("colour weight", p.diversity.w[AVA_DIV_COLOUR], 0, 0);
    const char *plain = "{\"name\":\"t\",\"features\":[{\"column\":\"a\",\"weight\":1,"
                        "\"lo\":0,\"hi\":1}],\"canvas\":{\"aspect\":1.5}}";
    CHECK("numeric aspect", ava_preset_parse(&p, plain, "inline", NULL) == 0 &&
                                fabs(p.canvas.aspect - 1.5) < 1e-12);
    CHECK_NEAR("repeat_visual default", p.diversity.repeat_visual, 0.9, 0);
    CHECK_NEAR("default weights sum to 1", p.diversity.w[0] + p.diversity.w[1] +
               p.diversity.w[2] + p.diversity.w[3] + p.diversity.w[4] + p.diversity.w[5] +
               p.diversity.w[6], 1, 1e-12);
    const char *cls =
        "{\"name\":\"t\",\"features\":[{\"column\":\"a\",\"weight\":1,\"lo\":0,\"hi\":1}],"
        "\"classifiers\":[{\"name\":\"violence\",\"path\":\"v/model.min.js\",\"input_size\":224,"
        "\"classes\":[\"none\",\"fight\",\"weapon\"],\"penalties\":{\"fight\":0.5,\"weapon\":0.25}}]}";
    CHECK("classifiers", ava_preset_parse(&p, cls, "inline", NULL) == 0 && p.n_classifiers == 1);
    CHECK("classifier name", !strcmp(p.classifiers[0].name, "violence"));
    CHECK_NEAR("fight penalty", p.cls_penalty[0][1], 0.5, 0);
    CHECK_NEAR("weapon penalty", p.cls_penalty[0][2], 0.25, 0);
    CHECK_NEAR("none: no penalty", p.cls_penalty[0][0], 0, 0);
    const char *bad[] = {
        "\"classifiers\":[{\"name\":\"v\",\"path\":\"m.js\",\"input_size\":224,"
        "\"classes\":[\"a\"],\"penalties\":{\"b\":1}}]",
        "\"classifiers\":{}",
        "\"canvas\":{\"aspect\":\"0:3\"}", "\"canvas\":{\"aspect\":\"wide\"}",
        "\"canvas\":{\"aspect\":50}", "\"canvas\":3", "\"maturity\":{\"nudity\":-1}",
        "\"maturity\":{\"nudityy\":1}", "\"maturity\":{\"max_nudity\":2}",
        "\"diversity\":{\"lambda\":2}", "\"diversity\":{\"weights\":{\"time\":0}}",
        "\"diversity\":{\"weights\":{\"colour\":\"1\"}}", "\"shot_scale\":{\"huge\":1}",
        "\"shot_scale\":{\"close_up\":100}",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char text[1024];
        snprintf(text, sizeof(text), "{\"name\":\"t\",\"features\":[{\"column\":\"a\","
                 "\"weight\":1,\"lo\":0,\"hi\":1}],%s}", bad[i]);
        CHECK(bad[i], ava_preset_parse(&p, text, "bad", NULL) == AVA_ERR_CONFIG);
    }
}

static void test_meta(void)
{
    CHECK("TV-Y7 kids", ava_meta_audience("TV-Y7") == AVA_AUDIENCE_KIDS);
    CHECK("pg-13 teen", ava_meta_audience("pg-13") == AVA_AUDIENCE_TEEN);
    CHECK("' R ' adult", ava_meta_audience(" R ") == AVA_AUDIENCE_ADULT);
    CHECK("unknown", ava_meta_audience("zzz") == AVA_AUDIENCE_UNKNOWN);
    CHECK("NULL", ava_meta_audience(NULL) == AVA_AUDIENCE_UNKNOWN);
    const char *json =
        "{\"name\":\"t\",\"features\":[{\"column\":\"a\",\"weight\":1,\"lo\":0,\"hi\":1}],"
        "\"faces\":{\"features\":[{\"column\":\"expr_negative\",\"weight\":-0.1,\"lo\":0.1,"
        "\"hi\":0.7},{\"column\":\"expr_happy\",\"weight\":0.05,\"lo\":0,\"hi\":0.8}]}}";
    AvaPreset p;
    AvaTitleMeta m;
    CHECK("parse", ava_preset_parse(&p, json, "inline", NULL) == 0);
    CHECK("meta", ava_meta_load(&m, NULL, "Family comedy <b>", NULL, "G", NULL) == 0);
    CHECK("genre kept as text", !strcmp(m.genre, "Family comedy <b>"));
    ava_meta_apply(&m, &p);
    /* kids: nudity 1 -> 3, max_nudity 0.9 -> 0.3, expr_negative -0.1 -> -0.2;
     * comedy: expr_happy 0.05 -> 0.1 */
    CHECK_NEAR("kids nudity x3", p.maturity.nudity, 3, 1e-12);
    CHECK_NEAR("kids max_nudity", p.maturity.max_nudity, 0.3, 1e-12);
    CHECK_NEAR("kids expr_negative x2", p.faces.f[0].weight, -0.2, 1e-12);
    CHECK_NEAR("comedy expr_happy x2", p.faces.f[1].weight, 0.1, 1e-12);
    CHECK("parse", ava_preset_parse(&p, json, "inline", NULL) == 0);
    CHECK("meta", ava_meta_load(&m, NULL, "Horror documentary", "film", "TV-MA", NULL) == 0);
    ava_meta_apply(&m, &p);
    CHECK_NEAR("adult nudity unchanged", p.maturity.nudity, 1, 1e-12);
    CHECK_NEAR("horror: no expr_negative penalty", p.faces.f[0].weight, 0, 0);
    CHECK_NEAR("documentary: text halved", p.maturity.text, 0.25, 1e-12);
    CHECK("control characters replaced",
          ava_meta_load(&m, NULL, "a\nb", NULL, NULL, NULL) == 0 && !strcmp(m.genre, "a b"));
}

int main(void)
{
    test_scale();
    test_similarity();
    test_index();
    test_mmr();
    test_repeats();
    test_seeds();
    test_crop();
    test_preset_keys();
    test_meta();
    return th_report("select");
}
