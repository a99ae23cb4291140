/* SPDX-License-Identifier: MIT */
/** @file SQLite schema, writes and reads of the annotation store (see store.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "src/log.h"
#include "src/store/store.h"
#include "src/util/text.h"

struct AvaStore {
    sqlite3 *db;
    sqlite3_stmt *put_frame;
    const AvaLogger *lg;
    char *path;
    int n_cols;
    AvaColType *types;     ///< n_cols column types of the frames insert
    int in_txn;
};

/* Fixed part of the schema; the frames table gets the annotators' columns appended. */
static const char schema_fixed[] =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE run_config(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE title(id INTEGER PRIMARY KEY, path TEXT, file_name TEXT, file_bytes INTEGER,"
    " container TEXT, codec TEXT, pix_fmt TEXT, bit_depth INTEGER, width INTEGER,"
    " height INTEGER, sar_num INTEGER, sar_den INTEGER, rotation INTEGER,"
    " display_width INTEGER, display_height INTEGER, tb_num INTEGER, tb_den INTEGER,"
    " fps REAL, duration_s REAL, frame_count INTEGER, metadata_title TEXT);"
    "CREATE TABLE chunks(id INTEGER PRIMARY KEY, first_frame INTEGER, frame_count INTEGER,"
    " start_pts INTEGER, end_pts INTEGER, decode_errors INTEGER);"
    "CREATE TABLE shots(id INTEGER PRIMARY KEY, first_frame INTEGER, last_frame INTEGER,"
    " start_s REAL, end_s REAL, start_kind TEXT, best_frame INTEGER, best_score REAL,"
    " camera TEXT, pan_w_s REAL, tilt_w_s REAL, zoom_s REAL, shake REAL, scale TEXT);"
    "CREATE TABLE transitions(id INTEGER PRIMARY KEY, kind TEXT, first_frame INTEGER,"
    " last_frame INTEGER);"
    "CREATE TABLE picks(rank INTEGER PRIMARY KEY, frame INTEGER, shot INTEGER, score REAL,"
    " timecode TEXT, still TEXT);";

/* The operating system's reason behind a full disk or an I/O error ("" otherwise): SQLite's
 * own text ("database or disk is full") does not say which. */
static const char *os_reason(sqlite3 *db, char *buf, size_t size)
{
    buf[0] = 0;
    if (!db)
        return buf;
    int code = sqlite3_errcode(db) & 0xff, e = sqlite3_system_errno(db);
    if (code == SQLITE_FULL && !e)
        e = ENOSPC;
    if ((code == SQLITE_FULL || code == SQLITE_IOERR || code == SQLITE_CANTOPEN) && e)
        snprintf(buf, size, " (%s)", strerror(e));
    return buf;
}

static int sql_fail(AvaStore *st, const char *what)
{
    char why[96];
    ava_log(st->lg, AVA_LOG_ERROR, "%s: %s: %s%s", st->path, what,
            st->db ? sqlite3_errmsg(st->db) : "out of memory", os_reason(st->db, why, sizeof(why)));
    return AVA_ERR_STORE;
}

static int exec(AvaStore *st, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(st->db, sql, NULL, NULL, &err) != SQLITE_OK) {
        char why[96];
        ava_log(st->lg, AVA_LOG_ERROR, "%s: %s%s", st->path, err ? err : "sqlite error",
                os_reason(st->db, why, sizeof(why)));
        sqlite3_free(err);
        return AVA_ERR_STORE;
    }
    return 0;
}

static const char *sql_type(AvaColType t)
{
    switch (t) {
    case AVA_COL_INT: return "INTEGER";
    case AVA_COL_TEXT: return "TEXT";
    case AVA_COL_BLOB: return "BLOB";
    default: return "REAL";
    }
}

/* A growable string for building SQL from column names (names are [a-z0-9_]+). */
typedef struct Sql {
    char *s;
    size_t len, cap;
    int oom;
} Sql;

static void sql_add(Sql *q, const char *t)
{
    size_t n = strlen(t);
    if (q->oom)
        return;
    if (q->len + n + 1 > q->cap) {
        size_t cap = (q->len + n + 1) * 2;
        char *p = realloc(q->s, cap);
        if (!p) {
            q->oom = 1;
            return;
        }
        q->s = p;
        q->cap = cap;
    }
    memcpy(q->s + q->len, t, n + 1);
    q->len += n;
}

static int open_db(AvaStore **st_out, const char *path, int flags, const AvaLogger *lg)
{
    AvaStore *st = calloc(1, sizeof(*st));
    if (!st || !(st->path = strdup(path))) {
        free(st);
        return AVA_ERR(ENOMEM);
    }
    st->lg = lg;
    if (sqlite3_open_v2(path, &st->db, flags, NULL) != SQLITE_OK) {
        int ret = sql_fail(st, "cannot open database");
        ava_store_close(&st);
        return ret;
    }
    sqlite3_busy_timeout(st->db, 10000);
    /* Every access is in frame order, so a small page cache costs no speed; SQLite's default
     * (2 MiB) fills only on long titles and was a third of the growth of peak memory
     * between a 1- and a 60-minute title (bench/bench_long.sh). */
    if (sqlite3_exec(st->db, "PRAGMA cache_size=-512;", NULL, NULL, NULL) != SQLITE_OK) {
        int ret = sql_fail(st, "cannot set the page cache size");
        ava_store_close(&st);
        return ret;
    }
    *st_out = st;
    return 0;
}

int ava_store_create(AvaStore **st_out, const char *path, int kind, const AvaColumnRef *cols,
                     int n_cols, const AvaLogger *lg)
{
    if (unlink(path) < 0 && errno != ENOENT) {
        ava_log(lg, AVA_LOG_ERROR, "%s: cannot replace: %s", path, strerror(errno));
        return AVA_ERR_STORE;
    }
    AvaStore *st = NULL;
    int ret = open_db(&st, path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, lg);
    if (ret < 0)
        return ret;
    st->n_cols = n_cols;
    st->types = calloc((size_t)n_cols + 1, sizeof(*st->types));
    if (!st->types) {
        ava_store_close(&st);
        return AVA_ERR(ENOMEM);
    }
    for (int i = 0; i < n_cols; i++)
        st->types[i] = cols[i].col->type;
    Sql q = { 0 };
    /* Shards are written once and renamed: no WAL side files to move along. */
    sql_add(&q, kind == AVA_STORE_SHARD ? "PRAGMA journal_mode=DELETE;"
                                        : "PRAGMA journal_mode=WAL;");
    sql_add(&q, schema_fixed);
    sql_add(&q, "CREATE TABLE frames(frame INTEGER PRIMARY KEY, pts INTEGER NOT NULL,"
                " t_s REAL NOT NULL, chunk INTEGER NOT NULL, key_frame INTEGER NOT NULL,"
                " lookahead INTEGER NOT NULL DEFAULT 0");
    for (int i = 0; i < n_cols; i++) {
        sql_add(&q, ", ");
        sql_add(&q, cols[i].col->name);
        sql_add(&q, " ");
        sql_add(&q, sql_type(cols[i].col->type));
    }
    sql_add(&q, ", shot INTEGER, transition INTEGER NOT NULL DEFAULT 0, score REAL);");
    char meta[160];
    snprintf(meta, sizeof(meta),
             "INSERT INTO meta VALUES('schema_version','%d'),('ava_version','%s'),"
             "('kind','%s');",
             AVA_SCHEMA_VERSION, ava_version(), kind == AVA_STORE_SHARD ? "shard" : "title");
    sql_add(&q, meta);
    if (q.oom) {
        free(q.s);
        ava_store_close(&st);
        return AVA_ERR(ENOMEM);
    }
    ret = exec(st, q.s);
    free(q.s);
    if (ret < 0)
        goto fail;

    Sql ins = { 0 };
    sql_add(&ins, "INSERT INTO frames(frame, pts, t_s, chunk, key_frame, lookahead");
    for (int i = 0; i < n_cols; i++) {
        sql_add(&ins, ", ");
        sql_add(&ins, cols[i].col->name);
    }
    sql_add(&ins, ") VALUES(?,?,?,?,?,?");
    for (int i = 0; i < n_cols; i++)
        sql_add(&ins, ",?");
    sql_add(&ins, ")");
    if (ins.oom) {
        ret = AVA_ERR(ENOMEM);
        goto fail;
    }
    if (sqlite3_prepare_v2(st->db, ins.s, -1, &st->put_frame, NULL) != SQLITE_OK) {
        free(ins.s);
        ret = sql_fail(st, "prepare frames insert");
        goto fail;
    }
    free(ins.s);
    *st_out = st;
    return 0;
fail:
    ava_store_close(&st);
    return ret;
}

int ava_store_open_readonly(AvaStore **st_out, const char *path, const AvaLogger *lg)
{
    AvaStore *st = NULL;
    int ret = open_db(&st, path, SQLITE_OPEN_READONLY, lg);
    if (ret < 0)
        return ret;
    sqlite3_stmt *s = NULL;
    int version = -1;
    if (sqlite3_prepare_v2(st->db, "SELECT value FROM meta WHERE key='schema_version'", -1, &s,
                           NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
        version = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    if (version != AVA_SCHEMA_VERSION) {
        ava_log(lg, AVA_LOG_ERROR, "%s: not an ava database of schema version %d", path,
                AVA_SCHEMA_VERSION);
        ava_store_close(&st);
        return AVA_ERR_STORE;
    }
    *st_out = st;
    return 0;
}

int ava_store_close(AvaStore **st_out)
{
    AvaStore *st = st_out ? *st_out : NULL;
    int ret = 0;
    if (!st)
        return 0;
    if (st->in_txn)
        ret = ava_store_commit(st);
    sqlite3_finalize(st->put_frame);
    if (st->db && sqlite3_close(st->db) != SQLITE_OK) {
        char why[96];
        ava_log(st->lg, AVA_LOG_ERROR, "%s: close: %s%s", st->path, sqlite3_errmsg(st->db),
                os_reason(st->db, why, sizeof(why)));
        ret = AVA_ERR_STORE;
    }
    free(st->types);
    free(st->path);
    free(st);
    *st_out = NULL;
    return ret;
}

int ava_store_begin(AvaStore *st)
{
    int ret = exec(st, "BEGIN IMMEDIATE");
    if (ret == 0)
        st->in_txn = 1;
    return ret;
}

int ava_store_commit(AvaStore *st)
{
    st->in_txn = 0;
    return exec(st, "COMMIT");
}

int ava_store_put_frame(AvaStore *st, int64_t frame, int64_t pts, double t_s, int chunk,
                        int key_frame, int lookahead, const AvaValue *row)
{
    sqlite3_stmt *s = st->put_frame;
    sqlite3_reset(s);
    sqlite3_bind_int64(s, 1, frame);
    sqlite3_bind_int64(s, 2, pts);
    sqlite3_bind_double(s, 3, t_s);
    sqlite3_bind_int(s, 4, chunk);
    sqlite3_bind_int(s, 5, key_frame);
    sqlite3_bind_int(s, 6, lookahead);
    for (int i = 0; i < st->n_cols; i++) {
        const AvaValue *v = &row[i];
        int k = 7 + i;
        if (!v->set)
            sqlite3_bind_null(s, k);
        else if (st->types[i] == AVA_COL_TEXT)
            sqlite3_bind_text(s, k, (const char *)v->data, (int)v->len, SQLITE_TRANSIENT);
        else if (st->types[i] == AVA_COL_BLOB)
            sqlite3_bind_blob(s, k, v->data, (int)v->len, SQLITE_TRANSIENT);
        else if (st->types[i] == AVA_COL_INT)
            sqlite3_bind_int64(s, k, v->i);
        else if (isnan(v->real))
            sqlite3_bind_null(s, k);
        else
            sqlite3_bind_double(s, k, v->real);
    }
    if (sqlite3_step(s) != SQLITE_DONE)
        return sql_fail(st, "insert frame");
    return 0;
}

static int step_done(AvaStore *st, sqlite3_stmt *s, const char *what)
{
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE)
        return sql_fail(st, what);
    return 0;
}

int ava_store_fail(AvaStore *st, const char *what)
{
    return sql_fail(st, what);
}

int ava_store_step_done(AvaStore *st, sqlite3_stmt *s, const char *what)
{
    return step_done(st, s, what);
}

static int prepare(AvaStore *st, const char *sql, sqlite3_stmt **s)
{
    if (sqlite3_prepare_v2(st->db, sql, -1, s, NULL) != SQLITE_OK)
        return sql_fail(st, "prepare");
    return 0;
}

int ava_store_put_chunk(AvaStore *st, int id, int64_t first_frame, int64_t n_frames,
                        int64_t start_pts, int64_t end_pts, int64_t decode_errors)
{
    sqlite3_stmt *s;
    if (prepare(st, "INSERT INTO chunks VALUES(?,?,?,?,?,?)", &s) < 0)
        return AVA_ERR_STORE;
    sqlite3_bind_int(s, 1, id);
    sqlite3_bind_int64(s, 2, first_frame);
    sqlite3_bind_int64(s, 3, n_frames);
    /* Open ends (the first and last chunk) are stored as NULL. */
    if (start_pts == INT64_MIN)
        sqlite3_bind_null(s, 4);
    else
        sqlite3_bind_int64(s, 4, start_pts);
    if (end_pts == INT64_MAX)
        sqlite3_bind_null(s, 5);
    else
        sqlite3_bind_int64(s, 5, end_pts);
    sqlite3_bind_int64(s, 6, decode_errors);
    return step_done(st, s, "insert chunk");
}

int ava_store_put_title(AvaStore *st, const char *path, const AvaStreamInfo *si,
                        int64_t n_frames, int64_t file_bytes)
{
    sqlite3_stmt *s;
    if (prepare(st, "INSERT INTO title VALUES(1,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", &s) <
        0)
        return AVA_ERR_STORE;
    char safe[4096];
    ava_text_sanitize(safe, sizeof(safe), path);
    const char *base = strrchr(safe, '/');
    int k = 1;
    sqlite3_bind_text(s, k++, safe, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, k++, base ? base + 1 : safe, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, k++, file_bytes);
    sqlite3_bind_text(s, k++, si->container, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, k++, si->codec, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, k++, si->pix_fmt, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, k++, si->bit_depth);
    sqlite3_bind_int(s, k++, si->width);
    sqlite3_bind_int(s, k++, si->height);
    sqlite3_bind_int(s, k++, si->sar_num);
    sqlite3_bind_int(s, k++, si->sar_den);
    sqlite3_bind_int(s, k++, si->rotation);
    sqlite3_bind_int(s, k++, si->display_width);
    sqlite3_bind_int(s, k++, si->display_height);
    sqlite3_bind_int(s, k++, si->tb_num);
    sqlite3_bind_int(s, k++, si->tb_den);
    sqlite3_bind_double(s, k++, si->fps);
    sqlite3_bind_double(s, k++, si->duration_s);
    sqlite3_bind_int64(s, k++, n_frames);
    sqlite3_bind_text(s, k++, si->title, -1, SQLITE_TRANSIENT);
    return step_done(st, s, "insert title");
}

int ava_store_put_config(AvaStore *st, const char *key, const char *value)
{
    sqlite3_stmt *s;
    if (prepare(st, "INSERT OR REPLACE INTO run_config VALUES(?,?)", &s) < 0)
        return AVA_ERR_STORE;
    sqlite3_bind_text(s, 1, key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, value, -1, SQLITE_TRANSIENT);
    return step_done(st, s, "insert run_config");
}

int ava_store_put_meta(AvaStore *st, const char *key, const char *value)
{
    sqlite3_stmt *s;
    if (prepare(st, "INSERT OR REPLACE INTO meta VALUES(?,?)", &s) < 0)
        return AVA_ERR_STORE;
    sqlite3_bind_text(s, 1, key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, value, -1, SQLITE_TRANSIENT);
    return step_done(st, s, "insert meta");
}

static int shard_text(sqlite3 *db, const char *sql, char *out, size_t size)
{
    sqlite3_stmt *s;
    out[0] = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        return -1;
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW && sqlite3_column_text(s, 0))
        snprintf(out, size, "%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    return rc == SQLITE_ROW ? 0 : -1;
}

int ava_store_check_shard(const char *path, const AvaShardKey *k, char *why, size_t why_size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(why, why_size, "missing");
        return AVA_ERR(ENOENT);
    }
    fclose(f);
    sqlite3 *db = NULL;
    int ret = AVA_ERR_STORE;
    char v[256], want[64];
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        snprintf(why, why_size, "not a database");
        goto done;
    }
    if (shard_text(db, "PRAGMA quick_check", v, sizeof(v)) < 0 || strcmp(v, "ok")) {
        snprintf(why, why_size, "damaged (integrity check: %s)", v[0] ? v : "failed");
        goto done;
    }
    if (shard_text(db, "SELECT value FROM meta WHERE key='kind'", v, sizeof(v)) < 0 ||
        strcmp(v, "shard")) {
        snprintf(why, why_size, "not an ava shard");
        goto done;
    }
    if (shard_text(db, "SELECT value FROM meta WHERE key='schema_version'", v, sizeof(v)) < 0 ||
        atoi(v) != AVA_SCHEMA_VERSION) {
        snprintf(why, why_size, "schema version %s, not %d", v, AVA_SCHEMA_VERSION);
        goto done;
    }
    if (shard_text(db, "SELECT value FROM meta WHERE key='title_key'", v, sizeof(v)) < 0 ||
        strcmp(v, k->title_key)) {
        snprintf(why, why_size, "made from another video (title key %.12s, want %.12s)", v,
                 k->title_key);
        goto done;
    }
    if (shard_text(db, "SELECT value FROM meta WHERE key='config_key'", v, sizeof(v)) < 0 ||
        strcmp(v, k->config_key)) {
        snprintf(why, why_size, "made with another configuration or ava version");
        goto done;
    }
    char sql[256];
    snprintf(sql, sizeof(sql),
             "SELECT first_frame || ' ' || ifnull(start_pts, 'open') || ' ' || "
             "ifnull(end_pts, 'open') FROM chunks WHERE id=%d", k->chunk);
    char s0[24], s1[24];
    if (k->start_pts == INT64_MIN)
        snprintf(s0, sizeof(s0), "open");
    else
        snprintf(s0, sizeof(s0), "%lld", (long long)k->start_pts);
    if (k->end_pts == INT64_MAX)
        snprintf(s1, sizeof(s1), "open");
    else
        snprintf(s1, sizeof(s1), "%lld", (long long)k->end_pts);
    snprintf(want, sizeof(want), "%lld %s %s", (long long)k->first_frame, s0, s1);
    if (shard_text(db, sql, v, sizeof(v)) < 0 || strcmp(v, want)) {
        snprintf(why, why_size, "holds another chunk (%s, want %s)", v, want);
        goto done;
    }
    snprintf(sql, sizeof(sql),
             "SELECT (SELECT count(*) FROM frames WHERE lookahead=0) = frame_count "
             "FROM chunks WHERE id=%d", k->chunk);
    if (shard_text(db, sql, v, sizeof(v)) < 0 || strcmp(v, "1")) {
        snprintf(why, why_size, "incomplete (row count differs from its chunk record)");
        goto done;
    }
    ret = 0;
done:
    sqlite3_close(db);
    return ret;
}

