/* SPDX-License-Identifier: MIT */
/**
 * @file
 * report.html (see report.h): one self-contained page built in memory from read-only
 * queries of the title database, then written atomically. One inline script (choices,
 * viewer), no network.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "src/log.h"
#include "src/report/report.h"
#include "src/report/report_annot.h"
#include "src/report/report_container.h"
#include "src/report/report_faces.h"
#include "src/report/report_html.h"
#include "src/report/report_script.h"
#include "src/report/report_select.h"
#include "src/util/fsutil.h"

/* Timeline geometry, SVG user units (the SVG scales to the page width). */
#define TL_W 1000.0
#define TL_H 180.0
#define TL_TOP 8.0
#define TL_BOTTOM 160.0
#define TL_MAX_POINTS 2000

static int is_hex(int c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static const char style[] =
    "<style>\n"
    ":root{color-scheme:light dark;--fg:#1d1d1f;--bg:#fafafa;--card:#fff;--mute:#666;"
    "--line:#ddd;--accent:#c2410c}\n"
    "@media (prefers-color-scheme:dark){:root{--fg:#eee;--bg:#161616;--card:#222;"
    "--mute:#aaa;--line:#3a3a3a;--accent:#fb923c}}\n"
    "body{margin:0;padding:1.5rem;font:14px/1.4 system-ui,sans-serif;color:var(--fg);"
    "background:var(--bg)}\n"
    "h1{font-size:1.4rem;margin:0 0 .25rem;word-break:break-all}\n"
    "h2{font-size:1.1rem;margin:2rem 0 .5rem}\n"
    ".subtitle{color:var(--mute);margin:0 0 1rem}\n"
    "dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:0}\n"
    "dl.facts dt{color:var(--mute)}dl.facts dd{margin:0;word-break:break-all}\n"
    ".sheet{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));"
    "gap:1rem}\n"
    "figure.pick{margin:0;background:var(--card);border:1px solid var(--line);"
    "border-radius:6px;overflow:hidden}\n"
    "figure.pick img{display:block;width:100%;height:auto;background:#000}\n"
    "figure.pick .nostill{padding:2rem;text-align:center;color:var(--mute)}\n"
    "figcaption{padding:.5rem .6rem}\n"
    "figcaption .head{display:flex;gap:.6rem;align-items:baseline;margin:0}\n"
    "figcaption .rank{font-weight:700;font-size:1.1rem}\n"
    "figcaption .score{margin-left:auto;color:var(--accent);font-weight:600}\n"
    "figcaption .where{color:var(--mute);margin:.15rem 0 .35rem}\n"
    "dl.feat{display:grid;grid-template-columns:repeat(2,auto 1fr);gap:0 .5rem;margin:0;"
    "font-size:12px}\n"
    "dl.feat dt{color:var(--mute)}dl.feat dd{margin:0;font-variant-numeric:tabular-nums}\n"
    ".swatches{display:flex;height:14px;margin-top:.4rem;border-radius:3px;overflow:hidden}\n"
    ".swatches span{display:block;min-width:4px}\n"
    "table{border-collapse:collapse;font-variant-numeric:tabular-nums}\n"
    "th,td{padding:.2rem .6rem;border-bottom:1px solid var(--line);text-align:right}\n"
    "th{color:var(--mute);font-weight:600}td.kind{text-align:left}\n"
    "svg.timeline{display:block;width:100%;max-width:1000px;height:auto;"
    "background:var(--card);border:1px solid var(--line)}\n"
    ".timeline .shot-a{fill:#8881}.timeline .shot-b{fill:#8883}\n"
    ".timeline .cut{stroke:#888;stroke-width:1}\n"
    ".timeline .score-line{fill:none;stroke:var(--accent);stroke-width:1.5}\n"
    ".timeline path{stroke-linecap:round;stroke-linejoin:round}\n"
    ".timeline .bright-line{fill:none;stroke:#3b82f6;stroke-width:1;opacity:.7}\n"
    ".timeline .motion-line{fill:none;stroke:#a855f7;stroke-width:1;opacity:.6}\n"
    ".timeline .face-band rect{fill:#06b6d4}\n"
    ".timeline .pick-mark{stroke:#16a34a;stroke-width:2;opacity:.75}\n"
    ".timeline text{font-size:11px;fill:var(--mute)}\n"
    ".legend{color:var(--mute);font-size:12px}\n"
    ".legend .k-score{color:var(--accent)}.legend .k-bright{color:#3b82f6}"
    ".legend .k-pick{color:#16a34a}.legend .k-motion{color:#a855f7}"
    ".legend .k-face{color:#06b6d4}\n"
    "footer{margin-top:2rem;color:var(--mute);font-size:12px}\n"
    "</style>\n";

static void fact_text(AvaBuf *b, const char *name, const char *value)
{
    ava_buf_printf(b, "<dt>%s</dt><dd>", name);
    if (value && *value)
        ava_html_escape(b, value);
    else
        ava_buf_puts(b, "\xe2\x80\x93");
    ava_buf_puts(b, "</dd>\n");
}

/** "1:02:03.456 (3723.456 s)" */
static void put_duration(AvaBuf *b, double t_s)
{
    if (!(t_s > 0) || !isfinite(t_s)) {
        ava_buf_puts(b, "\xe2\x80\x93");
        return;
    }
    long long ms = llround(t_s * 1000.0);
    ava_buf_printf(b, "%lld:%02lld:%02lld.%03lld (%.3f s)", ms / 3600000, ms / 60000 % 60,
               ms / 1000 % 60, ms % 1000, t_s);
}

/* When the first video frame is not at the container's start (audio first, an edit list):
 * every time and timecode of the page counts from the container's start, as players do. */
static int video_start(AvaReport *r)
{
    double t0;
    int ret = ava_report_query_real(r, "SELECT min(t_s) FROM frames", &t0);
    if (ret >= 0 && t0 >= 0.0005)
        ava_buf_printf(&r->b, "<dt>Video starts</dt><dd class=\"video-start\" data-t=\"%.3f\">"
                              "video starts at %.3f s (times and timecodes here count from the"
                              " file's start, as players show them)</dd>\n", t0, t0);
    return ret;
}

/* <head> and the header with the title facts. Also fills r's display size and fps. */
static int write_header(AvaReport *r)
{
    AvaBuf *b = &r->b;
    sqlite3_stmt *s;
    int ret = ava_report_prepare(r, "SELECT file_name, path, metadata_title, duration_s, display_width,"
                         " display_height, fps, codec, frame_count, container, pix_fmt,"
                         " width, height, sar_num, sar_den, rotation, bit_depth"
                         " FROM title ORDER BY id LIMIT 1", &s);
    if (ret < 0)
        return ret;
    int rc = sqlite3_step(s);
    int row = rc == SQLITE_ROW;
    if (!row && rc != SQLITE_DONE)
        return ava_report_finish(r, s, rc);
    const char *file_name = row ? ava_report_col_text(s, 0) : NULL;
    if (row) {
        r->duration_s = sqlite3_column_double(s, 3);
        r->width_px = sqlite3_column_int(s, 4);
        r->height_px = sqlite3_column_int(s, 5);
        r->fps = sqlite3_column_double(s, 6);
    }

    ava_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                "<meta name=\"generator\" content=\"ava ");
    ava_html_escape(b, ava_version());
    ava_buf_puts(b, "\">\n<title>ava report");
    if (file_name && *file_name) {
        ava_buf_puts(b, ": ");
        ava_html_escape(b, file_name);
    }
    ava_buf_puts(b, "</title>\n");
    ava_buf_puts(b, style);
    ava_buf_puts(b, ava_report_choice_css);
    ava_buf_puts(b, "</head>\n<body");
    /* Facts the script needs, as escaped attributes (never inlined into the script). */
    if (file_name) {
        ava_buf_puts(b, " data-file=\"");
        ava_html_escape(b, file_name);
        ava_buf_puts(b, "\"");
    }
    ava_buf_printf(b, " data-duration=\"%.3f\"", row ? r->duration_s : 0.0);
    sqlite3_stmt *m;
    if (ava_report_prepare(r, "SELECT (SELECT value FROM meta WHERE key='title_key'),"
                   " (SELECT value FROM run_config WHERE key='preset')", &m) >= 0) {
        if (sqlite3_step(m) == SQLITE_ROW) {
            ava_buf_puts(b, " data-title-key=\"");
            ava_html_escape(b, ava_report_col_text(m, 0));
            ava_buf_puts(b, "\" data-preset=\"");
            ava_html_escape(b, ava_report_col_text(m, 1));
            ava_buf_puts(b, "\"");
        }
        sqlite3_finalize(m);
    }
    ava_buf_puts(b, ">\n<header>\n<h1>");
    ava_html_escape(b, file_name && *file_name ? file_name : "ava report");
    ava_buf_puts(b, "</h1>\n");
    const char *title = row ? ava_report_col_text(s, 2) : NULL;
    if (title && *title) {
        ava_buf_puts(b, "<p class=\"subtitle\">");
        ava_html_escape(b, title);
        ava_buf_puts(b, "</p>\n");
    }

    ava_buf_puts(b, "<dl class=\"facts\">\n");
    fact_text(b, "File", file_name);
    fact_text(b, "Path", row ? ava_report_col_text(s, 1) : NULL);
    fact_text(b, "Title", title);
    ava_buf_puts(b, "<dt>Duration</dt><dd>");
    put_duration(b, r->duration_s);
    ava_buf_puts(b, "</dd>\n<dt>Resolution</dt><dd>");
    if (r->width_px > 0 && r->height_px > 0)
        ava_buf_printf(b, "%d \xc3\x97 %d", r->width_px, r->height_px);
    else
        ava_buf_puts(b, "\xe2\x80\x93");
    if (row)
        ava_buf_printf(b, " (coded %d \xc3\x97 %d, SAR %d:%d, rotation %d\xc2\xb0, %d-bit)",
                   sqlite3_column_int(s, 11), sqlite3_column_int(s, 12),
                   sqlite3_column_int(s, 13), sqlite3_column_int(s, 14),
                   sqlite3_column_int(s, 15), sqlite3_column_int(s, 16));
    ava_buf_puts(b, "</dd>\n<dt>Frame rate</dt><dd>");
    if (r->fps > 0)
        ava_buf_printf(b, "%.3f fps", r->fps);
    else
        ava_buf_puts(b, "\xe2\x80\x93");
    ava_buf_puts(b, "</dd>\n");
    fact_text(b, "Codec", row ? ava_report_col_text(s, 7) : NULL);
    fact_text(b, "Pixel format", row ? ava_report_col_text(s, 10) : NULL);
    /* the demuxer's list of formats in the tooltip, the file's kind as the value */
    const char *demuxer = row ? ava_report_col_text(s, 9) : NULL;
    char container[64];
    ava_report_container_name(container, sizeof(container), row ? ava_report_col_text(s, 0) : NULL,
                              demuxer);
    ava_buf_puts(b, "<dt>Container</dt><dd class=\"container\"");
    if (demuxer && *demuxer) {
        ava_buf_puts(b, " title=\"FFmpeg demuxer: ");
        ava_html_escape(b, demuxer);
        ava_buf_puts(b, "\"");
    }
    ava_buf_puts(b, ">");
    ava_html_escape(b, *container ? container : "\xe2\x80\x93");
    ava_buf_puts(b, "</dd>\n");
    ava_buf_puts(b, "<dt>Frames</dt><dd>");
    if (row)
        ava_report_put_int(b, s, 8);
    else
        ava_buf_puts(b, "\xe2\x80\x93");
    ava_buf_puts(b, "</dd>\n");
    ret = ava_report_finish(r, s, SQLITE_DONE);
    if (ret < 0)
        return ret;

    double n_shots;
    if ((ret = ava_report_query_real(r, "SELECT count(*) FROM shots", &n_shots)) < 0)
        return ret;
    ava_buf_printf(b, "<dt>Shots</dt><dd>%.0f</dd>\n", isnan(n_shots) ? 0.0 : n_shots);

    if ((ret = ava_report_prepare(r, "SELECT value FROM run_config WHERE key='preset'", &s)) < 0)
        return ret;
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        fact_text(b, "Preset", ava_report_col_text(s, 0));
        rc = SQLITE_DONE;
    }
    if ((ret = ava_report_finish(r, s, rc)) < 0)
        return ret;
    double n_picks, n_asked;
    if ((ret = ava_report_query_real(r, "SELECT count(*) FROM picks", &n_picks)) < 0 ||
        (ret = ava_report_query_real(r, "SELECT CAST(value AS REAL) FROM run_config WHERE key='count'",
                          &n_asked)) < 0)
        return ret;
    ava_buf_printf(b, "<dt>Stills</dt><dd>%.0f", isnan(n_picks) ? 0.0 : n_picks);
    if (!isnan(n_asked))
        ava_buf_printf(b, " of %.0f requested", n_asked);
    if ((ret = ava_report_prepare(r, "SELECT value FROM run_config WHERE key='picks_note'", &s)) < 0)
        return ret;
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        ava_buf_puts(b, " \xe2\x80\x94 ");
        ava_html_escape(b, ava_report_col_text(s, 0));
        rc = SQLITE_DONE;
    }
    if ((ret = ava_report_finish(r, s, rc)) < 0)
        return ret;
    ava_buf_puts(b, "</dd>\n");
    if ((ret = ava_report_reason_counts(r, 1)) < 0 || (ret = ava_report_diversity(r)) < 0 ||
        (ret = video_start(r)) < 0)
        return ret;
    fact_text(b, "ava", ava_version());
    ava_buf_puts(b, "</dl>\n");
    /* What a newcomer looks for first: each character's best still, why a frame lost. */
    ava_buf_puts(b, "<nav class=\"jump\"><a href=\"#characters\">Best still of each"
                    " character</a><a href=\"#rejected\">Why frames were rejected</a>"
                    "<a href=\"#picks\">Picks</a><a href=\"#timeline\">Timeline</a>"
                    "<a href=\"#galleries\">Galleries by shot scale and camera move</a>"
                    "<a href=\"#shots\">Shots</a></nav>\n</header>\n");
    return 0;
}

