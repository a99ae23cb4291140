/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Video decoding with FFmpeg: frames in presentation order from any point of the file.
 * With probe.c and source.c the only modules that see AVERROR codes.
 */
#ifndef AVA_SRC_IO_DECODER_H
#define AVA_SRC_IO_DECODER_H

#include <stdint.h>

#include <libavutil/frame.h>

#include "ava/ava.h"
#include "src/io/source.h"

/** Returned by ava_decoder_next() at the end of the stream (flow control, not an error). */
#define AVA_EOF 1

typedef struct AvaDecoder AvaDecoder;

/**
 * Open a decoder reading @p src from its start through a cursor of its own.
 * @param threads decoder threads (1 = none; the pipeline parallelises over chunks).
 * @return 0; AVA_ERR_DECODE; AVA_ERR(ENOMEM). *d_out is set only on success.
 */
int ava_decoder_open(AvaDecoder **d_out, AvaSource *src, int threads, const AvaLogger *lg);

/** Seek to the keyframe at or before @p ts (stream time base) and flush the decoder. */
int ava_decoder_seek(AvaDecoder *d, int64_t ts);

/**
 * Seek to the keyframe with pts @p key_pts that the scan found, @p seek_ts its seek
 * timestamp (its dts when earlier). seek_ts always lands on the keyframe or before, but MOV
 * reads a seek's timestamp as a pts (it subtracts the dts shift), so with B-frames it lands
 * a whole group of pictures early: this seeks to @p key_pts, and when the first frame comes
 * out past the keyframe (or none does), seeks again to @p seek_ts. The frame decoded to
 * check is returned by the next ava_decoder_next().
 * @return as ava_decoder_seek(); AVA_ERR(ENOMEM).
 */
int ava_decoder_seek_key(AvaDecoder *d, int64_t key_pts, int64_t seek_ts);

/**
 * Decode the next frame.
 * @param f   receives a frame borrowed until the next call or ava_decoder_close().
 * @param pts receives its presentation timestamp (best effort; never AV_NOPTS_VALUE).
 * @return 0 a frame; AVA_EOF end of stream; AVA_ERR(ENOMEM). Damaged packets are skipped
 *         with a warning, never returned as errors.
 */
int ava_decoder_next(AvaDecoder *d, const AVFrame **f, int64_t *pts);

/** Packets the decoder rejected so far (damaged input). */
int64_t ava_decoder_errors(const AvaDecoder *d);

/** FFmpeg's own (process-wide) log level: silent unless @p debug; ava reports errors itself. */
void ava_decoder_set_library_logging(int debug);

/** NULL-safe; sets *d to NULL. */
void ava_decoder_close(AvaDecoder **d);

#endif /* AVA_SRC_IO_DECODER_H */
