/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Eye and mouth openness from 68 landmarks (iBUG / dlib order).
 *
 * Eye aspect ratio (T. Soukupova and J. Cech, "Real-Time Eye Blink Detection using Facial
 * Landmarks", CVWW 2016): with the eye's six points p1..p6 (corner, two upper lid, corner,
 * two lower lid), EAR = (|p2 - p6| + |p3 - p5|) / (2 |p1 - p4|). The paper reports open eyes
 * around 0.25-0.35 and a blink below ~0.2. The mouth uses the same ratio on the inner lips
 * (points 60-67): mean of the three vertical gaps over the corner distance.
 */
#include <math.h>

#include "src/faces/faces.h"

static float dist(const float *p, int a, int b)
{
    return hypotf(p[2 * a] - p[2 * b], p[2 * a + 1] - p[2 * b + 1]);
}

static float ear(const float *p, int o)
{
    float wd = dist(p, o, o + 3);
    return wd > 0 ? (dist(p, o + 1, o + 5) + dist(p, o + 2, o + 4)) / (2 * wd) : 0;
}

void ava_face_openness(const float pts[2 * AVA_FACE_POINTS], float eye[2], float *mouth)
{
    eye[0] = ear(pts, 36);
    eye[1] = ear(pts, 42);
    float wd = dist(pts, 60, 64);
    *mouth = wd > 0 ? (dist(pts, 61, 67) + dist(pts, 62, 66) + dist(pts, 63, 65)) / (3 * wd) : 0;
}
