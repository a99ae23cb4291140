/* SPDX-License-Identifier: MIT */
/**
 * @file
 * The selection stage's pure functions: shot scale from a face or from saliency, the
 * diversity vector of a candidate and the similarity of two, selection by maximal marginal
 * relevance (MMR) with the main-characters-first and shot-round rules of rank.c, the
 * diversity index of a set, and the crop suggestion for a canvas's aspect ratio.
 * See docs/analyze.md ("Shot scale", "Diversity", "Canvases and crops").
 */
#ifndef AVA_SRC_SELECT_SELECT_H
#define AVA_SRC_SELECT_SELECT_H

#include <stdint.h>

#include "src/shots/shot_detect.h"

/** Shot sizes, tightest first (ordinal: the scale term of the similarity uses the distance). */
enum AvaShotScale {
    AVA_SCALE_UNKNOWN = -1,
    AVA_SCALE_ECU = 0,     ///< extreme close-up: part of the face fills the frame
    AVA_SCALE_CU,          ///< close-up: the head and a little of the shoulders
    AVA_SCALE_MCU,         ///< medium close-up: chest up
    AVA_SCALE_MS,          ///< medium: waist (to knees) up
    AVA_SCALE_LS,          ///< long: the whole figure
    AVA_SCALE_ELS,         ///< extreme long: the figure small in its surroundings
    AVA_SCALE_N
};

/** Face height / frame height at which each scale starts (docs/analyze.md, "Shot scale"). */
#define AVA_SCALE_FACE_ECU 0.57
#define AVA_SCALE_FACE_CU  0.37
#define AVA_SCALE_FACE_MCU 0.24
#define AVA_SCALE_FACE_MS  0.11
#define AVA_SCALE_FACE_LS  0.04

/** "extreme_close_up", "close_up", "medium_close_up", "medium", "long", "extreme_long";
 *  NULL for AVA_SCALE_UNKNOWN or out of range. */
const char *ava_shot_scale_name(int scale);

/** The scale named @p name (as ava_shot_scale_name() writes it), or AVA_SCALE_UNKNOWN. */
int ava_shot_scale_parse(const char *name);

/** Scale from the largest face's height as a fraction of the frame height (NAN/<=0: unknown). */
int ava_shot_scale_from_face(double height_frac);

/**
 * Scale of a frame without a face from its saliency map (frames columns saliency_spread and
 * negative_space, docs/analyze.md): the salient mass's extent stands for the subject's size.
 * Never ECU (a detail cannot be told from a subject). NAN inputs: unknown.
 */
int ava_shot_scale_from_saliency(double spread, double negative_space);

/** Parts of the similarity, in this order in AvaDivParams.w and in ava_div_similarity()'s parts. */
enum AvaDivPart {
    AVA_DIV_EMBED = 0,     ///< cosine of nsfw embeddings when both have one, else thumb layout
    AVA_DIV_COLOUR,        ///< histogram intersection of the thumbs' colours (4x4x4 RGB bins)
    AVA_DIV_COMPOSITION,   ///< saliency position, thirds and symmetry
    AVA_DIV_SCALE,         ///< 1 - |scale a - scale b| / 5
    AVA_DIV_CAMERA,        ///< 1 when the shots' camera moves are the same label
    AVA_DIV_CHARACTERS,    ///< Jaccard index of the main characters present
    AVA_DIV_TIME,          ///< exp(-|t a - t b| / tau_s)
    AVA_DIV_PARTS
};

#define AVA_DIV_HIST_BINS 64

/** What the similarity looks at, per candidate. */
typedef struct AvaDivVec {
    int64_t pos;           ///< array position of the frame (ties, messages)
    int shot;
    int scale;             ///< enum AvaShotScale
    int camera;            ///< camera label index (any stable numbering), -1 unknown
    int has_thumb;
    uint8_t thumb[AVA_THUMB_BYTES];        ///< 16x9 RGB24 grid
    float hist[AVA_DIV_HIST_BINS];         ///< colour histogram of the thumb, sums to 1
    double sal_x, sal_y, thirds, symmetry; ///< frames columns; NAN unknown
    const float *embedding;                ///< L2-normalised, embed_dim floats; NULL: none
    int embed_dim;
    uint64_t mains;        ///< bit c-1: main character c is in the frame
    double t_s;
} AvaDivVec;

typedef struct AvaDivParams {
    double w[AVA_DIV_PARTS];   ///< weights of the parts, summing to 1
    double tau_s;              ///< time scale of the time part, seconds (> 0)
    double near_dup;           ///< thumb layout similarity at or above which two stills are
                               ///< near-duplicates (default 0.9)
    double lambda;             ///< MMR trade-off: 1 = score only, 0 = diversity only (0.7)
} AvaDivParams;

/** The documented defaults (docs/analyze.md, "Diversity"); tau_s = 2 s. */
void ava_div_params_default(AvaDivParams *p);

/** Fill v->hist from v->thumb (and set has_thumb). */
void ava_div_vec_hist(AvaDivVec *v);

/**
 * Layout similarity of two 16x9 RGB thumbs: max(0, 1 - RMS(a - b) / 80), RMS over the 432
 * values on 0..255. The near-duplicate measure: identical thumbs 1, RMS 8 levels 0.9.
 */
double ava_div_layout_similarity(const uint8_t *a, const uint8_t *b);

/**
 * Similarity of two candidates in [0, 1]: sum_k w_k s_k over enum AvaDivPart, each s_k in
 * [0, 1] (an unknown input gives s_k = 0.5). @p parts (NULL or AVA_DIV_PARTS) receives s_k.
 */
double ava_div_similarity(const AvaDivParams *p, const AvaDivVec *a, const AvaDivVec *b,
                          double *parts);