int ava_store_merge_shard(AvaStore *st, const char *shard_path, int lookahead_pass)
{
    sqlite3_stmt *s;
    if (prepare(st, "ATTACH DATABASE ? AS shard", &s) < 0)
        return AVA_ERR_STORE;
    sqlite3_bind_text(s, 1, shard_path, -1, SQLITE_TRANSIENT);
    int ret = step_done(st, s, "attach shard");
    if (ret < 0)
        return ret;
    /* One transaction per shard; ATTACH and DETACH must stay outside it. */
    if (!lookahead_pass)
        ret = exec(st, "BEGIN IMMEDIATE;"
                       "INSERT INTO main.chunks SELECT * FROM shard.chunks;"
                       "INSERT INTO main.frames SELECT * FROM shard.frames WHERE lookahead=0;"
                       "COMMIT;");
    else
        ret = exec(st, "BEGIN IMMEDIATE;"
                       "INSERT OR REPLACE INTO main.frames SELECT * FROM shard.frames"
                       " WHERE lookahead=1 AND frame IN (SELECT frame FROM main.frames);"
                       "UPDATE main.frames SET lookahead=0 WHERE lookahead=1;"
                       "COMMIT;");
    if (ret < 0)
        exec(st, "ROLLBACK");
    int ret2 = exec(st, "DETACH DATABASE shard");
    return ret < 0 ? ret : ret2;
}

