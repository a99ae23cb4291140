/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Stills at source resolution: each chosen frame re-decoded by seeking to the keyframe
 * before it (never a second full decode), with SAR and rotation applied as a player would.
 */
#ifndef AVA_SRC_EXPORT_EXPORT_H
#define AVA_SRC_EXPORT_EXPORT_H

#include <stdint.h>

#include "ava/ava.h"
#include "src/io/probe.h"

typedef struct AvaExportItem {
    int64_t frame;         ///< presentation index
    int64_t pts;           ///< its timestamp (from the store)
    const char *path;      ///< where to write the still; borrowed
    int width, height;     ///< filled in: size written, px
} AvaExportItem;

/**
 * Write every item's still. Items may come in any order. @p threads: decoder threads.
 * @return 0; AVA_ERR_DECODE (a frame could not be found again); AVA_ERR_OUTPUT;
 *         AVA_ERR(ENOMEM).
 */
int ava_export_stills(const char *src, const AvaStreamInfo *si, const AvaScan *scan,
                      AvaExportItem *items, int n, int format, int quality, int threads,
                      const AvaLogger *lg);

#endif /* AVA_SRC_EXPORT_EXPORT_H */
