/* SPDX-License-Identifier: MIT */
/** @file Keys that tie a shard to its title and configuration (SHA-256, libavutil). */
#ifndef AVA_SRC_IO_FILEKEY_H
#define AVA_SRC_IO_FILEKEY_H

#include "ava/ava.h"

#define AVA_KEY_HEX 65

/**
 * Quick content key of a file: SHA-256 over its size, its first MiB and its last MiB, in
 * hex. Seconds for any size; a changed file of the same size and ends is not noticed.
 * @return 0 or AVA_ERR_DECODE (logged).
 */
int ava_file_key(const char *path, char hex[AVA_KEY_HEX], const AvaLogger *lg);

/** SHA-256 of a whole file, in hex. @return 0; AVA_ERR(ENOENT); AVA_ERR(EIO). Logs nothing. */
int ava_file_sha256(const char *path, char hex[AVA_KEY_HEX]);

/** SHA-256 of a string, in hex. */
void ava_text_key(const char *text, char hex[AVA_KEY_HEX]);

#endif /* AVA_SRC_IO_FILEKEY_H */
