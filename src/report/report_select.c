/* SPDX-License-Identifier: MIT */
/** @file Selection parts of report.html (see report_select.h). */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/report/report_json.h"
#include "src/report/report_select.h"
#include "src/report/report_why.h"
#include "src/util/timecode.h"
#include "src/util/grow.h"

#define WHY_MAX 32
#define THUMB_W 16
#define THUMB_H 9

static const char dash[] = "\xe2\x80\x93";

/* The shot scale of a pick: the pool's per-frame label, else its shot's. */
static void scale_expr(AvaReport *r, AvaBuf *q, const char *frame, const char *shot)
{
    int pool = ava_report_has_column(r, "pool", "shot_scale") &&
               ava_report_has_column(r, "pool", "frame");
    int shots = ava_report_has_column(r, "shots", "scale");
    ava_buf_puts(q, pool && shots ? ", COALESCE(" : ", (");
    if (pool)
        ava_buf_printf(q, "(SELECT shot_scale FROM pool WHERE frame = %s LIMIT 1)", frame);
    if (pool && shots)
        ava_buf_puts(q, ", ");
    if (shots)
        ava_buf_printf(q, "(SELECT scale FROM shots WHERE id = %s)", shot);
    if (!pool && !shots)
        ava_buf_puts(q, "NULL");
    ava_buf_puts(q, ") AS scale");
}

void ava_report_pick_columns(AvaReport *r, AvaBuf *q)
{
    scale_expr(r, q, "p.frame", "p.shot");
    if (ava_report_has_column(r, "shots", "camera"))
        ava_buf_puts(q, ", (SELECT camera FROM shots WHERE id = p.shot) AS camera");
    else
        ava_buf_puts(q, ", NULL AS camera");
    if (ava_report_has_column(r, "pool", "why") && ava_report_has_column(r, "pool", "frame"))
        ava_buf_puts(q, ", (SELECT why FROM pool WHERE frame = p.frame LIMIT 1) AS why");
    else
        ava_buf_puts(q, ", NULL AS why");
}

static int by_magnitude(const void *a, const void *b)
{
    double x = fabs(((const AvaWhy *)a)->contribution);
    double y = fabs(((const AvaWhy *)b)->contribution);
    return x < y ? 1 : x > y ? -1 : 0;
}

void ava_report_put_why(AvaBuf *b, const char *json, int max)
{
    AvaWhy why[WHY_MAX];
    int n = ava_json_why(json, why, WHY_MAX);
    if (n <= 0)
        return;
    qsort(why, (size_t)n, sizeof(why[0]), by_magnitude);
    ava_buf_puts(b, "<span class=\"why\"><span class=\"k\">why</span> ");
    for (int i = 0; i < n && i < max; i++) {
        if (i)
            ava_buf_puts(b, " \xc2\xb7 ");
        ava_buf_puts(b, "<span class=\"term\">");
        ava_html_escape(b, why[i].feature);
        /* U+2212 minus for negative terms, as in the ranking docs */
        ava_buf_printf(b, " %s%.3f</span>", why[i].contribution < 0 ? "\xe2\x88\x92" : "+",
                       fabs(why[i].contribution));
    }
    ava_buf_puts(b, "</span>");
}

