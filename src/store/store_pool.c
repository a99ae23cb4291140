/* SPDX-License-Identifier: MIT */
/** @file Pool and diversity tables (see store_pool.h and docs/schema.md). */
#include <math.h>
#include <sqlite3.h>

#include "src/log.h"
#include "src/store/store_pool.h"

static const char schema_pool[] =
    "CREATE TABLE pool(frame INTEGER PRIMARY KEY, shot INTEGER, base_score REAL,"
    " penalty REAL, score REAL, shot_scale TEXT, pick_rank INTEGER, reason TEXT,"
    " similar_to INTEGER, similarity REAL, why TEXT);"
    "CREATE TABLE diversity(selection TEXT PRIMARY KEY, n INTEGER, idx REAL);";

int ava_store_pool_create(AvaStore *st)
{
    if (sqlite3_exec(ava_store_db(st), schema_pool, NULL, NULL, NULL) != SQLITE_OK)
        return ava_store_fail(st, "pool tables");
    return 0;
}

static void bind_real(sqlite3_stmt *s, int i, double v)
{
    if (isfinite(v))
        sqlite3_bind_double(s, i, v);
    else
        sqlite3_bind_null(s, i);
}

static void bind_text(sqlite3_stmt *s, int i, const char *t)
{
    if (t)
        sqlite3_bind_text(s, i, t, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, i);
}

int ava_store_put_pool(AvaStore *st, const AvaPoolRow *r)
{
    sqlite3 *db = ava_store_db(st);
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, "INSERT INTO pool VALUES(?,?,?,?,?,?,?,?,?,?,?)", -1, &s,
                           NULL) != SQLITE_OK)
        return ava_store_fail(st, "insert pool");
    sqlite3_bind_int64(s, 1, r->frame);
    sqlite3_bind_int(s, 2, r->shot);
    bind_real(s, 3, r->base_score);
    bind_real(s, 4, r->penalty);
    bind_real(s, 5, r->score);
    bind_text(s, 6, r->shot_scale);
    if (r->pick_rank > 0)
        sqlite3_bind_int(s, 7, r->pick_rank);
    else
        sqlite3_bind_null(s, 7);
    bind_text(s, 8, r->reason);
    if (r->similar_to >= 0)
        sqlite3_bind_int64(s, 9, r->similar_to);
    else
        sqlite3_bind_null(s, 9);
    bind_real(s, 10, r->similarity);
    bind_text(s, 11, r->why);
    return ava_store_step_done(st, s, "insert pool");
}

int ava_store_put_diversity(AvaStore *st, const char *selection, int n, double idx)
{
    sqlite3 *db = ava_store_db(st);
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, "INSERT INTO diversity VALUES(?,?,?)", -1, &s, NULL) !=
        SQLITE_OK)
        return ava_store_fail(st, "insert diversity");
    sqlite3_bind_text(s, 1, selection, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 2, n);
    bind_real(s, 3, idx);
    return ava_store_step_done(st, s, "insert diversity");
}
