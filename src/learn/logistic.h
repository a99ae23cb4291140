/* SPDX-License-Identifier: MIT */
/**
 * @file
 * L2-regularised logistic regression by full-batch gradient descent (deterministic), and
 * the pairwise ranking accuracy (AUC) used to compare weight sets on held-back choices.
 */
#ifndef AVA_SRC_LEARN_LOGISTIC_H
#define AVA_SRC_LEARN_LOGISTIC_H

#include <stdint.h>

/**
 * Fit w (d values) and *bias on x (n x d, row-major, values in 0..1) and y (0/1) minimising
 * mean log-loss + lambda/2 |w|^2. @p rows lists which rows to use (n_rows of them).
 */
void ava_logistic_fit(const double *x, const uint8_t *y, int d, const int *rows, int n_rows,
                      double lambda, int iterations, double *w, double *bias);

/** x . w + bias for row @p i. */
double ava_logistic_score(const double *x, int d, int i, const double *w, double bias);

/**
 * Fraction of (keep, reject) pairs among @p rows that @p score orders keep first (ties
 * count half): the AUC. NAN when there is no pair.
 */
double ava_pairwise_accuracy(const double *score, const uint8_t *y, const int *rows,
                             int n_rows);

#endif /* AVA_SRC_LEARN_LOGISTIC_H */