/**
 * Visual similarity of two candidates: the weighted mean of the embedding (or layout), colour
 * and composition parts of ava_div_similarity() alone, in [0, 1] (0.5 when those weights
 * are all 0). What a repeat from one shot must differ in.
 */
double ava_div_visual_similarity(const AvaDivParams *p, const AvaDivVec *a, const AvaDivVec *b);

/** 1: a and b are near-duplicates (thumb layout similarity >= p->near_dup). */
int ava_div_near_duplicate(const AvaDivParams *p, const AvaDivVec *a, const AvaDivVec *b);

/**
 * Diversity index of a set: the mean over its pairs of 1 - similarity, in [0, 1].
 * @p idx lists @p n entries of @p v (NULL: v[0..n-1]). NAN when n < 2.
 */
double ava_div_index(const AvaDivParams *p, const AvaDivVec *v, const int *idx, int n);

/** One pool candidate for ava_select_mmr(). */
typedef struct AvaSelCand {
    double score;          ///< final score (base + face terms + scale bonus - penalties)
    int excluded;          ///< 1: never picked (a maturity rule)
} AvaSelCand;

typedef struct AvaSelInput {
    int n;                     ///< candidates
    const AvaSelCand *c;
    const AvaDivVec *v;        ///< n vectors (shot, t_s, mains used by the rules)
    const AvaDivParams *p;
    double min_gap_s;          ///< two picks of one shot at least this far apart
    int n_main, per_main;      ///< main characters first, as in rank.c
    double repeat_gap_s;       ///< and at least this far (0: min_gap_s only)...
    const double *shot_len_s;  ///< ...or a third of the shot's length (seconds, per shot;
                               ///< NULL: not used) when that is less
    double repeat_visual;      ///< a repeat's visual similarity to each pick of its shot at
                               ///< most this (0: no limit)
    int refine;                ///< 1: improve the set by swaps afterwards (see below)
    double refine_lambda;      ///< the swaps' trade-off, 0..1 (0: diversity only)
    double refine_floor;       ///< a swap brings in only candidates with rel at least this
} AvaSelInput;

/** ava_select_repeat_rule(): a second pick of a shot too near one of its picks in time, or
 * looking too much like it. */
#define AVA_REPEAT_CLOSE 1
#define AVA_REPEAT_ALIKE 2

/**
 * Whether candidate @p i may be a second pick of the shot of candidate @p j (the rule
 * ava_select_mmr() applies, below): 0 it may (or another shot), AVA_REPEAT_CLOSE closer
 * than max(min_gap_s, min(repeat_gap_s, shot_len_s / 3)), AVA_REPEAT_ALIKE visually more
 * similar than repeat_visual.
 */
int ava_select_repeat_rule(const AvaSelInput *in, int i, int j);

/** What ava_select_mmr() decided about each candidate. */
typedef struct AvaSelResult {
    int order;             ///< 0-based selection order, -1 not chosen
    int nearest;           ///< most similar chosen candidate (index), -1 when none
    double nearest_sim;    ///< its similarity
    int dup_of;            ///< index of the pick it is a near-duplicate of, -1 none
} AvaSelResult;

/**
 * Choose up to @p count candidates by MMR: each step takes the candidate that maximises
 *   lambda * rel(i) - (1 - lambda) * max_{j chosen} sim(i, j),
 * rel = score rescaled to 0..1 over the candidates that are not excluded. First, for r in
 * 0..per_main-1 and each main character c in order, the best candidate with c in it; then
 * rounds. In both, only candidates of the shots with the fewest picks so far compete (every
 * shot before any repeat; a character's reserved pick is skipped rather than break this).
 * Never: excluded candidates, near-duplicates of a pick, a second pick of a shot closer than
 * max(min_gap_s, min(repeat_gap_s, shot_len_s / 3)) to one of its picks or visually more
 * similar than repeat_visual to one. Ties: higher score, then lower position.
 * With refine, the greedy set is then improved by single swaps (a pick out, a candidate in)
 * while one raises the set objective refine_lambda * mean rel + (1 - refine_lambda) *
 * (1 - mean pairwise similarity) by more than 1e-9, the best swap first; the similarity
 * as ava_div_index() is measured for every set in the stage, without embeddings. The candidate
 * has rel >= refine_floor, and every rule above holds: the swap
 * may not leave the shots' pick counts less even (the new shot has fewer picks than the old
 * one, or is the same), a reserved pick is swapped only for a frame with its character.
 * @param chosen receives the chosen indices in selection order (capacity @p count).
 * @param res    NULL or n entries.
 * @return number chosen (>= 0), AVA_ERR(ENOMEM).
 */
int ava_select_mmr(const AvaSelInput *in, int count, int *chosen, AvaSelResult *res);

/**
 * Crop suggestion: the largest box of aspect @p aspect (width / height) inside a @p w x @p h
 * frame, placed so that the subject box @p subj (x, y, width, height in frame pixels; NULL
 * or empty: the frame centre) sits on the nearer vertical third line (its centre at 1/3 or
 * 2/3 of the crop width, the side it lies on in the frame; the middle when it is within 5 %
 * of the centre) and, when the crop is shorter than the frame, with the subject centre (for
 * faces: @p faces = 1, the eyes, a quarter of the box down) on the upper third line; then
 * moved the least to contain the subject when it fits, and kept inside the frame.
 * Width and height are rounded to whole pixels: |out w / out h - aspect| <= 1 / out h.
 * @param out receives x, y, width, height (pixels).
 */
void ava_crop_suggest(int w, int h, double aspect, const double *subj, int faces, int out[4]);

#endif /* AVA_SRC_SELECT_SELECT_H */
