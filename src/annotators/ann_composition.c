/* SPDX-License-Identifier: MIT */
/** @file composition: saliency, rule of thirds, symmetry, negative space, complexity, DoF. */
#include "src/analysis/composition.h"
#include "src/annotator.h"

typedef struct CompositionContext {
    AvaSaliency *sal;
} CompositionContext;

static const AvaColumn composition_columns[] = {
    { "saliency_x", AVA_COL_REAL, 0, "centre of salient mass, 0..1 of the width" },
    { "saliency_y", AVA_COL_REAL, 0, "centre of salient mass, 0..1 of the height" },
    { "saliency_spread", AVA_COL_REAL, 0, "RMS spread of salient mass, 0..~0.7" },
    { "thirds", AVA_COL_REAL, 0, "salient mass on the rule-of-thirds points and lines, 0..1" },
    { "symmetry", AVA_COL_REAL, 0, "left-right mirror symmetry of luma, 0..1" },
    { "negative_space", AVA_COL_REAL, 0, "share of the picture without salient content, 0..1" },
    { "complexity", AVA_COL_REAL, 0, "edge density: share of pixels with strong gradients" },
    { "depth_of_field", AVA_COL_REAL, 0, "log10 sharpness of the salient region over the rest" },
    { NULL },
};

static int composition_config(AvaAnnCtx *a, int w, int h)
{
    CompositionContext *s = a->priv;
    ava_saliency_close(&s->sal);
    return ava_saliency_open(&s->sal, w, h);
}

static int composition_frame(AvaAnnCtx *a, const AvaFrame *f, AvaValue *out)
{
    CompositionContext *s = a->priv;
    const AvaImage *im = &f->img;
    ava_saliency_run(s->sal, im->luma, im->width, im->height, im->width);
    AvaComposition c;
    ava_composition(s->sal, im->luma, im->width, im->height, im->width, &c);
    double v[8] = { c.saliency_x, c.saliency_y, c.saliency_spread, c.thirds, c.symmetry,
                    c.negative_space, c.complexity, c.depth_of_field };
    for (int i = 0; i < 8; i++)
        ava_value_real(&out[i], v[i]);
    return 0;
}

static void composition_uninit(AvaAnnCtx *a)
{
    CompositionContext *s = a->priv;
    if (s)
        ava_saliency_close(&s->sal);
}

const AvaAnnotator ava_ann_composition = {
    .name = "composition",
    .description = "saliency, rule of thirds, symmetry, negative space, complexity, depth of field",
    .priv_size = sizeof(CompositionContext),
    .columns = composition_columns,
    .config = composition_config,
    .frame = composition_frame,
    .uninit = composition_uninit,
};
