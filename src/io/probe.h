/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Opening a video file: stream facts (size, SAR, rotation, time base) and a demux-only scan
 * of every video packet, which gives each frame its presentation index before decoding.
 */
#ifndef AVA_SRC_IO_PROBE_H
#define AVA_SRC_IO_PROBE_H

#include <stdint.h>

#include "ava/ava.h"

/** Largest accepted picture: 8192 px a side and 8K UHD's pixel count (7680x4320). */
#define AVA_MAX_SIDE_PX 8192
#define AVA_MAX_PIXELS (7680LL * 4320LL)
/** Smallest accepted picture side. */
#define AVA_MIN_SIDE_PX 16

typedef struct AvaStreamInfo {
    int stream_index;      ///< index of the chosen video stream in the container
    int width, height;     ///< coded size, px
    int sar_num, sar_den;  ///< sample aspect ratio (1:1 when unknown)
    int rotation;          ///< clockwise rotation a player applies: 0, 90, 180, 270
    int display_width;     ///< width as shown: SAR applied, then rotation
    int display_height;
    int tb_num, tb_den;    ///< stream time base
    double fps;            ///< nominal frame rate (for timecode frame numbers only)
    int64_t origin_pts;    ///< time zero of timecodes: the container's start (as a player
                           ///< counts), in stream time base; never after the first frame
    double duration_s;     ///< container duration, seconds (0 if unknown)
    int bit_depth;         ///< bits per component of the decoded format
    char codec[32];        ///< decoder name, e.g. "h264"
    char pix_fmt[32];      ///< e.g. "yuv420p10le"
    char container[64];    ///< demuxer name
    char title[256];       ///< container "title" metadata, untrusted text ("" if none)
    int64_t file_size;     ///< bytes when the probe began (see ava_probe_unchanged())
    int64_t file_mtime_ns; ///< modification time then, ns since the epoch
} AvaStreamInfo;

typedef struct AvaKeyframe {
    int64_t pts;           ///< presentation timestamp
    int64_t seek_ts;       ///< timestamp to seek to (min of pts and dts)
    int64_t index;         ///< presentation index of this frame
} AvaKeyframe;

typedef struct AvaScan {
    int64_t *pts;          ///< presentation timestamps of all frames, sorted, n_frames long
    int64_t n_frames;
    AvaKeyframe *keys;     ///< keyframes in presentation order
    int n_keys;
    int pts_reliable;      ///< 0: some packets carry no pts; frames are numbered in output order
    int seek_reliable;     ///< 0: timestamps may jump (MPEG-PS/TS): decode from the start only
    int64_t packet_bytes;  ///< total video payload, bytes
    int tail_cut;          ///< 1: the file ended inside a group of pictures, left out (frames
                           ///< after the last of pts[] are not frames of the title)
} AvaScan;

/**
 * Open @p path, choose its video stream and fill @p si. Then read every packet once
 * (no decoding) into @p scan.
 * @return 0; AVA_ERR_DECODE unreadable input; AVA_ERR_NOVIDEO no video stream or no frames;
 *         AVA_ERR(EAGAIN) the file changed during the scan (still being written);
 *         AVA_ERR_LIMIT picture size outside the documented limits; AVA_ERR(ENOMEM).
 *         Errors are logged with the file name.
 * @note On success the caller owns @p scan's arrays: free with ava_scan_free().
 */
int ava_probe_file(const char *path, const AvaLogger *lg, AvaStreamInfo *si, AvaScan *scan);

/**
 * Is @p path still the file ava_probe_file() scanned (same size and modification time)? A
 * file still being written (a recording, a copy in progress) is refused rather than
 * analysed in part or with frames from two states of the file.
 * @return 0; AVA_ERR(EAGAIN) it changed (logged with the file name, both sizes and what to
 *         do); AVA_ERR(ENOENT) it is gone.
 */
int ava_probe_unchanged(const char *path, const AvaStreamInfo *si, const AvaLogger *lg);

/**
 * Free @p scan's pts[] and keep the rest (keyframes, counts, flags): pts[] numbers the
 * frames pass 1 decodes and is not needed after it (8 bytes a frame: 0.7 MiB an hour).
 */
void ava_scan_drop_pts(AvaScan *scan);

/** NULL-safe; leaves the struct zeroed. */
void ava_scan_free(AvaScan *scan);

/** Presentation index of @p pts: the number of scanned frames with a smaller timestamp. */
int64_t ava_scan_index_of(const AvaScan *scan, int64_t pts);

/**
 * Open @p path as a plain local file, never through an FFmpeg protocol ("concat:",
 * "pipe:", "http:"...): the "file:" protocol is forced. @p path must name a regular file
 * (FIFOs and devices could block forever). @return 0; AVA_ERR(ENOENT); AVA_ERR_DECODE.
 */
struct AVFormatContext;
int ava_open_input(struct AVFormatContext **fmt, const char *path, const AvaLogger *lg);

/** Clockwise rotation (0/90/180/270) from a 3x3 display matrix; NULL gives 0. */
int ava_rotation_from_matrix(const int32_t *matrix);

#endif /* AVA_SRC_IO_PROBE_H */
