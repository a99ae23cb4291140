/* SPDX-License-Identifier: MIT */
/** @file ava_grow(): room for element n by doubling from 64, contents kept. */
#include <stdlib.h>

#include "src/util/grow.h"
#include "tests/common/testhelp.h"

int main(void)
{
    int cap = 0, *v = NULL;
    v = ava_grow(v, &cap, 0, sizeof(*v));
    CHECK("first room is 64", v && cap == 64);
    for (int i = 0; v && i < 64; i++)
        v[i] = i;
    int *same = ava_grow(v, &cap, 63, sizeof(*v));
    CHECK("element 63 fits: no change", same == v && cap == 64);
    v = ava_grow(v, &cap, 64, sizeof(*v));
    CHECK("element 64 doubles to 128", v && cap == 128);
    int kept = 1;
    for (int i = 0; v && i < 64; i++)
        kept &= v[i] == i;
    CHECK("contents kept", kept);
    v = ava_grow(v, &cap, 300, sizeof(*v));
    CHECK("element 300: doubled until it fits, 512", v && cap == 512);
    int big = (1 << 30) + 1, *none = ava_grow(v, &big, big, sizeof(*v));
    CHECK("a size past INT_MAX refused, capacity unchanged", !none && big == (1 << 30) + 1);
    free(v);
    return th_report("grow");
}
