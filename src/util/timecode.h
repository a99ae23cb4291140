/* SPDX-License-Identifier: MIT */
/** @file Timecodes from a frame's own timestamp (never from its index). */
#ifndef AVA_SRC_UTIL_TIMECODE_H
#define AVA_SRC_UTIL_TIMECODE_H

#include <stddef.h>

/**
 * "HH:MM:SS:FF" for @p t_s seconds, FF counted at the nominal rate rounded up to a whole
 * number (29.97 -> 30), so FF is the frame within its second as an editor labels it.
 * @p sep replaces ':' (e.g. '-' for file names).
 */
void ava_timecode(char *buf, size_t size, double t_s, double fps, char sep);

#endif /* AVA_SRC_UTIL_TIMECODE_H */
