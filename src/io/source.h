/* SPDX-License-Identifier: MIT */
/**
 * @file
 * The packets of one video stream, for several decoders at once. An MP4/MOV demuxer holds
 * the whole sample index of the file (about 2.7 MiB an hour at 24 fps), so the decoders of
 * a pass share one demuxer: each reads through a cursor that remembers where it stopped,
 * and the demuxer is put back there, under a lock, when another cursor read in between.
 * Other containers keep a small or no index; there each cursor opens its own demuxer.
 * With decoder.c and probe.c the only code that sees AVERROR codes.
 */
#ifndef AVA_SRC_IO_SOURCE_H
#define AVA_SRC_IO_SOURCE_H

#include <stdint.h>

#include "ava/ava.h"

struct AVCodecContext;
struct AVPacket;
struct AVStream;

typedef struct AvaSource AvaSource;
typedef struct AvaCursor AvaCursor;

/**
 * Open stream @p stream_index of @p path for cursors.
 * @param n_frames frames the probe found: a demuxer whose index is shorter (a fragmented
 *        MP4 indexes as it reads) is not shared.
 * @return 0; AVA_ERR_DECODE (logged with the file name); AVA_ERR(ENOMEM).
 */
int ava_source_open(AvaSource **s_out, const char *path, int stream_index, int64_t n_frames,
                    const AvaLogger *lg);

/** The file's path, for messages. */
const char *ava_source_path(const AvaSource *s);

/** 1 when the cursors share one demuxer. */
int ava_source_shared(const AvaSource *s);

/** NULL-safe; sets *s to NULL. Every cursor must be closed first. */
void ava_source_close(AvaSource **s);

/** A read position at the start of the stream. @return 0; AVA_ERR_DECODE; AVA_ERR(ENOMEM). */
int ava_cursor_open(AvaSource *s, AvaCursor **c_out);

/** The stream read (codec id, time base); valid while the cursor is open. */
const struct AVStream *ava_cursor_stream(const AvaCursor *c);

/**
 * Copy the stream's codec parameters into @p dec, under the lock of a shared demuxer (one
 * that another thread may be reading from).
 * @return 0; AVA_ERR(ENOMEM).
 */
int ava_cursor_codec_params(AvaCursor *c, struct AVCodecContext *dec);

/**
 * Move to the keyframe at or before @p ts (stream time base); INT64_MIN: the start.
 * @return 0; AVA_ERR_DECODE when the demuxer cannot seek (logged).
 */
int ava_cursor_seek(AvaCursor *c, int64_t ts);

/**
 * The stream's next packet into @p pkt (the caller unrefs it).
 * @return 0, or an AVERROR code: AVERROR_EOF at the end, others when reading failed.
 */
int ava_cursor_read(AvaCursor *c, struct AVPacket *pkt);

/** NULL-safe; sets *c to NULL. */
void ava_cursor_close(AvaCursor **c);

#endif /* AVA_SRC_IO_SOURCE_H */