int ava_store_count_frames(AvaStore *st, int64_t *n)
{
    sqlite3_stmt *s;
    if (prepare(st, "SELECT count(*) FROM frames", &s) < 0)
        return AVA_ERR_STORE;
    int rc = sqlite3_step(s);
    *n = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_finalize(s);
    return rc == SQLITE_ROW ? 0 : sql_fail(st, "count frames");
}

int ava_store_has_column(AvaStore *st, const char *name)
{
    sqlite3_stmt *s;
    int found = 0;
    if (prepare(st, "SELECT 1 FROM pragma_table_info('frames') WHERE name=?", &s) < 0)
        return 0;
    sqlite3_bind_text(s, 1, name, -1, SQLITE_TRANSIENT);
    found = sqlite3_step(s) == SQLITE_ROW;
    sqlite3_finalize(s);
    return found;
}

int ava_store_read_columns(AvaStore *st, const char *const *names, int n_names, double **out,
                           int64_t **frames_out, int64_t *n_out)
{
    int64_t n = 0;
    int ret = ava_store_count_frames(st, &n);
    if (ret < 0)
        return ret;
    for (int c = 0; c < n_names; c++) {
        if (!ava_store_has_column(st, names[c])) {
            ava_log(st->lg, AVA_LOG_ERROR, "%s: the frames table has no column '%s'", st->path,
                    names[c]);
            return AVA_ERR_CONFIG;
        }
    }
    Sql q = { 0 };
    sql_add(&q, "SELECT frame");
    for (int c = 0; c < n_names; c++) {
        sql_add(&q, ", ");
        sql_add(&q, names[c]);
    }
    sql_add(&q, " FROM frames ORDER BY frame");
    double *v = malloc(((size_t)n * n_names + 1) * sizeof(double));
    int64_t *fr = frames_out ? malloc(((size_t)n + 1) * sizeof(int64_t)) : NULL;
    sqlite3_stmt *s = NULL;
    ret = AVA_ERR(ENOMEM);
    if (q.oom || !v || (frames_out && !fr))
        goto fail;
    ret = prepare(st, q.s, &s);
    if (ret < 0)
        goto fail;
    int64_t i = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && i < n) {
        if (fr)
            fr[i] = sqlite3_column_int64(s, 0);
        for (int c = 0; c < n_names; c++)
            v[(size_t)c * n + i] = sqlite3_column_type(s, 1 + c) == SQLITE_NULL
                                       ? NAN
                                       : sqlite3_column_double(s, 1 + c);
        i++;
    }
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        ret = sql_fail(st, "read frames");
        goto fail;
    }
    sqlite3_finalize(s);
    free(q.s);
    *out = v;
    if (frames_out)
        *frames_out = fr;
    *n_out = i;
    return 0;