int ava_report_diversity(AvaReport *r)
{
    if (!ava_report_has_column(r, "diversity", "selection") ||
        !ava_report_has_column(r, "diversity", "idx"))
        return 0;
    AvaBuf q = { 0 };
    ava_buf_puts(&q, "SELECT d.selection, d.idx");
    ava_report_opt_column(r, &q, "diversity", "d", "n");
    /* The picks first, then the references they are compared with. */
    ava_buf_puts(&q, " FROM diversity d ORDER BY d.selection <> 'picks', d.rowid");
    if (q.oom)
        return AVA_ERR(ENOMEM);
    sqlite3_stmt *s;
    int ret = ava_report_prepare(r, q.s, &s);
    free(q.s);
    if (ret < 0)
        return ret;
    AvaBuf *b = &r->b;
    int rc, n = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        ava_buf_puts(b, n++ ? " \xc2\xb7 " : "<dt>Diversity</dt><dd class=\"diversity\">");
        ava_buf_puts(b, "<span class=\"div-row\" data-selection=\"");
        ava_html_escape(b, ava_report_col_text(s, 0));
        ava_buf_puts(b, "\">");
        ava_html_escape(b, ava_report_col_text(s, 0));
        ava_buf_puts(b, " <b>");
        ava_report_put_real(b, s, 1, 3);
        ava_buf_puts(b, "</b>");
        if (sqlite3_column_type(s, 2) != SQLITE_NULL)
            ava_buf_printf(b, " (n %lld)", (long long)sqlite3_column_int64(s, 2));
        ava_buf_puts(b, "</span>");
    }
    if (n)
        ava_buf_puts(b, " <span class=\"note\">(higher: more varied stills)</span></dd>\n");
    return ava_report_finish(r, s, rc);
}

static int has_pool(AvaReport *r)
{
    return ava_report_has_column(r, "pool", "frame") &&
           ava_report_has_column(r, "pool", "pick_rank");
}

int ava_report_rejected_query(AvaReport *r, sqlite3_stmt **s)
{
    *s = NULL;
    if (!has_pool(r))
        return 0;
    AvaBuf q = { 0 };
    ava_buf_puts(&q, "SELECT pl.frame");
    static const char *const cols[] = { "shot", "base_score", "penalty", "score", "reason",
                                        "similar_to", "similarity", "why" };
    for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
        ava_report_opt_column(r, &q, "pool", "pl", cols[i]);
    ava_buf_puts(&q, ", f.t_s");
    ava_report_frame_column(r, &q, "thumb");
    if (ava_report_has_column(r, "pool", "similar_to"))
        ava_buf_puts(&q, ", (SELECT rank FROM picks WHERE frame = pl.similar_to)");
    else
        ava_buf_puts(&q, ", NULL");
    ava_buf_puts(&q, " FROM pool pl LEFT JOIN frames f ON f.frame = pl.frame"
                     " WHERE pl.pick_rank IS NULL ORDER BY ");
    /* Good frames first: the score before the penalty that removed them. */
    if (ava_report_has_column(r, "pool", "base_score"))
        ava_buf_puts(&q, "pl.base_score IS NULL, pl.base_score DESC, ");
    if (ava_report_has_column(r, "pool", "score"))
        ava_buf_puts(&q, "pl.score IS NULL, pl.score DESC, ");
    ava_buf_printf(&q, "pl.frame LIMIT %d", AVA_REPORT_MAX_REJECTED);
    if (q.oom)
        return AVA_ERR(ENOMEM);
    int ret = ava_report_prepare(r, q.s, s);
    free(q.s);
    return ret < 0 ? ret : 1;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void base64(AvaBuf *b, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
                     (i + 2 < n ? p[i + 2] : 0);
        char t[4] = { b64[v >> 18 & 63], b64[v >> 12 & 63],
                      i + 1 < n ? b64[v >> 6 & 63] : '=', i + 2 < n ? b64[v & 63] : '=' };
        ava_buf_add(b, t, 4);
    }
}

static void le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/**
 * The 16x9 colour grid of pass 1 (frames.thumb, RGB24 top-down) as a data: URL of a
 * 24-bit BMP (bottom-up BGR rows, 48 bytes each, no padding needed): a colour sketch of a
 * frame that has no exported image. 486 bytes, 648 in base64.
 */
