/* SPDX-License-Identifier: MIT */
/** @file Buffer, escaping and tolerant queries shared by the parts of report.html. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "src/log.h"
#include "src/report/report_html.h"

static int buf_reserve(AvaBuf *b, size_t extra)
{
    if (b->oom)
        return -1;
    if (b->len + extra + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 16384;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *p = realloc(b->s, cap);
    if (!p) {
        b->oom = 1;
        return -1;
    }
    b->s = p;
    b->cap = cap;
    return 0;
}

void ava_buf_add(AvaBuf *b, const char *t, size_t n)
{
    if (buf_reserve(b, n) < 0)
        return;
    memcpy(b->s + b->len, t, n);
    b->len += n;
    b->s[b->len] = 0;
}

void ava_buf_puts(AvaBuf *b, const char *t)
{
    ava_buf_add(b, t, strlen(t));
}

void ava_buf_printf(AvaBuf *b, const char *fmt, ...)
{
    if (buf_reserve(b, 256) < 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= b->cap - b->len) {
        if (buf_reserve(b, (size_t)n) < 0)
            return;
        va_start(ap, fmt);
        vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
    }
    b->len += (size_t)n;
}

void ava_html_escape(AvaBuf *b, const char *t)
{
    if (!t)
        return;
    const char *run = t;
    for (; *t; t++) {
        const char *rep;
        switch (*t) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: continue;
        }
        ava_buf_add(b, run, (size_t)(t - run));
        ava_buf_puts(b, rep);
        run = t + 1;
    }
    ava_buf_add(b, run, (size_t)(t - run));
}

int ava_is_relative_path(const char *p)
{
    if (!p || !*p || *p == '/')
        return 0;
    for (; *p && *p != '/'; p++)
        if (*p == ':')
            return 0;
    return 1;
}

void ava_url_path(AvaBuf *b, const char *p)
{
    static const char keep[] = "-._~!$()*+,;=:@/";
    for (; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '&')
            ava_buf_puts(b, "&amp;");
        else if (c == '\'')
            ava_buf_puts(b, "&#39;");
        else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 (c && strchr(keep, c)))
            ava_buf_add(b, (const char *)&c, 1);
        else
            ava_buf_printf(b, "%%%02X", c);
    }
}

void ava_thumb_path(AvaBuf *b, const char *still)
{
    const char *dot = strrchr(still, '.');
    const char *slash = strrchr(still, '/');
    if (!dot || (slash && dot < slash)) {
        ava_url_path(b, still);
        return;
    }
    char base[1024];
    size_t n = (size_t)(dot - still) < sizeof(base) - 12 ? (size_t)(dot - still) : 0;
    if (!n) {
        ava_url_path(b, still);
        return;
    }
    memcpy(base, still, n);
    snprintf(base + n, sizeof(base) - n, ".thumb.jpg");
    ava_url_path(b, base);
}

void ava_report_label(AvaBuf *b, const char *label)
{
    for (const char *c = label ? label : ""; *c; c++) {
        char t[2] = { *c == '_' ? ' ' : *c, 0 };
        ava_html_escape(b, t);
    }
}

void ava_report_put_real(AvaBuf *b, sqlite3_stmt *s, int col, int decimals)
{
    if (sqlite3_column_type(s, col) == SQLITE_NULL)
        ava_buf_puts(b, "\xe2\x80\x93");
    else
        ava_buf_printf(b, "%.*f", decimals, sqlite3_column_double(s, col));
}

void ava_report_put_int(AvaBuf *b, sqlite3_stmt *s, int col)
{
    if (sqlite3_column_type(s, col) == SQLITE_NULL)
        ava_buf_puts(b, "\xe2\x80\x93");
    else
        ava_buf_printf(b, "%lld", (long long)sqlite3_column_int64(s, col));
}

const char *ava_report_col_text(sqlite3_stmt *s, int col)
{
    return (const char *)sqlite3_column_text(s, col);
}

int ava_report_sql_fail(AvaReport *r, const char *what)
{
    ava_log(r->lg, AVA_LOG_ERROR, "%s: %s: %s", r->html_path, what, sqlite3_errmsg(r->db));
    return AVA_ERR_STORE;
}

int ava_report_prepare(AvaReport *r, const char *sql, sqlite3_stmt **s)
{
    if (sqlite3_prepare_v2(r->db, sql, -1, s, NULL) != SQLITE_OK) {
        *s = NULL;
        return ava_report_sql_fail(r, "cannot query the title database");
    }
    return 0;
}

int ava_report_finish(AvaReport *r, sqlite3_stmt *s, int rc)
{
    int ret = rc == SQLITE_DONE ? 0 : ava_report_sql_fail(r, "cannot read the title database");
    sqlite3_finalize(s);
    return ret;
}

int ava_report_query_real(AvaReport *r, const char *sql, double *out)
{
    sqlite3_stmt *s;
    int ret = ava_report_prepare(r, sql, &s);
    if (ret < 0)
        return ret;
    int rc = sqlite3_step(s);
    *out = NAN;
    if (rc == SQLITE_ROW) {
        if (sqlite3_column_type(s, 0) != SQLITE_NULL)
            *out = sqlite3_column_double(s, 0);
        rc = SQLITE_DONE;
    }
    return ava_report_finish(r, s, rc);
}

int ava_report_has_table(AvaReport *r, const char *table)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(r->db, "SELECT 1 FROM sqlite_master WHERE type IN ('table','view')"
                           " AND name=?", -1, &s, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(s, 1, table, -1, SQLITE_STATIC);
    int found = sqlite3_step(s) == SQLITE_ROW;
    sqlite3_finalize(s);
    return found;
}

int ava_report_has_column(AvaReport *r, const char *table, const char *name)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(r->db, "SELECT 1 FROM pragma_table_info(?) WHERE name=?", -1, &s,
                           NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(s, 1, table, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC);
    int found = sqlite3_step(s) == SQLITE_ROW;
    sqlite3_finalize(s);
    return found;
}

void ava_report_opt_column(AvaReport *r, AvaBuf *q, const char *table, const char *alias,
                           const char *name)
{
    if (ava_report_has_column(r, table, name))
        ava_buf_printf(q, ", %s.%s", alias, name);
    else
        ava_buf_printf(q, ", NULL AS %s", name);
}

void ava_report_frame_column(AvaReport *r, AvaBuf *q, const char *name)
{
    ava_report_opt_column(r, q, "frames", "f", name);
}

int ava_report_file_exists(const AvaReport *r, const char *rel)
{
    const char *slash = strrchr(r->html_path, '/');
    char path[8192];
    int n = slash ? snprintf(path, sizeof(path), "%.*s/%s", (int)(slash - r->html_path),
                             r->html_path, rel)
                  : snprintf(path, sizeof(path), "%s", rel);
    struct stat st;
    return n > 0 && (size_t)n < sizeof(path) && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}
