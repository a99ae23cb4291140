/* SPDX-License-Identifier: MIT */
/**
 * @file
 * sharpness: variance of the Laplacian of luma (Pech-Pacheco et al., 2000). Computed on the
 * analysis image, whose width is fixed, so values compare across source resolutions.
 */
#include <math.h>

#include "src/analysis/stats.h"
#include "src/annotator.h"

static const AvaColumn sharpness_columns[] = {
    { "sharpness", AVA_COL_REAL, 0,
      "variance of the Laplacian at analysis size (0 flat; >500 crisp at 320 px)" },
    { "sharpness_log", AVA_COL_REAL, 0, "log10(1 + sharpness), 0..~4.5" },
    { NULL },
};

static int sharpness_frame(AvaAnnCtx *a, const AvaFrame *f, AvaValue *out)
{
    (void)a;
    double v = ava_laplacian_variance(f->img.luma, f->img.width, f->img.height, f->img.width);
    ava_value_real(&out[0], v);
    ava_value_real(&out[1], log10(1.0 + v));
    return 0;
}

const AvaAnnotator ava_ann_sharpness = {
    .name = "sharpness",
    .description = "focus / blur: variance of the Laplacian",
    .columns = sharpness_columns,
    .frame = sharpness_frame,
};
