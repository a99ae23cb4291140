/* SPDX-License-Identifier: MIT */
/**
 * @file
 * thumb: a 16x9 grid of mean colours per frame. Lets the shot detector test whether a run
 * of frames is a cross-blend of its ends (fade/dissolve) without decoding again, and serves
 * as a colour-layout signature.
 */
#include "src/analysis/stats.h"
#include "src/annotator.h"

#define THUMB_W 16
#define THUMB_H 9

static const AvaColumn thumb_columns[] = {
    { "thumb", AVA_COL_BLOB, THUMB_W * THUMB_H * 3, "16x9 RGB24 grid of mean colours" },
    { NULL },
};

static int thumb_frame(AvaAnnCtx *a, const AvaFrame *f, AvaValue *out)
{
    (void)a;
    ava_grid_thumbnail(f->img.rgb, f->img.width, f->img.height, f->img.rgb_stride, THUMB_W,
                       THUMB_H, out[0].data);
    out[0].len = THUMB_W * THUMB_H * 3;
    out[0].set = 1;
    return 0;
}

const AvaAnnotator ava_ann_thumb = {
    .name = "thumb",
    .description = "16x9 colour layout",
    .columns = thumb_columns,
    .frame = thumb_frame,
};