static double tl_x(const AvaReport *r, double t_s)
{
    double x = t_s / r->duration_s * TL_W;
    return x < 0 ? 0 : x > TL_W ? TL_W : x;
}

/** y of a value in lo..hi (clamped), larger values higher up. */
static double tl_y(double v, double lo, double hi)
{
    double u = hi > lo ? (v - lo) / (hi - lo) : 0.5;
    u = u < 0 ? 0 : u > 1 ? 1 : u;
    return TL_BOTTOM - u * (TL_BOTTOM - TL_TOP);
}

/**
 * Per-frame score, brightness and subject motion, bucketed to at most TL_MAX_POINTS points:
 * the bucket's highest score (so the peaks the picks come from stay visible), mean
 * brightness, mean motion.
 */
static int timeline_series(AvaReport *r, double *t, double *score, double *bright,
                           double *motion, int *n_out)
{
    double n_frames;
    int ret = ava_report_query_real(r, "SELECT count(*) FROM frames", &n_frames);
    if (ret < 0)
        return ret;
    long long step = isnan(n_frames) ? 1 : (long long)ceil(n_frames / TL_MAX_POINTS);
    if (step < 1)
        step = 1;
    AvaBuf q = { 0 };
    ava_buf_puts(&q, "SELECT f.t_s, f.score");
    ava_report_frame_column(r, &q, "brightness");
    ava_report_frame_column(r, &q, "motion_subject");
    ava_buf_puts(&q, " FROM frames f ORDER BY f.frame");
    if (q.oom)
        return AVA_ERR(ENOMEM);
    sqlite3_stmt *s;
    ret = ava_report_prepare(r, q.s, &s);
    free(q.s);
    if (ret < 0)
        return ret;
    int n = 0, rc;
    long long i = 0, n_bright = 0, n_motion = 0;
    double sum_bright = 0, sum_motion = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (i++ % step == 0) {
            if (n > 0) {
                bright[n - 1] = n_bright ? sum_bright / (double)n_bright : NAN;
                motion[n - 1] = n_motion ? sum_motion / (double)n_motion : NAN;
            }
            if (n == TL_MAX_POINTS)
                break;
            t[n] = sqlite3_column_double(s, 0);
            score[n++] = NAN;
            sum_bright = sum_motion = 0;
            n_bright = n_motion = 0;
        }
        if (sqlite3_column_type(s, 3) != SQLITE_NULL && isfinite(sqlite3_column_double(s, 3))) {
            sum_motion += sqlite3_column_double(s, 3);
            n_motion++;
        }
        if (sqlite3_column_type(s, 1) != SQLITE_NULL) {
            double v = sqlite3_column_double(s, 1);
            if (isnan(score[n - 1]) || v > score[n - 1])
                score[n - 1] = v;
        }
        if (sqlite3_column_type(s, 2) != SQLITE_NULL) {
            sum_bright += sqlite3_column_double(s, 2);
            n_bright++;
        }
    }
    if (rc == SQLITE_ROW)
        rc = SQLITE_DONE;
    else if (n > 0) {
        bright[n - 1] = n_bright ? sum_bright / (double)n_bright : NAN;
        motion[n - 1] = n_motion ? sum_motion / (double)n_motion : NAN;
    }
    *n_out = n;
    return ava_report_finish(r, s, rc);
}

