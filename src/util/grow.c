/* SPDX-License-Identifier: MIT */
/** @file See grow.h. */
#include <limits.h>
#include <stdlib.h>

#include "src/util/grow.h"

void *ava_grow(void *v, int *cap, int n, size_t elem)
{
    if (n < *cap)
        return v;
    int c2 = *cap ? *cap : 64;
    while (c2 <= n) {
        if (c2 > INT_MAX / 2)
            return NULL;
        c2 *= 2;
    }
    void *p = realloc(v, elem * (size_t)c2);
    if (p)
        *cap = c2;
    return p;
}
