/* SPDX-License-Identifier: MIT */
/**
 * @file
 * The annotator interface: one file per annotator, one registry line, its own columns.
 * The pipeline knows nothing of what an annotator computes; it hands each one every frame
 * (analysis size, display orientation) and stores the columns it fills.
 *
 * Contract (as libavfilter's init/uninit):
 *  - init runs once with the private context zeroed; config once the analysis size is known.
 *  - frame() borrows @p f for the call only. It may read f->prev (the previous frame in
 *    presentation order, NULL at the start of the title). A frame's values must depend on
 *    f and f->prev only, so that any chunking gives the same results.
 *  - uninit always runs, even if init failed, and must handle partial state.
 */
#ifndef AVA_SRC_ANNOTATOR_H
#define AVA_SRC_ANNOTATOR_H

#include <stddef.h>
#include <stdint.h>

#include "ava/ava.h"
#include "src/frame.h"

typedef enum AvaColType { AVA_COL_REAL, AVA_COL_INT, AVA_COL_TEXT, AVA_COL_BLOB } AvaColType;

typedef struct AvaColumn {
    const char *name;      ///< frames-table column, [a-z0-9_]+, unique across annotators
    AvaColType type;
    size_t max_bytes;      ///< TEXT/BLOB capacity (bytes, TEXT includes no terminator)
    const char *doc;       ///< meaning, unit and range (shown by `ava annotators`)
} AvaColumn;

typedef struct AvaValue {
    int set;               ///< 0 = SQL NULL
    double real;
    int64_t i;
    uint8_t *data;         ///< TEXT/BLOB buffer of max_bytes, owned by the row
    size_t len;
} AvaValue;

typedef struct AvaAnnCtx {
    const struct AvaAnnotator *ann;
    void *priv;            ///< priv_size zeroed bytes
    const AvaLogger *lg;
} AvaAnnCtx;

typedef struct AvaAnnotator {
    const char *name;              ///< [a-z0-9_]+
    const char *description;       ///< one line
    size_t priv_size;
    const AvaColumn *columns;      ///< terminated by { NULL }
    int (*init)(AvaAnnCtx *a);                          ///< may be NULL
    int (*config)(AvaAnnCtx *a, int width, int height); ///< may be NULL
    /** Fill out[0..ncolumns-1] for @p f. Values left unset are stored as NULL. */
    int (*frame)(AvaAnnCtx *a, const AvaFrame *f, AvaValue *out);
    void (*uninit)(AvaAnnCtx *a);                       ///< may be NULL
} AvaAnnotator;

/** Walk the registry: returns NULL after the last annotator. Start with *opaque = NULL. */
const AvaAnnotator *ava_annotator_iterate(void **opaque);
/** Linear search by name; NULL if unknown. */
const AvaAnnotator *ava_annotator_by_name(const char *name);

static inline void ava_value_real(AvaValue *v, double x)
{
    v->set = 1;
    v->real = x;
}

static inline void ava_value_int(AvaValue *v, int64_t x)
{
    v->set = 1;
    v->i = x;
}

#endif /* AVA_SRC_ANNOTATOR_H */
