/* SPDX-License-Identifier: MIT */
/** @file The context behind the public API. */
#ifndef AVA_SRC_INTERNAL_H
#define AVA_SRC_INTERNAL_H

#include "ava/ava.h"
#include "src/rank/preset.h"
#include "src/select/meta.h"

struct AvaContext {
    AvaSettings s;         ///< validated copy; string fields point into this struct
    char out_dir[4096];
    AvaPreset preset;      ///< with the title metadata applied (ava_meta_apply)
    AvaTitleMeta meta;
    int n_threads;         ///< resolved worker count
};

/** Annotate, detect shots, rank and export @p path into c->out_dir (see ava.h). */
int ava_analyze_run(AvaContext *c, const char *path);

#endif /* AVA_SRC_INTERNAL_H */
