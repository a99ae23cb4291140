/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Outputs are built in a staging folder inside the output folder and moved into place only
 * when everything succeeded; a failed run leaves the earlier outputs as they were.
 */
#ifndef AVA_SRC_PIPELINE_STAGING_H
#define AVA_SRC_PIPELINE_STAGING_H

#include <stddef.h>

#include "ava/ava.h"

typedef struct AvaStaging {
    char out_dir[4096];
    char dir[4200];        ///< out_dir/.ava-staging-<pid>
} AvaStaging;

/** Create out_dir (if missing) and a fresh staging folder; stale ones of dead runs go. */
int ava_staging_open(AvaStaging *st, const char *out_dir, const AvaLogger *lg);

/** staging/<name> into @p buf. */
void ava_staging_path(const AvaStaging *st, const char *name, char *buf, size_t size);

/**
 * Move the staged entries @p names (files or folders) over out_dir/<name>, then remove the
 * staging folder. A folder replaces the old one (which is removed after the swap).
 */
int ava_staging_commit(AvaStaging *st, const char *const *names, int n, const AvaLogger *lg);

/** Remove the staging folder and everything in it. */
void ava_staging_abort(AvaStaging *st);

#endif /* AVA_SRC_PIPELINE_STAGING_H */
