/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Driver for a fuzz target without libFuzzer (fuzzing_engine=none): runs every file given
 * (or every file in the folders given) once, so each crasher saved there stays a regression
 * test, then mutates those inputs for -t SECONDS (byte flips, truncation, splices; seed from
 * AVA_TEST_SEED or the clock, printed) and prints the executions done.
 * usage: fuzz_TARGET [-t SECONDS] FILE_OR_DIR...
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "tests/fuzz/fuzz.h"

typedef struct Input {
    uint8_t *data;
    size_t size;
} Input;

static Input inputs[256];
static int n_inputs;

static void load(const char *path)
{
    struct stat sb;
    if (stat(path, &sb) < 0)
        return;
    if (S_ISDIR(sb.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            if (e->d_name[0] == '.')
                continue;
            char child[4096];
            snprintf(child, sizeof(child), "%s/%s", path, e->d_name);
            load(child);
        }
        if (d)
            closedir(d);
        return;
    }
    if (n_inputs == 256 || sb.st_size > (1 << 20))
        return;
    FILE *f = fopen(path, "rb");
    if (!f)
        return;
    Input *in = &inputs[n_inputs];
    in->data = malloc((size_t)sb.st_size + 1);
    in->size = in->data ? fread(in->data, 1, (size_t)sb.st_size, f) : 0;
    fclose(f);
    if (in->data)
        n_inputs++;
}

static uint64_t rng;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

int main(int argc, char **argv)
{
    double seconds = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-t") && i + 1 < argc)
            seconds = atof(argv[++i]);
        else
            load(argv[i]);
    }
    long runs = 0;
    for (int i = 0; i < n_inputs; i++, runs++)
        LLVMFuzzerTestOneInput(inputs[i].data, inputs[i].size);
    const char *seed_env = getenv("AVA_TEST_SEED");
    rng = seed_env ? strtoull(seed_env, NULL, 0) : (uint64_t)time(NULL);
    if (!rng)
        rng = 1;
    printf("replayed %d inputs; mutating for %.0f s with AVA_TEST_SEED=%llu\n", n_inputs,
           seconds, (unsigned long long)rng);
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    uint8_t *buf = malloc(1 << 20);
    while (n_inputs && buf && seconds > 0) {
        clock_gettime(CLOCK_MONOTONIC, &t);
        if (t.tv_sec - t0.tv_sec + (t.tv_nsec - t0.tv_nsec) / 1e9 >= seconds)
            break;
        const Input *a = &inputs[next() % (uint64_t)n_inputs];
        size_t n = a->size;
        memcpy(buf, a->data, n);
        int edits = 1 + (int)(next() % 8);
        for (int e = 0; e < edits && n; e++) {
            switch (next() % 4) {
            case 0: buf[next() % n] ^= (uint8_t)(1u << (next() % 8)); break;
            case 1: buf[next() % n] = (uint8_t)next(); break;
            case 2: n = 1 + next() % n; break;
            default: {
                const Input *b = &inputs[next() % (uint64_t)n_inputs];
                size_t at = next() % n, len = b->size ? next() % b->size : 0;
                if (at + len > (1 << 20))
                    len = (1 << 20) - at;
                memcpy(buf + at, b->data, len);
                if (at + len > n)
                    n = at + len;
            }
            }
        }
        LLVMFuzzerTestOneInput(buf, n);
        runs++;
    }
    free(buf);
    printf("fuzz: %ld executions, 0 crashes\n", runs);
    printf("1 passed, 0 failed\n");
    return 0;
}