/* One path per series, a new subpath after each point without a value (NULL, or no frame
 * of the bucket had one), so no value is drawn across a gap; a lone point is a round dot. */
static void series_path(AvaBuf *b, const char *cls, const AvaReport *r, const double *t,
                        const double *v, int n, double lo, double hi)
{
    ava_buf_printf(b, "<path class=\"%s\" d=\"", cls);
    int in_run = 0;
    for (int i = 0; i < n; i++) {
        if (isnan(v[i]) || !isfinite(t[i])) {
            in_run = 0;
            continue;
        }
        int lone = !in_run && (i + 1 >= n || isnan(v[i + 1]) || !isfinite(t[i + 1]));
        ava_buf_printf(b, "%s%.1f,%.1f%s", in_run ? " " : "M", tl_x(r, t[i]), tl_y(v[i], lo, hi),
                       lone ? "h0" : "");
        in_run = 1;
    }
    ava_buf_puts(b, "\"/>\n");
}

/* Where faces were seen (pass 2 samples every shot), as runs of 2-unit cells above the
 * shot bands. */
static int face_band(AvaReport *r)
{
    if (!ava_report_has_column(r, "faces", "frame"))
        return 0;
    enum { CELLS = 500 };
    unsigned char cell[CELLS] = { 0 };
    sqlite3_stmt *s;
    int ret = ava_report_prepare(r, "SELECT DISTINCT f.t_s FROM faces c JOIN frames f"
                                    " ON f.frame = c.frame", &s);
    if (ret < 0)
        return ret;
    int rc, any = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        int k = (int)(tl_x(r, sqlite3_column_double(s, 0)) / TL_W * CELLS);
        cell[k < 0 ? 0 : k >= CELLS ? CELLS - 1 : k] = 1;
        any = 1;
    }
    if ((ret = ava_report_finish(r, s, rc)) < 0 || !any)
        return ret;
    ava_buf_puts(&r->b, "<g class=\"face-band\"><title>faces seen</title>");
    for (int k = 0; k < CELLS;) {
        if (!cell[k]) {
            k++;
            continue;
        }
        int e = k;
        while (e < CELLS && cell[e])
            e++;
        ava_buf_printf(&r->b, "<rect x=\"%.1f\" y=\"1\" width=\"%.1f\" height=\"5\"/>",
                       k * TL_W / CELLS, (e - k) * TL_W / CELLS);
        k = e;
    }
    ava_buf_puts(&r->b, "</g>\n");
    return 0;
}

