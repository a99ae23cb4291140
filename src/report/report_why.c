/* SPDX-License-Identifier: MIT */
/** @file Why frames outside the pool never were candidates (see report_why.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/report/report_why.h"
#include "src/util/grow.h"

typedef struct WhyShot {
    long long first, last, best;
    double best_score;
    int faces;                 ///< a face was seen in one of its frames
} WhyShot;

typedef struct WhyPool {
    long long frame;
    double t_s, base;
} WhyPool;

typedef struct WhyRun {
    long long first, last, ref;
    int code;
} WhyRun;

/* A run_config number written as "key=value" inside the text of row @p row. */
static double config_number(AvaReport *r, const char *row, const char *key, double dflt)
{
    sqlite3_stmt *s;
    double v = dflt;
    if (!ava_report_has_column(r, "run_config", "value") ||
        ava_report_prepare(r, "SELECT value FROM run_config WHERE key = ?", &s) < 0)
        return dflt;
    sqlite3_bind_text(s, 1, row, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW) {
        const char *t = ava_report_col_text(s, 0);
        const char *at = t && *key ? strstr(t, key) : t;
        if (at && sscanf(at + strlen(key), "%lf", &v) != 1)
            v = dflt;
    }
    sqlite3_finalize(s);
    return v;
}

static int load_shots(AvaReport *r, WhyShot **out, int *n_out)
{
    AvaBuf q = { 0 };
    ava_buf_puts(&q, "SELECT s.first_frame, s.last_frame, s.best_frame, s.best_score");
    if (ava_report_has_column(r, "faces", "frame"))
        ava_buf_puts(&q, ", EXISTS (SELECT 1 FROM faces c WHERE c.frame BETWEEN s.first_frame"
                         " AND s.last_frame)");
    else
        ava_buf_puts(&q, ", 0");
    ava_buf_puts(&q, " FROM shots s ORDER BY s.first_frame, s.id");
    if (q.oom)
        return AVA_ERR(ENOMEM);
    sqlite3_stmt *s;
    int ret = ava_report_prepare(r, q.s, &s);
    free(q.s);
    if (ret < 0)
        return ret;
    WhyShot *sh = NULL;
    int n = 0, cap = 0, rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        WhyShot *grown = ava_grow(sh, &cap, n, sizeof(*sh));
        if (!grown) {
            rc = SQLITE_NOMEM;
            break;
        }
        sh = grown;
        sh[n++] = (WhyShot){ sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1),
                             sqlite3_column_type(s, 2) == SQLITE_NULL ? -1
                                                                      : sqlite3_column_int64(s, 2),
                             sqlite3_column_type(s, 3) == SQLITE_NULL ? NAN
                                                                      : sqlite3_column_double(s, 3),
                             sqlite3_column_int(s, 4) };
    }
    *out = sh;
    *n_out = n;
    if (rc == SQLITE_NOMEM) {
        sqlite3_finalize(s);
        return AVA_ERR(ENOMEM);
    }
    return ava_report_finish(r, s, rc);
}

static int load_pool(AvaReport *r, WhyPool **out, int *n_out)
{
    sqlite3_stmt *s;
    int ret = ava_report_prepare(r, ava_report_has_column(r, "pool", "base_score")
                                        ? "SELECT p.frame, f.t_s, p.base_score FROM pool p"
                                          " JOIN frames f ON f.frame = p.frame ORDER BY p.frame"
                                        : "SELECT p.frame, f.t_s, NULL FROM pool p"
                                          " JOIN frames f ON f.frame = p.frame ORDER BY p.frame",
                                 &s);
    if (ret < 0)
        return ret;
    WhyPool *p = NULL;
    int n = 0, cap = 0, rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        WhyPool *grown = ava_grow(p, &cap, n, sizeof(*p));
        if (!grown) {
            rc = SQLITE_NOMEM;
            break;
        }
        p = grown;
        p[n++] = (WhyPool){ sqlite3_column_int64(s, 0), sqlite3_column_double(s, 1),
                            sqlite3_column_type(s, 2) == SQLITE_NULL ? NAN
                                                                     : sqlite3_column_double(s, 2) };
    }
    *out = p;
    *n_out = n;
    if (rc == SQLITE_NOMEM) {
        sqlite3_finalize(s);
        return AVA_ERR(ENOMEM);
    }
    return ava_report_finish(r, s, rc);
}

