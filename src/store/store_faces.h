/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Faces, face tracks and characters of a title database (docs/schema.md). Part of the
 * store: with store.c the only code that speaks SQL.
 */
#ifndef AVA_SRC_STORE_STORE_FACES_H
#define AVA_SRC_STORE_STORE_FACES_H

#include <stdint.h>

#include "ava/faces.h"
#include "src/store/store.h"

/** Create the faces, face_tracks and characters tables (empty). @return 0; AVA_ERR_STORE. */
int ava_store_faces_create(AvaStore *st);

/** One faces row; @p quality is the best-face score of docs/analyze.md. */
int ava_store_put_face(AvaStore *st, int64_t id, int64_t frame, const AvaFace *f,
                       double quality, int64_t track);

int ava_store_put_face_track(AvaStore *st, int64_t id, int shot, int64_t first_frame,
                             int64_t last_frame, int n_faces, double duration_s, int character,
                             int64_t best_face);

int ava_store_put_character(AvaStore *st, int id, double screen_time_s, int n_tracks,
                            int is_extra, int64_t best_face, int64_t best_frame);

#endif /* AVA_SRC_STORE_STORE_FACES_H */
