/* SPDX-License-Identifier: MIT */
/**
 * @file
 * What the parts of report.html share: a growable text buffer, HTML and URL escaping,
 * and read-only queries of the title database that tolerate absent tables and columns
 * (a database written before a table existed still gives a working page).
 */
#ifndef AVA_SRC_REPORT_REPORT_HTML_H
#define AVA_SRC_REPORT_REPORT_HTML_H

#include <stddef.h>

#include <sqlite3.h>

#include "ava/ava.h"

/** A growable text buffer; the first allocation failure sticks (oom) and ends the page. */
typedef struct AvaBuf {
    char *s;                 ///< NUL-terminated once anything was added; owned
    size_t len, cap;
    int oom;
} AvaBuf;

/** The page being built. */
typedef struct AvaReport {
    AvaBuf b;
    sqlite3 *db;             ///< borrowed, read only
    const char *html_path;   ///< where the page goes (stills/ lie beside it)
    const AvaLogger *lg;
    int width_px, height_px; ///< display size from the title row (0 if unknown)
    double fps;              ///< nominal frame rate (0 if unknown)
    double duration_s;       ///< length of the timeline axis, seconds (> 0 once drawn)
} AvaReport;

void ava_buf_add(AvaBuf *b, const char *t, size_t n);
void ava_buf_puts(AvaBuf *b, const char *t);
__attribute__((format(printf, 2, 3))) void ava_buf_printf(AvaBuf *b, const char *fmt, ...);

/** Text for element content and double-quoted attribute values; NULL writes nothing. */
void ava_html_escape(AvaBuf *b, const char *t);

/**
 * Whether @p p can only be a relative-path reference: not empty, no leading '/' (which
 * would also allow "//host"), and no ':' before the first '/' (which would make it a
 * scheme such as "javascript:"). RFC 3986 section 4.2.
 */
int ava_is_relative_path(const char *p);

/**
 * A relative path as an attribute value: bytes outside RFC 3986's pchar set and '/'
 * are percent-encoded (spaces, '?', '#', quotes, UTF-8), then '&' and '\'' escaped.
 */
void ava_url_path(AvaBuf *b, const char *p);

/** stills/X.ext -> stills/X.thumb.jpg (written by the still export beside each still). */
void ava_thumb_path(AvaBuf *b, const char *still);

/** A label such as "pan_left" or "medium_close_up" as text ("pan left"), escaped. */
void ava_report_label(AvaBuf *b, const char *label);

/** A REAL column with fixed decimals, or an en dash for NULL. */
void ava_report_put_real(AvaBuf *b, sqlite3_stmt *s, int col, int decimals);
/** An INTEGER column, or an en dash for NULL. */
void ava_report_put_int(AvaBuf *b, sqlite3_stmt *s, int col);
const char *ava_report_col_text(sqlite3_stmt *s, int col);

/** Logs "@p what: sqlite message". @return AVA_ERR_STORE. */
int ava_report_sql_fail(AvaReport *r, const char *what);
/** sqlite3_prepare_v2, logged. @return 0 or AVA_ERR_STORE (*s NULL). */
int ava_report_prepare(AvaReport *r, const char *sql, sqlite3_stmt **s);
/** End of a row loop: SQLITE_DONE is success, anything else is logged. Finalizes @p s. */
int ava_report_finish(AvaReport *r, sqlite3_stmt *s, int rc);
/** One number; NAN when there is no row or it is NULL. @return 0 or AVA_ERR_STORE. */
int ava_report_query_real(AvaReport *r, const char *sql, double *out);

/** Whether table @p table exists (a table name we wrote, never untrusted text). */
int ava_report_has_table(AvaReport *r, const char *table);
/** Whether @p table has column @p name (0 if the table is absent). */
int ava_report_has_column(AvaReport *r, const char *table, const char *name);
/** Appends ", f.<name>" or ", NULL AS <name>" so a query works with any annotator set. */
void ava_report_frame_column(AvaReport *r, AvaBuf *q, const char *name);
/** Appends ", <alias>.<name>" or ", NULL AS <name>" for a column of @p table. */
void ava_report_opt_column(AvaReport *r, AvaBuf *q, const char *table, const char *alias,
                           const char *name);

/**
 * Whether the file @p rel (relative to the page's folder) exists, e.g. a thumbnail written
 * by another pass. Only ava's own relative paths are asked about.
 */
int ava_report_file_exists(const AvaReport *r, const char *rel);

#endif /* AVA_SRC_REPORT_REPORT_HTML_H */
