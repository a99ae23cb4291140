/* SPDX-License-Identifier: MIT */
/**
 * @file
 * report.html from a hand-made title database: structure (one figure per pick, the SVG
 * timeline), escaping of hostile metadata, and no network references.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "src/annotators/annset.h"
#include "src/report/report.h"
#include "src/store/store.h"
#include "src/util/fsutil.h"

static int n_pass, n_fail;

#define CHECK(desc, expr)                                                                   \
    do {                                                                                    \
        if (expr) {                                                                         \
            n_pass++;                                                                       \
        } else {                                                                            \
            n_fail++;                                                                       \
            fprintf(stderr, "%s:%d: FAILED: %s (%s)\n", __FILE__, __LINE__, desc, #expr);   \
        }                                                                                   \
    } while (0)

static int count_of(const char *hay, const char *needle)
{
    int n = 0;
    size_t len = strlen(needle);
    for (const char *p = hay; (p = strstr(p, needle)); p += len)
        n++;
    return n;
}

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *s = NULL;
    size_t len = 0, cap = 0, n;
    char chunk[4096];
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (len + n + 1 > cap) {
            cap = (len + n + 1) * 2;
            char *p = realloc(s, cap);
            if (!p) {
                free(s);
                fclose(f);
                return NULL;
            }
            s = p;
        }
        memcpy(s + len, chunk, n);
        len += n;
    }
    fclose(f);
    if (s)
        s[len] = 0;
    return s;
}

/* Keeps the last message instead of printing it: the failure cases below are expected. */
static char last_error[1024];

static void quiet_log(void *cookie, int level, const char *fmt, va_list ap)
{
    (void)cookie;
    (void)level;
    vsnprintf(last_error, sizeof(last_error), fmt, ap);
}

static int col_index(const AvaColumnRef *cols, int n_cols, const char *name)
{
    for (int i = 0; i < n_cols; i++)
        if (!strcmp(cols[i].col->name, name))
            return i;
    return -1;
}

/* Sets REAL column @p name of @p row when the registry has it. */
static void set_real(AvaValue *row, const AvaColumnRef *cols, int n_cols, const char *name,
                     double v)
{
    int i = col_index(cols, n_cols, name);
    if (i >= 0)
        ava_value_real(&row[i], v);
}

#define N_FRAMES 50
#define N_PICKS 3