static int write_timeline(AvaReport *r)
{
    AvaBuf *b = &r->b;
    double t_max;
    int ret = ava_report_query_real(r, "SELECT max(m) FROM (SELECT max(t_s) AS m FROM frames"
                            " UNION ALL SELECT max(end_s) FROM shots)", &t_max);
    if (ret < 0)
        return ret;
    if (!(r->duration_s > 0) || !isfinite(r->duration_s))
        r->duration_s = 0;
    if (!isnan(t_max) && t_max > r->duration_s)
        r->duration_s = t_max;
    if (!(r->duration_s > 0))
        r->duration_s = 1;

    ava_buf_printf(b, "<section id=\"timeline\">\n<h2>Timeline</h2>\n"
                  "<svg class=\"timeline\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\""
                  " height=\"%.0f\" data-duration=\"%.3f\" role=\"img\" aria-label=\"shots,"
                  " score and picks over time\">\n",
               TL_W, TL_H, TL_W, TL_H, r->duration_s);

    sqlite3_stmt *s;
    if ((ret = ava_report_prepare(r, "SELECT id, start_s, end_s FROM shots"
                                     " ORDER BY first_frame, id", &s)) < 0)
        return ret;
    int rc, k = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        double x0 = tl_x(r, sqlite3_column_double(s, 1));
        double x1 = tl_x(r, sqlite3_column_double(s, 2));
        ava_buf_printf(b, "<rect class=\"%s\" x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"%.0f\">"
                      "<title>shot %d</title></rect>\n",
                   k % 2 ? "shot-b" : "shot-a", x0, TL_TOP, x1 > x0 ? x1 - x0 : 0.5,
                   TL_BOTTOM - TL_TOP, sqlite3_column_int(s, 0));
        if (k++)
            ava_buf_printf(b, "<line class=\"cut\" x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\"/>\n",
                       x0, TL_TOP, x0, TL_BOTTOM);
    }
    if ((ret = ava_report_finish(r, s, rc)) < 0)
        return ret;

    double *t = malloc(4 * TL_MAX_POINTS * sizeof(*t));
    if (!t)
        return AVA_ERR(ENOMEM);
    double *score = t + TL_MAX_POINTS, *bright = score + TL_MAX_POINTS;
    double *motion = bright + TL_MAX_POINTS;
    int n = 0;
    if ((ret = timeline_series(r, t, score, bright, motion, &n)) < 0) {
        free(t);
        return ret;
    }
    double lo = INFINITY, hi = -INFINITY, m_hi = 0;
    for (int i = 0; i < n; i++) {
        if (!isnan(score[i])) {
            lo = fmin(lo, score[i]);
            hi = fmax(hi, score[i]);
        }
        if (!isnan(motion[i]))
            m_hi = fmax(m_hi, motion[i]);
    }
    series_path(b, "motion-line", r, t, motion, n, 0.0, m_hi > 0 ? m_hi : 1.0);
    series_path(b, "bright-line", r, t, bright, n, 0.0, 1.0);
    series_path(b, "score-line", r, t, score, n, lo, hi);
    free(t);
    if ((ret = face_band(r)) < 0)
        return ret;

    /* Frames without a row (should not happen) fall back to frame / fps. */
    if ((ret = ava_report_prepare(r, "SELECT p.rank, p.frame, f.t_s, p.timecode FROM picks p"
                          " LEFT JOIN frames f ON f.frame = p.frame ORDER BY p.rank", &s)) < 0)
        return ret;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        long long frame = (long long)sqlite3_column_int64(s, 1);
        double t_s = sqlite3_column_type(s, 2) != SQLITE_NULL ? sqlite3_column_double(s, 2)
                     : r->fps > 0                             ? (double)frame / r->fps
                                                              : 0;
        double x = tl_x(r, t_s);
        ava_buf_printf(b, "<line class=\"pick-mark\" data-frame=\"%lld\" x1=\"%.1f\" y1=\"%.0f\""
                      " x2=\"%.1f\" y2=\"%.0f\"><title>#%d ",
                   frame, x, TL_TOP, x, TL_BOTTOM + 10, sqlite3_column_int(s, 0));
        ava_html_escape(b, ava_report_col_text(s, 3));
        ava_buf_printf(b, " (frame %lld)</title></line>\n", frame);
    }
    if ((ret = ava_report_finish(r, s, rc)) < 0)
        return ret;
    /* The rejected frames listed below the picks, as short red ticks under the axis. */
    if ((ret = ava_report_rejected_query(r, &s)) < 0)
        return ret;
    if (ret) {
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
            long long frame = (long long)sqlite3_column_int64(s, 0);
            double t_s = sqlite3_column_type(s, 9) != SQLITE_NULL ? sqlite3_column_double(s, 9)
                         : r->fps > 0 ? (double)frame / r->fps : 0;
            double x = tl_x(r, t_s);
            ava_buf_printf(b, "<line class=\"reject-mark\" data-frame=\"%lld\" x1=\"%.1f\""
                              " y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\"><title>rejected frame %lld: ",
                           frame, x, TL_BOTTOM, x, TL_BOTTOM + 10, frame);
            ava_html_escape(b, ava_report_col_text(s, 5));
            ava_buf_puts(b, "</title></line>\n");
        }
        if ((ret = ava_report_finish(r, s, rc)) < 0)
            return ret;
    }
    ava_buf_printf(b, "<text x=\"2\" y=\"%.0f\">0 s</text>"
                  "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\">%.1f s</text>\n</svg>\n",
               TL_H - 2, TL_W - 2, TL_H - 2, r->duration_s);
    ava_buf_puts(b, "<p class=\"legend\"><span class=\"k-score\">\xe2\x96\xac score</span>"
                " (scaled to its range) \xc2\xb7 <span class=\"k-bright\">\xe2\x96\xac"
                " brightness</span> (0\xe2\x80\x93" "1) \xc2\xb7 "
                "<span class=\"k-motion\">\xe2\x96\xac"
                " subject motion</span> (scaled) \xc2\xb7 <span class=\"k-face\">\xe2\x96\xac"
                " faces seen</span> (top strip) \xc2\xb7 <span class=\"k-pick\">|"
                " picks</span> \xc2\xb7 <span class=\"k-reject\">| rejected</span> (below the axis)"
                " \xc2\xb7 shaded bands: shots \xc2\xb7 click a mark to see the frame</p>\n"
                "</section>\n");
    return 0;
}

