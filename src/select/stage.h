/* SPDX-License-Identifier: MIT */
/**
 * @file
 * The selection stage of `ava analyze`: a candidate pool (rank.c's picks, several per
 * still wanted), maturity penalties, shot scale, diversity vectors, selection by MMR, the
 * diversity index of the picks and of two baselines, crop suggestions, and the pool,
 * diversity and shots.scale rows. See docs/analyze.md ("Selection").
 */
#ifndef AVA_SRC_SELECT_STAGE_H
#define AVA_SRC_SELECT_STAGE_H

#include <stdint.h>

#include "src/faces/pass2.h"
#include "src/maturity/maturity.h"
#include "src/rank/preset.h"
#include "src/rank/rank.h"
#include "src/select/select.h"
#include "src/store/store.h"

typedef struct AvaSelectIn {
    const char *path;          ///< the video, for messages
    AvaStore *st;              ///< title database: frames, shots; pool/diversity written
    const AvaLogger *lg;
    int64_t n;                 ///< frames (array positions)
    const int64_t *frames;     ///< frame number per position
    const double *t_s;         ///< seconds per position
    const double *score;       ///< pass-1 score + face terms; NAN = never a candidate
    const AvaShotResult *shots;
    const int *camera;         ///< per shot: camera label index, -1 unknown (NULL: none)
    const AvaFacesOut *faces;
    const AvaPreset *p;
    int count;                 ///< stills wanted
    double duration_s;
    int width, height;         ///< display size of the stills (crop boxes are in these pixels)
} AvaSelectIn;

/** One pool candidate and what the stage made of it. */
typedef struct AvaPoolItem {
    int64_t pos;
    int shot;
    double base;               ///< in->score
    double bonus;              ///< shot-scale bonus of the preset
    double penalty;            ///< maturity penalties (>= 0)
    double score;              ///< base + bonus - penalty
    double nudity;             ///< porn + hentai + sexy, NAN when not measured
    int excluded;              ///< a maturity rule keeps it out
    int scale;                 ///< enum AvaShotScale
    int scale_from_face;
    int flags;                 ///< POOL_BLUR, POOL_EYES_CLOSED (stage.c)
    AvaDivVec v;
    AvaSelResult r;
    int pick_rank;             ///< 1.. when picked, else 0
    int prev_pick;             ///< most similar higher-ranked pick (index), -1 none
    double prev_sim;
    int crop[4];               ///< x, y, w, h in display pixels (picks)
    char reason[64];           ///< non-picks: why, in editor words
    char *why;                 ///< JSON array of the top contributions
} AvaPoolItem;

typedef struct AvaPool {
    int n;
    AvaPoolItem *it;
    int64_t *pos;              ///< n positions, for ava_maturity_pass()
    AvaMaturity *m;            ///< n measurements (zeroed: not measured)
    int *picks;                ///< n_picks pool indices, best score first
    int n_picks;
    double idx_picks, idx_top, idx_uniform;
    int n_top, n_uniform;
} AvaPool;

/**
 * The pool: up to max(pool_factor * count, pool_min) frames chosen by ava_rank_select()
 * (its eligibility and main-characters-first rules), maturity measurements zeroed.
 * @return 0; AVA_ERR(ENOMEM).
 */
int ava_select_pool(const AvaSelectIn *in, AvaPool *pool);

/**
 * Score, select and store: penalties from pool->m, shot scale, MMR, diversity indices
 * (logged at INFO), crops, reasons and why; rows of pool and diversity, shots.scale.
 * @param picks receives pool->n_picks picks (capacity in->count), best score first.
 * @return 0; AVA_ERR_STORE; AVA_ERR(ENOMEM).
 */
int ava_select_finish(const AvaSelectIn *in, AvaPool *pool, AvaPick *picks);

void ava_pool_free(AvaPool *pool);

#endif /* AVA_SRC_SELECT_STAGE_H */
