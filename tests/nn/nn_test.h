/* SPDX-License-Identifier: MIT */
/** @file Tiny check helpers shared by the nn tests. */
#ifndef AVA_TESTS_NN_NN_TEST_H
#define AVA_TESTS_NN_NN_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int nn_test_failures, nn_test_checks;

#define CHECK(desc, expr) do {                                                      \
        nn_test_checks++;                                                           \
        if (!(expr)) {                                                              \
            nn_test_failures++;                                                     \
            fprintf(stderr, "FAIL %s:%d: %s (%s)\n", __FILE__, __LINE__, desc, #expr); \
        }                                                                           \
    } while (0)

/** Print the summary; the exit status for main(). */
static inline int nn_test_report(const char *name)
{
    printf("%s: %d checks, %d failed\n", name, nn_test_checks, nn_test_failures);
    return nn_test_failures ? 1 : 0;
}

/** The models folder: argv[1], else $AVA_MODELS_DIR, else "models". NULL if absent. */
static inline const char *nn_test_models_dir(int argc, char **argv)
{
    const char *d = argc > 1 ? argv[1] : getenv("AVA_MODELS_DIR");
    if (!d)
        d = "models";
    struct stat st;
    return stat(d, &st) == 0 && S_ISDIR(st.st_mode) ? d : NULL;
}

#define NN_TEST_SKIP 77

#endif /* AVA_TESTS_NN_NN_TEST_H */