fail:
    sqlite3_finalize(s);
    free(q.s);
    free(v);
    free(fr);
    return ret;
}

int ava_store_read_columns_block(AvaStore *st, const char *const *names, int n_names,
                                 int64_t from_frame, int64_t max_rows, double *out,
                                 int64_t *n_out, int64_t *next_frame)
{
    Sql q = { 0 };
    sql_add(&q, "SELECT frame");
    for (int c = 0; c < n_names; c++) {
        sql_add(&q, ", ");
        sql_add(&q, names[c]);
    }
    sql_add(&q, " FROM frames WHERE frame >= ? ORDER BY frame LIMIT ?");
    sqlite3_stmt *s = NULL;
    int ret = q.oom ? AVA_ERR(ENOMEM) : prepare(st, q.s, &s);
    free(q.s);
    if (ret < 0)
        return ret;
    sqlite3_bind_int64(s, 1, from_frame);
    sqlite3_bind_int64(s, 2, max_rows);
    int64_t i = 0, last = from_frame - 1;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        last = sqlite3_column_int64(s, 0);
        for (int c = 0; c < n_names; c++)
            out[(size_t)c * max_rows + i] = sqlite3_column_type(s, 1 + c) == SQLITE_NULL
                                                ? NAN
                                                : sqlite3_column_double(s, 1 + c);
        i++;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE)
        return sql_fail(st, "read frames");
    *n_out = i;
    *next_frame = last + 1;
    return 0;
}