/** "#rrggbb:w #rrggbb:w ..." as a strip of swatches; malformed entries are skipped. */
static void swatches(AvaBuf *b, const char *text)
{
    if (!text || !*text)
        return;
    ava_buf_puts(b, "<div class=\"swatches\">");
    const char *p = text;
    while (*p) {
        while (*p == ' ')
            p++;
        const char *tok = p;
        while (*p && *p != ' ')
            p++;
        size_t len = (size_t)(p - tok);
        if (len < 7 || tok[0] != '#')
            continue;
        int ok = 1;
        for (int i = 1; i < 7; i++)
            ok &= is_hex(tok[i]);
        if (!ok || (len > 7 && tok[7] != ':'))
            continue;
        double w = 1.0;
        if (len > 8) {
            char num[32];
            size_t n = len - 8 < sizeof(num) - 1 ? len - 8 : sizeof(num) - 1;
            memcpy(num, tok + 8, n);
            num[n] = 0;
            char *end;
            w = strtod(num, &end);
            if (end == num || !isfinite(w) || w < 0)
                continue;
        }
        char hex[8];
        memcpy(hex, tok, 7);
        hex[7] = 0;
        ava_buf_printf(b, "<span style=\"background:%s;flex:%.3f\" title=\"%s %.0f%%\"></span>",
                   hex, w, hex, w * 100.0);
    }
    ava_buf_puts(b, "</div>\n");
}

