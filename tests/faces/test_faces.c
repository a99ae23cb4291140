/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Faces: pose, openness, quality, tiling, merge and clustering on hand-made inputs, then the
 * chain on real media:
 *
 *  - detection on the group photos against face counts established by looking at each image
 *    (a face = a person whose face, eyes or nose at least, is visible; heads seen from behind
 *    do not count): faceapi/sample1-6 = 3, 3, 3, 4, 5, 4 (all frontal or three-quarter women);
 *    faceapijs bbt1 = 4 (four men on a sofa), bbt2 = 3 (Leonard, Sheldon, a man at the left
 *    edge; the woman in pink, the bald man and the man at the top right face away), bbt3 = 5,
 *    bbt4 = 6, bbt5 = 5. Recall = min(found, expected) / expected summed over images, false
 *    positives = the excess;
 *  - small faces: bbt1 shrunk 0.22x into a grey 1920x1080 frame (faces 28-37 px, 2.6-3.4 % of
 *    the height) must still give its 4 faces;
 *  - identity: the 8 character folders (5 aligned crops each) clustered at the documented
 *    threshold: purity and the number of clusters;
 *  - expression: the 7 labelled stills (angry.jpg ... surprised.jpg), top class vs the name;
 *  - pose and eyes on lp_driving_d3.mp4 (512x512, 30 fps), frames picked by looking at them:
 *    276 (face turned to the image's right, ~20-30 degrees), 306 (turned to the left), 0
 *    (frontal); eyes closed on 234 and 240 (a frown with closed lids), open on 174 and 276.
 *
 * Prints detections/s and full-chain faces/s (one thread).
 * Usage: test_faces MODELS_DIR MEDIA_DIR; the real-media part is skipped without models.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ava/faces.h"
#include "src/faces/faces.h"
#include "tests/common/testhelp.h"

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

/* ---- hand-made inputs ---- */

static void test_openness(void)
{
    /* A hexagon eye: corners (0,0) and (6,0), lids at x = 2 and 4, y = -1 and +1:
     * EAR = (2 + 2) / (2 * 6) = 1/3. The mouth: corners (0,10), (6,10); gaps 1, 2, 3 px:
     * (1 + 2 + 3) / (3 * 6) = 1/3. */
    float p[2 * AVA_FACE_POINTS] = { 0 };
    const float eye[6][2] = { { 0, 0 }, { 2, -1 }, { 4, -1 }, { 6, 0 }, { 4, 1 }, { 2, 1 } };
    for (int e = 0; e < 2; e++)
        for (int i = 0; i < 6; i++) {
            p[2 * (36 + 6 * e + i)] = eye[i][0] + 20 * e;
            p[2 * (36 + 6 * e + i) + 1] = eye[i][1] * (e ? 0.25f : 1.0f);
        }
    const float in[8][2] = { { 0, 10 }, { 1.5f, 9.5f }, { 3, 9 }, { 4.5f, 8.5f }, { 6, 10 },
                             { 4.5f, 10.0f }, { 3, 10 }, { 1.5f, 10 } };
    /* 61-67 = (1.5, 9.5)-(1.5, 10): 0.5; 62-66: (3,9)-(3,10): 1; 63-65: 1.5 -> 3 / 18 */
    for (int i = 0; i < 8; i++) {
        p[2 * (60 + i)] = in[i][0];
        p[2 * (60 + i) + 1] = in[i][1];
    }
    float ear[2], mouth;
    ava_face_openness(p, ear, &mouth);
    CHECK_NEAR("EAR of the hexagon eye", ear[0], 1.0 / 3, 1e-6);
    CHECK_NEAR("EAR of the flattened eye (lids 0.25 px)", ear[1], (0.5 + 0.5) / 12.0, 1e-6);
    CHECK_NEAR("inner-lip ratio", mouth, 3.0 / 18, 1e-6);
}

static void test_quality(void)
{
    /* box (-10, 0, 40, 20) in a 100x50 image: 10 of 40 columns outside -> 0.25 */
    CHECK_NEAR("edge cut left", ava_face_edge_cut(100, 50, -10, 0, 40, 20), 0.25, 1e-6);
    CHECK_NEAR("edge cut none", ava_face_edge_cut(100, 50, 10, 10, 20, 20), 0, 1e-6);
    /* corner: (90, 40, 20, 20): inside 10x10 of 400 -> 0.75 */
    CHECK_NEAR("edge cut corner", ava_face_edge_cut(100, 50, 90, 40, 20, 20), 0.75, 1e-6);
    enum { S = 64 };
    static uint8_t img[S * S * 3];
    memset(img, 100, sizeof(img));
    CHECK_NEAR("flat grey: no Laplacian", ava_face_sharpness(img, S, S, 3 * S, 0, 0, S, S), 0,
               1e-3);
    /* vertical stripes 0 / 100 one pixel wide (grey, so luma = value): the Laplacian is
     * 2 (u - v) = +-200 at every interior pixel, 31 of each sign per row: variance 40000 */
    for (int y = 0; y < S; y++)
        for (int x = 0; x < S; x++)
            memset(img + 3 * (y * S + x), x & 1 ? 100 : 0, 3);
    CHECK_NEAR("stripes: Laplacian variance", ava_face_sharpness(img, S, S, 3 * S, 0, 0, S, S),
               40000, 1.0);
}

static void test_pose_synthetic(void)
{
    /* Project the mean face at known angles and fit them back. */
    static const float poses[][3] = { { 0, 0, 0 }, { 30, 0, 0 }, { -30, 0, 0 }, { 0, 20, 0 },
                                      { 0, -15, 0 }, { 0, 0, 25 }, { 20, -10, 5 },
                                      { -45, 10, -10 } };
    for (size_t k = 0; k < sizeof(poses) / sizeof(poses[0]); k++) {
        float t[3] = { 300, -200, 6000 }, pts6[12], pts[2 * AVA_FACE_POINTS] = { 0 };
        ava_face_pose_project(poses[k][0], poses[k][1], poses[k][2], t, 1280, 720, pts6);
        for (int i = 0; i < 6; i++) {
            pts[2 * ava_face_pose_index[i]] = pts6[2 * i];
            pts[2 * ava_face_pose_index[i] + 1] = pts6[2 * i + 1];
        }
        float y, p, r, e;
        int ret = ava_face_pose(pts, 1280, 720, &y, &p, &r, &e);
        CHECK("pose fit converges", ret == 0);
        CHECK_NEAR("yaw recovered", y, poses[k][0], 0.5);
        CHECK_NEAR("pitch recovered", p, poses[k][1], 0.5);
        CHECK_NEAR("roll recovered", r, poses[k][2], 0.5);
        CHECK("exact points: tiny error", e < 0.05f);
    }
    /* yaw sign from geometry, not from the code's own projection: with the nose tip moved
     * towards the image's right eye corner, the face is turned to the image's right */
    float pts[2 * AVA_FACE_POINTS] = { 0 };
    const float pt6[6][2] = { { 700, 400 }, { 640, 520 }, { 560, 330 }, { 720, 330 },
                              { 600, 450 }, { 680, 450 } };
    for (int i = 0; i < 6; i++) {
        pts[2 * ava_face_pose_index[i]] = pt6[i][0];
        pts[2 * ava_face_pose_index[i] + 1] = pt6[i][1];
    }
    float y, p, r, e;
    ava_face_pose(pts, 1280, 720, &y, &p, &r, &e);
    CHECK("nose towards the image's right: yaw > 10", y > 10);
}

static void test_tiles_merge(void)
{
    AvaFaceTile t[AVA_FACE_MAX_TILES];
    CHECK("no tiles at min_face 0", ava_face_plan_tiles(1920, 1080, 0, 512, 28, t) == 1);
    /* 30 % faces of a 640x480 image are 144 px, 115 px at the 512 input: one pass */
    CHECK("no tiles for large faces", ava_face_plan_tiles(640, 480, 0.3f, 512, 28, t) == 1);
    int n = ava_face_plan_tiles(1920, 1080, 0.03f, 512, 28, t);
    CHECK("tiles for 3 % faces in 1080p", n > 1 && n <= AVA_FACE_MAX_TILES);
    /* property: every face between the smallest wanted (32.4 px) and the whole pass's reach
     * (28 / (512/1920) = 105 px) lies entirely inside some tile: check squares of 105 px on a
     * grid, and that a 32.4 px face is >= 28 px at the net input of a tile */
    int ok = 1;
    for (int y = 0; y + 105 <= 1080; y += 7)
        for (int x = 0; x + 105 <= 1920; x += 7) {
            int in = 0;
            for (int k = 1; k < n && !in; k++)
                in = x >= t[k].x && y >= t[k].y && x + 105 <= t[k].x + t[k].w &&
                     y + 105 <= t[k].y + t[k].h;
            ok &= in;
        }
    CHECK("every 105 px square inside a tile", ok);
    int big = t[1].w > t[1].h ? t[1].w : t[1].h;
    CHECK("3 % face >= 28 px in a tile", 0.03 * 1080 * 512 / big >= 28 - 1e-3);
    for (int k = 0; k < n; k++)
        CHECK("tile inside the image", t[k].x >= 0 && t[k].y >= 0 && t[k].x + t[k].w <= 1920 &&
                                           t[k].y + t[k].h <= 1080);
    /* merge: b overlaps a at IoU 81/119 = 0.68 (dropped), c is half inside a (dropped by
     * cover 0.5: 50 of 100), d elsewhere (kept) */
    AvaFaceDet d[4] = { { 0, 0, 10, 10, 0.6f }, { 1, 1, 10, 10, 0.9f }, { 5, 0, 10, 10, 0.5f },
                        { 50, 50, 10, 10, 0.7f } };
    int m = ava_face_merge(d, 4, 0.5f, 0.5f);
    CHECK("merge keeps 2", m == 2);
    CHECK("best first", m == 2 && d[0].score == 0.9f && d[1].score == 0.7f);
}

static void test_cluster(void)
{
    /* 1-D points 0, 0.1 | 1, 1.1, 1.2 | 5 with threshold 0.5: average linkage merges within
     * the groups (distances <= 0.2) but not across (>= 0.8): 3 clusters */
    const float x[6] = { 0, 1.1f, 0.1f, 5, 1.0f, 1.2f };
    int lab[6], nc;
    CHECK("cluster runs", ava_face_cluster(x, 6, 1, 0.5f, lab, &nc) == 0);
    CHECK("3 clusters", nc == 3);
    CHECK("labels by first appearance", lab[0] == 0 && lab[1] == 1 && lab[2] == 0 &&
                                            lab[3] == 2 && lab[4] == 1 && lab[5] == 1);
    CHECK("empty input", ava_face_cluster(NULL, 0, 1, 0.5f, NULL, &nc) == 0 && nc == 0);
}

/* ---- real media ---- */

static int load(const char *media, const char *rel, uint8_t **rgb, int *w, int *h)
{
    char p[1024];
    snprintf(p, sizeof(p), "%s/%s", media, rel);
    int ret = ava_image_load(p, rgb, w, h);
    CHECK("image loads", ret == 0);
    if (ret < 0)
        fprintf(stderr, "cannot load %s\n", p);
    return ret;
}

static AvaFace faces[256];

static void test_detection(AvaFaceChain *fc, AvaFaceChain *det_only, const char *media)
{
    static const struct { const char *img; int want; } set[] = {
        { "stills/faceapi/sample1.jpg", 3 }, { "stills/faceapi/sample2.jpg", 3 },
        { "stills/faceapi/sample3.jpg", 3 }, { "stills/faceapi/sample4.jpg", 4 },
        { "stills/faceapi/sample5.jpg", 5 }, { "stills/faceapi/sample6.jpg", 4 },
        { "stills/faceapijs/examples/images/bbt1.jpg", 4 },
        { "stills/faceapijs/examples/images/bbt2.jpg", 3 },
        { "stills/faceapijs/examples/images/bbt3.jpg", 5 },
        { "stills/faceapijs/examples/images/bbt4.jpg", 6 },
        { "stills/faceapijs/examples/images/bbt5.jpg", 5 },
    };
    int want = 0, hit = 0, fp = 0, total = 0;
    double t_det = 0, t_full = 0;
    for (size_t i = 0; i < sizeof(set) / sizeof(set[0]); i++) {
        uint8_t *rgb;
        int w, h, n = 0, nd = 0;
        if (load(media, set[i].img, &rgb, &w, &h) < 0)
            continue;
        double t0 = now_s();
        CHECK("detect", ava_face_chain_run(det_only, rgb, w, h, 3 * w, faces, 256, &nd) == 0);
        double t1 = now_s();
        CHECK("chain", ava_face_chain_run(fc, rgb, w, h, 3 * w, faces, 256, &n) == 0);
        t_full += now_s() - t1;
        t_det += t1 - t0;
        CHECK("same detections with and without the rest of the chain", n == nd);
        want += set[i].want;
        hit += n < set[i].want ? n : set[i].want;
        fp += n > set[i].want ? n - set[i].want : 0;
        total += n;
        printf("  %-45s %d faces (counted %d)\n", set[i].img, n, set[i].want);
        free(rgb);
    }
    printf("detection: recall %d/%d = %.3f, false positives %d\n", hit, want,
           want ? (double)hit / want : 0, fp);
    printf("speed (1 thread): detection %.1f faces/s (%.0f ms/image incl. tiles), full chain "
           "%.1f faces/s\n", total / t_det, 1e3 * t_det / 11, total / t_full);
    CHECK("recall >= 0.95", hit >= 0.95 * want);
    CHECK("at most 2 false positives", fp <= 2);

    /* small faces */
    uint8_t *src;
    int sw, sh;
    if (load(media, "stills/faceapijs/examples/images/bbt1.jpg", &src, &sw, &sh) < 0)
        return;
    enum { W = 1920, H = 1080 };
    uint8_t *big = malloc((size_t)W * H * 3);
    memset(big, 128, (size_t)W * H * 3);
    const float s = 0.22f; /* box-filter downscale: dst pixel = mean of its source footprint */
    int dw = (int)(sw * s), dh = (int)(sh * s);
    for (int y = 0; y < dh; y++)
        for (int x = 0; x < dw; x++)
            for (int c = 0; c < 3; c++) {
                int x0 = (int)(x / s), x1 = (int)((x + 1) / s), y0 = (int)(y / s),
                    y1 = (int)((y + 1) / s), sum = 0, cnt = 0;
                for (int yy = y0; yy < y1 && yy < sh; yy++)
                    for (int xx = x0; xx < x1 && xx < sw; xx++, cnt++)
                        sum += src[3 * (yy * sw + xx) + c];
                big[3 * ((y + 400) * W + x + 700) + c] = (uint8_t)(cnt ? sum / cnt : 0);
            }
    int n = 0;
    CHECK("detect small", ava_face_chain_run(det_only, big, W, H, 3 * W, faces, 256, &n) == 0);
    float mn = 1, mx = 0;
    for (int i = 0; i < n; i++) {
        mn = fminf(mn, faces[i].height_frac);
        mx = fmaxf(mx, faces[i].height_frac);
    }
    printf("small faces: %d of 4 found in 1920x1080, heights %.1f-%.1f %% of the frame\n", n,
           100 * mn, 100 * mx);
    CHECK("4 small faces", n == 4);
    free(big);
    free(src);
}

static void test_identity(AvaFaceChain *fc, const char *media)
{
    static const char *const who[8] = { "amy", "bernadette", "howard", "leonard",
                                        "penny", "raj", "sheldon", "stuart" };
    float desc[40 * AVA_FACE_DESC_DIM];
    int truth[40], n = 0;
    for (int p = 0; p < 8; p++)
        for (int k = 1; k <= 5; k++) {
            char rel[256];
            snprintf(rel, sizeof(rel), "stills/faceapijs/examples/images/%s/%s%d.png", who[p],
                     who[p], k);
            uint8_t *rgb;
            int w, h;
            if (load(media, rel, &rgb, &w, &h) < 0)
                continue;
            AvaFace f;
            CHECK("describe crop", ava_face_chain_describe(fc, rgb, w, h, 3 * w, &f) == 0);
            memcpy(desc + n * AVA_FACE_DESC_DIM, f.descriptor, sizeof(f.descriptor));
            truth[n++] = p;
            free(rgb);
        }
    int lab[40], nc = 0;
    CHECK("cluster", ava_face_cluster(desc, n, AVA_FACE_DESC_DIM, AVA_FACE_CLUSTER_THRESHOLD,
                                      lab, &nc) == 0);
    /* purity: each cluster counted by its majority identity */
    int pure = 0;
    for (int c = 0; c < nc; c++) {
        int cnt[8] = { 0 }, best = 0;
        for (int i = 0; i < n; i++)
            if (lab[i] == c)
                cnt[truth[i]]++;
        for (int p = 0; p < 8; p++)
            best = cnt[p] > best ? cnt[p] : best;
        pure += best;
    }
    printf("identity: %d crops, %d clusters at threshold %.2f, purity %.3f\n", n, nc,
           (double)AVA_FACE_CLUSTER_THRESHOLD, n ? (double)pure / n : 0);
    CHECK("40 crops", n == 40);
    CHECK("purity >= 0.95", pure >= 0.95 * n);
    CHECK("8 +- 1 clusters", nc >= 7 && nc <= 9);
}

static void test_expression(AvaFaceChain *fc, const char *media)
{
    int right = 0;
    for (int e = 0; e < AVA_FACE_EXPRESSIONS; e++) {
        const char *name = ava_face_expression_label(e);
        char rel[256];
        snprintf(rel, sizeof(rel), "stills/faceapijs/examples/images/%s.jpg", name);
        uint8_t *rgb;
        int w, h, n = 0;
        if (load(media, rel, &rgb, &w, &h) < 0)
            continue;
        CHECK("chain", ava_face_chain_run(fc, rgb, w, h, 3 * w, faces, 256, &n) == 0);
        CHECK("one face", n == 1);
        int top = 0;
        for (int k = 1; n > 0 && k < AVA_FACE_EXPRESSIONS; k++)
            if (faces[0].expression[k] > faces[0].expression[top])
                top = k;
        printf("  %-10s -> %-10s (p %.2f)\n", name, n ? ava_face_expression_label(top) : "-",
               n ? faces[0].expression[top] : 0);
        right += n > 0 && top == e;
        free(rgb);
    }
    printf("expression: %d of 7 labelled stills as labelled\n", right);
    CHECK("at least 6 of 7 expressions", right >= 6);
}

static int frame_at(const char *media, const char *clip, int n, uint8_t *rgb, int w, int h)
{
    char cmd[1024];
    snprintf(cmd, sizeof(cmd),
             "ffmpeg -nostdin -loglevel error -i '%s/video/%s' -vf \"select=eq(n\\,%d)\" "
             "-frames:v 1 -f rawvideo -pix_fmt rgb24 -", media, clip, n);
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    size_t got = fread(rgb, 1, (size_t)w * h * 3, p);
    int st = pclose(p);
    return got == (size_t)w * h * 3 && st == 0 ? 0 : -1;
}

static void test_pose_eyes(AvaFaceChain *fc, const char *media)
{
    enum { W = 512, H = 512 };
    static uint8_t rgb[W * H * 3];
    static const int frames[] = { 0, 174, 234, 240, 276, 306 };
    AvaFace got[6];
    int ok[6] = { 0 };
    for (int i = 0; i < 6; i++) {
        int n = 0;
        if (frame_at(media, "lp_driving_d3.mp4", frames[i], rgb, W, H) < 0) {
            CHECK("ffmpeg extracts the frame", 0);
            continue;
        }
        CHECK("chain", ava_face_chain_run(fc, rgb, W, H, 3 * W, faces, 256, &n) == 0);
        CHECK("one face", n == 1);
        if (n >= 1) {
            got[i] = faces[0];
            ok[i] = 1;
            printf("  frame %3d: yaw %6.1f pitch %6.1f roll %6.1f, EAR %.3f %.3f, mouth %.2f\n",
                   frames[i], got[i].yaw, got[i].pitch, got[i].roll, got[i].eye_open[0],
                   got[i].eye_open[1], got[i].mouth_open);
        }
    }
    if (ok[0])
        CHECK("frame 0 frontal: |yaw| < 10", fabsf(got[0].yaw) < 10);
    if (ok[4])
        CHECK("frame 276 turned right: yaw 12..40", got[4].yaw > 12 && got[4].yaw < 40);
    if (ok[5])
        CHECK("frame 306 turned left: yaw -40..-12", got[5].yaw < -12 && got[5].yaw > -40);
    for (int i = 2; i <= 3; i++)
        if (ok[i])
            CHECK("closed eyes: min EAR < 0.2",
                  fminf(got[i].eye_open[0], got[i].eye_open[1]) < 0.2f);
    if (ok[1])
        CHECK("open eyes on 174: EAR > 0.25",
              fminf(got[1].eye_open[0], got[1].eye_open[1]) > 0.25f);
    if (ok[4])
        CHECK("open eyes on 276: EAR > 0.25",
              fminf(got[4].eye_open[0], got[4].eye_open[1]) > 0.25f);
}

int main(int argc, char **argv)
{
    test_openness();
    test_quality();
    test_pose_synthetic();
    test_tiles_merge();
    test_cluster();
    if (argc < 3)
        return th_report("faces");
    AvaFaceChainSettings s;
    ava_face_chain_default_settings(&s);
    s.models_dir = argv[1];
    s.logger.max_level = -1; /* a missing model is a skip, not an error to show */
    AvaFaceChain *fc = NULL, *det = NULL;
    if (ava_face_chain_open(&fc, &s) < 0) {
        printf("faces: no models in %s, real-media part skipped\n", argv[1]);
        int r = th_report("faces");
        return r ? r : 77;
    }
    s.describe = 0;
    CHECK("detector-only chain", ava_face_chain_open(&det, &s) == 0);
    if (det) {
        test_detection(fc, det, argv[2]);
        test_identity(fc, argv[2]);
        test_expression(fc, argv[2]);
        test_pose_eyes(fc, argv[2]);
    }
    ava_face_chain_close(&det);
    ava_face_chain_close(&fc);
    return th_report("faces");
}
