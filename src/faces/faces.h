/* SPDX-License-Identifier: MIT */
/** @file Internal pieces of the face chain (src/faces/), one job per file, for the chain and tests. */
#ifndef AVA_SRC_FACES_FACES_H
#define AVA_SRC_FACES_FACES_H

#include <stddef.h>
#include <stdint.h>

#include "ava/faces.h"

/** A detection in image pixels (not clipped). */
typedef struct AvaFaceDet {
    float x, y, w, h, score;
} AvaFaceDet;

/** One square detector window: source rectangle (x, y, side) in image pixels. */
typedef struct AvaFaceTile {
    int x, y, w, h;
} AvaFaceTile;

#define AVA_FACE_MAX_TILES 64

/** A face as the stages after the chain use it: every AvaFace field but the landmarks and
 *  the descriptor (pass 2 keeps those on disk until it writes the faces table). */
typedef struct AvaFaceMeasures {
    float x, y, w, h, score;
    float height_frac, sharpness, edge_cut;
    float yaw, pitch, roll, pose_err_px;
    float eye_open[2], mouth_open;
    float expression[AVA_FACE_EXPRESSIONS];
    float age, p_male;
} AvaFaceMeasures;

/** quality.c: the measures of @p f. */
void ava_face_measures_of(const AvaFace *f, AvaFaceMeasures *m);

/** quality.c: @p f with the measures of @p m (landmarks and descriptor left as they are). */
void ava_face_apply_measures(const AvaFaceMeasures *m, AvaFace *f);

/**
 * detect.c: the windows to run a detector on so that faces down to @p min_face_frac of the
 * image height are seen at >= @p min_net_px pixels of a @p net_size input: the whole image
 * first, then overlapping tiles when the whole-image pass cannot reach that size.
 * @return the number of windows written (1..AVA_FACE_MAX_TILES).
 */
int ava_face_plan_tiles(int w, int h, float min_face_frac, int net_size, float min_net_px,
                        AvaFaceTile *tiles);

/**
 * detect.c: merge detections from overlapping windows: greedy by score, a box is dropped
 * when its IoU with a kept one is >= @p iou or when >= @p cover of its area lies inside a
 * kept one (a face cut by a tile border). Sorts @p d by score in place.
 * @return the number kept (moved to the front of @p d).
 */
int ava_face_merge(AvaFaceDet *d, int n, float iou, float cover);

/** quality.c: variance of the 4-neighbour Laplacian of the box's grey (BT.601) resampled to
 *  64x64 (area average), or 0 for an empty box. */
float ava_face_sharpness(const uint8_t *rgb, int w, int h, ptrdiff_t stride, float bx, float by,
                         float bw, float bh);

/** quality.c: the fraction of the box's area outside the w x h image. */
float ava_face_edge_cut(int w, int h, float bx, float by, float bw, float bh);

/** quality.c: 1 when the face may seed a character: detector score >= 0.6, height >= 5 % of
 *  the frame, sharpness >= 50, |yaw| <= 45 and |pitch| <= 30 degrees, edge cut <= 0.25, pose
 *  fit RMS <= 6 % of the box height; else 0. */
int ava_face_recognisable(const AvaFaceMeasures *f);

/**
 * cluster.c: ava_face_cluster() over the descriptors with @p seed[i] set; then each other
 * descriptor joins the cluster at the least average distance when that is below
 * @p threshold, else gets label -1. Clusters are numbered by their first seed.
 * @return 0; AVA_ERR(EINVAL); AVA_ERR(ENOMEM).
 */
int ava_face_cluster_seeded(const float *desc, int n, int dim, float threshold,
                            const uint8_t *seed, int *labels, int *n_clusters);

/** openness.c: eye aspect ratio (Soukupova & Cech 2016) of the image-left eye (points
 *  36-41) and image-right eye (42-47), and the inner-lip aspect ratio (60-67). */
void ava_face_openness(const float pts[2 * AVA_FACE_POINTS], float eye[2], float *mouth);

/**
 * pose.c: head pose from 68 landmarks and a 3-D mean face (pinhole camera, focal length =
 * image width, principal point at the image centre), fitted by Gauss-Newton.
 * @return 0, or AVA_ERR(EDOM) if the fit does not converge (angles then 0).
 */
int ava_face_pose(const float pts[2 * AVA_FACE_POINTS], int img_w, int img_h, float *yaw,
                  float *pitch, float *roll, float *err_px);

/** pose.c: project the mean face at the given pose (degrees) and translation (model units,
 *  camera frame) to 6 image points (x, y) in the order of the model, for tests. */
void ava_face_pose_project(float yaw, float pitch, float roll, const float t[3], int img_w,
                           int img_h, float out[12]);

/** pose.c: the landmark index of each of the 6 model points. */
extern const int ava_face_pose_index[6];

#endif /* AVA_SRC_FACES_FACES_H */