static int write_picks(AvaReport *r)
{
    AvaBuf *b = &r->b;
    AvaBuf q = { 0 };
    ava_buf_puts(&q, "SELECT p.rank, p.frame, p.shot, p.score, p.timecode, p.still, f.t_s");
    static const char *const feats[] = { "brightness", "contrast", "colorfulness", "sharpness",
                                         "shadows", "highlights", "dominant_colors" };
    for (size_t i = 0; i < sizeof(feats) / sizeof(feats[0]); i++)
        ava_report_frame_column(r, &q, feats[i]);
    ava_report_pick_columns(r, &q); /* 14 scale, 15 camera, 16 why */
    /* 17 pass-1 score, 18 penalty: what the final score was made of */
    if (ava_report_has_column(r, "pool", "base_score") && ava_report_has_column(r, "pool", "penalty"))
        ava_buf_puts(&q, ", (SELECT base_score FROM pool WHERE frame = p.frame LIMIT 1),"
                         " (SELECT penalty FROM pool WHERE frame = p.frame LIMIT 1)");
    else
        ava_buf_puts(&q, ", NULL, NULL");
    ava_buf_puts(&q, " FROM picks p LEFT JOIN frames f ON f.frame = p.frame ORDER BY p.rank");
    if (q.oom)
        return AVA_ERR(ENOMEM);
    sqlite3_stmt *s;
    int ret = ava_report_prepare(r, q.s, &s);
    free(q.s);
    if (ret < 0)
        return ret;

    ava_buf_puts(b, "<section id=\"picks\">\n<h2>Picks</h2>\n"
                "<p class=\"note\">Click a still to see it full size with its annotations"
                " (faces, landmarks, thirds, saliency, text, overlays).</p>\n"
                "<div class=\"toolbar\"><button type=\"button\" id=\"save-choices\">Save choices"
                "</button><span id=\"choice-count\"></span><span class=\"hint\">k keep \xc2\xb7 "
                "r reject \xc2\xb7 \xe2\x86\x90 \xe2\x86\x92 move \xc2\xb7 Enter view \xc2\xb7 "
                "1\xe2\x80\x93" "6 layers"
                " in the viewer \xc2\xb7 save "
                "choices.json next to ava.sqlite, then <code>ava learn choices.json</code></span>"
                "</div>\n<div class=\"sheet\">\n");
    int rc, n = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        int rank = sqlite3_column_int(s, 0);
        long long frame = (long long)sqlite3_column_int64(s, 1);
        const char *tc = ava_report_col_text(s, 4);
        const char *still = ava_report_col_text(s, 5);
        ava_buf_printf(b, "<figure class=\"pick\" id=\"pick-%d\" tabindex=\"0\" data-rank=\"%d\""
                      " data-frame=\"%lld\" data-t=\"%.3f\" data-shot=\"%d\"", rank, rank, frame,
                      sqlite3_column_double(s, 6), sqlite3_column_int(s, 2));
        const char *scale = ava_report_col_text(s, 14), *camera = ava_report_col_text(s, 15);
        if (scale) {
            ava_buf_puts(b, " data-scale=\"");
            ava_html_escape(b, scale);
            ava_buf_puts(b, "\"");
        }
        if (camera) {
            ava_buf_puts(b, " data-camera=\"");
            ava_html_escape(b, camera);
            ava_buf_puts(b, "\"");
        }
        ava_buf_puts(b, ">\n");
        if (ava_is_relative_path(still)) {
            ava_buf_puts(b, "<a href=\"");
            ava_url_path(b, still);
            /* The sheet shows the small thumbnail; the link and the viewer the still. */
            ava_buf_puts(b, "\"><img src=\"");
            ava_thumb_path(b, still);
            ava_buf_puts(b, "\" data-still=\"");
            ava_url_path(b, still);
            ava_buf_puts(b, "\" loading=\"lazy\"");
            if (r->width_px > 0 && r->height_px > 0)
                ava_buf_printf(b, " width=\"%d\" height=\"%d\"", r->width_px, r->height_px);
            ava_buf_printf(b, " alt=\"Pick %d, frame %lld", rank, frame);
            if (tc) {
                ava_buf_puts(b, " at ");
                ava_html_escape(b, tc);
            }
            ava_buf_puts(b, "\"></a>\n");
        } else {
            ava_buf_puts(b, "<div class=\"nostill\">no still</div>\n");
        }
        ava_buf_printf(b, "<figcaption>\n<p class=\"head\"><span class=\"rank\">#%d</span>"
                      " <span class=\"tc\">", rank);
        ava_html_escape(b, tc);
        ava_buf_puts(b, "</span> <span class=\"score\" title=\"final score: after the"
                        " maturity penalties (nudity, text, logos)\">final score ");
        ava_report_put_real(b, s, 3, 3);
        ava_buf_puts(b, "</span></p>\n");
        if (sqlite3_column_type(s, 17) != SQLITE_NULL) {
            /* final = pass-1 + scale bonus - penalty (docs/selection.md) */
            double base = sqlite3_column_double(s, 17), pen = sqlite3_column_double(s, 18);
            double bonus = sqlite3_column_double(s, 3) - base + pen;
            ava_buf_printf(b, "<p class=\"parts\">pass-1 score %.3f \xe2\x88\x92 maturity "
                           "penalty %.3f", base, pen);
            if (fabs(bonus) >= 5e-4)
                ava_buf_printf(b, " %s scale bonus %.3f", bonus < 0 ? "\xe2\x88\x92" : "+",
                               fabs(bonus));
            ava_buf_puts(b, "</p>\n");
        }
        ava_buf_printf(b, "<p class=\"where\">frame %lld \xc2\xb7 ", frame);
        ava_report_put_real(b, s, 6, 3);
        ava_buf_puts(b, " s \xc2\xb7 shot ");
        ava_report_put_int(b, s, 2);
        ava_buf_puts(b, "</p>\n<dl class=\"feat\">");
        /* brightness, contrast, shadows, highlights are 0..1; the other two are not. */
        static const int decimals[] = { 3, 3, 1, 1, 3, 3 };
        for (int i = 0; i < 6; i++) {
            ava_buf_printf(b, "<dt>%s</dt><dd>", feats[i]);
            ava_report_put_real(b, s, 7 + i, decimals[i]);
            ava_buf_puts(b, "</dd>");
        }
        ava_buf_puts(b, "</dl>\n");
        swatches(b, ava_report_col_text(s, 13));
        if (scale || camera || ava_report_col_text(s, 16)) {
            ava_buf_puts(b, "<p class=\"tags\">");
            if (scale) {
                ava_buf_puts(b, "<span class=\"tag\">");
                ava_report_label(b, scale);
                ava_buf_puts(b, "</span> ");
            }
            if (camera) {
                ava_buf_puts(b, "<span class=\"tag\">camera ");
                ava_report_label(b, camera);
                ava_buf_puts(b, "</span> ");
            }
            ava_report_put_why(b, ava_report_col_text(s, 16), 3);
            ava_buf_puts(b, "</p>\n");
        }
        ava_buf_puts(b, "<div class=\"choice\"><button type=\"button\" data-choice=\"keep\">Keep"
                    "</button><button type=\"button\" data-choice=\"reject\">Reject</button>"
                    "</div>\n</figcaption>\n</figure>\n");
        n++;
    }
    if ((ret = ava_report_finish(r, s, rc)) < 0)
        return ret;
    ava_buf_puts(b, "</div>\n");
    if (!n)
        ava_buf_puts(b, "<p>No picks.</p>\n");
    ava_buf_puts(b, "</section>\n");
    return 0;
}

