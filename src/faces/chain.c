/* SPDX-License-Identifier: MIT */
/**
 * @file
 * AvaFaceChain: one instance of each face net, run per image in face-api's order.
 *
 *  - detection over the windows of ava_face_plan_tiles() (SSD, or the tiny detector at
 *    416 px), merged; boxes from a tile that touch one of its borders inside the image are
 *    dropped (the face lies whole in a neighbouring tile or the whole-image pass);
 *  - crop quality on the box; landmarks on the box crop (face-api's extractFaces);
 *  - expression, descriptor and age/gender on the landmarks' aligned box: their bounding box
 *    padded by 20 % (face-api's FaceLandmarks.align() default, alignMinBbox(0.2));
 *  - pose and openness from the landmarks.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "src/faces/faces.h"
#include "src/log.h"
#include "src/nn/net_age_gender.h"
#include "src/nn/net_expression.h"
#include "src/nn/net_face_descriptor.h"
#include "src/nn/net_landmark68.h"
#include "src/nn/net_ssd_face.h"
#include "src/nn/net_tiny_face.h"

#define MAX_DETS 1024
#define TINY_SIZE 416
/* smallest face height (net input pixels) each detector finds reliably (docs/faces.md) */
#define SSD_MIN_PX 28.0f
#define TINY_MIN_PX 40.0f

struct AvaFaceChain {
    AvaFaceChainSettings s;
    AvaLogger lg;
    AvaSsdFace *ssd;
    AvaTinyFace *tiny;
    AvaLandmark68 *lm;
    AvaExpressionNet *expr;
    AvaFaceDescriptor *desc;
    AvaAgeGender *ag;
    AvaFaceDet dets[MAX_DETS];
};

static const char *const expr_labels[AVA_FACE_EXPRESSIONS] = {
    "neutral", "happy", "sad", "angry", "fearful", "disgusted", "surprised",
};

const char *ava_face_expression_label(int cls)
{
    return cls >= 0 && cls < AVA_FACE_EXPRESSIONS ? expr_labels[cls] : NULL;
}

void ava_face_chain_default_settings(AvaFaceChainSettings *s)
{
    memset(s, 0, sizeof(*s));
    s->detector = AVA_FACE_DETECTOR_SSD;
    s->min_score = 0.5f;
    s->min_face_frac = 0.03f;
    s->describe = 1;
    s->logger.callback = ava_log_default_callback;
    s->logger.max_level = AVA_LOG_INFO;
}

void ava_face_chain_close(AvaFaceChain **cp)
{
    if (!cp || !*cp)
        return;
    AvaFaceChain *c = *cp;
    ava_ssd_face_close(&c->ssd);
    ava_tiny_face_close(&c->tiny);
    ava_landmark68_close(&c->lm);
    ava_expression_close(&c->expr);
    ava_face_descriptor_close(&c->desc);
    ava_age_gender_close(&c->ag);
    free(c);
    *cp = NULL;
}

int ava_face_chain_open(AvaFaceChain **out, const AvaFaceChainSettings *s)
{
    if (!out || !s || !s->models_dir || !(s->min_score > 0 && s->min_score < 1) ||
        !(s->min_face_frac >= 0 && s->min_face_frac <= 1) ||
        (s->detector != AVA_FACE_DETECTOR_SSD && s->detector != AVA_FACE_DETECTOR_TINY))
        return AVA_ERR(EINVAL);
    for (size_t i = 0; i < sizeof(s->reserved); i++)
        if (s->reserved[i])
            return AVA_ERR(EINVAL);
    AvaFaceChain *c = calloc(1, sizeof(*c));
    if (!c)
        return AVA_ERR(ENOMEM);
    c->s = *s;
    c->s.models_dir = NULL;
    c->lg = s->logger;
    if (!c->lg.callback)
        c->lg.callback = ava_log_default_callback;
    const AvaLogger *lg = &c->lg;
    int ret = s->detector == AVA_FACE_DETECTOR_SSD
                  ? ava_ssd_face_open(&c->ssd, s->models_dir, lg)
                  : ava_tiny_face_open(&c->tiny, s->models_dir, TINY_SIZE, lg);
    if (ret >= 0 && s->describe) {
        if ((ret = ava_landmark68_open(&c->lm, s->models_dir, lg)) >= 0 &&
            (ret = ava_expression_open(&c->expr, s->models_dir, lg)) >= 0 &&
            (ret = ava_face_descriptor_open(&c->desc, s->models_dir, lg)) >= 0 && s->age_gender)
            ret = ava_age_gender_open(&c->ag, s->models_dir, lg);
    }
    if (ret < 0) {
        ava_face_chain_close(&c);
        return ret;
    }
    *out = c;
    return 0;
}

