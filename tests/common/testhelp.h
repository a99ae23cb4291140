/* SPDX-License-Identifier: MIT */
/** @file A tiny test framework: CHECK / CHECK_NEAR and a closing "N passed, N failed" line. */
#ifndef AVA_TESTS_COMMON_TESTHELP_H
#define AVA_TESTS_COMMON_TESTHELP_H

#include <math.h>
#include <stdio.h>

static int th_pass, th_fail;

#define CHECK(desc, expr)                                                                  \
    do {                                                                                   \
        if (expr) {                                                                        \
            th_pass++;                                                                     \
        } else {                                                                           \
            th_fail++;                                                                     \
            fprintf(stderr, "%s:%d: FAILED: %s (%s)\n", __FILE__, __LINE__, desc, #expr);  \
        }                                                                                  \
    } while (0)

#define CHECK_NEAR(desc, got, want, tol)                                                   \
    do {                                                                                   \
        double g_ = (got), w_ = (want);                                                    \
        if (fabs(g_ - w_) <= (tol)) {                                                      \
            th_pass++;                                                                     \
        } else {                                                                           \
            th_fail++;                                                                     \
            fprintf(stderr, "%s:%d: FAILED: %s: got %.9g, want %.9g (tol %g)\n", __FILE__, \
                    __LINE__, desc, g_, w_, (double)(tol));                                \
        }                                                                                  \
    } while (0)

/** Print the closing line and return the process exit code. */
static inline int th_report(const char *suite)
{
    printf("%s: %d passed, %d failed\n", suite, th_pass, th_fail);
    return th_fail ? 1 : 0;
}

#endif /* AVA_TESTS_COMMON_TESTHELP_H */