static int write_shots(AvaReport *r)
{
    AvaBuf *b = &r->b;
    sqlite3_stmt *s;
    /* The shot's picks as "rank:final score" pairs, best rank first. */
    int ret = ava_report_prepare(r, "SELECT s.id, s.first_frame, s.last_frame, s.start_s, s.end_s,"
                         " s.start_kind, s.best_frame, s.best_score, (SELECT group_concat(k, ' ')"
                         " FROM (SELECT p.rank || ':' || printf('%.3f', p.score) AS k FROM picks p"
                         " WHERE p.shot = s.id ORDER BY p.rank)) FROM shots s"
                         " ORDER BY s.first_frame, s.id", &s);
    if (ret < 0)
        return ret;
    ava_buf_puts(b, "<section id=\"shots\">\n<h2>Shots</h2>\n<p class=\"note\">Best frame: the"
                " shot's best by pass-1 score (before the maturity penalties (nudity, text, logos)); its picks show"
                " their final score, after them.</p>\n<table class=\"shots\">\n<thead><tr>"
                "<th>Shot</th><th>First frame</th><th>Last frame</th><th>Start (s)</th>"
                "<th>End (s)</th><th>Starts with</th><th>Best frame (pass 1)</th>"
                "<th>Pass-1 score</th><th class=\"kind\">Picks (final score)</th></tr></thead>\n"
                "<tbody>\n");
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        ava_buf_puts(b, "<tr><td>");
        ava_report_put_int(b, s, 0);
        ava_buf_puts(b, "</td><td>");
        ava_report_put_int(b, s, 1);
        ava_buf_puts(b, "</td><td>");
        ava_report_put_int(b, s, 2);
        ava_buf_puts(b, "</td><td>");
        ava_report_put_real(b, s, 3, 3);
        ava_buf_puts(b, "</td><td>");
        ava_report_put_real(b, s, 4, 3);
        ava_buf_puts(b, "</td><td class=\"kind\">");
        ava_html_escape(b, ava_report_col_text(s, 5));
        ava_buf_puts(b, "</td><td>");
        ava_report_put_int(b, s, 6);
        ava_buf_puts(b, "</td><td>");
        ava_report_put_real(b, s, 7, 3);
        ava_buf_puts(b, "</td><td class=\"kind\">");
        const char *p = ava_report_col_text(s, 8);
        int rank, used, n = 0;
        double score;
        while (p && sscanf(p, " %d:%lf%n", &rank, &score, &used) == 2) {
            ava_buf_printf(b, "%s<a href=\"#pick-%d\" class=\"shot-pick\" data-rank=\"%d\">#%d"
                              "</a> %.3f", n++ ? ", " : "", rank, rank, rank, score);
            p += used;
        }
        ava_buf_puts(b, "</td></tr>\n");
    }
    if ((ret = ava_report_finish(r, s, rc)) < 0)
        return ret;
    ava_buf_puts(b, "</tbody>\n</table>\n</section>\n");
    return 0;
}

