/* SPDX-License-Identifier: MIT */
/** @file Strict readers for the report's two JSON shapes (see report_json.h, RFC 8259). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "src/report/report_json.h"

#define MAX_DEPTH 16

typedef struct Json {
    const char *p;
    int err;
} Json;

static void ws(Json *j)
{
    while (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')
        j->p++;
}

static int eat(Json *j, char c)
{
    ws(j);
    if (*j->p != c)
        return 0;
    j->p++;
    return 1;
}

/* Appends code point @p u as UTF-8 when it fits (and is not NUL). */
static void put_utf8(char *out, size_t cap, size_t *n, unsigned u)
{
    char t[4];
    size_t k;
    if (!u)
        return;
    if (u < 0x80) {
        t[0] = (char)u;
        k = 1;
    } else if (u < 0x800) {
        t[0] = (char)(0xc0 | (u >> 6));
        t[1] = (char)(0x80 | (u & 0x3f));
        k = 2;
    } else if (u < 0x10000) {
        t[0] = (char)(0xe0 | (u >> 12));
        t[1] = (char)(0x80 | ((u >> 6) & 0x3f));
        t[2] = (char)(0x80 | (u & 0x3f));
        k = 3;
    } else {
        t[0] = (char)(0xf0 | (u >> 18));
        t[1] = (char)(0x80 | ((u >> 12) & 0x3f));
        t[2] = (char)(0x80 | ((u >> 6) & 0x3f));
        t[3] = (char)(0x80 | (u & 0x3f));
        k = 4;
    }
    if (out && *n + k < cap) {
        memcpy(out + *n, t, k);
        *n += k;
    }
}

static int hex4(const char *p, unsigned *u)
{
    *u = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (v < 0)
            return -1;
        *u = *u * 16 + (unsigned)v;
    }
    return 0;
}

/* A string into @p out (cap bytes, truncated at a character boundary), or skipped (NULL). */
static int string(Json *j, char *out, size_t cap)
{
    size_t n = 0;
    ws(j);
    if (*j->p != '"')
        return j->err = 1, -1;
    j->p++;
    for (;;) {
        unsigned char c = (unsigned char)*j->p;
        if (!c || c < 0x20)
            return j->err = 1, -1;
        j->p++;
        if (c == '"')
            break;
        if (c != '\\') {
            /* A multi-byte character is copied whole or not at all. */
            size_t k = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
            for (size_t i = 1; i < k; i++)
                if (((unsigned char)j->p[i - 1] & 0xc0) != 0x80)
                    return j->err = 1, -1;
            if (out && n + k < cap) {
                memcpy(out + n, j->p - 1, k);
                n += k;
            } else if (out) {
                cap = n + 1; /* full: keep the rest out */
            }
            j->p += k - 1;
            continue;
        }
        unsigned u;
        char e = *j->p++;
        switch (e) {
        case '"': u = '"'; break;
        case '\\': u = '\\'; break;
        case '/': u = '/'; break;
        case 'b': u = '\b'; break;
        case 'f': u = '\f'; break;
        case 'n': u = '\n'; break;
        case 'r': u = '\r'; break;
        case 't': u = '\t'; break;
        case 'u':
            if (hex4(j->p, &u) < 0)
                return j->err = 1, -1;
            j->p += 4;
            if (u >= 0xd800 && u < 0xdc00 && j->p[0] == '\\' && j->p[1] == 'u') {
                unsigned lo;
                if (hex4(j->p + 2, &lo) == 0 && lo >= 0xdc00 && lo < 0xe000) {
                    u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
                    j->p += 6;
                }
            }
            if (u >= 0xd800 && u < 0xe000)
                u = 0xfffd;
            break;
        default:
            return j->err = 1, -1;
        }
        put_utf8(out, cap, &n, u);
    }
    if (out)
        out[n] = 0;
    return 0;
}

static int number(Json *j, double *v)
{
    ws(j);
    const char *s = j->p;
    if (*s == '-')
        s++;
    if (!(*s >= '0' && *s <= '9'))
        return j->err = 1, -1;
    char *end;
    *v = strtod(j->p, &end);
    if (end == j->p || !isfinite(*v))
        return j->err = 1, -1;
    j->p = end;
    return 0;
}