static void sketch(AvaBuf *b, const uint8_t *rgb)
{
    uint8_t bmp[54 + THUMB_W * THUMB_H * 3] = { 'B', 'M' };
    le32(bmp + 2, sizeof(bmp));
    le32(bmp + 10, 54);
    le32(bmp + 14, 40);
    le32(bmp + 18, THUMB_W);
    le32(bmp + 22, THUMB_H);
    bmp[26] = 1;
    bmp[28] = 24;
    le32(bmp + 34, THUMB_W * THUMB_H * 3);
    for (int y = 0; y < THUMB_H; y++)
        for (int x = 0; x < THUMB_W; x++) {
            const uint8_t *src = rgb + ((THUMB_H - 1 - y) * THUMB_W + x) * 3;
            uint8_t *dst = bmp + 54 + (y * THUMB_W + x) * 3;
            dst[0] = src[2];
            dst[1] = src[1];
            dst[2] = src[0];
        }
    ava_buf_puts(b, "data:image/bmp;base64,");
    base64(b, bmp, sizeof(bmp));
}

/* The pick rank a reason names at its end ("too close to pick 3"), or 0; *key_len receives
 * the length of the text before " pick N" ("too close to"). */
static int reason_pick(const char *t, size_t *key_len)
{
    size_t n = strlen(t), d = n;
    *key_len = n;
    while (d > 0 && t[d - 1] >= '0' && t[d - 1] <= '9')
        d--;
    if (d == n || d < 5 || n - d > 6 || strncmp(t + d - 5, "pick ", 5))
        return 0;
    *key_len = d - 5 > 0 && t[d - 6] == ' ' ? d - 6 : d - 5;
    return atoi(t + d);
}

typedef struct ReasonGroup {
    char *key;
    int ranks[8], n_ranks, more_ranks;
    long long count, excluded;
} ReasonGroup;

#define MAX_GROUPS 64

static int by_count(const void *a, const void *b)
{
    const ReasonGroup *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return strcmp(x->key, y->key);
}

static int int_cmp(const void *a, const void *b)
{
    return *(const int *)a - *(const int *)b;
}

/* "picks 1, 2 and 3" / "pick 4" / "picks 1, 2, 3 and others". */
static void put_ranks(AvaBuf *b, const ReasonGroup *g)
{
    ava_buf_puts(b, g->n_ranks + g->more_ranks > 1 ? " picks " : " pick ");
    for (int i = 0; i < g->n_ranks; i++) {
        if (i)
            ava_buf_puts(b, i + 1 == g->n_ranks && !g->more_ranks ? " and " : ", ");
        ava_buf_printf(b, "<a href=\"#pick-%d\">%d</a>", g->ranks[i], g->ranks[i]);
    }
    if (g->more_ranks)
        ava_buf_puts(b, " and others");
}

