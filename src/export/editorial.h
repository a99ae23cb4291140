/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Exports for editing tools: candidates.csv (spreadsheets, asset managers) and picks.edl,
 * a CMX3600 edit list with one 1-frame event and one locator per pick, which Avid, Premiere
 * and DaVinci Resolve import as markers at the picks' timecodes.
 */
#ifndef AVA_SRC_EXPORT_EDITORIAL_H
#define AVA_SRC_EXPORT_EDITORIAL_H

#include "src/export/candidates.h"

/** candidates.csv: one row per pick, RFC 4180 quoting. Written atomically. */
int ava_candidates_csv_write(const char *path, const AvaCandidate *c, int n,
                             const char *const *feature_names, int n_features,
                             const AvaLogger *lg);

/**
 * picks.edl for @p src at @p fps: drop-frame timecodes (FCM: DROP FRAME, "HH:MM:SS;FF" from
 * the frame count) at 29.97 and 59.94, non-drop ones from the timestamps at other rates.
 * Times count from the container's start, as the stills' timecodes. Written atomically.
 */
int ava_edl_write(const char *path, const char *src, const char *title, double fps,
                  const AvaCandidate *c, int n, const AvaLogger *lg);

#endif /* AVA_SRC_EXPORT_EDITORIAL_H */