static void put_num(AvaBuf *b, double v, int decimals)
{
    if (isfinite(v))
        ava_buf_printf(b, "%.*f", decimals, v);
    else
        ava_buf_puts(b, "null");
}

/* The code of frame @p frame (time @p t_s) of shot @p sh, outside the pool; *ref receives
 * the pool frame that kept it out (AVA_WHY_GAP) or -1. @p k is the index of the first pool
 * frame after it. */
static int why_code(const WhyShot *sh, const WhyPool *pool, int n_pool, int k, long long frame,
                    double t_s, int has_score, double black, double black_th, int transition,
                    int edge_frames, double gap_s, long long *ref)
{
    *ref = -1;
    if (black >= black_th)
        return AVA_WHY_BLACK;
    if (transition)
        return AVA_WHY_TRANSITION;
    if (!has_score)
        return sh && sh->faces ? AVA_WHY_UNSAMPLED : AVA_WHY_NO_SCORE;
    if (sh) {
        long long len = sh->last - sh->first + 1, edge = edge_frames;
        /* Very short shots keep their middle frames (rank.c eligible()). */
        if (len <= 2 * edge)
            edge = (len - 1) / 2;
        if (frame < sh->first + edge || frame > sh->last - edge)
            return AVA_WHY_EDGE;
    }
    /* The pool frames nearest in time are the ones either side in frame order. */
    double best = INFINITY;
    for (int j = k - 1; j <= k; j++)
        if (j >= 0 && j < n_pool && sh && pool[j].frame >= sh->first &&
            pool[j].frame <= sh->last && fabs(pool[j].t_s - t_s) < gap_s &&
            fabs(pool[j].t_s - t_s) < best) {
            best = fabs(pool[j].t_s - t_s);
            *ref = pool[j].frame;
        }
    return *ref >= 0 ? AVA_WHY_GAP : AVA_WHY_FULL;
}

static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* A score as two base-64 digits, (v - lo) / (hi - lo) in 4096 steps; "~~" for none. */
static void put_score(AvaBuf *b, double v, double lo, double hi)
{
    if (!isfinite(v) || !(hi >= lo)) {
        ava_buf_add(b, "~~", 2);
        return;
    }
    long q = hi > lo ? lround((v - lo) / (hi - lo) * 4095) : 0;
    q = q < 0 ? 0 : q > 4095 ? 4095 : q;
    char t[2] = { digits[q >> 6], digits[q & 63] };
    ava_buf_add(b, t, 2);
}

static int put_runs(AvaReport *r, const WhyShot *sh, int n_sh, const WhyPool *pool, int n_pool,
                    AvaBuf *runs, AvaBuf *scores, int with_scores, double lo, double hi)
{
    int edge = (int)config_number(r, "shot_edge_frames", "", 2);
    double gap_s = config_number(r, "min_gap_s", "", 1.0) / 4;
    double black_th = config_number(r, "shots_fade", "black_pic_th=", 0.98);
    AvaBuf q = { 0 };
    ava_buf_puts(&q, "SELECT f.frame, f.t_s, f.score");
    ava_report_frame_column(r, &q, "black_ratio");
    ava_report_frame_column(r, &q, "transition");
    ava_buf_puts(&q, " FROM frames f ORDER BY f.frame");
    if (q.oom)
        return AVA_ERR(ENOMEM);
    sqlite3_stmt *s;
    int ret = ava_report_prepare(r, q.s, &s);
    free(q.s);
    if (ret < 0)
        return ret;
    WhyRun run = { .first = -1 };
    int rc, i_sh = 0, k = 0, n_runs = 0;
    long long n = 0, prev = -1;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        long long frame = sqlite3_column_int64(s, 0);
        int has_score = sqlite3_column_type(s, 2) != SQLITE_NULL;
        if (with_scores) {
            /* one entry per frame number from the first: a missing row reads as no score */
            for (long long g = prev + 1; n && g < frame; g++)
                put_score(scores, NAN, lo, hi);
            put_score(scores, has_score ? sqlite3_column_double(s, 2) : NAN, lo, hi);
        }
        prev = frame;
        n++;
        while (i_sh + 1 < n_sh && sh[i_sh].last < frame)
            i_sh++;
        const WhyShot *shot = n_sh && frame >= sh[i_sh].first && frame <= sh[i_sh].last
                                  ? &sh[i_sh] : NULL;
        while (k < n_pool && pool[k].frame < frame)
            k++;
        if (k < n_pool && pool[k].frame == frame)
            continue; /* a pool frame: its row says why */
        long long ref;
        double black = sqlite3_column_type(s, 3) == SQLITE_NULL ? 0 : sqlite3_column_double(s, 3);
        int code = why_code(shot, pool, n_pool, k, frame, sqlite3_column_double(s, 1), has_score,
                            black, black_th, sqlite3_column_int(s, 4), edge, gap_s, &ref);
        if (run.first >= 0 && run.code == code && run.ref == ref && run.last + 1 == frame) {
            run.last = frame;
            continue;
        }
        if (run.first >= 0)
            ava_buf_printf(runs, "%s[%lld,%lld,%d,%lld]", n_runs++ ? "," : "", run.first,
                           run.last, run.code, run.ref);
        run = (WhyRun){ frame, frame, ref, code };
    }
    if (run.first >= 0)
        ava_buf_printf(runs, "%s[%lld,%lld,%d,%lld]", n_runs ? "," : "", run.first, run.last,
                       run.code, run.ref);
    return ava_report_finish(r, s, rc);
}