int ava_report_write(AvaStore *st, const char *html_path, const AvaLogger *lg)
{
    AvaReport r = { .db = ava_store_db(st), .html_path = html_path, .lg = lg };
    int ret = write_header(&r);
    if (ret >= 0)
        ret = ava_report_faces_section(&r);
    if (ret >= 0)
        ret = write_picks(&r);
    if (ret >= 0)
        ret = ava_report_rejected(&r);
    if (ret >= 0)
        ret = write_timeline(&r);
    if (ret >= 0)
        ret = ava_report_galleries(&r);
    if (ret >= 0)
        ret = write_shots(&r);
    if (ret >= 0)
        ret = ava_report_annotations(&r);
    if (ret >= 0) {
        ava_buf_puts(&r.b, ava_report_viewer_html);
        ava_buf_puts(&r.b, "<pre id=\"choices-json\" hidden></pre>\n");
        ava_buf_puts(&r.b, ava_report_choice_js);
        ava_buf_puts(&r.b, "<footer>Generated by ava ");
        ava_html_escape(&r.b, ava_version());
        ava_buf_puts(&r.b, ". Stills are linked from the stills folder next to this page.</footer>\n"
                       "</body>\n</html>\n");
    }
    if (ret >= 0 && r.b.oom)
        ret = AVA_ERR(ENOMEM);
    if (ret == AVA_ERR(ENOMEM))
        ava_log(lg, AVA_LOG_ERROR, "%s: out of memory", html_path);
    if (ret >= 0)
        ret = ava_write_file_atomic(html_path, r.b.s, r.b.len, lg);
    free(r.b.s);
    return ret;
}
