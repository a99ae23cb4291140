/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Identity clustering: agglomerative, average linkage (UPGMA), on Euclidean distance between
 * L2-normalised descriptors. O(n^2) memory and O(n^3) time in the worst case: meant for the
 * faces of a few images or the tracks of a title (a few thousand), not every face of a video.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "ava/faces.h"

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