int ava_report_reason_counts(AvaReport *r, int header)
{
    if (!ava_report_has_column(r, "pool", "reason") || !ava_report_has_column(r, "pool", "score"))
        return 0;
    sqlite3_stmt *s;
    int ret = ava_report_prepare(r, "SELECT coalesce(reason, ''), count(*), sum(score IS NULL)"
                                    " FROM pool WHERE pick_rank IS NULL GROUP BY 1", &s);
    if (ret < 0)
        return ret;
    ReasonGroup *g = calloc(MAX_GROUPS, sizeof(*g));
    if (!g) {
        sqlite3_finalize(s);
        return AVA_ERR(ENOMEM);
    }
    int rc, n = 0;
    long long total = 0, excluded = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *t = ava_report_col_text(s, 0);
        t = t && *t ? t : "no reason given";
        size_t len;
        int rank = reason_pick(t, &len);
        int k = 0;
        while (k < n && (strlen(g[k].key) != len || strncmp(g[k].key, t, len)))
            k++;
        if (k == n) {
            /* past MAX_GROUPS distinct reasons the rest share the last group */
            if (n < MAX_GROUPS && (g[k].key = strndup(t, len)))
                n++;
            else if (n)
                k = n - 1;
            else
                continue;
        }
        long long c = sqlite3_column_int64(s, 1);
        g[k].count += c;
        g[k].excluded += sqlite3_column_int64(s, 2);
        total += c;
        excluded += sqlite3_column_int64(s, 2);
        if (rank > 0 && g[k].n_ranks < 8)
            g[k].ranks[g[k].n_ranks++] = rank;
        else if (rank > 0)
            g[k].more_ranks = 1;
    }
    ret = ava_report_finish(r, s, rc);
    qsort(g, (size_t)n, sizeof(*g), by_count);
    AvaBuf *b = &r->b;
    if (ret >= 0 && n) {
        if (header)
            ava_buf_printf(b, "<dt>Rejected</dt><dd class=\"reasons\"><b>%lld</b> of the"
                              " candidate pool (%lld excluded outright): ", total, excluded);
        else
            ava_buf_puts(b, "<p class=\"reasons\">Rejected for: ");
    }
    for (int k = 0; ret >= 0 && k < n; k++) {
        qsort(g[k].ranks, (size_t)g[k].n_ranks, sizeof(int), int_cmp);
        ava_buf_printf(b, "%s<span class=\"reason-count\" data-count=\"%lld\">",
                       k ? " \xc2\xb7 " : "", g[k].count);
        ava_html_escape(b, g[k].key);
        if (g[k].n_ranks)
            put_ranks(b, &g[k]);
        ava_buf_printf(b, ": <b>%lld</b>", g[k].count);
        if (g[k].excluded)
            ava_buf_printf(b, " (%lld excluded)", g[k].excluded);
        ava_buf_puts(b, "</span>");
    }
    if (ret >= 0 && n)
        ava_buf_puts(b, header ? "</dd>\n" : "</p>\n");
    for (int k = 0; k < n; k++)
        free(g[k].key);
    free(g);
    return ret;
}

/* A JSON string for a <pre> element: '<', '>' and '&' as \u escapes, so the text needs no
 * HTML escaping and JSON.parse gives it back as it was. */
static void json_string(AvaBuf *b, const char *t)
{
    ava_buf_puts(b, "\"");
    for (const unsigned char *c = (const unsigned char *)(t ? t : ""); *c; c++) {
        if (*c == '"' || *c == '\\')
            ava_buf_printf(b, "\\%c", *c);
        else if (*c < 0x20 || *c == '<' || *c == '>' || *c == '&')
            ava_buf_printf(b, "\\u%04x", *c);
        else
            ava_buf_add(b, (const char *)c, 1);
    }
    ava_buf_puts(b, "\"");
}

#define MAX_REASONS 512

/**
 * Every rejected pool frame for the "why was frame N rejected" box: <pre id="ava-pool"
 * hidden>{"reasons": [text...], "rows": [[frame, reason index, base_score, penalty,
 * rank of the most similar pick or 0, final score or null when excluded], ...]}</pre>; reasons past MAX_REASONS distinct
 * ones share the last entry.
 */