int ava_store_read_blob(AvaStore *st, const char *name, int64_t frame, uint8_t *buf, int cap)
{
    char sql[128];
    snprintf(sql, sizeof(sql), "SELECT %s FROM frames WHERE frame=?", name);
    sqlite3_stmt *s;
    if (prepare(st, sql, &s) < 0)
        return AVA_ERR_STORE;
    sqlite3_bind_int64(s, 1, frame);
    int n = AVA_ERR(ENOENT);
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) == SQLITE_BLOB) {
        n = sqlite3_column_bytes(s, 0);
        if (n > cap)
            n = cap;
        memcpy(buf, sqlite3_column_blob(s, 0), (size_t)n);
    }
    sqlite3_finalize(s);
    return n;
}

int ava_store_frame_time(AvaStore *st, int64_t frame, int64_t *pts, double *t_s)
{
    sqlite3_stmt *s;
    if (prepare(st, "SELECT pts, t_s FROM frames WHERE frame=?", &s) < 0)
        return AVA_ERR_STORE;
    sqlite3_bind_int64(s, 1, frame);
    int rc = sqlite3_step(s), ret = AVA_ERR(ENOENT);
    if (rc == SQLITE_ROW) {
        *pts = sqlite3_column_int64(s, 0);
        *t_s = sqlite3_column_double(s, 1);
        ret = 0;
    } else if (rc != SQLITE_DONE) {
        ret = sql_fail(st, "read frame time");
    }
    sqlite3_finalize(s);
    return ret;
}

