/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Crop quality of a detected face: sharpness and how much of it the frame edge cuts.
 *
 * Sharpness is the variance of the 4-neighbour Laplacian (Pech-Pacheco et al. 2000) of the
 * face's grey (BT.601 luma), measured after resampling the box to 64x64 by area averaging, so
 * that values compare across face sizes (a face smaller than 64 px is upsampled bilinearly and
 * so reads as soft, which it is). Motion blur and defocus both lower it.
 *
 * Recognisable: whether an editor would know the person from this face, so that it may seed
 * a character (docs/analyze.md, "Faces").
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "src/faces/faces.h"

#define SIDE 64

/* ava_face_recognisable(): detector confidence (SSD's false or doubtful boxes lie below), a
 * face of at least 18 px in a 360-line frame, sharpness where face_sharpness's ramp starts
 * (a defocused background face or motion blur reads 3-40), frontal to three-quarter (profiles
 * and heads turned away give descriptors that match anyone), mostly inside the frame, and
 * landmarks that fit the 3-D mean face (good faces 0.02-0.03 of the box height RMS; blurred
 * or occluded ones 0.08 and more). */
#define REC_SCORE 0.6f
#define REC_HEIGHT 0.05f
#define REC_SHARPNESS 50.0f
#define REC_YAW 45.0f
#define REC_PITCH 30.0f
#define REC_EDGE_CUT 0.25f
#define REC_POSE_ERR 0.06f

int ava_face_recognisable(const AvaFaceMeasures *f)
{
    return f->score >= REC_SCORE && f->height_frac >= REC_HEIGHT &&
           f->sharpness >= REC_SHARPNESS && fabsf(f->yaw) <= REC_YAW &&
           fabsf(f->pitch) <= REC_PITCH && f->edge_cut <= REC_EDGE_CUT && f->h > 0 &&
           f->pose_err_px <= REC_POSE_ERR * f->h;
}

void ava_face_measures_of(const AvaFace *f, AvaFaceMeasures *m)
{
    *m = (AvaFaceMeasures){
        .x = f->x, .y = f->y, .w = f->w, .h = f->h, .score = f->score,
        .height_frac = f->height_frac, .sharpness = f->sharpness, .edge_cut = f->edge_cut,
        .yaw = f->yaw, .pitch = f->pitch, .roll = f->roll, .pose_err_px = f->pose_err_px,
        .eye_open = { f->eye_open[0], f->eye_open[1] }, .mouth_open = f->mouth_open,
        .age = f->age, .p_male = f->p_male,
    };
    memcpy(m->expression, f->expression, sizeof(m->expression));
}

void ava_face_apply_measures(const AvaFaceMeasures *m, AvaFace *f)
{
    f->x = m->x, f->y = m->y, f->w = m->w, f->h = m->h, f->score = m->score;
    f->height_frac = m->height_frac, f->sharpness = m->sharpness, f->edge_cut = m->edge_cut;
    f->yaw = m->yaw, f->pitch = m->pitch, f->roll = m->roll, f->pose_err_px = m->pose_err_px;
    f->eye_open[0] = m->eye_open[0], f->eye_open[1] = m->eye_open[1];
    f->mouth_open = m->mouth_open;
    memcpy(f->expression, m->expression, sizeof(f->expression));
    f->age = m->age, f->p_male = m->p_male;
}

float ava_face_edge_cut(int w, int h, float bx, float by, float bw, float bh)
{
    if (!(bw > 0 && bh > 0))
        return 1.0f;
    float x0 = fmaxf(bx, 0), y0 = fmaxf(by, 0);
    float x1 = fminf(bx + bw, (float)w), y1 = fminf(by + bh, (float)h);
    float in = fmaxf(x1 - x0, 0) * fmaxf(y1 - y0, 0);
    return 1.0f - in / (bw * bh);
}

static float luma(const uint8_t *p)
{
    return 0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2];
}

/* Mean luma over [x0, x1) x [y0, y1) in source pixels, fractional edges weighted. */
static float area_mean(const uint8_t *rgb, int w, int h, ptrdiff_t stride, float x0, float y0,
                       float x1, float y1)
{
    int ix0 = (int)floorf(x0), iy0 = (int)floorf(y0);
    int ix1 = (int)ceilf(x1), iy1 = (int)ceilf(y1);
    double s = 0, ws = 0;
    for (int y = iy0; y < iy1; y++) {
        if (y < 0 || y >= h)
            continue;
        float wy = fminf(y + 1.0f, y1) - fmaxf((float)y, y0);
        const uint8_t *row = rgb + (ptrdiff_t)y * stride;
        for (int x = ix0; x < ix1; x++) {
            if (x < 0 || x >= w)
                continue;
            float wx = fminf(x + 1.0f, x1) - fmaxf((float)x, x0);
            s += (double)wx * wy * luma(row + 3 * x);
            ws += (double)wx * wy;
        }
    }
    return ws > 0 ? (float)(s / ws) : 0;
}

static float bilinear(const uint8_t *rgb, int w, int h, ptrdiff_t stride, float x, float y)
{
    x = fminf(fmaxf(x, 0), (float)(w - 1));
    y = fminf(fmaxf(y, 0), (float)(h - 1));
    int x0 = (int)x, y0 = (int)y;
    int x1 = x0 + 1 < w ? x0 + 1 : x0, y1 = y0 + 1 < h ? y0 + 1 : y0;
    float fx = x - x0, fy = y - y0;
    float a = luma(rgb + (ptrdiff_t)y0 * stride + 3 * x0);
    float b = luma(rgb + (ptrdiff_t)y0 * stride + 3 * x1);
    float c = luma(rgb + (ptrdiff_t)y1 * stride + 3 * x0);
    float d = luma(rgb + (ptrdiff_t)y1 * stride + 3 * x1);
    return (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy;
}

float ava_face_sharpness(const uint8_t *rgb, int w, int h, ptrdiff_t stride, float bx, float by,
                         float bw, float bh)
{
    float x0 = fmaxf(bx, 0), y0 = fmaxf(by, 0);
    float x1 = fminf(bx + bw, (float)w), y1 = fminf(by + bh, (float)h);
    if (!(x1 - x0 >= 2 && y1 - y0 >= 2))
        return 0;
    float g[SIDE * SIDE];
    float sx = (x1 - x0) / SIDE, sy = (y1 - y0) / SIDE;
    for (int j = 0; j < SIDE; j++)
        for (int i = 0; i < SIDE; i++) {
            if (sx >= 1 && sy >= 1)
                g[j * SIDE + i] = area_mean(rgb, w, h, stride, x0 + i * sx, y0 + j * sy,
                                            x0 + (i + 1) * sx, y0 + (j + 1) * sy);
            else
                g[j * SIDE + i] = bilinear(rgb, w, h, stride, x0 + (i + 0.5f) * sx - 0.5f,
                                           y0 + (j + 0.5f) * sy - 0.5f);
        }
    double s = 0, s2 = 0;
    int n = 0;
    for (int j = 1; j < SIDE - 1; j++)
        for (int i = 1; i < SIDE - 1; i++) {
            const float *p = g + j * SIDE + i;
            double l = p[-1] + p[1] + p[-SIDE] + p[SIDE] - 4.0 * p[0];
            s += l;
            s2 += l * l;
            n++;
        }
    double m = s / n;
    return (float)(s2 / n - m * m);
}
