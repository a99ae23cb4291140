/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Decoded frame -> RGB24 in display geometry: scaled (libswscale, which also applies the
 * SAR by resampling the width), then rotated as a player would show it.
 */
#ifndef AVA_SRC_IO_CONVERT_H
#define AVA_SRC_IO_CONVERT_H

#include <libavutil/frame.h>

#include "src/frame.h"

typedef struct AvaConverter AvaConverter;

/**
 * @param out_w, out_h  size of the result in display orientation (after rotation), px
 * @param rotation      clockwise 0/90/180/270
 * @param quality       0 fast bilinear (analysis), 1 bicubic full chroma (stills)
 */
int ava_converter_open(AvaConverter **c_out, int out_w, int out_h, int rotation, int quality);

/** Convert @p f into @p dst (allocated by the caller at out_w x out_h). Recomputes luma.
 *  The scaler follows size/format changes of the input. @return 0 or AVA_ERR(ENOMEM). */
int ava_converter_run(AvaConverter *c, const AVFrame *f, AvaImage *dst);

void ava_converter_close(AvaConverter **c);

/** Rotate RGB24 @p src clockwise by @p rotation into @p dst (sizes must match). */
void ava_rotate_rgb(const uint8_t *src, int sw, int sh, int sstride, uint8_t *dst, int dstride,
                    int rotation);

#endif /* AVA_SRC_IO_CONVERT_H */
