/* SPDX-License-Identifier: MIT */
/** @file The analysis image every annotator sees: RGB24 and luma, in display orientation. */
#ifndef AVA_SRC_FRAME_H
#define AVA_SRC_FRAME_H

#include <stdint.h>

typedef struct AvaImage {
    int width, height;     ///< px
    uint8_t *rgb;          ///< RGB24, stride rgb_stride bytes
    int rgb_stride;
    uint8_t *luma;         ///< 8-bit BT.601 luma Y' = 0.299 R + 0.587 G + 0.114 B, stride width
} AvaImage;

typedef struct AvaFrame {
    int64_t index;               ///< presentation index from the first video frame
    int64_t pts;                 ///< stream time base
    double t_s;                  ///< seconds from the container's start (player time)
    AvaImage img;                ///< borrowed for the duration of the annotator call
    const struct AvaFrame *prev; ///< previous frame in presentation order, NULL at the start
} AvaFrame;

/** Allocate an image of @p w x @p h (rgb and luma). @return 0 or AVA_ERR(ENOMEM). */
int ava_image_alloc(AvaImage *img, int w, int h);
/** NULL-safe; leaves the struct zeroed. */
void ava_image_free(AvaImage *img);
/** Recompute img->luma from img->rgb. */
void ava_image_update_luma(AvaImage *img);

#endif /* AVA_SRC_FRAME_H */
