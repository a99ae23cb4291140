/* SPDX-License-Identifier: MIT */
/** @file Stills: RGB24 to JPEG (libjpeg-turbo), PNG (libpng) or WebP (libwebp), atomically. */
#ifndef AVA_SRC_IO_STILL_WRITER_H
#define AVA_SRC_IO_STILL_WRITER_H

#include <stdint.h>

#include "ava/ava.h"

/** File extension of an AvaStillFormat ("jpg", "png", "webp"). */
const char *ava_still_extension(int format);

/**
 * Encode @p rgb (w x h, @p stride bytes a row) and write it to @p path through a temporary
 * file. @p quality applies to JPEG and WebP (1..100).
 * @return 0; AVA_ERR_OUTPUT (logged with the path); AVA_ERR(ENOMEM).
 */
int ava_still_write(const char *path, int format, const uint8_t *rgb, int w, int h,
                    int stride, int quality, const AvaLogger *lg);

#endif /* AVA_SRC_IO_STILL_WRITER_H */
