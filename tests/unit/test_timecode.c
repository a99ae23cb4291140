/* SPDX-License-Identifier: MIT */
/** @file Timecodes from timestamps, worked out by hand. */
#include <string.h>

#include "src/util/timecode.h"
#include "tests/common/testhelp.h"

static void check_tc(double t, double fps, char sep, const char *want)
{
    char buf[32];
    ava_timecode(buf, sizeof(buf), t, fps, sep);
    if (strcmp(buf, want))
        fprintf(stderr, "timecode(%g, %g) = %s, want %s\n", t, fps, buf, want);
    CHECK("timecode", !strcmp(buf, want));
}

int main(void)
{
    /* 62.5 s at 24 fps: 00:01:02 and half a second = frame 12. */
    check_tc(62.5, 24, ':', "00:01:02:12");
    /* The example of the issue: frame 1490 at 24 fps is 62.0833 s = 00-01-02-02. */
    check_tc(1490 / 24.0, 24, '-', "00-01-02-02");
    /* 29.97 fps counts 30 frame labels a second: 1001/30000 * 10 = 0.3337 s -> frame 10. */
    check_tc(10 * 1001 / 30000.0, 30000 / 1001.0, ':', "00:00:00:10");
    /* An hour, one minute, one second. */
    check_tc(3661.0, 25, ':', "01:01:01:00");
    /* Negative or NaN times clamp to zero. */
    check_tc(-3.0, 25, ':', "00:00:00:00");
    return th_report("timecode");
}
