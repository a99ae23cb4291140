/* SPDX-License-Identifier: MIT */
/** @file The report's characters section (see report_faces.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/report/report_faces.h"
#include "src/util/timecode.h"

#define MAX_STILLS 6

#define CROP_PX 96

/**
 * The face box (display pixels) of @p character in @p frame, the largest when several, as a
 * CROP_PX square cut from image @p src (a relative path to a still or thumbnail of the
 * display geometry, drawn scaled): a span that hides all but the face, plus a margin. Nothing without a box.
 */
static int face_crop(AvaReport *r, sqlite3_stmt *box, int character, long long frame,
                     const char *src)
{
    sqlite3_reset(box);
    sqlite3_bind_int64(box, 1, frame);
    sqlite3_bind_int(box, 2, character);
    int rc = sqlite3_step(box);
    if (rc != SQLITE_ROW)
        return rc == SQLITE_DONE ? 0 : ava_report_sql_fail(r, "face box");
    double W = r->width_px, H = r->height_px, x = sqlite3_column_double(box, 0),
           y = sqlite3_column_double(box, 1), w = sqlite3_column_double(box, 2),
           h = sqlite3_column_double(box, 3);
    if (!(W > 0 && H > 0 && w > 0 && h > 0))
        return 0;
    /* a square 1.6 times the face's larger side, inside the frame where it fits */
    double side = fmin(fmin(W, H), 1.6 * fmax(w, h));
    double x0 = fmin(fmax(x + w / 2 - side / 2, 0), W - side);
    double y0 = fmin(fmax(y + h / 2 - side / 2, 0), H - side);
    double k = CROP_PX / side;
    AvaBuf *b = &r->b;
    ava_buf_printf(b, "<span class=\"face-crop\" data-frame=\"%lld\" data-box=\"%.0f %.0f %.0f"
                      " %.0f\" title=\"face of character %d, frame %lld\"><img src=\"",
                   frame, x, y, w, h, character, frame);
    ava_url_path(b, src);
    ava_buf_printf(b, "\" loading=\"lazy\" alt=\"face of character %d\" style=\"width:%.1fpx;"
                      "height:%.1fpx;left:%.1fpx;top:%.1fpx\"></span>",
                   character, W * k, H * k, -x0 * k, -y0 * k);
    return 0;
}

static void note(AvaBuf *b, const char *text)
{
    ava_buf_printf(b, "<p class=\"note\">%s</p>\n</section>\n", text);
}