int ava_store_read_frame_reals(AvaStore *st, int64_t frame, const char *const *names, int n,
                               double *out)
{
    Sql q = { 0 };
    sql_add(&q, "SELECT 0");
    for (int i = 0; i < n; i++) {
        sql_add(&q, ", ");
        sql_add(&q, names[i]);
    }
    sql_add(&q, " FROM frames WHERE frame=?");
    if (q.oom) {
        free(q.s);
        return AVA_ERR(ENOMEM);
    }
    sqlite3_stmt *s;
    int ret = prepare(st, q.s, &s);
    free(q.s);
    if (ret < 0)
        return ret;
    sqlite3_bind_int64(s, 1, frame);
    ret = AVA_ERR(ENOENT);
    if (sqlite3_step(s) == SQLITE_ROW) {
        for (int i = 0; i < n; i++)
            out[i] = sqlite3_column_type(s, 1 + i) == SQLITE_NULL
                         ? NAN
                         : sqlite3_column_double(s, 1 + i);
        ret = 0;
    }
    sqlite3_finalize(s);
    return ret;
}

int ava_store_read_text(AvaStore *st, const char *name, int64_t frame, char *buf, size_t size)
{
    char sql[128];
    snprintf(sql, sizeof(sql), "SELECT %s FROM frames WHERE frame=?", name);
    sqlite3_stmt *s;
    buf[0] = 0;
    if (prepare(st, sql, &s) < 0)
        return AVA_ERR_STORE;
    sqlite3_bind_int64(s, 1, frame);
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) == SQLITE_TEXT)
        snprintf(buf, size, "%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    return 0;
}

