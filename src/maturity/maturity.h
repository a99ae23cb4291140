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

#include <stddef.h>
#include <stdint.h>

#include "src/io/probe.h"
#include "src/maturity/classifier.h"
#include "src/nn/net_nsfw.h"
#include "src/shots/shot_detect.h"
#include "src/store/store.h"

#define AVA_MATURITY_MAX_TEXT 32
#define AVA_MATURITY_MAX_OVERLAYS 8
/** Frames sampled over the title to find static overlays. */
#define AVA_MATURITY_SAMPLES 64
/** Longer side of the text detector's input for pool frames, px. */
#define AVA_MATURITY_TEXT_SIDE 640

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
    AvaNormBox text[AVA_MATURITY_MAX_TEXT];  ///< outside the static overlays, largest first
    int text_measured;              ///< 1: the text detector ran (text_frac, caption, text)
    /** User classifiers (AvaMaturityIn.classifiers order): class probabilities, NAN when
     *  that classifier did not run. */
    float classes[AVA_CLASSIFIER_MAX][AVA_CLASSIFIER_MAX_CLASSES];
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
    const char *models_dir;         ///< NULL: ava_models_default_dir()
    int n_threads;
    int overlay_samples;            ///< frames sampled for overlays (0: AVA_MATURITY_SAMPLES)
    const AvaClassifierSpec *classifiers; ///< user classifiers (classifier.h), or NULL
    int n_classifiers;              ///< 0..AVA_CLASSIFIER_MAX
    const volatile int *interrupt;  ///< set non-zero to stop (AvaSettings.interrupt), or NULL
    /** Folder for each decoded pool frame's report thumbnail, named as its still's would be
     *  (TIMECODE_fNNNNNN.thumb.jpg); NULL: none. */
    const char *thumb_dir;
    const AvaLogger *lg;
} AvaMaturityIn;

typedef struct AvaMaturityOut {
    int ran;                        ///< 1: the models were there and ran
    AvaOverlay overlays[AVA_MATURITY_MAX_OVERLAYS];
    int n_overlays;
    int text_ran;                   ///< 1: the text detector was there and ran
    int n_classifiers_ran;          ///< user classifiers that loaded and ran
    int n_samples, n_sample_shots;  ///< overlay samples decoded and the shots they span
    double nsfw_ms, text_ms;        ///< mean wall ms per pool frame of each net (0: not run)
    double seconds;                 ///< wall time of pass 3
} AvaMaturityOut;

/** The nets of one thread, opened on first use by ava_maturity_image(). Zero it, then set
 *  models_dir, lg, use_nsfw, use_text. */
typedef struct AvaMaturityNets {
    const char *models_dir;
    const AvaLogger *lg;            ///< borrowed, must outlive the nets
    int use_nsfw, use_text;         ///< which nets to run
    const AvaClassifierSpec *specs; ///< user classifiers, n_specs of them
    int n_specs;
    int use_cls[AVA_CLASSIFIER_MAX];///< which of them to run
    AvaNsfw *nsfw;
    struct AvaTextDet *det;
    AvaClassifier *cls[AVA_CLASSIFIER_MAX];
    double nsfw_s, text_s;          ///< wall seconds spent in each net
    int n_nsfw, n_text;             ///< runs
} AvaMaturityNets;

/**
 * Measure one packed RGB24 image (display orientation) into @p m: nudity and embedding
 * (use_nsfw), text boxes outside the @p n_ov overlays, text_frac and the caption geometry
 * (use_text; the pass multiplies the caption by its cross-shot support), the user classifiers
 * flagged in use_cls (m->classes; NAN for the others). m->overlay is left as it is. @p caption_cy receives the centre height (0..1) of the most caption-like line,
 * NAN when none; may be NULL.
 * @return 0; AVA_ERR_MODEL; AVA_ERR(EINVAL); AVA_ERR(ENOMEM).
 */
int ava_maturity_image(AvaMaturityNets *nets, const uint8_t *rgb, int w, int h, ptrdiff_t stride,
                       const AvaOverlay *ov, int n_ov, AvaMaturity *m, double *caption_cy);

/** Close the nets (NULL-safe members); keeps the counters. */
void ava_maturity_nets_close(AvaMaturityNets *nets);

/**
 * Measure the @p n_pos frames at positions @p pos into @p m (n_pos entries, same order) and
 * store them with the title's overlays. Without usable models: one warning, out->ran = 0,
 * every m[i].measured = 0, overlays still found (they need no model) and m[i].overlay set,
 * return 0. Without the text detector alone (a build without ONNX, or its model missing):
 * one warning, out->text_ran = 0, m[i].text_measured = 0.
 * @p m and @p out are written whatever the result. Runs on up to in->n_threads threads, one
 * nsfw and one text-detector instance per thread.
 * @return 0; AVA_ERR_DECODE; AVA_ERR_STORE; AVA_ERR(ENOMEM).
 */
int ava_maturity_pass(const AvaMaturityIn *in, const int64_t *pos, int n_pos, AvaMaturity *m,
                      AvaMaturityOut *out);

#endif /* AVA_SRC_MATURITY_MATURITY_H */
