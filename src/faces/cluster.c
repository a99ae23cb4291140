/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Identity clustering: agglomerative, average linkage (UPGMA), on Euclidean distance between
 * L2-normalised descriptors. O(n^2) memory and O(n^3) time in the worst case: meant for the
 * faces of a few images or the tracks of a title (a few thousand), not every face of a video.
 * The seeded variant clusters only the descriptors that can be trusted and lets the others
 * join a cluster, never found one.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "ava/faces.h"
#include "src/faces/faces.h"

int ava_face_cluster(const float *desc, int n, int dim, float threshold, int *labels,
                     int *n_clusters)
{
    if (n < 0 || dim <= 0 || (n > 0 && (!desc || !labels)) || !n_clusters || n > 20000)
        return AVA_ERR(EINVAL);
    *n_clusters = 0;
    if (n == 0)
        return 0;
    double *dm = malloc(sizeof(*dm) * (size_t)n * n);
    int *size = malloc(sizeof(*size) * (size_t)n), *root = malloc(sizeof(*root) * (size_t)n);
    if (!dm || !size || !root) {
        free(dm);
        free(size);
        free(root);
        return AVA_ERR(ENOMEM);
    }
    for (int i = 0; i < n; i++) {
        size[i] = 1;
        root[i] = i;
        dm[(size_t)i * n + i] = 0;
        for (int j = i + 1; j < n; j++) {
            double s = 0;
            for (int k = 0; k < dim; k++) {
                double t = (double)desc[(size_t)i * dim + k] - desc[(size_t)j * dim + k];
                s += t * t;
            }
            dm[(size_t)i * n + j] = dm[(size_t)j * n + i] = sqrt(s);
        }
    }
    /* active clusters are those with size > 0; dm rows hold average distances */
    for (;;) {
        double best = INFINITY;
        int ba = -1, bb = -1;
        for (int i = 0; i < n; i++) {
            if (!size[i])
                continue;
            for (int j = i + 1; j < n; j++)
                if (size[j] && dm[(size_t)i * n + j] < best) {
                    best = dm[(size_t)i * n + j];
                    ba = i;
                    bb = j;
                }
        }
        if (ba < 0 || !(best < threshold))
            break;
        for (int k = 0; k < n; k++) {
            if (!size[k] || k == ba || k == bb)
                continue;
            double d = (dm[(size_t)ba * n + k] * size[ba] + dm[(size_t)bb * n + k] * size[bb]) /
                       (size[ba] + size[bb]);
            dm[(size_t)ba * n + k] = dm[(size_t)k * n + ba] = d;
        }
        size[ba] += size[bb];
        size[bb] = 0;
        for (int k = 0; k < n; k++)
            if (root[k] == bb)
                root[k] = ba;
    }
    /* number clusters by first appearance */
    int *id = malloc(sizeof(*id) * (size_t)n);
    if (!id) {
        free(dm);
        free(size);
        free(root);
        return AVA_ERR(ENOMEM);
    }
    for (int i = 0; i < n; i++)
        id[i] = -1;
    int m = 0;
    for (int i = 0; i < n; i++) {
        if (id[root[i]] < 0)
            id[root[i]] = m++;
        labels[i] = id[root[i]];
    }
    *n_clusters = m;
    free(id);
    free(dm);
    free(size);
    free(root);
    return 0;
}

static double dist(const float *a, const float *b, int dim)
{
    double s = 0;
    for (int k = 0; k < dim; k++)
        s += ((double)a[k] - b[k]) * ((double)a[k] - b[k]);
    return sqrt(s);
}

int ava_face_cluster_seeded(const float *desc, int n, int dim, float threshold,
                            const uint8_t *seed, int *labels, int *n_clusters)
{
    if (n < 0 || dim <= 0 || (n > 0 && (!desc || !labels || !seed)) || !n_clusters)
        return AVA_ERR(EINVAL);
    *n_clusters = 0;
    int ns = 0;
    for (int i = 0; i < n; i++)
        ns += seed[i] != 0;
    float *sd = malloc(sizeof(*sd) * (size_t)(ns ? ns : 1) * dim);
    int *sl = malloc(sizeof(*sl) * (size_t)(ns ? ns : 1));
    int *of = malloc(sizeof(*of) * (size_t)(ns ? ns : 1));
    if (!sd || !sl || !of) {
        free(sd);
        free(sl);
        free(of);
        return AVA_ERR(ENOMEM);
    }
    for (int i = 0, j = 0; i < n; i++)
        if (seed[i]) {
            for (int k = 0; k < dim; k++)
                sd[(size_t)j * dim + k] = desc[(size_t)i * dim + k];
            of[j++] = i;
        }
    int nc = 0;
    int ret = ava_face_cluster(sd, ns, dim, threshold, sl, &nc);
    double *sum = ret >= 0 ? calloc((size_t)(nc ? nc : 1), sizeof(*sum)) : NULL;
    int *cnt = ret >= 0 ? calloc((size_t)(nc ? nc : 1), sizeof(*cnt)) : NULL;
    if (ret >= 0 && (!sum || !cnt))
        ret = AVA_ERR(ENOMEM);
    for (int i = 0; ret >= 0 && i < n; i++)
        labels[i] = -1;
    for (int j = 0; ret >= 0 && j < ns; j++)
        labels[of[j]] = sl[j];
    for (int i = 0; ret >= 0 && i < n; i++) {
        if (seed[i])
            continue;
        for (int c = 0; c < nc; c++)
            sum[c] = cnt[c] = 0;
        for (int j = 0; j < ns; j++) {
            sum[sl[j]] += dist(desc + (size_t)i * dim, sd + (size_t)j * dim, dim);
            cnt[sl[j]]++;
        }
        double best = threshold;
        for (int c = 0; c < nc; c++)
            if (sum[c] / cnt[c] < best) {
                best = sum[c] / cnt[c];
                labels[i] = c;
            }
    }
    if (ret >= 0)
        *n_clusters = nc;
    free(sum);
    free(cnt);
    free(sd);
    free(sl);
    free(of);
    return ret;
}
