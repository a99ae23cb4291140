/* SPDX-License-Identifier: MIT */
/** @file tone: brightness, RMS contrast, exposure clipping and the black-pixel ratio. */
#include "src/analysis/stats.h"
#include "src/annotator.h"

static const AvaColumn tone_columns[] = {
    { "brightness", AVA_COL_REAL, 0, "mean luma, 0..1" },
    { "contrast", AVA_COL_REAL, 0, "RMS contrast: std of luma, 0..0.5" },
    { "shadows", AVA_COL_REAL, 0, "fraction of crushed pixels (luma <= 5/255)" },
    { "highlights", AVA_COL_REAL, 0, "fraction of blown pixels (luma >= 250/255)" },
    { "black_ratio", AVA_COL_REAL, 0,
      "fraction of pixels darker than 10% (FFmpeg blackdetect pix_th=0.10)" },
    { NULL },
};

static int tone_frame(AvaAnnCtx *a, const AvaFrame *f, AvaValue *out)
{
    (void)a;
    AvaToneStats t;
    ava_tone_stats(f->img.luma, f->img.width, f->img.height, f->img.width, &t);
    ava_value_real(&out[0], t.brightness);
    ava_value_real(&out[1], t.contrast);
    ava_value_real(&out[2], t.shadows);
    ava_value_real(&out[3], t.highlights);
    ava_value_real(&out[4], t.black_ratio);
    return 0;
}

const AvaAnnotator ava_ann_tone = {
    .name = "tone",
    .description = "brightness, contrast, exposure clipping, black pixels",
    .columns = tone_columns,
    .frame = tone_frame,
};
