/* SPDX-License-Identifier: MIT */
/** @file Untrusted text (metadata, file names) made safe for JSON, HTML and SQLite. */
#ifndef AVA_SRC_UTIL_TEXT_H
#define AVA_SRC_UTIL_TEXT_H

#include <stddef.h>

/**
 * Copy @p src into @p dst (always terminated), keeping valid UTF-8 and replacing each byte of
 * an invalid sequence with '?' and each control character (U+0000..U+001F, U+007F) with ' '.
 */
void ava_text_sanitize(char *dst, size_t size, const char *src);

#endif /* AVA_SRC_UTIL_TEXT_H */