int ava_store_put_shot(AvaStore *st, int id, int64_t first, int64_t last, double start_s,
                       double end_s, const char *start_kind)
{
    sqlite3_stmt *s;
    if (prepare(st, "INSERT INTO shots(id, first_frame, last_frame, start_s, end_s, start_kind)"
                    " VALUES(?,?,?,?,?,?)",
                &s) < 0)
        return AVA_ERR_STORE;
    sqlite3_bind_int(s, 1, id);
    sqlite3_bind_int64(s, 2, first);
    sqlite3_bind_int64(s, 3, last);
    sqlite3_bind_double(s, 4, start_s);
    sqlite3_bind_double(s, 5, end_s);
    sqlite3_bind_text(s, 6, start_kind, -1, SQLITE_TRANSIENT);
    return step_done(st, s, "insert shot");
}

int ava_store_set_shot_camera(AvaStore *st, int shot, const char *label, double pan_w_s,
                              double tilt_w_s, double zoom_s, double shake)
{
    sqlite3_stmt *s;
    if (prepare(st, "UPDATE shots SET camera=?, pan_w_s=?, tilt_w_s=?, zoom_s=?, shake=?"
                    " WHERE id=?", &s) < 0)
        return AVA_ERR_STORE;
    sqlite3_bind_text(s, 1, label, -1, SQLITE_TRANSIENT);
    sqlite3_bind_double(s, 2, pan_w_s);
    sqlite3_bind_double(s, 3, tilt_w_s);
    sqlite3_bind_double(s, 4, zoom_s);
    sqlite3_bind_double(s, 5, shake);
    sqlite3_bind_int(s, 6, shot);
    return step_done(st, s, "update shot camera");
}

