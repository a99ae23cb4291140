/* SPDX-License-Identifier: MIT */
/** @file candidates.json: the picks with their timecodes, scores and features. */
#ifndef AVA_SRC_EXPORT_CANDIDATES_H
#define AVA_SRC_EXPORT_CANDIDATES_H

#include <stdint.h>

#include "ava/ava.h"
#include "src/io/probe.h"

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
} AvaCandidate;

/** Write @p path atomically. @return 0; AVA_ERR_OUTPUT; AVA_ERR(ENOMEM). */
int ava_candidates_write(const char *path, const char *src, const AvaStreamInfo *si,
                         int64_t n_frames, int n_shots, const char *preset, int requested,
                         const AvaCandidate *c, int n, const char *const *feature_names,
                         int n_features, const AvaLogger *lg);

#endif /* AVA_SRC_EXPORT_CANDIDATES_H */
