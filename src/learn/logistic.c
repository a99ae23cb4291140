/* SPDX-License-Identifier: MIT */
/** @file Logistic regression and pairwise accuracy (see logistic.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "src/learn/logistic.h"

double ava_logistic_score(const double *x, int d, int i, const double *w, double bias)
{
    double s = bias;
    for (int k = 0; k < d; k++)
        s += x[(size_t)i * d + k] * w[k];
    return s;
}

void ava_logistic_fit(const double *x, const uint8_t *y, int d, const int *rows, int n_rows,
                      double lambda, int iterations, double *w, double *bias)
{
    memset(w, 0, (size_t)d * sizeof(*w));
    *bias = 0;
    if (n_rows <= 0)
        return;
    double *g = calloc((size_t)d, sizeof(*g));
    if (!g)
        return;
    /* Features lie in 0..1, so the log-loss gradient is Lipschitz with L <= (d + 1) / 4:
     * step 1/L converges without a line search. */
    double step = 4.0 / (d + 1 + 4 * lambda);
    for (int it = 0; it < iterations; it++) {
        memset(g, 0, (size_t)d * sizeof(*g));
        double gb = 0;
        for (int r = 0; r < n_rows; r++) {
            int i = rows[r];
            double z = ava_logistic_score(x, d, i, w, *bias);
            double p = 1.0 / (1.0 + exp(-z));
            double e = p - y[i];
            for (int k = 0; k < d; k++)
                g[k] += e * x[(size_t)i * d + k];
            gb += e;
        }
        for (int k = 0; k < d; k++)
            w[k] -= step * (g[k] / n_rows + lambda * w[k]);
        *bias -= step * gb / n_rows;
    }
    free(g);
}

double ava_pairwise_accuracy(const double *score, const uint8_t *y, const int *rows,
                             int n_rows)
{
    double good = 0;
    long pairs = 0;
    for (int a = 0; a < n_rows; a++) {
        if (!y[rows[a]])
            continue;
        for (int b = 0; b < n_rows; b++) {
            if (y[rows[b]])
                continue;
            double sa = score[rows[a]], sb = score[rows[b]];
            good += sa > sb ? 1.0 : sa == sb ? 0.5 : 0.0;
            pairs++;
        }
    }
    return pairs ? good / pairs : NAN;
}