int main(void)
{
    char dir[] = "/tmp/ava_test_report_XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    char db_path[256], html_path[256];
    snprintf(db_path, sizeof(db_path), "%s/title.db", dir);
    snprintf(html_path, sizeof(html_path), "%s/report.html", dir);

    AvaColumnRef *cols = NULL;
    int n_cols = 0;
    CHECK("annset columns", ava_annset_columns(&cols, &n_cols) == 0);
    AvaStore *st = NULL;
    CHECK("create store", ava_store_create(&st, db_path, AVA_STORE_TITLE, cols, n_cols,
                                           NULL) == 0);
    if (!st)
        return 1;

    AvaStreamInfo si = { 0 };
    si.width = si.display_width = 640;
    si.height = si.display_height = 360;
    si.sar_num = si.sar_den = 1;
    si.tb_num = 1;
    si.tb_den = 25;
    si.fps = 25.0;
    si.duration_s = 2.0;
    si.bit_depth = 8;
    snprintf(si.codec, sizeof(si.codec), "h264");
    snprintf(si.pix_fmt, sizeof(si.pix_fmt), "yuv420p");
    snprintf(si.container, sizeof(si.container), "mov,mp4");
    snprintf(si.title, sizeof(si.title), "<script>alert(1)</script>&\"'");
    CHECK("put title",
          ava_store_put_title(st, "/media/a<b>&c.mp4", &si, N_FRAMES, 12345) == 0);
    CHECK("put config", ava_store_put_config(st, "preset", "default") == 0);

    AvaValue *row = calloc((size_t)n_cols + 1, sizeof(*row));
    CHECK("row", row != NULL);
    if (!row)
        return 1;
    int dom = col_index(cols, n_cols, "dominant_colors");
    /* A valid colour, one with a non-hex digit, and one trying to break out of style="". */
    static const char dom_text[] = "#102030:0.600 #12345g:0.300 #abc\";x:0.100";
    int64_t frames[N_FRAMES];
    double scores[N_FRAMES];
    CHECK("begin", ava_store_begin(st) == 0);
    for (int i = 0; i < N_FRAMES; i++) {
        for (int k = 0; k < n_cols; k++)
            row[k].set = 0;
        set_real(row, cols, n_cols, "brightness", 0.01 * i);
        set_real(row, cols, n_cols, "contrast", 0.2);
        set_real(row, cols, n_cols, "colorfulness", 30.0);
        set_real(row, cols, n_cols, "sharpness", 100.0 + i);
        if (dom >= 0 && i == 26) {
            row[dom].set = 1;
            row[dom].data = (uint8_t *)dom_text;
            row[dom].len = strlen(dom_text);
        }
        CHECK("put frame", ava_store_put_frame(st, i, i, i / 25.0, 0, i == 0, 0, row) == 0);
        if (dom >= 0)
            row[dom].data = NULL;
        frames[i] = i;
        scores[i] = sin(i * 0.3);
    }
    CHECK("commit", ava_store_commit(st) == 0);
    CHECK("scores", ava_store_set_scores(st, frames, scores, N_FRAMES) == 0);
    CHECK("shot 0", ava_store_put_shot(st, 0, 0, 24, 0.0, 1.0, "start") == 0);
    CHECK("shot 1", ava_store_put_shot(st, 1, 25, 49, 1.0, 2.0, "<cut>") == 0);
    CHECK("shot best", ava_store_set_shot_best(st, 1, 26, 0.7) == 0);
    CHECK("pick 1", ava_store_put_pick(st, 1, 26, 1, 0.7, "00:00:01:01", "stills/x.jpg") == 0);
    CHECK("pick 2", ava_store_put_pick(st, 2, 5, 0, 0.5, "00:00:00:05", "stills/y z.jpg") == 0);
    /* A hostile still path must not become a link. */
    CHECK("pick 3", ava_store_put_pick(st, 3, 40, 1, 0.4, "00:00:01:15",
                                       "javascript:alert(1)") == 0);

    CHECK("report written", ava_report_write(st, html_path, NULL) == 0);
    char *html = read_all(html_path);
    CHECK("report readable", html != NULL);
    if (html) {
        CHECK("doctype", !strncmp(html, "<!DOCTYPE html>", 15));
        CHECK("utf-8", strstr(html, "<meta charset=\"utf-8\">") != NULL);
        CHECK("one figure per pick", count_of(html, "class=\"pick\"") == N_PICKS);
        CHECK("picks in rank order", strstr(html, "data-rank=\"1\"") != NULL &&
                                         strstr(html, "data-rank=\"1\"") <
                                             strstr(html, "data-rank=\"2\""));
        CHECK("one marker per pick", count_of(html, "class=\"pick-mark\"") == N_PICKS);
        CHECK("marker frame", strstr(html, "class=\"pick-mark\" data-frame=\"26\"") != NULL);
        CHECK("escaped title", strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;"
                                            "&amp;&quot;&#39;") != NULL);
        /* ava's own script (choices, viewer) is the only one; the hostile one is text. */
        CHECK("one script, ava's", count_of(html, "<script") == 1 &&
                                       strstr(html, "<script>alert") == NULL);
        CHECK("keep/reject per pick", count_of(html, "data-choice=\"keep\"") == N_PICKS);
        CHECK("save button", strstr(html, "id=\"save-choices\"") != NULL);
        CHECK("escaped file name", strstr(html, "a&lt;b&gt;&amp;c.mp4") != NULL);
        CHECK("escaped start_kind", strstr(html, "&lt;cut&gt;") != NULL);
        CHECK("no http://", strstr(html, "http://") == NULL);
        CHECK("no https://", strstr(html, "https://") == NULL);
        CHECK("no protocol-relative src", strstr(html, "src=\"//") == NULL);
        CHECK("no protocol-relative href", strstr(html, "href=\"//") == NULL);
        CHECK("svg timeline", strstr(html, "<svg") != NULL);
        CHECK("score polyline", strstr(html, "class=\"score-line\"") != NULL);
        CHECK("still link", strstr(html, "<a href=\"stills/x.jpg\"><img src=\"stills/x.thumb.jpg\""
                                         " data-still=\"stills/x.jpg\" loading=\"lazy\"") != NULL);
        CHECK("space percent-encoded", strstr(html, "src=\"stills/y%20z.thumb.jpg\"") != NULL);
        CHECK("no script URL", strstr(html, "javascript:") == NULL);
        CHECK("valid swatch", strstr(html, "background:#102030") != NULL);
        CHECK("invalid swatches dropped", strstr(html, "#12345g") == NULL &&
                                              strstr(html, "#abc") == NULL);
        CHECK("score 3 decimals", strstr(html, "score 0.700") != NULL);
        CHECK("timecode", strstr(html, "00:00:01:01") != NULL);
        CHECK("preset", strstr(html, "<dt>Preset</dt><dd>default</dd>") != NULL);
        CHECK("version", strstr(html, ava_version()) != NULL);
        CHECK("resolution", strstr(html, "640 \xc3\x97 360") != NULL);
        CHECK("shots table", count_of(html, "<tr><td>") == 2);
        CHECK("ends", strstr(html, "</html>") != NULL);
        free(html);
    }

    AvaLogger quiet = { NULL, quiet_log, AVA_LOG_DEBUG };
    char bad_path[300];
    snprintf(bad_path, sizeof(bad_path), "%s/missing/report.html", dir);
    CHECK("unwritable path", ava_report_write(st, bad_path, &quiet) == AVA_ERR_OUTPUT);

    /* A broken database: the error names the page and nothing is written. */
    char html2[300];
    snprintf(html2, sizeof(html2), "%s/report2.html", dir);
    CHECK("drop picks", sqlite3_exec(ava_store_db(st), "DROP TABLE picks", NULL, NULL,
                                     NULL) == SQLITE_OK);
    last_error[0] = 0;
    CHECK("store error", ava_report_write(st, html2, &quiet) == AVA_ERR_STORE);
    CHECK("error names the page", strstr(last_error, html2) != NULL);
    CHECK("no page on error", access(html2, F_OK) != 0);

    CHECK("close", ava_store_close(&st) == 0);
    free(row);
    free(cols);
    ava_remove_tree(dir);
    printf("report: %d passed, %d failed\n", n_pass, n_fail);
    return n_fail ? 1 : 0;
}
