/* SPDX-License-Identifier: MIT */
/** @file Analysis image allocation and the luma plane. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ava/ava.h"
#include "src/frame.h"
#include "src/util/clones.h"

int ava_image_alloc(AvaImage *img, int w, int h)
{
    memset(img, 0, sizeof(*img));
    img->rgb_stride = w * 3;
    img->rgb = malloc((size_t)img->rgb_stride * h);
    img->luma = malloc((size_t)w * h);
    if (!img->rgb || !img->luma) {
        ava_image_free(img);
        return AVA_ERR(ENOMEM);
    }
    img->width = w;
    img->height = h;
    return 0;
}

void ava_image_free(AvaImage *img)
{
    if (!img)
        return;
    free(img->rgb);
    free(img->luma);
    memset(img, 0, sizeof(*img));
}

AVA_CLONES
void ava_image_update_luma(AvaImage *img)
{
    /* BT.601 weights in 16.16 fixed point: 0.299, 0.587, 0.114 -> 19595, 38470, 7471.
     * The sizes are read once: a byte store could alias them and stop the vectoriser. */
    const int w = img->width, h = img->height;
    const ptrdiff_t stride = img->rgb_stride;
    const uint8_t *restrict rgb = img->rgb;
    uint8_t *restrict luma = img->luma;
    for (int y = 0; y < h; y++) {
        const uint8_t *s = rgb + (size_t)y * stride;
        uint8_t *d = luma + (size_t)y * w;
        for (int x = 0; x < w; x++)
            d[x] = (uint8_t)((19595 * s[3 * x] + 38470 * s[3 * x + 1] + 7471 * s[3 * x + 2] +
                              32768) >> 16);
    }
}