static int detect(AvaFaceChain *c, const uint8_t *rgb, int w, int h, ptrdiff_t stride, int *n_out)
{
    AvaFaceTile tiles[AVA_FACE_MAX_TILES];
    int net = c->ssd ? AVA_SSD_FACE_SIZE : TINY_SIZE;
    int nt = ava_face_plan_tiles(w, h, c->s.min_face_frac, net, c->ssd ? SSD_MIN_PX : TINY_MIN_PX,
                                 tiles);
    int n = 0;
    for (int t = 0; t < nt && n < MAX_DETS; t++) {
        const AvaFaceTile *tl = &tiles[t];
        const uint8_t *p = rgb + (ptrdiff_t)tl->y * stride + 3 * (ptrdiff_t)tl->x;
        AvaFaceBox boxes[256];
        int nb = 0, ret;
        if (c->ssd)
            ret = ava_ssd_face_detect(c->ssd, p, tl->w, tl->h, stride, c->s.min_score, boxes, 256,
                                      &nb);
        else
            ret = ava_tiny_face_detect(c->tiny, p, tl->w, tl->h, stride, c->s.min_score, boxes,
                                       256, &nb);
        if (ret < 0)
            return ret;
        for (int i = 0; i < nb && n < MAX_DETS; i++) {
            const AvaFaceBox *b = &boxes[i];
            if (t > 0) { /* cut by an inner tile border: the face is whole elsewhere */
                const float m = 1.0f;
                if ((tl->x > 0 && b->x <= m) || (tl->y > 0 && b->y <= m) ||
                    (tl->x + tl->w < w && b->x + b->w >= tl->w - m) ||
                    (tl->y + tl->h < h && b->y + b->h >= tl->h - m))
                    continue;
            }
            c->dets[n++] = (AvaFaceDet){ b->x + tl->x, b->y + tl->y, b->w, b->h, b->score };
        }
    }
    *n_out = ava_face_merge(c->dets, n, 0.5f, 0.5f);
    return 0;
}

/* Integer crop of a box, clipped; 0 if smaller than 2x2. */
static int crop(float x, float y, float bw, float bh, int w, int h, int r[4])
{
    int x0 = (int)floorf(fmaxf(x, 0)), y0 = (int)floorf(fmaxf(y, 0));
    int x1 = (int)ceilf(fminf(x + bw, (float)w)), y1 = (int)ceilf(fminf(y + bh, (float)h));
    r[0] = x0;
    r[1] = y0;
    r[2] = x1 - x0;
    r[3] = y1 - y0;
    return r[2] >= 2 && r[3] >= 2;
}