static int pool_data(AvaReport *r)
{
    sqlite3_stmt *s;
    AvaBuf q = { 0 };
    ava_buf_puts(&q, "SELECT pl.frame");
    ava_report_opt_column(r, &q, "pool", "pl", "reason");
    ava_report_opt_column(r, &q, "pool", "pl", "base_score");
    ava_report_opt_column(r, &q, "pool", "pl", "penalty");
    if (ava_report_has_column(r, "pool", "similar_to"))
        ava_buf_puts(&q, ", (SELECT rank FROM picks WHERE frame = pl.similar_to)");
    else
        ava_buf_puts(&q, ", NULL");
    ava_report_opt_column(r, &q, "pool", "pl", "score");
    ava_buf_puts(&q, " FROM pool pl WHERE pl.pick_rank IS NULL ORDER BY pl.frame");
    if (q.oom)
        return AVA_ERR(ENOMEM);
    int ret = ava_report_prepare(r, q.s, &s);
    free(q.s);
    if (ret < 0)
        return ret;
    char **reasons = calloc(MAX_REASONS, sizeof(*reasons));
    if (!reasons) {
        sqlite3_finalize(s);
        return AVA_ERR(ENOMEM);
    }
    AvaBuf rows = { 0 };
    int rc, n = 0, n_reasons = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *t = ava_report_col_text(s, 1);
        t = t ? t : "";
        int k = 0;
        while (k < n_reasons && strcmp(reasons[k], t))
            k++;
        if (k == n_reasons) {
            if (n_reasons < MAX_REASONS && (reasons[k] = strdup(t)))
                n_reasons++;
            else
                k = n_reasons ? n_reasons - 1 : 0;
        }
        ava_buf_printf(&rows, "%s[%lld,%d,%.4f,%.4f,%d,", n++ ? "," : "",
                       (long long)sqlite3_column_int64(s, 0), k,
                       isfinite(sqlite3_column_double(s, 2)) ? sqlite3_column_double(s, 2) : 0,
                       isfinite(sqlite3_column_double(s, 3)) ? sqlite3_column_double(s, 3) : 0,
                       sqlite3_column_int(s, 4));
        if (sqlite3_column_type(s, 5) != SQLITE_NULL && isfinite(sqlite3_column_double(s, 5)))
            ava_buf_printf(&rows, "%.4f]", sqlite3_column_double(s, 5));
        else
            ava_buf_puts(&rows, "null]");
    }
    ret = ava_report_finish(r, s, rc);
    if (ret >= 0) {
        AvaBuf *b = &r->b;
        ava_buf_puts(b, "<pre id=\"ava-pool\" hidden>{\"reasons\":[");
        for (int k = 0; k < n_reasons; k++) {
            if (k)
                ava_buf_puts(b, ",");
            json_string(b, reasons[k]);
        }
        ava_buf_puts(b, "],\"rows\":[");
        if (rows.s)
            ava_buf_puts(b, rows.s);
        ava_buf_puts(b, "]}</pre>\n");
        if (rows.oom)
            b->oom = 1;
    }
    for (int k = 0; k < n_reasons; k++)
        free(reasons[k]);
    free(reasons);
    free(rows.s);
    return ret;
}

