/* SPDX-License-Identifier: MIT */
/** @file color: Hasler-Suesstrunk colourfulness and five dominant colours (k-means in Lab). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "src/analysis/dominant.h"
#include "src/analysis/stats.h"
#include "src/annotator.h"

#define COLOR_K 5
#define COLOR_STEP 6
#define DOMINANT_TEXT_MAX (COLOR_K * 14)

typedef struct ColorContext {
    void *scratch;
} ColorContext;

static const AvaColumn color_columns[] = {
    { "colorfulness", AVA_COL_REAL, 0, "Hasler-Suesstrunk M on 0..255 RGB (0 grey, >109 extreme)" },
    { "dominant_colors", AVA_COL_TEXT, DOMINANT_TEXT_MAX,
      "up to 5 '#rrggbb:weight' pairs, heaviest first (k-means in CIELAB)" },
    { NULL },
};

static int color_config(AvaAnnCtx *a, int w, int h)
{
    ColorContext *s = a->priv;
    free(s->scratch);
    s->scratch = malloc(ava_dominant_scratch_size(w, h, COLOR_STEP));
    return s->scratch ? 0 : AVA_ERR(ENOMEM);
}

static int color_frame(AvaAnnCtx *a, const AvaFrame *f, AvaValue *out)
{
    ColorContext *s = a->priv;
    const AvaImage *im = &f->img;
    ava_value_real(&out[0], ava_colorfulness(im->rgb, im->width, im->height, im->rgb_stride));
    AvaDominant d;
    ava_dominant_colors(im->rgb, im->width, im->height, im->rgb_stride, COLOR_STEP, COLOR_K,
                        s->scratch, &d);
    char text[DOMINANT_TEXT_MAX + 1];
    size_t len = 0;
    for (int j = 0; j < d.k; j++) {
        int n = snprintf(text + len, sizeof(text) - len, "%s#%02x%02x%02x:%.3f", j ? " " : "",
                         d.rgb[j][0], d.rgb[j][1], d.rgb[j][2], d.weight[j]);
        if (n < 0 || (size_t)n >= sizeof(text) - len)
            break;
        len += (size_t)n;
    }
    for (size_t i = 0; i < len; i++)
        out[1].data[i] = (uint8_t)text[i];
    out[1].len = len;
    out[1].set = 1;
    return 0;
}

static void color_uninit(AvaAnnCtx *a)
{
    ColorContext *s = a->priv;
    if (s)
        free(s->scratch);
}

const AvaAnnotator ava_ann_color = {
    .name = "color",
    .description = "colourfulness and dominant colours",
    .priv_size = sizeof(ColorContext),
    .columns = color_columns,
    .config = color_config,
    .frame = color_frame,
    .uninit = color_uninit,
};
