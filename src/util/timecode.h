/* SPDX-License-Identifier: MIT */
/** @file Timecodes from a frame's own timestamp (never from its index). */
#ifndef AVA_SRC_UTIL_TIMECODE_H
#define AVA_SRC_UTIL_TIMECODE_H

#include <stddef.h>
#include <stdint.h>

/**
 * "HH:MM:SS:FF" for @p t_s seconds, FF counted at the nominal rate rounded up to a whole
 * number (29.97 -> 30), so FF is the frame within its second as an editor labels it.
 * @p sep replaces ':' (e.g. '-' for file names).
 */
void ava_timecode(char *buf, size_t size, double t_s, double fps, char sep);

/**
 * The drop-frame counting rate for @p fps: 30 for 29.97 (30000/1001), 60 for 59.94
 * (60000/1001), 0 for any other rate (integer rates and 23.976 are counted non-drop).
 */
int ava_timecode_drop_rate(double fps);

/**
 * SMPTE 12M drop-frame "HH:MM:SS;FF" for frame count @p frames (frames since 00:00:00;00)
 * at counting rate @p rate (30 or 60): labels ;00 and ;01 (;00 to ;03 at 60) are skipped at
 * the start of every minute but each tenth, so the label stays within a frame of the clock.
 * Negative counts clamp to zero.
 * @return 0; -1 when @p rate is neither 30 nor 60 (@p buf then holds "").
 */
int ava_timecode_drop_frame(char *buf, size_t size, int64_t frames, int rate);

#endif /* AVA_SRC_UTIL_TIMECODE_H */