int ava_report_rejected(AvaReport *r)
{
    AvaBuf *b = &r->b;
    ava_buf_puts(b, "<section id=\"rejected\">\n<h2>Why frames were rejected</h2>\n");
    sqlite3_stmt *s;
    int ret = ava_report_rejected_query(r, &s);
    if (ret <= 0) {
        if (ret == 0)
            ava_buf_puts(b, "<p class=\"note\">Not measured: this database has no candidate"
                            " pool (table pool), so the frames passed over are not known.</p>\n"
                            "</section>\n");
        return ret;
    }
    double n_rej;
    if ((ret = ava_report_query_real(r, "SELECT count(*) FROM pool WHERE pick_rank IS NULL",
                                     &n_rej)) < 0) {
        sqlite3_finalize(s);
        return ret;
    }
    n_rej = isnan(n_rej) ? 0.0 : n_rej;
    ava_buf_printf(b, "<p class=\"note\">Good frames of the candidate pool that were not picked,"
                      " best first by their score before the penalty that removed them (%.0f"
                      " rejected, ", n_rej);
    if (n_rej > AVA_REPORT_MAX_REJECTED)
        ava_buf_printf(b, "the best %d shown; the box below answers for any frame",
                       AVA_REPORT_MAX_REJECTED);
    else
        ava_buf_puts(b, "all shown");
    ava_buf_puts(b, "). Click a row's image or time to see the frame (its 320-px thumbnail) and"
                    " mark it on the timeline. Pass-1 score: the frame's score before the"
                    " maturity penalties (nudity, text, logos); final: after them (picks are ranked by it).</p>\n");
    if ((ret = ava_report_reason_counts(r, 0)) < 0 || (ret = pool_data(r)) < 0 ||
        (ret = ava_report_why_data(r)) < 0) {
        sqlite3_finalize(s);
        return ret;
    }
    ava_buf_puts(b, "<form id=\"why-frame\" class=\"lookup\"><label>Why was frame <input"
                    " type=\"text\" inputmode=\"numeric\" name=\"frame\" autocomplete=\"off\"></label>"
                    " not picked? <button type=\"submit\">Look up</button> <output></output>"
                    "</form>\n");
    ava_buf_puts(b, "<table class=\"rejected\">\n<thead><tr><th class=\"kind\">Frame</th>"
                    "<th>Time</th><th class=\"kind\">Reason</th><th>Pass-1 score</th><th>Penalty</th>"
                    "<th>Final score</th><th>Shot</th>"
                    "<th class=\"kind\">Behind the score</th></tr></thead>\n<tbody>\n");
    int rc, n = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        long long frame = (long long)sqlite3_column_int64(s, 0);
        int has_t = sqlite3_column_type(s, 9) != SQLITE_NULL;
        double t_s = has_t ? sqlite3_column_double(s, 9)
                     : r->fps > 0 ? (double)frame / r->fps : 0;
        char tc[32], tc_file[32], thumb[96];
        ava_timecode(tc, sizeof(tc), t_s, r->fps, ':');
        ava_timecode(tc_file, sizeof(tc_file), t_s, r->fps, '-');
        /* Where the selection writes a pool frame's thumbnail: the name its still would
         * have, so the staging folder moves it like the picks' (docs/analyze.md). */
        snprintf(thumb, sizeof(thumb), "stills/%s_f%06lld.thumb.jpg", tc_file, frame);
        ava_buf_printf(b, "<tr class=\"rejected-frame\" id=\"rejected-%lld\" data-frame=\"%lld\""
                          " data-t=\"%.3f\"><td class=\"kind\">", frame, frame, t_s);
        const void *grid = sqlite3_column_blob(s, 10);
        if (ava_report_file_exists(r, thumb)) {
            ava_buf_printf(b, "<a class=\"open-frame\" data-frame=\"%lld\" href=\"", frame);
            ava_url_path(b, thumb);
            ava_buf_puts(b, "\"><img class=\"rthumb\" src=\"");
            ava_url_path(b, thumb);
            ava_buf_printf(b, "\" loading=\"lazy\" alt=\"rejected frame %lld\"></a>", frame);
        } else if (grid && sqlite3_column_bytes(s, 10) == THUMB_W * THUMB_H * 3) {
            ava_buf_puts(b, "<img class=\"rthumb sketch\" src=\"");
            sketch(b, grid);
            ava_buf_printf(b, "\" alt=\"colour sketch of frame %lld (no image exported)\""
                              " title=\"16\xc3\x97" "9 colour sketch: no image of this frame was"
                              " exported\">", frame);
        }
        ava_buf_printf(b, "</td><td><a href=\"#timeline\" class=\"tl-link open-frame\" data-frame=\"%lld\""
                          " data-t=\"%.3f\">%s</a><br>%.3f s<br>frame %lld</td>"
                          "<td class=\"kind reason\">",
                       frame, t_s, tc, t_s, frame);
        const char *reason = ava_report_col_text(s, 5);
        size_t key_len;
        int named = reason ? reason_pick(reason, &key_len) : 0;
        if (named > 0) {
            /* The pick the reason names is the link; the most similar one may differ. */
            AvaBuf key = { 0 };
            ava_buf_add(&key, reason, key_len);
            ava_html_escape(b, key.s);
            free(key.s);
            if (key.oom)
                b->oom = 1;
            ava_buf_printf(b, " <a href=\"#pick-%d\" class=\"reason-pick\" data-rank=\"%d\">"
                              "pick #%d</a>", named, named, named);
        } else {
            ava_html_escape(b, reason && *reason ? reason : dash);
        }
        if (sqlite3_column_type(s, 11) != SQLITE_NULL) {
            int rank = sqlite3_column_int(s, 11);
            ava_buf_printf(b, "<br><a href=\"#pick-%d\" class=\"similar\" data-rank=\"%d\">"
                              "most similar pick #%d</a>", rank, rank, rank);
        } else if (sqlite3_column_type(s, 6) != SQLITE_NULL) {
            ava_buf_printf(b, "<br><span class=\"similar\">most similar frame %lld</span>",
                           (long long)sqlite3_column_int64(s, 6));
        }
        if (sqlite3_column_type(s, 7) != SQLITE_NULL)
            ava_buf_printf(b, " <span class=\"similar\">(similarity %.2f)</span>",
                           sqlite3_column_double(s, 7));
        ava_buf_puts(b, "</td><td>");
        ava_report_put_real(b, s, 2, 3);
        ava_buf_puts(b, "</td><td>");
        ava_report_put_real(b, s, 3, 3);
        ava_buf_puts(b, "</td><td>");
        /* An excluded frame (nudity over the preset's limit) has no final score. */
        if (sqlite3_column_type(s, 4) == SQLITE_NULL && ava_report_has_column(r, "pool", "score"))
            ava_buf_puts(b, "<span class=\"excluded\">excluded</span>");
        else
            ava_report_put_real(b, s, 4, 3);
        ava_buf_puts(b, "</td><td>");
        ava_report_put_int(b, s, 1);
        ava_buf_puts(b, "</td><td class=\"kind\">");
        ava_report_put_why(b, ava_report_col_text(s, 8), 3);
        ava_buf_puts(b, "</td></tr>\n");
        n++;
    }
    if ((ret = ava_report_finish(r, s, rc)) < 0)
        return ret;
    ava_buf_puts(b, "</tbody>\n</table>\n");
    if (!n)
        ava_buf_puts(b, "<p>No frame of the pool was rejected.</p>\n");
    ava_buf_puts(b, "</section>\n");
    return 0;
}

