/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Head pose from 68 landmarks: a perspective-n-point fit of a 3-D mean face.
 *
 * The mean face is the 6-point model widely used with dlib's 68 landmarks (nose tip, chin,
 * outer eye corners, mouth corners; units ~ 0.1 mm, from S. Mallick, "Head Pose Estimation
 * using OpenCV and Dlib", LearnOpenCV 2016), here in camera axes (x right, y down, z away
 * from the camera) so that R = I is a face looking into the camera.
 *
 * Camera assumption: a pinhole with focal length = the image width in pixels (about a 53
 * degree horizontal field of view, typical of TV and phone footage) and the principal point
 * at the image centre. The angles are insensitive to the focal length for faces that are
 * small in the frame (weak perspective); the translation is not, and is not reported.
 *
 * R = Rz(roll) Rx(pitch) Ry(-yaw): yaw turns the face about its vertical axis, positive
 * when the nose points to the image's right; pitch positive when the nose points down; roll
 * positive when the head tilts clockwise in the image. Levenberg-Marquardt (Gauss-Newton with
 * a small damping term) on the 12 reprojection residuals, central-difference Jacobian, from
 * three yaw starts (-40, 0, 40 degrees), keeping the lowest error.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "src/faces/faces.h"

const int ava_face_pose_index[6] = { 30, 8, 36, 45, 48, 54 };

static const double model[6][3] = {
    { 0.0, 0.0, 0.0 },          /* nose tip */
    { 0.0, 330.0, 65.0 },       /* chin */
    { -225.0, -170.0, 135.0 },  /* image-left eye, outer corner */
    { 225.0, -170.0, 135.0 },   /* image-right eye, outer corner */
    { -150.0, 150.0, 125.0 },   /* image-left mouth corner */
    { 150.0, 150.0, 125.0 },    /* image-right mouth corner */
};

static void rotation(const double a[3], double r[9])
{
    /* a = yaw, pitch, roll in radians; R = Rz(roll) Rx(pitch) Ry(-yaw) */
    double cy = cos(-a[0]), sy = sin(-a[0]), cp = cos(a[1]), sp = sin(a[1]);
    double cr = cos(a[2]), sr = sin(a[2]);
    double ry[9] = { cy, 0, sy, 0, 1, 0, -sy, 0, cy };
    double rx[9] = { 1, 0, 0, 0, cp, -sp, 0, sp, cp };
    double rz[9] = { cr, -sr, 0, sr, cr, 0, 0, 0, 1 };
    double t[9];
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            t[3 * i + j] = 0;
            for (int k = 0; k < 3; k++)
                t[3 * i + j] += rx[3 * i + k] * ry[3 * k + j];
        }
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            r[3 * i + j] = 0;
            for (int k = 0; k < 3; k++)
                r[3 * i + j] += rz[3 * i + k] * t[3 * k + j];
        }
}

/* p = yaw, pitch, roll (rad), tx, ty, tz; out = 6 (u, v) */
static void project(const double p[6], double f, double cx, double cy, double out[12])
{
    double r[9];
    rotation(p, r);
    for (int i = 0; i < 6; i++) {
        const double *m = model[i];
        double x = r[0] * m[0] + r[1] * m[1] + r[2] * m[2] + p[3];
        double y = r[3] * m[0] + r[4] * m[1] + r[5] * m[2] + p[4];
        double z = r[6] * m[0] + r[7] * m[1] + r[8] * m[2] + p[5];
        if (z < 1.0)
            z = 1.0;
        out[2 * i] = f * x / z + cx;
        out[2 * i + 1] = f * y / z + cy;
    }
}

void ava_face_pose_project(float yaw, float pitch, float roll, const float t[3], int img_w,
                           int img_h, float out[12])
{
    const double d2r = M_PI / 180.0;
    double p[6] = { yaw * d2r, pitch * d2r, roll * d2r, t[0], t[1], t[2] }, o[12];
    project(p, img_w, img_w / 2.0, img_h / 2.0, o);
    for (int i = 0; i < 12; i++)
        out[i] = (float)o[i];
}

static double sq_err(const double p[6], const double *obs, double f, double cx, double cy)
{
    double q[12], e = 0;
    project(p, f, cx, cy, q);
    for (int i = 0; i < 12; i++)
        e += (q[i] - obs[i]) * (q[i] - obs[i]);
    return e;
}

