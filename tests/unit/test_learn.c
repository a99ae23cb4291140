/* SPDX-License-Identifier: MIT */
/** @file Logistic regression recovers a known rule; pairwise accuracy on hand-made scores. */
#include <stdlib.h>

#include "src/learn/logistic.h"
#include "tests/common/testhelp.h"

int main(void)
{
    /* Pairwise accuracy by hand: keeps {0.9, 0.4}, rejects {0.5, 0.1}: pairs (0.9,0.5) ok,
     * (0.9,0.1) ok, (0.4,0.5) wrong, (0.4,0.1) ok -> 3/4. */
    double s[4] = { 0.9, 0.4, 0.5, 0.1 };
    uint8_t y[4] = { 1, 1, 0, 0 };
    int rows[4] = { 0, 1, 2, 3 };
    CHECK_NEAR("AUC by hand", ava_pairwise_accuracy(s, y, rows, 4), 0.75, 1e-12);

    /* 400 rows, 3 features uniform in 0..1 from a fixed LCG; the editor keeps a frame when
     * feature 1 exceeds 0.5 and ignores the others. The fit must weight feature 1 most, with
     * a positive sign, and rank held-out rows by the rule almost perfectly. */
    enum { N = 400, D = 3 };
    static double x[N * D];
    static uint8_t lab[N];
    uint64_t r = 12345;
    for (int i = 0; i < N * D; i++) {
        r = r * 6364136223846793005ULL + 1442695040888963407ULL;
        x[i] = (double)(r >> 11) / (double)(1ULL << 53);
    }
    int train[N], test[N], nt = 0, ne = 0;
    for (int i = 0; i < N; i++) {
        lab[i] = x[i * D + 1] > 0.5;
        if (i % 4)
            train[nt++] = i;
        else
            test[ne++] = i;
    }
    double w[D], b;
    ava_logistic_fit(x, lab, D, train, nt, 1e-4, 5000, w, &b);
    CHECK("feature 1 dominates", w[1] > 3 * (w[0] > 0 ? w[0] : -w[0]) &&
                                     w[1] > 3 * (w[2] > 0 ? w[2] : -w[2]));
    CHECK("positive sign", w[1] > 0);
    double sc[N];
    for (int i = 0; i < N; i++)
        sc[i] = ava_logistic_score(x, D, i, w, b);
    CHECK("held-out AUC > 0.98", ava_pairwise_accuracy(sc, lab, test, ne) > 0.98);
    return th_report("learn");
}