/* ---- galleries ---- */

typedef struct GPick {
    int rank;
    long long frame;
    char *still, *tc, *scale, *camera;
} GPick;

static char *dup_text(sqlite3_stmt *s, int col)
{
    const char *t = ava_report_col_text(s, col);
    return t ? strdup(t) : NULL;
}

/* Position of a scale label from the closest to the widest framing; unknown labels last. */
static int scale_order(const char *l)
{
    static const struct { const char *key; int pos; } order[] = {
        { "extreme close", 0 }, { "extreme-close", 0 }, { "extreme_close", 0 },
        { "medium close", 2 }, { "medium-close", 2 }, { "medium_close", 2 },
        { "close", 1 },
        { "extreme long", 6 }, { "extreme-long", 6 }, { "extreme_long", 6 },
        { "extreme wide", 6 },
        { "medium long", 4 }, { "medium-long", 4 }, { "medium_long", 4 }, { "full", 4 },
        { "cowboy", 4 }, { "long", 5 }, { "wide", 5 }, { "medium", 3 },
    };
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
        if (strstr(l, order[i].key))
            return order[i].pos;
    return 7;
}

static int scale_cmp(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    int d = scale_order(x) - scale_order(y);
    return d ? d : strcmp(x, y);
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void gallery_item(AvaBuf *b, const GPick *p)
{
    ava_buf_printf(b, "<a class=\"open-pick\" data-frame=\"%lld\" href=\"", p->frame);
    ava_url_path(b, p->still);
    ava_buf_puts(b, "\"><img src=\"");
    ava_thumb_path(b, p->still);
    ava_buf_printf(b, "\" loading=\"lazy\" alt=\"pick %d\"><span>#%d ", p->rank, p->rank);
    ava_html_escape(b, p->tc);
    ava_buf_puts(b, "</span></a>\n");
}

/* One gallery per distinct label of field @p off (scale or camera), in @p cmp order. */
static void galleries_by(AvaBuf *b, const GPick *p, int n, size_t off, const char *kind,
                         const char *title, int (*cmp)(const void *, const void *),
                         const char *unmeasured)
{
    const char **labels = malloc(sizeof(*labels) * (size_t)(n ? n : 1));
    if (!labels) {
        b->oom = 1;
        return;
    }
    int n_labels = 0, n_none = 0;
    for (int i = 0; i < n; i++) {
        const char *l = *(char *const *)((const char *)&p[i] + off);
        if (!l || !*l) {
            n_none++;
            continue;
        }
        int seen = 0;
        for (int k = 0; k < n_labels && !seen; k++)
            seen = !strcmp(labels[k], l);
        if (!seen)
            labels[n_labels++] = l;
    }
    qsort(labels, (size_t)n_labels, sizeof(*labels), cmp);
    ava_buf_printf(b, "<h3>%s</h3>\n", title);
    if (!n_labels)
        ava_buf_printf(b, "<p class=\"note\">%s</p>\n", unmeasured);
    for (int k = 0; k < n_labels; k++) {
        int count = 0;
        for (int i = 0; i < n; i++) {
            const char *l = *(char *const *)((const char *)&p[i] + off);
            count += l && !strcmp(l, labels[k]);
        }
        ava_buf_printf(b, "<div class=\"gallery\" data-kind=\"%s\" data-label=\"", kind);
        ava_html_escape(b, labels[k]);
        ava_buf_puts(b, "\"><h4>");
        ava_report_label(b, labels[k]);
        ava_buf_printf(b, " <span class=\"n\">%d</span></h4>\n<div class=\"strip\">\n", count);
        for (int i = 0; i < n; i++) {
            const char *l = *(char *const *)((const char *)&p[i] + off);
            if (l && !strcmp(l, labels[k]))
                gallery_item(b, &p[i]);
        }
        ava_buf_puts(b, "</div>\n</div>\n");
    }
    if (n_labels && n_none)
        ava_buf_printf(b, "<p class=\"note\">%d pick%s not measured.</p>\n", n_none,
                       n_none == 1 ? "" : "s");
    free(labels);
}

int ava_report_galleries(AvaReport *r)
{
    AvaBuf q = { 0 };
    ava_buf_puts(&q, "SELECT p.rank, p.frame, p.still, p.timecode");
    ava_report_pick_columns(r, &q);
    ava_buf_puts(&q, " FROM picks p ORDER BY p.rank");
    if (q.oom)
        return AVA_ERR(ENOMEM);
    sqlite3_stmt *s;
    int ret = ava_report_prepare(r, q.s, &s);
    free(q.s);
    if (ret < 0)
        return ret;
    GPick *p = NULL;
    int n = 0, cap = 0, rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *still = ava_report_col_text(s, 2);
        if (!ava_is_relative_path(still))
            continue;
        GPick *grown = ava_grow(p, &cap, n, sizeof(*p));
        if (!grown) {
            r->b.oom = 1;
            break;
        }
        p = grown;
        GPick *g = &p[n++];
        g->rank = sqlite3_column_int(s, 0);
        g->frame = (long long)sqlite3_column_int64(s, 1);
        g->still = dup_text(s, 2);
        g->tc = dup_text(s, 3);
        g->scale = dup_text(s, 4);
        g->camera = dup_text(s, 5);
        if (!g->still)
            r->b.oom = 1;
    }
    if (rc == SQLITE_ROW)
        rc = SQLITE_DONE;
    ret = ava_report_finish(r, s, rc);
    if (ret >= 0) {
        AvaBuf *b = &r->b;
        ava_buf_puts(b, "<section id=\"galleries\">\n<h2>Galleries by shot scale and camera"
                        " move</h2>\n");
        galleries_by(b, p, n, offsetof(GPick, scale), "scale", "By shot scale", scale_cmp,
                     "Shot scale not measured in this database.");
        galleries_by(b, p, n, offsetof(GPick, camera), "camera", "By camera move", str_cmp,
                     "Camera move not measured in this database.");
        ava_buf_puts(b, "</section>\n");
    }
    for (int i = 0; i < n; i++) {
        free(p[i].still);
        free(p[i].tc);
        free(p[i].scale);
        free(p[i].camera);
    }
    free(p);
    return ret;
}
