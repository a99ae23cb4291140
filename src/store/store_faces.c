/* SPDX-License-Identifier: MIT */
/** @file Faces, face tracks and characters (see store_faces.h and docs/schema.md). */
#include <sqlite3.h>
#include <stdio.h>

#include "src/log.h"
#include "src/store/store_faces.h"

static const char schema_faces[] =
    "CREATE TABLE faces(id INTEGER PRIMARY KEY, frame INTEGER NOT NULL, x REAL, y REAL,"
    " w REAL, h REAL, score REAL, height_frac REAL, sharpness REAL, edge_cut REAL,"
    " landmarks BLOB, yaw REAL, pitch REAL, roll REAL, eye_open_left REAL,"
    " eye_open_right REAL, mouth_open REAL, expression TEXT, descriptor BLOB, quality REAL,"
    " track INTEGER);"
    "CREATE INDEX faces_frame ON faces(frame);"
    "CREATE TABLE face_tracks(id INTEGER PRIMARY KEY, shot INTEGER, first_frame INTEGER,"
    " last_frame INTEGER, n_faces INTEGER, duration_s REAL, character INTEGER,"
    " best_face INTEGER);"
    "CREATE TABLE characters(id INTEGER PRIMARY KEY, screen_time_s REAL, n_tracks INTEGER,"
    " is_extra INTEGER, best_face INTEGER, best_frame INTEGER);";

int ava_store_faces_create(AvaStore *st)
{
    sqlite3 *db = ava_store_db(st);
    if (sqlite3_exec(db, schema_faces, NULL, NULL, NULL) != SQLITE_OK)
        return ava_store_fail(st, "face tables");
    return 0;
}

int ava_store_put_face(AvaStore *st, int64_t id, int64_t frame, const AvaFace *f,
                       double quality, int64_t track)
{
    sqlite3 *db = ava_store_db(st);
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, "INSERT INTO faces VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
                           "?,?)", -1, &s, NULL) != SQLITE_OK)
        return ava_store_fail(st, "faces");
    char expr[256];
    int len = 0;
    for (int k = 0; k < AVA_FACE_EXPRESSIONS; k++)
        len += snprintf(expr + len, sizeof(expr) - (size_t)len, "%s\"%s\":%.4f", k ? "," : "{",
                        ava_face_expression_label(k), (double)f->expression[k]);
    snprintf(expr + len, sizeof(expr) - (size_t)len, "}");
    const double r[] = { f->x, f->y, f->w, f->h, f->score, f->height_frac, f->sharpness,
                         f->edge_cut };
    int c = 1;
    sqlite3_bind_int64(s, c++, id);
    sqlite3_bind_int64(s, c++, frame);
    for (int k = 0; k < 8; k++)
        sqlite3_bind_double(s, c++, r[k]);
    sqlite3_bind_blob(s, c++, f->landmarks, (int)sizeof(f->landmarks), SQLITE_TRANSIENT);
    const double r2[] = { f->yaw, f->pitch, f->roll, f->eye_open[0], f->eye_open[1],
                          f->mouth_open };
    for (int k = 0; k < 6; k++)
        sqlite3_bind_double(s, c++, r2[k]);
    sqlite3_bind_text(s, c++, expr, -1, SQLITE_TRANSIENT);
    sqlite3_bind_blob(s, c++, f->descriptor, (int)sizeof(f->descriptor), SQLITE_TRANSIENT);
    sqlite3_bind_double(s, c++, quality);
    sqlite3_bind_int64(s, c++, track);
    return ava_store_step_done(st, s, "faces");
}

int ava_store_put_face_track(AvaStore *st, int64_t id, int shot, int64_t first_frame,
                             int64_t last_frame, int n_faces, double duration_s, int character,
                             int64_t best_face)
{
    sqlite3 *db = ava_store_db(st);
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, "INSERT INTO face_tracks VALUES(?,?,?,?,?,?,?,?)", -1, &s,
                           NULL) != SQLITE_OK)
        return ava_store_fail(st, "face_tracks");
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int(s, 2, shot);
    sqlite3_bind_int64(s, 3, first_frame);
    sqlite3_bind_int64(s, 4, last_frame);
    sqlite3_bind_int(s, 5, n_faces);
    sqlite3_bind_double(s, 6, duration_s);
    sqlite3_bind_int(s, 7, character);
    sqlite3_bind_int64(s, 8, best_face);
    return ava_store_step_done(st, s, "face_tracks");
}

int ava_store_put_character(AvaStore *st, int id, double screen_time_s, int n_tracks,
                            int is_extra, int64_t best_face, int64_t best_frame)
{
    sqlite3 *db = ava_store_db(st);
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, "INSERT INTO characters VALUES(?,?,?,?,?,?)", -1, &s, NULL) !=
        SQLITE_OK)
        return ava_store_fail(st, "characters");
    sqlite3_bind_int(s, 1, id);
    sqlite3_bind_double(s, 2, screen_time_s);
    sqlite3_bind_int(s, 3, n_tracks);
    sqlite3_bind_int(s, 4, is_extra);
    sqlite3_bind_int64(s, 5, best_face);
    sqlite3_bind_int64(s, 6, best_frame);
    return ava_store_step_done(st, s, "characters");
}
