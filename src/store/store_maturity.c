/* SPDX-License-Identifier: MIT */
/** @file Maturity and overlays tables (see store_maturity.h and docs/schema.md). */
#include <sqlite3.h>
#include <stdio.h>

#include "src/log.h"
#include "src/store/store_maturity.h"

static const char schema_maturity[] =
    "CREATE TABLE IF NOT EXISTS maturity(frame INTEGER PRIMARY KEY, nsfw_drawing REAL,"
    " nsfw_hentai REAL, nsfw_neutral REAL, nsfw_porn REAL, nsfw_sexy REAL, text_frac REAL,"
    " caption REAL, overlay REAL, text_boxes TEXT);"
    "CREATE TABLE IF NOT EXISTS overlays(id INTEGER PRIMARY KEY, x REAL, y REAL, w REAL,"
    " h REAL, persistence REAL, n_shots INTEGER);"
    "DELETE FROM overlays;"
    "CREATE TABLE IF NOT EXISTS classifier_scores(frame INTEGER, classifier TEXT, class TEXT,"
    " p REAL, PRIMARY KEY(frame, classifier, class));";

static int fail(sqlite3 *db, const char *what, const AvaLogger *lg)
{
    const char *path = sqlite3_db_filename(db, "main");
    ava_log(lg, AVA_LOG_ERROR, "%s: store: %s: %s", path && *path ? path : "(database)", what,
            sqlite3_errmsg(db));
    return AVA_ERR_STORE;
}

int ava_store_maturity_create(AvaStore *st, const AvaLogger *lg)
{
    sqlite3 *db = ava_store_db(st);
    if (sqlite3_exec(db, schema_maturity, NULL, NULL, NULL) != SQLITE_OK)
        return fail(db, "maturity tables", lg);
    return 0;
}

static int run(sqlite3 *db, sqlite3_stmt *s, const char *what, const AvaLogger *lg)
{
    int rc = sqlite3_step(s);
    int ret = rc == SQLITE_DONE ? 0 : fail(db, what, lg);
    sqlite3_finalize(s);
    return ret;
}

int ava_store_put_maturity(AvaStore *st, int64_t frame, const AvaMaturity *m, int text_measured,
                           const AvaLogger *lg)
{
    sqlite3 *db = ava_store_db(st);
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO maturity VALUES(?,?,?,?,?,?,?,?,?,?)",
                           -1, &s, NULL) != SQLITE_OK)
        return fail(db, "maturity", lg);
    int c = 1;
    sqlite3_bind_int64(s, c++, frame);
    for (int k = 0; k < AVA_NSFW_CLASSES; k++, c++)
        if (m->measured)
            sqlite3_bind_double(s, c, m->nsfw[k]);
        else
            sqlite3_bind_null(s, c);
    /* [[x,y,w,h,score],...]: at most 32 boxes of 5 numbers of <= 7 characters */
    char boxes[AVA_MATURITY_MAX_TEXT * 48 + 4];
    int len = snprintf(boxes, sizeof(boxes), "[");
    for (int k = 0; k < m->n_text && k < AVA_MATURITY_MAX_TEXT; k++) {
        const AvaNormBox *b = &m->text[k];
        len += snprintf(boxes + len, sizeof(boxes) - (size_t)len, "%s[%.4f,%.4f,%.4f,%.4f,%.3f]",
                        k ? "," : "", (double)b->x, (double)b->y, (double)b->w, (double)b->h,
                        (double)b->score);
    }
    snprintf(boxes + len, sizeof(boxes) - (size_t)len, "]");
    if (text_measured) {
        sqlite3_bind_double(s, c++, m->text_frac);
        sqlite3_bind_double(s, c++, m->caption);
    } else {
        sqlite3_bind_null(s, c++);
        sqlite3_bind_null(s, c++);
    }
    sqlite3_bind_double(s, c++, m->overlay);
    if (text_measured)
        sqlite3_bind_text(s, c++, boxes, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, c++);
    return run(db, s, "maturity", lg);
}

int ava_store_put_classes(AvaStore *st, int64_t frame, const AvaClassifierSpec *spec,
                          const float *p, const AvaLogger *lg)
{
    sqlite3 *db = ava_store_db(st);
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO classifier_scores VALUES(?,?,?,?)", -1,
                           &s, NULL) != SQLITE_OK)
        return fail(db, "classifier_scores", lg);
    int ret = 0;
    for (int c = 0; c < spec->n_classes && ret >= 0; c++) {
        sqlite3_reset(s);
        sqlite3_bind_int64(s, 1, frame);
        sqlite3_bind_text(s, 2, spec->name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 3, spec->classes[c], -1, SQLITE_TRANSIENT);
        sqlite3_bind_double(s, 4, p[c]);
        if (sqlite3_step(s) != SQLITE_DONE)
            ret = fail(db, "classifier_scores", lg);
    }
    sqlite3_finalize(s);
    return ret;
}

int ava_store_put_overlay(AvaStore *st, int id, const AvaOverlay *o, const AvaLogger *lg)
{
    sqlite3 *db = ava_store_db(st);
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, "INSERT INTO overlays VALUES(?,?,?,?,?,?,?)", -1, &s, NULL) !=
        SQLITE_OK)
        return fail(db, "overlays", lg);
    sqlite3_bind_int(s, 1, id);
    sqlite3_bind_double(s, 2, o->box.x);
    sqlite3_bind_double(s, 3, o->box.y);
    sqlite3_bind_double(s, 4, o->box.w);
    sqlite3_bind_double(s, 5, o->box.h);
    sqlite3_bind_double(s, 6, o->box.score);
    sqlite3_bind_int(s, 7, o->n_shots);
    return run(db, s, "overlays", lg);
}
