/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Maturity and static overlays of a title database (docs/schema.md). Part of the store:
 * with store.c the only code that speaks SQL.
 */
#ifndef AVA_SRC_STORE_STORE_MATURITY_H
#define AVA_SRC_STORE_STORE_MATURITY_H

#include <stdint.h>

#include "src/maturity/maturity.h"
#include "src/store/store.h"

/** Create the maturity, classifier_scores and overlays tables when missing and empty overlays (a second pass
 *  replaces the overlays and the rows of the frames it measures again).
 *  @return 0; AVA_ERR_STORE (logged with the database path). */
int ava_store_maturity_create(AvaStore *st, const AvaLogger *lg);

/**
 * One maturity row for @p frame (replacing an earlier one). The nsfw columns are NULL
 * unless m->measured, the text columns NULL unless @p text_measured.
 * @return 0; AVA_ERR_STORE (logged).
 */
int ava_store_put_maturity(AvaStore *st, int64_t frame, const AvaMaturity *m, int text_measured,
                           const AvaLogger *lg);

/** classifier_scores rows of one frame: one per class of @p spec, @p p in class order. */
int ava_store_put_classes(AvaStore *st, int64_t frame, const AvaClassifierSpec *spec,
                          const float *p, const AvaLogger *lg);

/** One overlays row. @return 0; AVA_ERR_STORE (logged). */
int ava_store_put_overlay(AvaStore *st, int id, const AvaOverlay *o, const AvaLogger *lg);

#endif /* AVA_SRC_STORE_STORE_MATURITY_H */
