/* SPDX-License-Identifier: MIT */
/**
 * @file
 * The annotation store: the only code that speaks SQL. One database per title
 * (title -> chunks -> shots -> frames, picks), and one shard per chunk with the same
 * frames table. Schema version AVA_SCHEMA_VERSION, kept in meta.
 */
#ifndef AVA_SRC_STORE_STORE_H
#define AVA_SRC_STORE_STORE_H

#include <stdint.h>

#include "src/annotators/annset.h"
#include "src/io/probe.h"

#define AVA_SCHEMA_VERSION 3

typedef struct AvaStore AvaStore;

enum AvaStoreKind { AVA_STORE_TITLE, AVA_STORE_SHARD };

/**
 * Create a new database at @p path (an existing file there is replaced) with a frames table
 * holding the fixed columns plus @p cols. @return 0; AVA_ERR_STORE (logged with the path).
 */
int ava_store_create(AvaStore **st_out, const char *path, int kind, const AvaColumnRef *cols,
                     int n_cols, const AvaLogger *lg);

/** Open an existing title database read-only (for `ava report` and tests). */
int ava_store_open_readonly(AvaStore **st_out, const char *path, const AvaLogger *lg);

/** Commit anything pending and close. NULL-safe. @return 0 or AVA_ERR_STORE. */
int ava_store_close(AvaStore **st);

int ava_store_begin(AvaStore *st);
int ava_store_commit(AvaStore *st);

/** Row of the frames table. @p lookahead marks a frame owned by the next chunk. */
int ava_store_put_frame(AvaStore *st, int64_t frame, int64_t pts, double t_s, int chunk,
                        int key_frame, int lookahead, const AvaValue *row);

int ava_store_put_chunk(AvaStore *st, int id, int64_t first_frame, int64_t n_frames,
                        int64_t start_pts, int64_t end_pts, int64_t decode_errors);

int ava_store_put_title(AvaStore *st, const char *path, const AvaStreamInfo *si,
                        int64_t n_frames, int64_t file_bytes);

int ava_store_put_config(AvaStore *st, const char *key, const char *value);

/**
 * Copy a shard's chunk and frames into this title database. Frames a shard computed as
 * lookahead replace the next shard's own first row (which lacks the previous frame), so
 * call for every shard with @p lookahead_pass 0, then again for every shard with 1.
 */
int ava_store_merge_shard(AvaStore *st, const char *shard_path, int lookahead_pass);

/** What a shard must be to stand for one chunk of one title under one configuration. */
typedef struct AvaShardKey {
    const char *title_key;   ///< ava_file_key() of the video
    const char *config_key;  ///< hash of everything that changes the rows
    int chunk;
    int64_t first_frame;
    int64_t start_pts, end_pts; ///< INT64_MIN / INT64_MAX for open ends
} AvaShardKey;

int ava_store_put_meta(AvaStore *st, const char *key, const char *value);

/**
 * Whether @p path is a complete, intact shard for @p k (integrity check, keys, chunk row,
 * row count). @return 0 yes; AVA_ERR(ENOENT) no file; AVA_ERR_STORE otherwise, with the
 * reason written to @p why. Logs nothing.
 */
int ava_store_check_shard(const char *path, const AvaShardKey *k, char *why, size_t why_size);

/** Number of frames rows. */
int ava_store_count_frames(AvaStore *st, int64_t *n);

/**
 * Read REAL columns of every frame in frame order into out[col * n + i] (NULL -> NAN).
 * @param out receives a malloc'd array the caller frees; *n_out the frame count.
 *        Frame numbers are read into *frames_out (malloc'd) when it is not NULL.
 */
int ava_store_read_columns(AvaStore *st, const char *const *names, int n_names, double **out,
                           int64_t **frames_out, int64_t *n_out);

/**
 * Like ava_store_read_columns() for at most @p max_rows frames numbered >= @p from_frame,
 * into the caller's @p out (out[col * max_rows + i]); *n_out receives the rows read and
 * *next_frame the frame number to continue from. Memory stays bounded by max_rows.
 */
int ava_store_read_columns_block(AvaStore *st, const char *const *names, int n_names,
                                 int64_t from_frame, int64_t max_rows, double *out,
                                 int64_t *n_out, int64_t *next_frame);

/** Copy up to @p cap bytes of BLOB column @p name of @p frame. @return bytes or <0. */
int ava_store_read_blob(AvaStore *st, const char *name, int64_t frame, uint8_t *buf,
                        int cap);

/** pts and t_s of @p frame. @return 0; AVA_ERR(ENOENT); AVA_ERR_STORE. */
int ava_store_frame_time(AvaStore *st, int64_t frame, int64_t *pts, double *t_s);

/** REAL columns @p names of one frame into @p out (NULL -> NAN). */
int ava_store_read_frame_reals(AvaStore *st, int64_t frame, const char *const *names, int n,
                               double *out);

/** TEXT column @p name of @p frame into @p buf (always terminated; "" when NULL). */
int ava_store_read_text(AvaStore *st, const char *name, int64_t frame, char *buf, size_t size);

/** Whether the frames table has column @p name. */
int ava_store_has_column(AvaStore *st, const char *name);

int ava_store_put_shot(AvaStore *st, int id, int64_t first, int64_t last, double start_s,
                       double end_s, const char *start_kind);
/** The camera move of shot @p shot (see src/shots/camera.h). */
int ava_store_set_shot_camera(AvaStore *st, int shot, const char *label, double pan_w_s,
                              double tilt_w_s, double zoom_s, double shake);
/** shots.scale of shot @p shot (a shot-scale name, docs/analyze.md; NULL stores NULL). */
int ava_store_set_shot_scale(AvaStore *st, int shot, const char *scale);
int ava_store_put_transition(AvaStore *st, const char *kind, int64_t first, int64_t last);
/** frames.shot = @p shot for frames first..last (inclusive). */
int ava_store_set_frames_shot(AvaStore *st, int64_t first, int64_t last, int shot);
/** frames.transition = 1 for first..last. */
int ava_store_set_frames_transition(AvaStore *st, int64_t first, int64_t last);
/** frames.score[i] for the @p n frames listed in @p frames (NAN stores NULL). */
int ava_store_set_scores(AvaStore *st, const int64_t *frames, const double *scores, int64_t n);
int ava_store_set_shot_best(AvaStore *st, int shot, int64_t frame, double score);
int ava_store_put_pick(AvaStore *st, int rank, int64_t frame, int shot, double score,
                       const char *timecode, const char *still);

/** The underlying sqlite3 handle, for read-only queries by the report writer. */
struct sqlite3 *ava_store_db(AvaStore *st);

/** The database's path and logger, for messages of the store's other files. */
const char *ava_store_path(const AvaStore *st);
const AvaLogger *ava_store_logger(const AvaStore *st);

/** Log "path: what: SQLite's message (the system's reason)" and return AVA_ERR_STORE. */
int ava_store_fail(AvaStore *st, const char *what);

/** Step @p s once and finalize it; ava_store_fail(@p what) unless it is SQLITE_DONE. */
struct sqlite3_stmt;
int ava_store_step_done(AvaStore *st, struct sqlite3_stmt *s, const char *what);

#endif /* AVA_SRC_STORE_STORE_H */