static int skip_value(Json *j, int depth);

static int skip_container(Json *j, char close, int depth, int object)
{
    if (depth > MAX_DEPTH)
        return j->err = 1, -1;
    if (eat(j, close))
        return 0;
    do {
        if (object) {
            if (string(j, NULL, 0) < 0 || !eat(j, ':'))
                return j->err = 1, -1;
        }
        if (skip_value(j, depth + 1) < 0)
            return -1;
    } while (eat(j, ','));
    return eat(j, close) ? 0 : (j->err = 1, -1);
}

static int skip_value(Json *j, int depth)
{
    double v;
    ws(j);
    switch (*j->p) {
    case '"': return string(j, NULL, 0);
    case '[': j->p++; return skip_container(j, ']', depth, 0);
    case '{': j->p++; return skip_container(j, '}', depth, 1);
    case 't': if (!strncmp(j->p, "true", 4)) { j->p += 4; return 0; } break;
    case 'f': if (!strncmp(j->p, "false", 5)) { j->p += 5; return 0; } break;
    case 'n': if (!strncmp(j->p, "null", 4)) { j->p += 4; return 0; } break;
    default: return number(j, &v);
    }
    return j->err = 1, -1;
}

static int at_end(Json *j)
{
    ws(j);
    return *j->p == 0;
}

static int empty(const char *json)
{
    Json j = { json, 0 };
    if (at_end(&j))
        return 1;
    return !strncmp(j.p, "null", 4) && (j.p += 4, at_end(&j));
}

int ava_json_boxes(const char *json, double (*box)[5], int max)
{
    if (!json || empty(json))
        return 0;
    Json j = { json, 0 };
    int n = 0;
    if (!eat(&j, '['))
        return -1;
    if (!eat(&j, ']')) {
        do {
            double v[5] = { 0, 0, 0, 0, 1 };
            int k = 0;
            if (!eat(&j, '['))
                return -1;
            do {
                double x;
                if (number(&j, &x) < 0)
                    return -1;
                if (k < 5)
                    v[k] = x;
                k++;
            } while (eat(&j, ','));
            if (!eat(&j, ']') || k < 4 || k > 5)
                return -1;
            if (n < max)
                memcpy(box[n++], v, sizeof(v));
        } while (eat(&j, ','));
        if (!eat(&j, ']'))
            return -1;
    }
    return at_end(&j) ? n : -1;
}

int ava_json_why(const char *json, AvaWhy *why, int max)
{
    if (!json || empty(json))
        return 0;
    Json j = { json, 0 };
    int n = 0;
    if (!eat(&j, '['))
        return -1;
    if (!eat(&j, ']')) {
        do {
            if (!eat(&j, '{'))
                return -1;
            AvaWhy w = { "", 0 };
            int has_f = 0, has_c = 0;
            if (!eat(&j, '}')) {
                do {
                    char key[32];
                    if (string(&j, key, sizeof(key)) < 0 || !eat(&j, ':'))
                        return -1;
                    ws(&j);
                    if (!strcmp(key, "feature") && *j.p == '"') {
                        if (string(&j, w.feature, sizeof(w.feature)) < 0)
                            return -1;
                        has_f = 1;
                    } else if (!strcmp(key, "contribution") && *j.p != '"' && *j.p != '[' &&
                               *j.p != '{' && *j.p != 't' && *j.p != 'f' && *j.p != 'n') {
                        if (number(&j, &w.contribution) < 0)
                            return -1;
                        has_c = 1;
                    } else if (skip_value(&j, 1) < 0) {
                        return -1;
                    }
                } while (eat(&j, ','));
                if (!eat(&j, '}'))
                    return -1;
            }
            if (has_f && has_c && n < max)
                why[n++] = w;
        } while (eat(&j, ','));
        if (!eat(&j, ']'))
            return -1;
    }
    return at_end(&j) ? n : -1;
}
