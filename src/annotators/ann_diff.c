/* SPDX-License-Identifier: MIT */
/**
 * @file
 * diff: change from the previous frame, the raw signal of shot detection.
 * content_delta follows PySceneDetect's ContentDetector (mean |dH|,|dS|,|dV|).
 */
#include <errno.h>
#include <stdlib.h>

#include "src/analysis/stats.h"
#include "src/annotator.h"

typedef struct DiffContext {
    uint8_t *hsv_cur, *hsv_prev;
    int64_t prev_index;    ///< frame index whose HSV hsv_prev holds, -1 none
    int n;
} DiffContext;

static const AvaColumn diff_columns[] = {
    { "diff_luma", AVA_COL_REAL, 0, "mean |luma - previous luma| / 255, 0..1 (NULL first frame)" },
    { "content_delta", AVA_COL_REAL, 0,
      "PySceneDetect content value vs previous frame, 0..255 (NULL first frame)" },
    { NULL },
};

static int diff_config(AvaAnnCtx *a, int w, int h)
{
    DiffContext *s = a->priv;
    s->n = w * h;
    free(s->hsv_cur);
    free(s->hsv_prev);
    s->hsv_cur = malloc((size_t)s->n * 3);
    s->hsv_prev = malloc((size_t)s->n * 3);
    s->prev_index = -1;
    return s->hsv_cur && s->hsv_prev ? 0 : AVA_ERR(ENOMEM);
}

static int diff_frame(AvaAnnCtx *a, const AvaFrame *f, AvaValue *out)
{
    DiffContext *s = a->priv;
    const AvaImage *im = &f->img;
    ava_rgb_to_hsv(im->rgb, im->width, im->height, im->rgb_stride, s->hsv_cur);
    const AvaFrame *p = f->prev;
    if (p) {
        /* The HSV of the previous frame is usually the one computed last call. */
        if (s->prev_index != p->index)
            ava_rgb_to_hsv(p->img.rgb, p->img.width, p->img.height, p->img.rgb_stride,
                           s->hsv_prev);
        ava_value_real(&out[0],
                       ava_luma_mad(im->luma, p->img.luma, im->width, im->height, im->width));
        ava_value_real(&out[1], ava_hsv_content_delta(s->hsv_cur, s->hsv_prev, s->n));
    }
    uint8_t *t = s->hsv_prev;
    s->hsv_prev = s->hsv_cur;
    s->hsv_cur = t;
    s->prev_index = f->index;
    return 0;
}

static void diff_uninit(AvaAnnCtx *a)
{
    DiffContext *s = a->priv;
    if (!s)
        return;
    free(s->hsv_cur);
    free(s->hsv_prev);
}

const AvaAnnotator ava_ann_diff = {
    .name = "diff",
    .description = "frame difference against the previous frame",
    .priv_size = sizeof(DiffContext),
    .columns = diff_columns,
    .config = diff_config,
    .frame = diff_frame,
    .uninit = diff_uninit,
};
