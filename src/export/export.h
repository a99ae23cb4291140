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
#include "src/frame.h"
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

/**
 * Write @p img as the report's small JPEG (320 px wide at most, box-averaged) at @p path.
 * @return 0; AVA_ERR_OUTPUT; AVA_ERR(ENOMEM).
 */
int ava_export_thumb(const char *path, const AvaImage *img, const AvaLogger *lg);

/**
 * Called on a worker thread with each decoded frame (display size, RGB24; borrowed for the
 * call). @p worker: 0..threads-1, one per thread; @p item: index into the items given.
 * @return 0 or a negative code, which stops the fetch.
 */
typedef int (*AvaFetchFn)(void *cookie, int worker, int item, const AvaImage *img);

/**
 * Decode every item's frame the way ava_export_stills() does (grouped by keyframe, shared
 * out to at most @p threads workers) and hand it to @p fn instead of writing a still.
 * items[].path is not used. @return 0; AVA_ERR_DECODE; the first error of @p fn.
 */
int ava_fetch_frames(const char *src, const AvaStreamInfo *si, const AvaScan *scan,
                     AvaExportItem *items, int n, int threads, AvaFetchFn fn, void *cookie,
                     const AvaLogger *lg);

#endif /* AVA_SRC_EXPORT_EXPORT_H */
