/* SPDX-License-Identifier: MIT */
/** @file The report's characters section (see report_faces.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/report/report_faces.h"

typedef struct Out {
    char *s;
    size_t len, cap;
    int oom;
} Out;

static void put(Out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || o->oom)
        return;
    if (o->len + (size_t)n + 1 > o->cap) {
        size_t cap = (o->cap ? o->cap * 2 : 4096) + (size_t)n;
        char *s = realloc(o->s, cap);
        if (!s) {
            o->oom = 1;
            return;
        }
        o->s = s;
        o->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(o->s + o->len, o->cap - o->len, fmt, ap);
    va_end(ap);
    o->len += (size_t)n;
}

/* Still paths are ours (stills/TIMECODE_fNNNNNN.ext); anything else is left out. */
static int safe_path(const char *p)
{
    if (!p || strncmp(p, "stills/", 7))
        return 0;
    for (; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              strchr("/_-.", *p)))
            return 0;
    return 1;
}

char *ava_report_faces_section(sqlite3 *db)
{
    Out o = { 0 };
    put(&o, "%s", "");
    sqlite3_stmt *c = NULL, *p = NULL;
    if (sqlite3_prepare_v2(db, "SELECT id, screen_time_s, n_tracks FROM characters WHERE NOT "
                           "is_extra ORDER BY id", -1, &c, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT DISTINCT p.rank, p.still, p.timecode FROM picks p JOIN "
                           "faces f ON f.frame = p.frame JOIN face_tracks t ON t.id = f.track "
                           "WHERE t.character = ? ORDER BY p.rank LIMIT 4", -1, &p,
                           NULL) != SQLITE_OK) {
        /* no face tables (an older database): no section */
        sqlite3_finalize(c);
        sqlite3_finalize(p);
        return o.s;
    }
    int n = 0;
    while (sqlite3_step(c) == SQLITE_ROW) {
        if (n++ == 0)
            put(&o, "<section id=\"characters\">\n<h2>Characters</h2>\n<p class=\"note\">"
                    "Main characters by screen time (faces tracked through each shot and "
                    "grouped over the title).</p>\n");
        int id = sqlite3_column_int(c, 0);
        put(&o, "<div class=\"character\" data-character=\"%d\">\n<h3>Character %d</h3>\n"
                "<p>screen time %.1f s \xc2\xb7 %d track%s</p>\n", id, id,
            sqlite3_column_double(c, 1), sqlite3_column_int(c, 2),
            sqlite3_column_int(c, 2) == 1 ? "" : "s");
        sqlite3_reset(p);
        sqlite3_bind_int(p, 1, id);
        while (sqlite3_step(p) == SQLITE_ROW) {
            const char *still = (const char *)sqlite3_column_text(p, 1);
            const char *tc = (const char *)sqlite3_column_text(p, 2);
            if (!safe_path(still))
                continue;
            const char *dot = strrchr(still, '.');
            put(&o, "<a href=\"%s\"><img src=\"%.*s.thumb.jpg\" alt=\"pick %d\" loading=\"lazy\" "
                    "width=\"160\"></a> <span>#%d %s</span>\n", still, (int)(dot - still),
                still, sqlite3_column_int(p, 0), sqlite3_column_int(p, 0),
                safe_path(tc) || (tc && strspn(tc, "0123456789:") == strlen(tc)) ? tc : "");
        }
        put(&o, "</div>\n");
    }
    if (n)
        put(&o, "</section>\n");
    sqlite3_finalize(c);
    sqlite3_finalize(p);
    if (o.oom) {
        free(o.s);
        return NULL;
    }
    return o.s;
}
