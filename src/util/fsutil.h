/* SPDX-License-Identifier: MIT */
/** @file File-system helpers for atomic outputs: durable rename, staging folders. */
#ifndef AVA_SRC_UTIL_FSUTIL_H
#define AVA_SRC_UTIL_FSUTIL_H

#include <stddef.h>

#include "ava/ava.h"

/** fsync @p from, rename it to @p to, fsync the folder. @return 0 or AVA_ERR_OUTPUT. */
int ava_rename_durable(const char *from, const char *to, const AvaLogger *lg);

/** mkdir -p. @return 0 or AVA_ERR_OUTPUT (logged). */
int ava_mkdir_p(const char *path, const AvaLogger *lg);

/** rm -rf of a folder ava created (does not follow symlinks). NULL-safe. */
void ava_remove_tree(const char *path);

/** Write @p len bytes to @p path through a temporary file and a durable rename. */
int ava_write_file_atomic(const char *path, const void *data, size_t len, const AvaLogger *lg);

/** Size of a file in bytes, or -1. */
long long ava_file_size(const char *path);

#endif /* AVA_SRC_UTIL_FSUTIL_H */
