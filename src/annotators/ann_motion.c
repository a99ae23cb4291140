/* SPDX-License-Identifier: MIT */
/**
 * @file
 * motion: camera motion (translation + zoom) and subject motion against the previous frame,
 * normalised by the analysis width so values compare across resolutions. A motion-blur
 * risk combines the motion with the frame's sharpness.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "src/analysis/motion.h"
#include "src/analysis/stats.h"
#include "src/annotator.h"

typedef struct MotionContext {
    void *scratch;
} MotionContext;

static const AvaColumn motion_columns[] = {
    { "motion_dx", AVA_COL_REAL, 0, "content displacement, fraction of the width per frame (> 0 right)" },
    { "motion_dy", AVA_COL_REAL, 0, "content displacement, fraction of the width per frame (> 0 down)" },
    { "motion_zoom", AVA_COL_REAL, 0, "scale change per frame - 1 (> 0 zoom in)" },
    { "motion_camera_fit", AVA_COL_REAL, 0, "share of textured blocks following the camera model" },
    { "motion_subject", AVA_COL_REAL, 0, "subject motion beyond the camera's, fraction of width per frame" },
    { "motion_blur_risk", AVA_COL_REAL, 0,
      "0..1: camera+subject speed against sharpness (fast and soft = likely motion blur)" },
    { NULL },
};

static int motion_config(AvaAnnCtx *a, int w, int h)
{
    MotionContext *s = a->priv;
    free(s->scratch);
    s->scratch = malloc(ava_motion_scratch_size(w, h));
    return s->scratch ? 0 : AVA_ERR(ENOMEM);
}

static int motion_frame(AvaAnnCtx *a, const AvaFrame *f, AvaValue *out)
{
    MotionContext *s = a->priv;
    if (!f->prev)
        return 0;
    const AvaImage *im = &f->img;
    AvaMotion m;
    ava_global_motion(f->prev->img.luma, im->luma, im->width, im->height, im->width,
                      s->scratch, &m);
    double w = im->width;
    ava_value_real(&out[0], m.dx / w);
    ava_value_real(&out[1], m.dy / w);
    ava_value_real(&out[2], m.zoom);
    ava_value_real(&out[3], m.inliers);
    ava_value_real(&out[4], m.subject * m.subject_share / w);
    /* Speed in analysis px/frame (zoom as the displacement at the frame's edge) against the
     * Laplacian variance: 2 px/frame on a soft frame (variance 100) gives 0.5. */
    double speed = hypot(m.dx, m.dy) + fabs(m.zoom) * w / 2 + m.subject * m.subject_share;
    double sharp = ava_laplacian_variance(im->luma, im->width, im->height, im->width);
    double risk = speed / (speed + 2.0 * sqrt(fmax(sharp, 1.0) / 100.0));
    ava_value_real(&out[5], risk);
    return 0;
}

static void motion_uninit(AvaAnnCtx *a)
{
    MotionContext *s = a->priv;
    if (s)
        free(s->scratch);
}

const AvaAnnotator ava_ann_motion = {
    .name = "motion",
    .description = "camera and subject motion, motion-blur risk",
    .priv_size = sizeof(MotionContext),
    .columns = motion_columns,
    .config = motion_config,
    .frame = motion_frame,
    .uninit = motion_uninit,
};
