/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Canvas presets: the ranking's weights, read from a JSON file (presets/NAME.json), never
 * from code. Each feature maps one frames column to 0..1, then is weighted:
 *   ramp:   u = clamp((x - lo) / (hi - lo), 0, 1)
 *   target: u = max(0, 1 - |x - target| / width)
 * score = sum(weight * u); a NULL feature value contributes 0.
 */
#ifndef AVA_SRC_RANK_PRESET_H
#define AVA_SRC_RANK_PRESET_H

#include <stdint.h>

#include "ava/ava.h"
#include "src/maturity/classifier.h"
#include "src/select/select.h"

#define AVA_PRESET_MAX_FEATURES 32

typedef struct AvaPresetFeature {
    char column[64];
    double weight;
    int is_target;         ///< 1: target/width form, 0: lo/hi ramp
    double lo, hi;
    double target, width;
} AvaPresetFeature;

/** Face pass of `ava analyze` (docs/analyze.md, "faces" in the preset). */
typedef struct AvaPresetFaces {
    double sample_s;           ///< a frame every sample_s seconds of each shot (default 0.5)
    int top_m;                 ///< plus the top_m frames of each shot by pass-1 score (3)
    double min_face_frac;      ///< smallest face, fraction of frame height (0.1)
    double min_score;          ///< detection confidence (0.5)
    int stills_per_character;  ///< picks reserved for each main character (1)
    double extra_max_s;        ///< characters with less screen time are extras (1.0)
    double extra_share;        ///< ...or less than this share of the top one's (0.1)
    double character_threshold;///< track descriptor distance that joins characters (0.38)
    AvaPresetFeature f[AVA_PRESET_MAX_FEATURES]; ///< columns: ava_preset_face_columns
    int n;
} AvaPresetFaces;

/** Face quantities a "faces" feature may name, NULL-terminated. */
extern const char *const ava_preset_face_columns[];

/** Maturity rules ("maturity" in the preset): each measurement lowers the score by its
 *  weight times its value (docs/analyze.md, "Penalties"). */
typedef struct AvaPresetMaturity {
    double nudity;         ///< weight on the explicit classes, porn + hentai (default 1.0)
    double suggestive;     ///< weight on nsfwjs's "sexy" class, suggestive but clothed (0.1)
    double text;           ///< weight on the share of the frame covered by text (0.5)
    double caption;        ///< weight on the burned-in caption probability (0.3)
    double overlay;        ///< weight on the share of the static overlays visible (0.1)
    double max_nudity;     ///< frames with porn + hentai at or above this are never picked (0.9)
} AvaPresetMaturity;

/** Selection ("diversity" in the preset; docs/analyze.md, "Diversity"). */
typedef struct AvaPresetDiversity {
    double lambda;         ///< MMR trade-off, 0..1 (0.7; 1 = score only)
    double near_duplicate; ///< thumb layout similarity of near-duplicates (0.9)
    double tau_s;          ///< time scale of the time part, s (0 = duration / (2 N), 1..600)
    int pool_factor;       ///< pool = max(pool_factor * N, pool_min) candidates (4)
    int pool_min;          ///< (16)
    double repeat_visual;  ///< a second pick of a shot: visual similarity to each of the
                           ///< shot's picks at most this, 0..1 (0.9; 1 = no limit)
    double w[AVA_DIV_PARTS]; ///< part weights, enum AvaDivPart order, normalised to sum 1
} AvaPresetDiversity;

/** Canvas: what the stills are for ("canvas" in the preset). */
typedef struct AvaPresetCanvas {
    double aspect;         ///< width / height of the crop suggestion; 0 = the source's
    char aspect_text[16];  ///< as written ("2:3"), "" when 0
} AvaPresetCanvas;

typedef struct AvaPreset {
    char name[64];
    char path[1024];
    AvaPresetFeature f[AVA_PRESET_MAX_FEATURES];
    int n;
    int shot_edge_frames;  ///< frames at each end of a shot never picked (default 2)
    double min_gap_s;      ///< two picks of one shot at least this far apart (default 1.0)
    AvaPresetFaces faces;
    AvaPresetMaturity maturity;
    AvaPresetDiversity diversity;
    AvaPresetCanvas canvas;
    double scale_bonus[AVA_SCALE_N]; ///< "shot_scale": score added per scale (default 0)
    /** "classifiers": user models run by pass 3 (src/maturity/classifier.h), each entry's
     *  "penalties" {class: weight} lowering the score by weight x probability. */
    AvaClassifierSpec classifiers[AVA_CLASSIFIER_MAX];
    double cls_penalty[AVA_CLASSIFIER_MAX][AVA_CLASSIFIER_MAX_CLASSES];
    int n_classifiers;
} AvaPreset;

/** Names of the "diversity.weights" keys, enum AvaDivPart order. */
extern const char *const ava_preset_div_parts[AVA_DIV_PARTS];

/** Load and validate @p path. @return 0; AVA_ERR_CONFIG (logged: file and field). */
int ava_preset_load(AvaPreset *p, const char *path, const AvaLogger *lg);

/** Parse a preset from JSON text (@p origin names it in messages). */
int ava_preset_parse(AvaPreset *p, const char *json, const char *origin, const AvaLogger *lg);

/** Column names of the features, for ava_store_read_columns(). */
void ava_preset_columns(const AvaPreset *p, const char **names);

/**
 * score[i] = sum_k weight_k * u_k(values[k * n + i]) for the @p n frames.
 * @p values holds the feature columns in preset order (as ava_preset_columns() lists).
 */
void ava_preset_score(const AvaPreset *p, const double *values, int64_t n, double *score);

/** A feature's 0..1 value u(x) (0 for NAN). */
double ava_preset_feature_value(const AvaPresetFeature *f, double x);

/** Resolve a preset argument: an existing file path, or NAME in the preset folder. */
int ava_preset_resolve(const char *arg, char *path, size_t size, const AvaLogger *lg);

#endif /* AVA_SRC_RANK_PRESET_H */
