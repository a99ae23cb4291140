/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Pass 3 of `ava analyze`, maturity: on the candidate pool's frames (decoded at source
 * resolution by seeking), nudity probabilities (nsfwjs MobileNetV2), its 1280-D pooled
 * features as the frame embedding, on-screen text (PP-OCRv4 det: area fraction, burned-in
 * caption probability, boxes); over the whole title, static overlays (broadcaster logos,
 * watermarks) found by their persistence across shots, and per pool frame the share of the
 * overlay visible. See docs/analyze.md ("Maturity") and docs/schema.md.
 */
#ifndef AVA_SRC_MATURITY_MATURITY_H
#define AVA_SRC_MATURITY_MATURITY_H

#include <stdint.h>

#include "src/io/probe.h"
#include "src/nn/net_nsfw.h"
#include "src/shots/shot_detect.h"
#include "src/store/store.h"

#define AVA_MATURITY_MAX_TEXT 32
#define AVA_MATURITY_MAX_OVERLAYS 8

/** A box as fractions of the display frame (0..1). */
typedef struct AvaNormBox {
    float x, y, w, h;
    float score;
} AvaNormBox;

/** What pass 3 measured on one frame. */
typedef struct AvaMaturity {
    int measured;                   ///< 1: the nets ran on this frame
    float nsfw[AVA_NSFW_CLASSES];   ///< enum AvaNsfwClass order, sum 1
    int has_embedding;
    float embedding[AVA_NSFW_EMBED_DIM]; ///< L2-normalised pooled features
    double text_frac;               ///< share of the frame covered by text boxes, 0..1
    double caption;                 ///< probability of a burned-in caption/subtitle, 0..1
    double overlay;                 ///< share of the title's static overlays visible, 0..1
    int n_text;
    AvaNormBox text[AVA_MATURITY_MAX_TEXT];  ///< outside the static overlays
} AvaMaturity;

/** A static overlay of the title (logo, watermark, bug). */
typedef struct AvaOverlay {
    AvaNormBox box;                 ///< score: persistence, share of sampled frames, 0..1
    int n_shots;                    ///< distinct shots it was seen in
} AvaOverlay;

typedef struct AvaMaturityIn {
    const char *path;
    const AvaStreamInfo *si;
    const AvaScan *scan;
    AvaStore *st;                   ///< title database: maturity and overlays are written
    int64_t n;                      ///< frames (array positions)
    const int64_t *frames;          ///< frame number per position
    const double *t_s;              ///< seconds per position
    const AvaShotResult *shots;
    const char *models_dir;
    int n_threads;
    const AvaLogger *lg;
} AvaMaturityIn;

typedef struct AvaMaturityOut {
    int ran;                        ///< 1: the models were there and ran
    AvaOverlay overlays[AVA_MATURITY_MAX_OVERLAYS];
    int n_overlays;
    double seconds;                 ///< wall time of pass 3
} AvaMaturityOut;

/**
 * Measure the @p n_pos frames at positions @p pos into @p m (n_pos entries, same order) and
 * store them with the title's overlays. Without usable models: one warning, out->ran = 0,
 * every m[i].measured = 0, overlays still found (they need no model), return 0.
 * @return 0; AVA_ERR_DECODE; AVA_ERR_STORE; AVA_ERR(ENOMEM).
 */
int ava_maturity_pass(const AvaMaturityIn *in, const int64_t *pos, int n_pos, AvaMaturity *m,
                      AvaMaturityOut *out);

#endif /* AVA_SRC_MATURITY_MATURITY_H */
