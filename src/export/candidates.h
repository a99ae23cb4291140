/* SPDX-License-Identifier: MIT */
/** @file candidates.json: the picks with their timecodes, scores and features. */
#ifndef AVA_SRC_EXPORT_CANDIDATES_H
#define AVA_SRC_EXPORT_CANDIDATES_H

#include <stdint.h>

#include "ava/ava.h"
#include "src/io/probe.h"
#include "src/select/meta.h"

typedef struct AvaCandidate {
    int rank;              ///< 1 = best
    int64_t frame, pts;
    double t_s;
    char timecode[32];     ///< HH:MM:SS:FF
    double score;
    int shot;
    const char *still;     ///< path relative to the output folder
    int width, height;     ///< still size, px
    const double *features;///< n_features values (NAN -> null)
    const char *dominant_colors;
    const char *people;    ///< JSON array of the faces in the still (NULL = none looked for)
    /* The selection stage (docs/analyze.md, "Selection"); NULL/0 when absent. */
    const char *shot_scale;///< shot-scale name, NULL = unknown
    const char *why;       ///< JSON array of {"feature", "contribution"}, largest first
    double base_score;     ///< pass-1 + face terms, before the scale bonus and penalties
    double penalty;        ///< maturity penalties subtracted
    int similar_rank;      ///< rank of the most similar higher-ranked pick, 0 = none
    double similarity;     ///< its similarity (0..1)
    int has_crop;
    int crop[4];           ///< x, y, w, h in still pixels for the preset's canvas
    const char *crop_aspect; ///< "2:3", or "source"
    const char *crop_still;///< cropped still path (relative), NULL = not written
} AvaCandidate;

/** Write @p path atomically (@p meta: the title metadata given, or NULL).
 *  @return 0; AVA_ERR_OUTPUT; AVA_ERR(ENOMEM). */
int ava_candidates_write(const char *path, const char *src, const AvaStreamInfo *si,
                         const AvaTitleMeta *meta, int64_t n_frames, int n_shots,
                         const char *preset, int requested,
                         const AvaCandidate *c, int n, const char *const *feature_names,
                         int n_features, const AvaLogger *lg);

#endif /* AVA_SRC_EXPORT_CANDIDATES_H */
