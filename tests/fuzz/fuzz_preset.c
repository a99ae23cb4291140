/* SPDX-License-Identifier: MIT */
/** @file Fuzz target: preset JSON through the parser and the scoring formula. */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "src/rank/preset.h"
#include "tests/fuzz/fuzz.h"

static void silent(void *cookie, int level, const char *fmt, va_list ap)
{
    (void)cookie, (void)level, (void)fmt, (void)ap;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 20)
        return 0;
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = 0;
    AvaLogger lg = { NULL, silent, AVA_LOG_DEBUG };
    AvaPreset p;
    if (ava_preset_parse(&p, text, "fuzz", &lg) == 0) {
        /* Any preset that parses must score without faults and give finite sums. */
        double values[AVA_PRESET_MAX_FEATURES * 3], score[3];
        for (int i = 0; i < AVA_PRESET_MAX_FEATURES * 3; i++)
            values[i] = i % 7 == 0 ? NAN : (double)(i % 5) - 1.5;
        ava_preset_score(&p, values, 3, score);
        for (int i = 0; i < 3; i++)
            if (!isfinite(score[i]) && p.n > 0) {
                int weights_finite = 1;
                for (int k = 0; k < p.n; k++)
                    weights_finite &= isfinite(p.f[k].weight) && fabs(p.f[k].weight) < 1e300;
                if (weights_finite)
                    abort();
            }
    }
    free(text);
    return 0;
}
