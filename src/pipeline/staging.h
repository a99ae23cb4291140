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

/**
 * Create out_dir (if missing) and a fresh staging folder; stale ones of dead runs go.
 * Refuses (AVA_ERR_OUTPUT) when an output name in out_dir is taken by something ava would
 * not replace: @p files must be regular files there, @p dir_name a folder.
 */
int ava_staging_open(AvaStaging *st, const char *out_dir, const char *const *files, int n,
                     const char *dir_name, const AvaLogger *lg);

/** The same refusal as ava_staging_open(), without creating anything (an early check). */
int ava_staging_check(const char *out_dir, const char *const *files, int n,
                      const char *dir_name, const AvaLogger *lg);

/** staging/<name> into @p buf. */
void ava_staging_path(const AvaStaging *st, const char *name, char *buf, size_t size);

/**
 * Move the staged files @p files over out_dir/<name>, and the files of the staged folder
 * @p dir_name into out_dir/<dir_name>, where only earlier stills of ava (names matching
 * HH-MM-SS-FF_fNNNNNN.ext) are replaced; anything else there stays. Every move is a
 * rename; if one fails, the moves done so far are undone, so out_dir holds either all the
 * new outputs or all the old ones. Then the staging folder is removed.
 */
int ava_staging_commit(AvaStaging *st, const char *const *files, int n, const char *dir_name,
                       const AvaLogger *lg);

/** Remove the staging folder and everything in it. */
void ava_staging_abort(AvaStaging *st);

#endif /* AVA_SRC_PIPELINE_STAGING_H */
