/* SPDX-License-Identifier: MIT */
/** @file Annotation data of the picks for the viewer (see report_annot.h). */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/report/report_annot.h"
#include "src/report/report_json.h"

#define LANDMARKS 68
#define MAX_TEXT_BOXES 64
#define MAX_FACES_PER_FRAME 64

/* A number for JSON: non-finite values (which JSON cannot hold) become 0. */
static void num(AvaBuf *b, double v, int decimals)
{
    ava_buf_printf(b, "%.*f", decimals, isfinite(v) ? v : 0.0);
}

static double col_num(sqlite3_stmt *s, int col)
{
    return sqlite3_column_type(s, col) == SQLITE_NULL ? NAN : sqlite3_column_double(s, col);
}

/* Faces of @p frame: [[x,y,w,h,[68 (x,y)]],...]; a landmarks BLOB of another size gives []. */
static int faces_of(AvaReport *r, sqlite3_stmt *s, long long frame)
{
    AvaBuf *b = &r->b;
    sqlite3_reset(s);
    sqlite3_bind_int64(s, 1, frame);
    ava_buf_puts(b, "\"faces\":[");
    int rc, n = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && n < MAX_FACES_PER_FRAME) {
        double v[4];
        int ok = 1;
        for (int i = 0; i < 4; i++)
            ok &= isfinite(v[i] = col_num(s, i));
        if (!ok)
            continue;
        ava_buf_puts(b, n++ ? ",[" : "[");
        for (int i = 0; i < 4; i++) {
            num(b, v[i], 1);
            ava_buf_puts(b, ",");
        }
        ava_buf_puts(b, "[");
        const void *blob = sqlite3_column_blob(s, 4);
        int len = sqlite3_column_bytes(s, 4);
        if (blob && len == LANDMARKS * 2 * (int)sizeof(float)) {
            float pt[LANDMARKS * 2];
            memcpy(pt, blob, sizeof(pt));
            for (int i = 0; i < LANDMARKS * 2; i++) {
                if (i)
                    ava_buf_puts(b, ",");
                num(b, pt[i], 1);
            }
        }
        ava_buf_puts(b, "]]");
    }
    if (rc == SQLITE_ROW)
        rc = SQLITE_DONE;
    ava_buf_puts(b, "]");
    return rc == SQLITE_DONE ? 0 : ava_report_sql_fail(r, "cannot read faces");
}

static void boxes(AvaBuf *b, const char *json)
{
    double box[MAX_TEXT_BOXES][5];
    int n = ava_json_boxes(json, box, MAX_TEXT_BOXES);
    ava_buf_puts(b, "[");
    for (int i = 0, k = 0; i < n; i++) {
        ava_buf_puts(b, k++ ? ",[" : "[");
        for (int c = 0; c < 5; c++) {
            if (c)
                ava_buf_puts(b, ",");
            num(b, box[i][c], 4);
        }
        ava_buf_puts(b, "]");
    }
    ava_buf_puts(b, "]");
}

static int overlays(AvaReport *r)
{
    AvaBuf *b = &r->b;
    AvaBuf q = { 0 };
    ava_buf_puts(&q, "SELECT x, y, w, h");
    ava_report_opt_column(r, &q, "overlays", "o", "persistence");
    ava_report_opt_column(r, &q, "overlays", "o", "n_shots");
    ava_buf_puts(&q, " FROM overlays o ORDER BY o.rowid");
    if (q.oom)
        return AVA_ERR(ENOMEM);
    sqlite3_stmt *s;
    int ret = sqlite3_prepare_v2(r->db, q.s, -1, &s, NULL);
    free(q.s);
    ava_buf_puts(b, "\"overlays\":[");
    if (ret != SQLITE_OK) { /* columns not as documented: no layer */
        ava_buf_puts(b, "]");
        return 1;
    }
    int rc, n = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        double v[6];
        int ok = 1;
        for (int i = 0; i < 6; i++)
            v[i] = col_num(s, i);
        for (int i = 0; i < 4; i++)
            ok &= isfinite(v[i]);
        if (!ok)
            continue;
        ava_buf_puts(b, n++ ? ",[" : "[");
        for (int i = 0; i < 6; i++) {
            if (i)
                ava_buf_puts(b, ",");
            num(b, isfinite(v[i]) ? v[i] : -1, i < 5 ? 4 : 0);
        }
        ava_buf_puts(b, "]");
    }
    ava_buf_puts(b, "]");
    return ava_report_finish(r, s, rc) < 0 ? AVA_ERR_STORE : 0;
}

