/* SPDX-License-Identifier: MIT */
/** @file candidates.csv and picks.edl (see editorial.h). */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/export/editorial.h"
#include "src/util/fsutil.h"
#include "src/util/text.h"
#include "src/util/timecode.h"

typedef struct Out {
    char *s;
    size_t len, cap;
    int oom;
} Out;

static void put(Out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(Out *o, const char *fmt, ...)
{
    if (o->oom)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(o->s ? o->s + o->len : NULL, o->s ? o->cap - o->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            o->oom = 1;
            return;
        }
        if (o->s && o->len + (size_t)n < o->cap) {
            o->len += (size_t)n;
            return;
        }
        size_t cap = (o->cap + (size_t)n + 1) * 2;
        char *p = realloc(o->s, cap);
        if (!p) {
            o->oom = 1;
            return;
        }
        o->s = p;
        o->cap = cap;
    }
}

/* A CSV field: quoted when it holds a comma, quote or line break (RFC 4180). */
static void csv_field(Out *o, const char *v)
{
    if (!strpbrk(v, ",\"\r\n")) {
        put(o, "%s", v);
        return;
    }
    put(o, "\"");
    for (; *v; v++)
        put(o, *v == '"' ? "\"\"" : "%c", *v);
    put(o, "\"");
}

static int finish(Out *o, const char *path, const AvaLogger *lg)
{
    if (o->oom) {
        free(o->s);
        return AVA_ERR(ENOMEM);
    }
    int ret = ava_write_file_atomic(path, o->s ? o->s : "", o->len, lg);
    free(o->s);
    return ret;
}

int ava_candidates_csv_write(const char *path, const AvaCandidate *c, int n,
                             const char *const *feature_names, int n_features,
                             const AvaLogger *lg)
{
    Out o = { 0 };
    put(&o, "rank,frame,pts,t_s,timecode,score,shot,still,width,height");
    for (int k = 0; k < n_features; k++)
        put(&o, ",%s", feature_names[k]);
    put(&o, ",dominant_colors\r\n");
    for (int i = 0; i < n; i++) {
        put(&o, "%d,%lld,%lld,%.6f,%s,%.6f,%d,", c[i].rank, (long long)c[i].frame,
            (long long)c[i].pts, c[i].t_s, c[i].timecode, c[i].score, c[i].shot);
        csv_field(&o, c[i].still);
        put(&o, ",%d,%d", c[i].width, c[i].height);
        for (int k = 0; k < n_features; k++) {
            if (isfinite(c[i].features[k]))
                put(&o, ",%.6g", c[i].features[k]);
            else
                put(&o, ",");
        }
        put(&o, ",");
        csv_field(&o, c[i].dominant_colors ? c[i].dominant_colors : "");
        put(&o, "\r\n");
    }
    return finish(&o, path, lg);
}

/* EDL text fields: printable ASCII only, no line breaks (old importers choke on more). */
static void edl_text(char *dst, size_t size, const char *src)
{
    char safe[512];
    ava_text_sanitize(safe, sizeof(safe), src ? src : "");
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)safe; *p && o + 1 < size; p++)
        dst[o++] = *p >= 0x20 && *p < 0x7F ? (char)*p : '_';
    dst[o] = 0;
}

/* The timecode of the frame at @p t_s, or of the one after it (@p next): drop-frame labels
 * count frames (t_s x the exact 30000/1001 or 60000/1001 rate, rounded), the others come
 * from the timestamp as everywhere else. */
static void edl_timecode(char *buf, size_t size, double t_s, double fps, int drop, int next)
{
    if (drop) {
        int64_t n = (int64_t)llround((t_s > 0 ? t_s : 0) * drop * 1000.0 / 1001.0);
        ava_timecode_drop_frame(buf, size, n + next, drop);
    } else {
        ava_timecode(buf, size, t_s + (next ? 1.0 / (fps > 0 ? fps : 25) : 0), fps, ':');
    }
}

int ava_edl_write(const char *path, const char *src, const char *title, double fps,
                  const AvaCandidate *c, int n, const AvaLogger *lg)
{
    Out o = { 0 };
    char name[256], clip[256];
    const char *base = strrchr(src, '/');
    edl_text(clip, sizeof(clip), base ? base + 1 : src);
    edl_text(name, sizeof(name), title && *title ? title : clip);
    /* 29.97 and 59.94 are labelled drop-frame, as their editors expect (SMPTE 12M). */
    int drop = ava_timecode_drop_rate(fps);
    put(&o, "TITLE: %s\r\nFCM: %s\r\n\r\n", name, drop ? "DROP FRAME" : "NON-DROP FRAME");
    /* Events in timeline order; each one frame long, its record time equal to the source. */
    int *order = malloc((size_t)(n ? n : 1) * sizeof(*order));
    if (!order) {
        free(o.s);
        return AVA_ERR(ENOMEM);
    }
    for (int i = 0; i < n; i++)
        order[i] = i;
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && c[order[j]].t_s < c[order[j - 1]].t_s; j--) {
            int t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    for (int e = 0; e < n; e++) {
        const AvaCandidate *p = &c[order[e]];
        char in[32], out[32];
        edl_timecode(in, sizeof(in), p->t_s, fps, drop, 0);
        edl_timecode(out, sizeof(out), p->t_s, fps, drop, 1);
        put(&o, "%03d  AX       V     C        %s %s %s %s\r\n", e + 1, in, out, in, out);
        put(&o, "* FROM CLIP NAME: %s\r\n", clip);
        put(&o, "* LOC: %s YELLOW ava pick %d score %.3f frame %lld\r\n\r\n", in, p->rank,
            p->score, (long long)p->frame);
    }
    free(order);
    return finish(&o, path, lg);
}