/* Solve the 6x6 system a x = b by Gaussian elimination with partial pivoting. */
static int solve6(double a[36], double b[6], double x[6])
{
    for (int c = 0; c < 6; c++) {
        int piv = c;
        for (int r = c + 1; r < 6; r++)
            if (fabs(a[6 * r + c]) > fabs(a[6 * piv + c]))
                piv = r;
        if (fabs(a[6 * piv + c]) < 1e-12)
            return -1;
        if (piv != c) {
            for (int k = 0; k < 6; k++) {
                double t = a[6 * c + k];
                a[6 * c + k] = a[6 * piv + k];
                a[6 * piv + k] = t;
            }
            double t = b[c];
            b[c] = b[piv];
            b[piv] = t;
        }
        for (int r = c + 1; r < 6; r++) {
            double m = a[6 * r + c] / a[6 * c + c];
            for (int k = c; k < 6; k++)
                a[6 * r + k] -= m * a[6 * c + k];
            b[r] -= m * b[c];
        }
    }
    for (int r = 5; r >= 0; r--) {
        double s = b[r];
        for (int k = r + 1; k < 6; k++)
            s -= a[6 * r + k] * x[k];
        x[r] = s / a[6 * r + r];
    }
    return 0;
}

static double fit(double p[6], const double *obs, double f, double cx, double cy)
{
    double lambda = 1e-3, e = sq_err(p, obs, f, cx, cy);
    /* parameter steps for the Jacobian: radians, then model units scaled by depth */
    for (int it = 0; it < 60; it++) {
        double jac[12][6], q0[12];
        project(p, f, cx, cy, q0);
        for (int k = 0; k < 6; k++) {
            double h = k < 3 ? 1e-4 : 1e-4 * fmax(p[5], 1.0);
            double pp[6], pm[6], qp[12], qm[12];
            memcpy(pp, p, sizeof(pp));
            memcpy(pm, p, sizeof(pm));
            pp[k] += h;
            pm[k] -= h;
            project(pp, f, cx, cy, qp);
            project(pm, f, cx, cy, qm);
            for (int i = 0; i < 12; i++)
                jac[i][k] = (qp[i] - qm[i]) / (2 * h);
        }
        double jtj[36] = { 0 }, jtr[6] = { 0 };
        for (int i = 0; i < 12; i++) {
            double r = obs[i] - q0[i];
            for (int a = 0; a < 6; a++) {
                jtr[a] += jac[i][a] * r;
                for (int b = 0; b < 6; b++)
                    jtj[6 * a + b] += jac[i][a] * jac[i][b];
            }
        }
        int improved = 0;
        for (int tries = 0; tries < 8 && !improved; tries++) {
            double a[36], b[6], d[6], np[6];
            memcpy(a, jtj, sizeof(a));
            memcpy(b, jtr, sizeof(b));
            for (int k = 0; k < 6; k++)
                a[7 * k] += lambda * (jtj[7 * k] + 1e-9);
            if (solve6(a, b, d) < 0)
                break;
            for (int k = 0; k < 6; k++)
                np[k] = p[k] + d[k];
            double ne = sq_err(np, obs, f, cx, cy);
            if (ne < e) {
                double gain = e - ne;
                memcpy(p, np, sizeof(np));
                e = ne;
                lambda = fmax(lambda * 0.3, 1e-7);
                improved = 1;
                if (gain < 1e-10 * (1 + e))
                    return e;
            } else {
                lambda *= 10;
            }
        }
        if (!improved)
            break;
    }
    return e;
}

int ava_face_pose(const float pts[2 * AVA_FACE_POINTS], int img_w, int img_h, float *yaw,
                  float *pitch, float *roll, float *err_px)
{
    double obs[12];
    for (int i = 0; i < 6; i++) {
        obs[2 * i] = pts[2 * ava_face_pose_index[i]];
        obs[2 * i + 1] = pts[2 * ava_face_pose_index[i] + 1];
    }
    double f = img_w > 0 ? img_w : 1, cx = img_w / 2.0, cy = img_h / 2.0;
    double eye = hypot(obs[6] - obs[4], obs[7] - obs[5]);
    double span = fmax(eye, hypot(obs[2] - obs[0], obs[3] - obs[1]));
    *yaw = *pitch = *roll = 0;
    *err_px = 0;
    if (!(span > 1.0))
        return AVA_ERR(EDOM);
    double best[6] = { 0 }, best_e = INFINITY;
    static const double starts[3] = { 0.0, -0.7, 0.7 };
    for (int s = 0; s < 3; s++) {
        double tz = f * 450.0 / fmax(eye, 1.0);
        double p[6] = { starts[s], 0, 0, (obs[0] - cx) * tz / f, (obs[1] - cy) * tz / f, tz };
        double e = fit(p, obs, f, cx, cy);
        if (e < best_e && p[5] > 0) {
            best_e = e;
            memcpy(best, p, sizeof(best));
        }
    }
    if (!isfinite(best_e))
        return AVA_ERR(EDOM);
    /* angles to (-180, 180] */
    for (int k = 0; k < 3; k++)
        best[k] = remainder(best[k], 2 * M_PI);
    *yaw = (float)(best[0] * 180.0 / M_PI);
    *pitch = (float)(best[1] * 180.0 / M_PI);
    *roll = (float)(best[2] * 180.0 / M_PI);
    *err_px = (float)sqrt(best_e / 6.0);
    return 0;
}
