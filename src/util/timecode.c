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

int ava_timecode_drop_rate(double fps)
{
    if (fabs(fps - 30000.0 / 1001) < 0.005)
        return 30;
    if (fabs(fps - 60000.0 / 1001) < 0.005)
        return 60;
    return 0;
}

int ava_timecode_drop_frame(char *buf, size_t size, int64_t frames, int rate)
{
    if (size)
        buf[0] = 0;
    if (rate != 30 && rate != 60)
        return -1;
    if (frames < 0)
        frames = 0;
    /* A minute counts rate * 60 - drop frames, ten minutes one more set of drop labels
     * (17982 frames at 30, 35964 at 60); add back the labels skipped before @p frames. */
    int64_t drop = rate / 15, per_min = rate * 60 - drop, per_10min = per_min * 10 + drop;
    int64_t tens = frames / per_10min, rem = frames % per_10min;
    int64_t label = frames + 9 * drop * tens + (rem > drop ? drop * ((rem - drop) / per_min) : 0);
    snprintf(buf, size, "%02lld:%02lld:%02lld;%02lld", (long long)(label / (rate * 3600LL)),
             (long long)(label / (rate * 60LL) % 60), (long long)(label / rate % 60),
             (long long)(label % rate));
    return 0;
}
