/* SPDX-License-Identifier: MIT */
/**
 * @file Drop-frame timecodes (SMPTE 12M) on values worked out by hand: at 29.97 a minute
 * holds 30 * 60 - 2 = 1798 frames except each tenth (1800), ten minutes 17982.
 */
#include <string.h>

#include "src/util/timecode.h"
#include "tests/common/testhelp.h"

static void check_df(int64_t frames, int rate, const char *want)
{
    char buf[32];
    int ret = ava_timecode_drop_frame(buf, sizeof(buf), frames, rate);
    if (ret < 0 || strcmp(buf, want))
        fprintf(stderr, "drop_frame(%lld, %d) = %s, want %s\n", (long long)frames, rate, buf,
                want);
    CHECK("drop-frame timecode", ret == 0 && !strcmp(buf, want));
}

int main(void)
{
    check_df(0, 30, "00:00:00;00");
    /* The last frame of minute 0, then minute 1 starts at ;02 (;00 and ;01 are dropped). */
    check_df(1799, 30, "00:00:59;29");
    check_df(1800, 30, "00:01:00;02");
    check_df(1801, 30, "00:01:00;03");
    /* Minute 2 starts 1798 frames after minute 1's ;02. */
    check_df(1800 + 1798, 30, "00:02:00;02");
    /* Minute 10 keeps ;00: 9 * 1798 + 1800 = 17982 frames. */
    check_df(17982, 30, "00:10:00;00");
    check_df(17981, 30, "00:09:59;29");
    /* Minute 11: 17982 + 1800 frames, ;02 again. */
    check_df(17982 + 1800, 30, "00:11:00;02");
    /* An hour of 29.97 is 6 * 17982 = 107892 frames. */
    check_df(107892, 30, "01:00:00;00");
    /* 59.94 drops four labels: minute 1 starts at frame 3600 as ;04. */
    check_df(3599, 60, "00:00:59;59");
    check_df(3600, 60, "00:01:00;04");
    check_df(35964, 60, "00:10:00;00");
    check_df(-5, 30, "00:00:00;00");
    char buf[32];
    CHECK("25 fps has no drop-frame count", ava_timecode_drop_frame(buf, sizeof(buf), 10, 25) < 0);
    CHECK("29.97 counts at 30", ava_timecode_drop_rate(30000 / 1001.0) == 30);
    CHECK("59.94 counts at 60", ava_timecode_drop_rate(60000 / 1001.0) == 60);
    CHECK("rounded 29.97 counts at 30", ava_timecode_drop_rate(29.97) == 30);
    CHECK("30, 25, 24 and 23.976 are non-drop", !ava_timecode_drop_rate(30) &&
          !ava_timecode_drop_rate(25) && !ava_timecode_drop_rate(24) &&
          !ava_timecode_drop_rate(24000 / 1001.0));
    return th_report("timecode_df");
}