static const char *const comp_cols[] = { "thirds", "symmetry", "negative_space", "complexity",
                                         "depth_of_field" };
#define N_COMP (int)(sizeof(comp_cols) / sizeof(comp_cols[0]))

int ava_report_annotations(AvaReport *r)
{
    AvaBuf *b = &r->b;
    int has_faces = ava_report_has_column(r, "faces", "landmarks") &&
                    ava_report_has_column(r, "faces", "frame");
    int has_sal = ava_report_has_column(r, "frames", "saliency_x") &&
                  ava_report_has_column(r, "frames", "saliency_y");
    int has_text = ava_report_has_column(r, "maturity", "text_boxes") &&
                   ava_report_has_column(r, "maturity", "frame");
    int has_ovl = ava_report_has_column(r, "overlays", "x") &&
                  ava_report_has_column(r, "overlays", "w");

    ava_buf_printf(b, "<pre id=\"ava-annotations\" hidden>{\"w\":%d,\"h\":%d,",
                   r->width_px, r->height_px);
    int ret = 0;
    if (has_ovl) {
        ret = overlays(r);
        if (ret < 0)
            return ret;
        if (ret == 1)
            has_ovl = 0;
        ava_buf_puts(b, ",");
    }
    ava_buf_printf(b, "\"layers\":{\"faces\":%d,\"landmarks\":%d,\"thirds\":1,\"saliency\":%d,"
                      "\"text\":%d,\"overlays\":%d},\"frames\":{",
                   has_faces, has_faces, has_sal, has_text, has_ovl);

    AvaBuf q = { 0 };
    ava_buf_puts(&q, "SELECT p.frame");
    ava_report_frame_column(r, &q, "saliency_x");
    ava_report_frame_column(r, &q, "saliency_y");
    ava_report_frame_column(r, &q, "saliency_spread");
    for (int i = 0; i < N_COMP; i++)
        ava_report_frame_column(r, &q, comp_cols[i]);
    if (has_text)
        ava_buf_puts(&q, ", (SELECT m.text_boxes FROM maturity m WHERE m.frame = p.frame"
                         " LIMIT 1)");
    else
        ava_buf_puts(&q, ", NULL");
    ava_buf_puts(&q, " FROM picks p LEFT JOIN frames f ON f.frame = p.frame ORDER BY p.rank");
    if (q.oom)
        return AVA_ERR(ENOMEM);
    sqlite3_stmt *s, *fs = NULL;
    ret = ava_report_prepare(r, q.s, &s);
    free(q.s);
    if (ret < 0)
        return ret;
    if (has_faces && (ret = ava_report_prepare(r, "SELECT x, y, w, h, landmarks FROM faces"
                                                  " WHERE frame = ? ORDER BY id", &fs)) < 0) {
        sqlite3_finalize(s);
        return ret;
    }
    int rc, n = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        long long frame = (long long)sqlite3_column_int64(s, 0);
        ava_buf_printf(b, "%s\"%lld\":{", n++ ? "," : "", frame);
        if (fs) {
            if ((ret = faces_of(r, fs, frame)) < 0)
                break;
            ava_buf_puts(b, ",");
        }
        double sx = col_num(s, 1), sy = col_num(s, 2), ss = col_num(s, 3);
        if (isfinite(sx) && isfinite(sy)) {
            ava_buf_puts(b, "\"sal\":[");
            num(b, sx, 4);
            ava_buf_puts(b, ",");
            num(b, sy, 4);
            ava_buf_puts(b, ",");
            num(b, isfinite(ss) ? ss : 0, 4);
            ava_buf_puts(b, "],");
        }
        ava_buf_puts(b, "\"comp\":{");
        for (int i = 0, k = 0; i < N_COMP; i++) {
            double v = col_num(s, 4 + i);
            if (!isfinite(v))
                continue;
            ava_buf_printf(b, "%s\"%s\":", k++ ? "," : "", comp_cols[i]);
            num(b, v, 3);
        }
        ava_buf_puts(b, "}");
        if (has_text && sqlite3_column_type(s, 4 + N_COMP) != SQLITE_NULL) {
            ava_buf_puts(b, ",\"text\":");
            boxes(b, ava_report_col_text(s, 4 + N_COMP));
        }
        ava_buf_puts(b, "}");
    }
    sqlite3_finalize(fs);
    if (ret < 0) {
        sqlite3_finalize(s);
        return ret;
    }
    if ((ret = ava_report_finish(r, s, rc)) < 0)
        return ret;
    ava_buf_puts(b, "}}</pre>\n");
    return 0;
}