int ava_store_set_shot_scale(AvaStore *st, int shot, const char *scale)
{
    sqlite3_stmt *s;
    if (prepare(st, "UPDATE shots SET scale=? WHERE id=?", &s) < 0)
        return AVA_ERR_STORE;
    if (scale)
        sqlite3_bind_text(s, 1, scale, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, 1);
    sqlite3_bind_int(s, 2, shot);
    return step_done(st, s, "update shot scale");
}

int ava_store_put_transition(AvaStore *st, const char *kind, int64_t first, int64_t last)
{
    sqlite3_stmt *s;
    if (prepare(st, "INSERT INTO transitions(kind, first_frame, last_frame) VALUES(?,?,?)",
                &s) < 0)
        return AVA_ERR_STORE;
    sqlite3_bind_text(s, 1, kind, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 2, first);
    sqlite3_bind_int64(s, 3, last);
    return step_done(st, s, "insert transition");
}

static int set_range(AvaStore *st, const char *sql, int64_t first, int64_t last, int value)
{
    sqlite3_stmt *s;
    if (prepare(st, sql, &s) < 0)
        return AVA_ERR_STORE;
    sqlite3_bind_int(s, 1, value);
    sqlite3_bind_int64(s, 2, first);
    sqlite3_bind_int64(s, 3, last);
    return step_done(st, s, "update frames");
}

int ava_store_set_frames_shot(AvaStore *st, int64_t first, int64_t last, int shot)
{
    return set_range(st, "UPDATE frames SET shot=? WHERE frame BETWEEN ? AND ?", first, last,
                     shot);
}

int ava_store_set_frames_transition(AvaStore *st, int64_t first, int64_t last)
{
    return set_range(st, "UPDATE frames SET transition=? WHERE frame BETWEEN ? AND ?", first,
                     last, 1);
}

int ava_store_set_scores(AvaStore *st, const int64_t *frames, const double *scores, int64_t n)
{
    sqlite3_stmt *s;
    if (prepare(st, "UPDATE frames SET score=? WHERE frame=?", &s) < 0)
        return AVA_ERR_STORE;
    for (int64_t i = 0; i < n; i++) {
        sqlite3_reset(s);
        if (isnan(scores[i]))
            sqlite3_bind_null(s, 1);
        else
            sqlite3_bind_double(s, 1, scores[i]);
        sqlite3_bind_int64(s, 2, frames[i]);
        if (sqlite3_step(s) != SQLITE_DONE) {
            sqlite3_finalize(s);
            return sql_fail(st, "update score");
        }
    }
    sqlite3_finalize(s);
    return 0;
}

int ava_store_set_shot_best(AvaStore *st, int shot, int64_t frame, double score)
{
    sqlite3_stmt *s;
    if (prepare(st, "UPDATE shots SET best_frame=?, best_score=? WHERE id=?", &s) < 0)
        return AVA_ERR_STORE;
    sqlite3_bind_int64(s, 1, frame);
    sqlite3_bind_double(s, 2, score);
    sqlite3_bind_int(s, 3, shot);
    return step_done(st, s, "update shot");
}

int ava_store_put_pick(AvaStore *st, int rank, int64_t frame, int shot, double score,
                       const char *timecode, const char *still)
{
    sqlite3_stmt *s;
    if (prepare(st, "INSERT INTO picks VALUES(?,?,?,?,?,?)", &s) < 0)
        return AVA_ERR_STORE;
    sqlite3_bind_int(s, 1, rank);
    sqlite3_bind_int64(s, 2, frame);
    sqlite3_bind_int(s, 3, shot);
    sqlite3_bind_double(s, 4, score);
    sqlite3_bind_text(s, 5, timecode, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 6, still, -1, SQLITE_TRANSIENT);
    return step_done(st, s, "insert pick");
}

sqlite3 *ava_store_db(AvaStore *st)
{
    return st->db;
}

const char *ava_store_path(const AvaStore *st)
{
    return st->path;
}

const AvaLogger *ava_store_logger(const AvaStore *st)
{
    return st->lg;
}
