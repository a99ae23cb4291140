/* SPDX-License-Identifier: MIT */
/**
 * @file
 * The candidate pool and the diversity indices of a title database (docs/schema.md): what
 * the selection stage looked at, what it chose and why. Part of the store: with store.c the
 * only code that speaks SQL.
 */
#ifndef AVA_SRC_STORE_STORE_POOL_H
#define AVA_SRC_STORE_STORE_POOL_H

#include <stdint.h>

#include "src/store/store.h"

/** Create the pool and diversity tables (empty). @return 0; AVA_ERR_STORE (logged). */
int ava_store_pool_create(AvaStore *st);

/** One pool row (docs/schema.md). */
typedef struct AvaPoolRow {
    int64_t frame;
    int shot;
    double base_score;     ///< pass-1 preset score + face terms
    double penalty;        ///< maturity penalties subtracted (>= 0)
    double score;          ///< base_score + scale bonus - penalty; NAN: excluded
    const char *shot_scale;///< NULL: unknown
    int pick_rank;         ///< 1.. for picks, 0 = not picked (stored NULL)
    const char *reason;    ///< why not picked, editor words; NULL for picks
    int64_t similar_to;    ///< frame of the most similar pick, -1 = none (NULL)
    double similarity;     ///< its similarity, NAN = none
    const char *why;       ///< JSON array of {"feature", "contribution"}
} AvaPoolRow;

int ava_store_put_pool(AvaStore *st, const AvaPoolRow *r);

/** One diversity row: @p selection "picks", "top_score" or "uniform"; NAN idx stores NULL. */
int ava_store_put_diversity(AvaStore *st, const char *selection, int n, double idx);

#endif /* AVA_SRC_STORE_STORE_POOL_H */
