/* SPDX-License-Identifier: MIT */
/** @file HH:MM:SS:FF formatting (see timecode.h). */
#include <math.h>
#include <stdio.h>

#include "src/util/timecode.h"

void ava_timecode(char *buf, size_t size, double t_s, double fps, char sep)
{
    if (!(t_s >= 0))
        t_s = 0;
    int base = (int)ceil(fps - 1e-3);
    if (base < 1)
        base = 1;
    /* A small epsilon keeps 1.0000000001 s from becoming the last frame of second 0. */
    double whole = floor(t_s + 1e-9);
    long long s = (long long)whole;
    int ff = (int)floor((t_s - whole) * base + 1e-6);
    if (ff >= base)
        ff = base - 1;
    if (ff < 0)
        ff = 0;
    snprintf(buf, size, "%02lld%c%02lld%c%02lld%c%02d", s / 3600, sep, (s / 60) % 60, sep,
             s % 60, sep, ff);
}
