/* SPDX-License-Identifier: MIT */
/**
 * @file
 * The container as an editor names it, from what the title table holds: FFmpeg's demuxer
 * name, which is often the list of formats one demuxer reads ("mov,mp4,m4a,3gp,3g2,mj2",
 * "matroska,webm"), and the file's name.
 */
#ifndef AVA_SRC_REPORT_REPORT_CONTAINER_H
#define AVA_SRC_REPORT_REPORT_CONTAINER_H

#include <stddef.h>

/**
 * Writes to @p out the name of the file extension's container ("MP4", "QuickTime (MOV)",
 * "Matroska (MKV)") when @p demuxer reads that kind of file, else the demuxer list's first
 * name; "" when @p demuxer is NULL or empty. Either argument may be NULL.
 */
void ava_report_container_name(char *out, size_t size, const char *file_name, const char *demuxer);

#endif