static int describe(AvaFaceChain *c, const uint8_t *rgb, int w, int h, ptrdiff_t stride,
                    AvaFace *f, int whole)
{
    int r[4];
    if (!crop(f->x, f->y, f->w, f->h, w, h, r))
        return 0;
    const uint8_t *p = rgb + (ptrdiff_t)r[1] * stride + 3 * (ptrdiff_t)r[0];
    int ret = ava_landmark68_run(c->lm, p, r[2], r[3], stride, f->landmarks);
    if (ret < 0)
        return ret;
    float mnx = INFINITY, mny = INFINITY, mxx = -INFINITY, mxy = -INFINITY;
    for (int i = 0; i < AVA_FACE_POINTS; i++) {
        f->landmarks[2 * i] += r[0];
        f->landmarks[2 * i + 1] += r[1];
        mnx = fminf(mnx, f->landmarks[2 * i]);
        mxx = fmaxf(mxx, f->landmarks[2 * i]);
        mny = fminf(mny, f->landmarks[2 * i + 1]);
        mxy = fmaxf(mxy, f->landmarks[2 * i + 1]);
    }
    ava_face_pose(f->landmarks, w, h, &f->yaw, &f->pitch, &f->roll, &f->pose_err_px);
    ava_face_openness(f->landmarks, f->eye_open, &f->mouth_open);
    float aw = mxx - mnx, ah = mxy - mny;
    if (whole) { /* an aligned crop already (face-api's computeFaceDescriptor on it) */
        r[0] = r[1] = 0;
        r[2] = w;
        r[3] = h;
    } else if (!crop(mnx - 0.1f * aw, mny - 0.1f * ah, 1.2f * aw, 1.2f * ah, w, h, r) &&
        !crop(f->x, f->y, f->w, f->h, w, h, r))
        return 0;
    p = rgb + (ptrdiff_t)r[1] * stride + 3 * (ptrdiff_t)r[0];
    if ((ret = ava_expression_run(c->expr, p, r[2], r[3], stride, f->expression)) < 0 ||
        (ret = ava_face_descriptor_run(c->desc, p, r[2], r[3], stride, f->descriptor)) < 0)
        return ret;
    double s = 0;
    for (int i = 0; i < AVA_FACE_DESC_DIM; i++)
        s += (double)f->descriptor[i] * f->descriptor[i];
    if (s > 0)
        for (int i = 0; i < AVA_FACE_DESC_DIM; i++)
            f->descriptor[i] = (float)(f->descriptor[i] / sqrt(s));
    if (c->ag) {
        AvaAgeGenderResult ag;
        if ((ret = ava_age_gender_run(c->ag, p, r[2], r[3], stride, &ag)) < 0)
            return ret;
        f->age = ag.age;
        f->p_male = ag.p_male;
    }
    return 0;
}

int ava_face_chain_run(AvaFaceChain *c, const uint8_t *rgb, int w, int h, ptrdiff_t stride,
                       AvaFace *faces, int max_faces, int *n)
{
    if (!c || !rgb || w <= 0 || h <= 0 || stride < 3 * (ptrdiff_t)w || !n || max_faces < 0 ||
        (max_faces > 0 && !faces))
        return AVA_ERR(EINVAL);
    *n = 0;
    int nd = 0, ret = detect(c, rgb, w, h, stride, &nd);
    if (ret < 0)
        return ret;
    int m = nd < max_faces ? nd : max_faces;
    for (int i = 0; i < m; i++) {
        const AvaFaceDet *d = &c->dets[i];
        AvaFace *f = &faces[i];
        memset(f, 0, sizeof(*f));
        f->edge_cut = ava_face_edge_cut(w, h, d->x, d->y, d->w, d->h);
        f->x = fmaxf(d->x, 0);
        f->y = fmaxf(d->y, 0);
        f->w = fminf(d->x + d->w, (float)w) - f->x;
        f->h = fminf(d->y + d->h, (float)h) - f->y;
        f->score = d->score;
        f->height_frac = f->h / h;
        f->sharpness = ava_face_sharpness(rgb, w, h, stride, f->x, f->y, f->w, f->h);
        f->age = f->p_male = -1;
        if (c->lm && (ret = describe(c, rgb, w, h, stride, f, 0)) < 0)
            return ret;
    }
    *n = m;
    return 0;
}

int ava_face_chain_describe(AvaFaceChain *c, const uint8_t *rgb, int w, int h, ptrdiff_t stride,
                            AvaFace *f)
{
    if (!c || !c->lm || !rgb || w < 2 || h < 2 || stride < 3 * (ptrdiff_t)w || !f)
        return AVA_ERR(EINVAL);
    memset(f, 0, sizeof(*f));
    f->w = (float)w;
    f->h = (float)h;
    f->score = 1.0f;
    f->height_frac = 1.0f;
    f->sharpness = ava_face_sharpness(rgb, w, h, stride, 0, 0, (float)w, (float)h);
    f->age = f->p_male = -1;
    return describe(c, rgb, w, h, stride, f, 1);
}