int ava_report_why_data(AvaReport *r)
{
    if (!ava_report_has_column(r, "pool", "frame") || !ava_report_has_column(r, "frames", "score"))
        return 0;
    double first, last;
    int ret = ava_report_query_real(r, "SELECT min(frame) FROM frames", &first);
    if (ret >= 0)
        ret = ava_report_query_real(r, "SELECT max(frame) FROM frames", &last);
    if (ret < 0)
        return ret;
    first = isnan(first) ? 0 : first;
    last = isnan(last) ? -1 : last;
    double n_frames = last - first + 1;
    int with_scores = !(n_frames > AVA_REPORT_MAX_FRAME_SCORES);
    double lo, hi;
    if ((ret = ava_report_query_real(r, "SELECT min(score) FROM frames", &lo)) < 0 ||
        (ret = ava_report_query_real(r, "SELECT max(score) FROM frames", &hi)) < 0)
        return ret;
    WhyShot *sh = NULL;
    WhyPool *pool = NULL;
    int n_sh = 0, n_pool = 0;
    AvaBuf runs = { 0 }, scores = { 0 };
    ret = load_shots(r, &sh, &n_sh);
    if (ret >= 0)
        ret = load_pool(r, &pool, &n_pool);
    if (ret >= 0)
        ret = put_runs(r, sh, n_sh, pool, n_pool, &runs, &scores, with_scores, lo, hi);
    if (ret >= 0 && (runs.oom || scores.oom))
        ret = AVA_ERR(ENOMEM);
    if (ret >= 0) {
        AvaBuf *b = &r->b;
        ava_buf_printf(b, "<pre id=\"ava-frames\" hidden>{\"first\":%.0f,\"last\":%.0f,"
                          "\"edge\":%d,\"gap\":%.3f,\"size\":%d,\"shots\":[",
                       first, last,
                       (int)config_number(r, "shot_edge_frames", "", 2),
                       config_number(r, "min_gap_s", "", 1.0) / 4, n_pool);
        for (int i = 0; i < n_sh; i++) {
            ava_buf_printf(b, "%s[%lld,%lld,%lld,", i ? "," : "", sh[i].first, sh[i].last,
                           sh[i].best);
            put_num(b, sh[i].best_score, 4);
            ava_buf_puts(b, "]");
        }
        ava_buf_puts(b, "],\"pool\":[");
        for (int i = 0; i < n_pool; i++) {
            ava_buf_printf(b, "%s[%lld,", i ? "," : "", pool[i].frame);
            put_num(b, pool[i].base, 4);
            ava_buf_puts(b, "]");
        }
        ava_buf_puts(b, "],\"runs\":[");
        if (runs.s)
            ava_buf_puts(b, runs.s);
        ava_buf_puts(b, "],\"scores\":");
        if (with_scores && isfinite(lo) && isfinite(hi)) {
            ava_buf_printf(b, "{\"lo\":%.6f,\"hi\":%.6f,\"q\":\"", lo, hi);
            if (scores.s)
                ava_buf_puts(b, scores.s);
            ava_buf_puts(b, "\"}");
        } else {
            ava_buf_puts(b, "null");
        }
        ava_buf_puts(b, "}</pre>\n");
    }
    free(sh);
    free(pool);
    free(runs.s);
    free(scores.s);
    return ret;
}