int ava_report_faces_section(AvaReport *r)
{
    AvaBuf *b = &r->b;
    ava_buf_puts(b, "<section id=\"characters\">\n<h2>Main characters and their best"
                    " stills</h2>\n");
    if (!ava_report_has_column(r, "characters", "is_extra") ||
        !ava_report_has_column(r, "face_tracks", "character")) {
        note(b, "Not measured: this database has no faces (written before the faces pass).");
        return 0;
    }
    sqlite3_stmt *c, *p;
    AvaBuf q = { 0 };
    ava_buf_puts(&q, "SELECT c.id, c.screen_time_s, c.n_tracks");
    if (ava_report_has_column(r, "characters", "best_frame"))
        ava_buf_puts(&q, ", c.best_frame, (SELECT t_s FROM frames WHERE frame = c.best_frame)");
    else
        ava_buf_puts(&q, ", NULL, NULL");
    ava_buf_puts(&q, " FROM characters c WHERE NOT c.is_extra ORDER BY c.id");
    if (q.oom)
        return AVA_ERR(ENOMEM);
    int ret = ava_report_prepare(r, q.s, &c);
    free(q.s);
    if (ret < 0)
        return ret;
    /* A character's picks, best first, with the share of the frame its face takes. */
    ret = ava_report_prepare(r, "SELECT p.rank, p.frame, p.still, p.timecode, p.score,"
                                " max(f.h) FROM picks p JOIN faces f ON f.frame = p.frame"
                                " JOIN face_tracks t ON t.id = f.track WHERE t.character = ?"
                                " GROUP BY p.rank ORDER BY p.rank", &p);
    if (ret < 0) {
        sqlite3_finalize(c);
        return ret;
    }
    sqlite3_stmt *box;
    ret = ava_report_prepare(r, "SELECT f.x, f.y, f.w, f.h FROM faces f JOIN face_tracks t"
                                " ON t.id = f.track WHERE f.frame = ? AND t.character = ?"
                                " ORDER BY f.w * f.h DESC LIMIT 1", &box);
    if (ret < 0) {
        sqlite3_finalize(c);
        sqlite3_finalize(p);
        return ret;
    }
    int rc, n = 0;
    while ((rc = sqlite3_step(c)) == SQLITE_ROW) {
        if (n++ == 0)
            ava_buf_puts(b, "<p class=\"note\">Characters by screen time (faces tracked"
                            " through each shot and grouped over the title). The large still"
                            " is the best-ranked pick the character is in.</p>\n"
                            "<div class=\"characters\">\n");
        int id = sqlite3_column_int(c, 0), tracks = sqlite3_column_int(c, 2);
        ava_buf_printf(b, "<div class=\"character\" data-character=\"%d\">\n<h3>Character %d"
                          "</h3>\n<p class=\"where\">screen time %.1f s \xc2\xb7 %d track%s</p>\n",
                       id, id, sqlite3_column_double(c, 1), tracks, tracks == 1 ? "" : "s");
        sqlite3_reset(p);
        sqlite3_bind_int(p, 1, id);
        int k = 0;
        while ((rc = sqlite3_step(p)) == SQLITE_ROW) {
            const char *still = ava_report_col_text(p, 2);
            if (!ava_is_relative_path(still))
                continue;
            int rank = sqlite3_column_int(p, 0);
            long long frame = (long long)sqlite3_column_int64(p, 1);
            if (k == 0) {
                /* Who the character is: the face in its best still, first. */
                if ((ret = face_crop(r, box, id, frame, still)) < 0)
                    break;
                ava_buf_puts(b, "<figure class=\"best-still\">");
            }
            else if (k == 1)
                ava_buf_puts(b, "<p class=\"also\">Also in: ");
            else if (k >= MAX_STILLS)
                break;
            ava_buf_printf(b, "<a class=\"open-pick\" data-frame=\"%lld\" href=\"", frame);
            ava_url_path(b, still);
            ava_buf_puts(b, "\"><img src=\"");
            ava_thumb_path(b, still);
            ava_buf_printf(b, "\" loading=\"lazy\" alt=\"character %d, pick %d\"", id, rank);
            ava_buf_printf(b, " width=\"%d\"></a>", k ? 120 : 320);
            if (k == 0) {
                ava_buf_printf(b, "<figcaption><b>Best still</b>: <a href=\"#pick-%d\">pick #%d"
                                  "</a> \xc2\xb7 ", rank, rank);
                ava_html_escape(b, ava_report_col_text(p, 3));
                ava_buf_puts(b, " \xc2\xb7 final score ");
                ava_report_put_real(b, p, 4, 3);
                ava_buf_printf(b, " \xc2\xb7 frame %lld</figcaption></figure>\n", frame);
            } else {
                ava_buf_puts(b, " ");
            }
            k++;
        }
        if (ret < 0 || (rc != SQLITE_ROW && rc != SQLITE_DONE))
            break;
        rc = SQLITE_DONE;
        if (k > 1)
            ava_buf_puts(b, "</p>\n");
        if (k == 0 && sqlite3_column_type(c, 3) != SQLITE_NULL) {
            char tc[32];
            long long best = (long long)sqlite3_column_int64(c, 3);
            double t_s = sqlite3_column_type(c, 4) != SQLITE_NULL ? sqlite3_column_double(c, 4)
                         : r->fps > 0 ? (double)best / r->fps : 0;
            ava_timecode(tc, sizeof(tc), t_s, r->fps, ':');
            /* the thumbnail pass 3 wrote for a pool frame, where there is one */
            char tc_file[32], thumb[96];
            ava_timecode(tc_file, sizeof(tc_file), t_s, r->fps, '-');
            snprintf(thumb, sizeof(thumb), "stills/%s_f%06lld.thumb.jpg", tc_file, best);
            if (ava_report_file_exists(r, thumb) &&
                (ret = face_crop(r, box, id, best, thumb)) < 0)
                break;
            ava_buf_printf(b, "<p class=\"note\">No pick shows this character; its best face is"
                              " at frame %lld (%s): <a href=\"#rejected\" class=\"why-link\""
                              " data-frame=\"%lld\">why was it not picked?</a></p>\n",
                           best, tc, best);
        } else if (k == 0) {
            ava_buf_puts(b, "<p class=\"note\">No pick shows this character.</p>\n");
        }
        ava_buf_puts(b, "</div>\n");
    }
    sqlite3_finalize(p);
    sqlite3_finalize(box);
    if (ret < 0) {
        sqlite3_finalize(c);
        return ret;
    }
    if ((ret = ava_report_finish(r, c, rc)) < 0)
        return ret;
    if (n)
        ava_buf_puts(b, "</div>\n</section>\n");
    else
        note(b, "No main character: no faces were found, or the face models are not"
                " installed (scripts/fetch-models.sh).");
    return 0;
}
