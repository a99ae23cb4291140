/* SPDX-License-Identifier: MIT */
/**
 * @file
 * One instance of every registered annotator, plus the row layout of their columns.
 * Each chunk worker owns one set; sets share nothing.
 */
#ifndef AVA_SRC_ANNOTATORS_ANNSET_H
#define AVA_SRC_ANNOTATORS_ANNSET_H

#include "src/annotator.h"

typedef struct AvaColumnRef {
    const AvaColumn *col;
    const AvaAnnotator *ann;
} AvaColumnRef;

typedef struct AvaAnnSet {
    AvaAnnCtx *ctx;        ///< n_ann instances
    int n_ann;
    int *first_col;        ///< per instance: index of its first column in the row
    AvaColumnRef *cols;    ///< n_cols, in registry order
    int n_cols;
    AvaValue *row;         ///< n_cols values with their buffers
    double *seconds;       ///< per instance: CPU-thread time spent in frame(), seconds
} AvaAnnSet;

/** List every registered column (no instances). Caller frees *cols_out. */
int ava_annset_columns(AvaColumnRef **cols_out, int *n_out);

/** Instantiate every annotator for an analysis size of @p w x @p h. */
int ava_annset_open(AvaAnnSet **set_out, int w, int h, const AvaLogger *lg);

/** Run every annotator on @p f into set->row (cleared first). Errors name the annotator. */
int ava_annset_frame(AvaAnnSet *set, const AvaFrame *f);

void ava_annset_close(AvaAnnSet **set);

#endif /* AVA_SRC_ANNOTATORS_ANNSET_H */
