/* SPDX-License-Identifier: MIT */
/**
 * @file
 * TF.js layers models inside JavaScript bundles: a literal parser (no evaluation), base64
 * shards, and the Keras layer list turned into graph nodes (see tfjs_graph_js.h).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "src/log.h"
#include "src/nn/tfjs_graph_js.h"

/* ---- literal parser ---------------------------------------------------------------- */

typedef struct Lex {
    const char *s;
    size_t pos, len;
    int depth;
    char *err;
    size_t err_size;
    int oom;
} Lex;

static cJSON *lex_fail(Lex *l, const char *what)
{
    if (l->err && l->err_size && !l->err[0])
        snprintf(l->err, l->err_size, "%s at byte %zu", what, l->pos);
    return NULL;
}

static void skip_ws(Lex *l)
{
    while (l->pos < l->len && (l->s[l->pos] == ' ' || l->s[l->pos] == '\t' ||
                               l->s[l->pos] == '\n' || l->s[l->pos] == '\r'))
        l->pos++;
}

static int peek(Lex *l)
{
    return l->pos < l->len ? (unsigned char)l->s[l->pos] : -1;
}

static int is_ident(int c, int first)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' ||
           (!first && c >= '0' && c <= '9');
}

static int hexval(int c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* A quoted string ("..." or '...'), unescaped into a new NUL-terminated buffer. */
static char *parse_string_raw(Lex *l)
{
    int q = peek(l);
    size_t start = ++l->pos, n = 0;
    char *buf = NULL;
    /* First pass: find the end and an upper bound of the size. */
    size_t i = start;
    while (i < l->len && l->s[i] != q) {
        if (l->s[i] == '\\')
            i++;
        if (i < l->len && (l->s[i] == '\n' || l->s[i] == '\r')) {
            l->pos = i;
            lex_fail(l, "newline in string");
            return NULL;
        }
        i++;
    }
    if (i >= l->len) {
        lex_fail(l, "unterminated string");
        return NULL;
    }
    size_t end = i;
    if (!(buf = malloc(end - start + 1))) {
        l->oom = 1;
        return NULL;
    }
    for (i = start; i < end; i++) {
        char c = l->s[i];
        if (c != '\\') {
            buf[n++] = c;
            continue;
        }
        c = l->s[++i]; /* i < end: a backslash never ends the string */
        switch (c) {
        case 'n': buf[n++] = '\n'; break;
        case 't': buf[n++] = '\t'; break;
        case 'r': buf[n++] = '\r'; break;
        case 'b': buf[n++] = '\b'; break;
        case 'f': buf[n++] = '\f'; break;
        case 'v': buf[n++] = '\v'; break;
        case '0': buf[n++] = 0; break;
        case 'u': {
            unsigned v = 0;
            for (int k = 0; k < 4; k++) {
                int h = i + 1 + k < end ? hexval((unsigned char)l->s[i + 1 + k]) : -1;
                if (h < 0) {
                    free(buf);
                    l->pos = i;
                    lex_fail(l, "bad \\u escape");
                    return NULL;
                }
                v = v * 16 + (unsigned)h;
            }
            i += 4;
            /* UTF-8 (at most 3 bytes for 4 hex digits; the 6 source bytes leave room). */
            if (v < 0x80) {
                buf[n++] = (char)v;
            } else if (v < 0x800) {
                buf[n++] = (char)(0xc0 | v >> 6);
                buf[n++] = (char)(0x80 | (v & 0x3f));
            } else {
                buf[n++] = (char)(0xe0 | v >> 12);
                buf[n++] = (char)(0x80 | ((v >> 6) & 0x3f));
                buf[n++] = (char)(0x80 | (v & 0x3f));
            }
            break;
        }
        case 'x': {
            int h1 = i + 1 < end ? hexval((unsigned char)l->s[i + 1]) : -1;
            int h2 = i + 2 < end ? hexval((unsigned char)l->s[i + 2]) : -1;
            if (h1 < 0 || h2 < 0) {
                free(buf);
                l->pos = i;
                lex_fail(l, "bad \\x escape");
                return NULL;
            }
            i += 2;
            buf[n++] = (char)(h1 * 16 + h2);
            break;
        }
        default: buf[n++] = c; break; /* \" \' \\ \/ and any other char stand for themselves */
        }
    }
    buf[n] = 0;
    l->pos = end + 1;
    return buf;
}

static cJSON *parse_value(Lex *l);

static cJSON *parse_number(Lex *l)
{
    size_t i = l->pos;
    char tmp[64];
    size_t n = 0;
    if (i < l->len && (l->s[i] == '-' || l->s[i] == '+'))
        tmp[n++] = l->s[i++];
    int digits = 0;
    while (i < l->len && n < sizeof(tmp) - 1) {
        char c = l->s[i];
        if ((c >= '0' && c <= '9') || c == '.') {
            digits += c != '.';
        } else if (c == 'e' || c == 'E') {
            if (!digits)
                break;
            tmp[n++] = c;
            i++;
            if (i < l->len && (l->s[i] == '-' || l->s[i] == '+') && n < sizeof(tmp) - 1)
                tmp[n++] = l->s[i++];
            continue;
        } else {
            break;
        }
        tmp[n++] = c;
        i++;
    }
    tmp[n] = 0;
    char *endp;
    double v = digits ? strtod(tmp, &endp) : 0;
    if (!digits || *endp || !isfinite(v))
        return lex_fail(l, "bad number");
    l->pos = i;
    cJSON *j = cJSON_CreateNumber(v);
    if (!j)
        l->oom = 1;
    return j;
}

static int match_word(Lex *l, const char *w)
{
    size_t n = strlen(w);
    if (l->len - l->pos < n || memcmp(l->s + l->pos, w, n) ||
        (l->pos + n < l->len && is_ident((unsigned char)l->s[l->pos + n], 0)))
        return 0;
    l->pos += n;
    return 1;
}

static cJSON *parse_container(Lex *l, int obj)
{
    if (++l->depth > AVA_JS_MAX_DEPTH)
        return lex_fail(l, "nested too deep");
    l->pos++; /* { or [ */
    cJSON *c = obj ? cJSON_CreateObject() : cJSON_CreateArray();
    if (!c) {
        l->oom = 1;
        return NULL;
    }
    int close = obj ? '}' : ']';
    skip_ws(l);
    if (peek(l) == close) {
        l->pos++;
        l->depth--;
        return c;
    }
    for (;;) {
        char *key = NULL;
        skip_ws(l);
        if (obj) {
            int ch = peek(l);
            if (ch == '"' || ch == '\'') {
                key = parse_string_raw(l);
            } else if (is_ident(ch, 1) || (ch >= '0' && ch <= '9')) {
                size_t s = l->pos;
                while (l->pos < l->len && is_ident((unsigned char)l->s[l->pos], 0))
                    l->pos++;
                if ((key = malloc(l->pos - s + 1))) {
                    memcpy(key, l->s + s, l->pos - s);
                    key[l->pos - s] = 0;
                } else {
                    l->oom = 1;
                }
            } else {
                lex_fail(l, "expected a key");
            }
            skip_ws(l);
            if (key && peek(l) != ':') {
                lex_fail(l, "expected ':'");
                free(key);
                key = NULL;
            }
            if (!key)
                goto fail;
            l->pos++;
        }
        cJSON *v = parse_value(l);
        if (!v) {
            free(key);
            goto fail;
        }
        if (obj) {
            cJSON_AddItemToObject(c, key, v);
            free(key);
        } else {
            cJSON_AddItemToArray(c, v);
        }
        skip_ws(l);
        int ch = peek(l);
        if (ch == ',') {
            l->pos++;
            skip_ws(l);
            if (peek(l) == close) { /* trailing comma */
                l->pos++;
                break;
            }
            continue;
        }
        if (ch == close) {
            l->pos++;
            break;
        }
        lex_fail(l, obj ? "expected ',' or '}'" : "expected ',' or ']'");
        goto fail;
    }
    l->depth--;
    return c;
fail:
    cJSON_Delete(c);
    return NULL;
}

static cJSON *parse_value(Lex *l)
{
    skip_ws(l);
    int c = peek(l);
    cJSON *j = NULL;
    if (c == '{' || c == '[')
        return parse_container(l, c == '{');
    if (c == '"' || c == '\'') {
        char *s = parse_string_raw(l);
        if (!s)
            return NULL;
        if (!(j = cJSON_CreateString(s)))
            l->oom = 1;
        free(s);
        return j;
    }
    if (c == '!') { /* minifiers write true as !0 and false as !1 */
        if (l->pos + 1 < l->len && (l->s[l->pos + 1] == '0' || l->s[l->pos + 1] == '1')) {
            j = cJSON_CreateBool(l->s[l->pos + 1] == '0');
            l->pos += 2;
        } else {
            return lex_fail(l, "unsupported '!' expression");
        }
    } else if (match_word(l, "true")) {
        j = cJSON_CreateTrue();
    } else if (match_word(l, "false")) {
        j = cJSON_CreateFalse();
    } else if (match_word(l, "null")) {
        j = cJSON_CreateNull();
    } else if (c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9')) {
        return parse_number(l);
    } else {
        return lex_fail(l, "unsupported value (not a literal)");
    }
    if (!j)
        l->oom = 1;
    return j;
}

int ava_js_literal_parse(const char *text, size_t len, cJSON **out, char *err, size_t err_size)
{
    if (err && err_size)
        err[0] = 0;
    if (!text || !out)
        return AVA_ERR(EINVAL);
    static const char key[] = ".exports=";
    const size_t klen = sizeof(key) - 1;
    for (size_t i = 0; i + klen < len; i++) {
        if (memcmp(text + i, key, klen))
            continue;
        char c = text[i + klen];
        if (c != '{' && c != '[' && c != '"' && c != '\'')
            continue;
        Lex l = { .s = text, .pos = i + klen, .len = len, .err = err, .err_size = err_size };
        cJSON *j = parse_value(&l);
        if (!j)
            return l.oom ? AVA_ERR(ENOMEM) : AVA_ERR_MODEL;
        *out = j;
        return 0;
    }
    if (err && err_size)
        snprintf(err, err_size, "no '.exports=' literal");
    return AVA_ERR_MODEL;
}

/* ---- base64, files ------------------------------------------------------------------ */

static int b64val(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' : c >= 'a' && c <= 'z' ? c - 'a' + 26
         : c >= '0' && c <= '9' ? c - '0' + 52 : c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* Standard base64 (padding optional); NULL if a character is outside the alphabet. */
static uint8_t *base64_decode(const char *s, size_t n, size_t *out_len)
{
    while (n && s[n - 1] == '=')
        n--;
    if (n % 4 == 1)
        return NULL;
    uint8_t *out = malloc(n / 4 * 3 + 3);
    if (!out)
        return NULL;
    size_t o = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        int v = b64val((unsigned char)s[i]);
        if (v < 0) {
            free(out);
            return NULL;
        }
        acc = acc << 6 | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (uint8_t)(acc >> bits);
        }
    }
    *out_len = o;
    return out;
}

static char *read_text(const char *path, size_t *len, const AvaLogger *lg)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        ava_log(lg, AVA_LOG_ERROR, "model file %s: cannot open (%s); run scripts/fetch-models.sh",
                path, strerror(errno));
        return NULL;
    }
    char *buf = NULL;
    long n = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    if (n < 0 || (size_t)n > AVA_JS_MAX_FILE || fseek(f, 0, SEEK_SET) != 0) {
        ava_log(lg, AVA_LOG_ERROR, "model file %s: unreadable or over %zu bytes", path,
                AVA_JS_MAX_FILE);
    } else if ((buf = malloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, f) == (size_t)n) {
        buf[n] = 0;
        *len = (size_t)n;
    } else {
        ava_log(lg, AVA_LOG_ERROR, "model file %s: read failed", path);
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

static int safe_relative(const char *p)
{
    return p[0] && p[0] != '/' && !strstr(p, "..") && strlen(p) < 256;
}

void ava_tfjs_js_close(AvaTfjsJsModel **mp)
{
    if (!mp || !*mp)
        return;
    free((*mp)->path);
    cJSON_Delete((*mp)->root);
    ava_tfjs_close(&(*mp)->weights);
    free(*mp);
    *mp = NULL;
}

/* The model literal's single weight group; NULL (logged) if absent or not one group. */
static const cJSON *weight_group(const cJSON *root, const char *name, const AvaLogger *lg)
{
    const cJSON *wm = cJSON_GetObjectItemCaseSensitive(root, "weightsManifest");
    if (!cJSON_IsArray(wm) || cJSON_GetArraySize(wm) != 1) {
        ava_log(lg, AVA_LOG_ERROR, "model %s: weightsManifest must hold exactly one group",
                name);
        return NULL;
    }
    const cJSON *g = cJSON_GetArrayItem(wm, 0);
    const cJSON *paths = cJSON_GetObjectItemCaseSensitive(g, "paths");
    int n = cJSON_GetArraySize(paths);
    if (!cJSON_IsArray(paths) || n < 1 || n > 64 ||
        !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(g, "weights"))) {
        ava_log(lg, AVA_LOG_ERROR, "model %s: weight group without 1..64 paths and weights",
                name);
        return NULL;
    }
    const cJSON *p;
    cJSON_ArrayForEach(p, paths) {
        if (!cJSON_IsString(p) || !safe_relative(p->valuestring)) {
            ava_log(lg, AVA_LOG_ERROR, "model %s: shard path must be relative, without '..'",
                    name);
            return NULL;
        }
    }
    return g;
}

int ava_tfjs_js_load_memory(AvaTfjsJsModel **out, const char *name, const char *model_text,
                            size_t model_len, const char *const *shard_texts,
                            const size_t *shard_lens, int n_shards, const AvaLogger *lg)
{
    if (!out || !name || !model_text || (n_shards && (!shard_texts || !shard_lens)))
        return AVA_ERR(EINVAL);
    char err[128];
    AvaTfjsJsModel *m = calloc(1, sizeof(*m));
    uint8_t *bytes = NULL;
    size_t n_bytes = 0;
    int ret;
    if (!m || !(m->path = strdup(name))) {
        ret = AVA_ERR(ENOMEM);
        goto fail;
    }
    if ((ret = ava_js_literal_parse(model_text, model_len, &m->root, err, sizeof(err))) < 0) {
        ava_log(lg, AVA_LOG_ERROR, "model %s: %s", name,
                ret == AVA_ERR(ENOMEM) ? "out of memory" : err);
        goto fail;
    }
    ret = AVA_ERR_MODEL;
    m->topology = cJSON_GetObjectItemCaseSensitive(m->root, "modelTopology");
    if (!cJSON_IsObject(m->topology)) {
        ava_log(lg, AVA_LOG_ERROR, "model %s: no modelTopology object", name);
        goto fail;
    }
    const cJSON *g = weight_group(m->root, name, lg);
    if (!g)
        goto fail;
    int n_paths = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(g, "paths"));
    if (n_paths != n_shards) {
        ava_log(lg, AVA_LOG_ERROR, "model %s: %d shards named, %d given", name, n_paths,
                n_shards);
        goto fail;
    }
    for (int i = 0; i < n_shards; i++) {
        cJSON *s = NULL;
        if ((ret = ava_js_literal_parse(shard_texts[i], shard_lens[i], &s, err,
                                        sizeof(err))) < 0) {
            ava_log(lg, AVA_LOG_ERROR, "model %s: shard %s.min.js: %s", name,
                    cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(g, "paths"), i)->valuestring,
                    ret == AVA_ERR(ENOMEM) ? "out of memory" : err);
            goto fail;
        }
        size_t len = 0;
        uint8_t *b = cJSON_IsString(s) ? base64_decode(s->valuestring, strlen(s->valuestring),
                                                       &len) : NULL;
        cJSON_Delete(s);
        uint8_t *nb = b ? realloc(bytes, n_bytes + len + 1) : NULL;
        if (!nb) {
            free(b);
            ava_log(lg, AVA_LOG_ERROR, "model %s: shard %s.min.js is not a base64 string", name,
                    cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(g, "paths"), i)->valuestring);
            ret = AVA_ERR_MODEL;
            goto fail;
        }
        bytes = nb;
        memcpy(bytes + n_bytes, b, len);
        n_bytes += len;
        free(b);
    }
    ret = ava_tfjs_decode(&m->weights, name, cJSON_GetObjectItemCaseSensitive(g, "weights"),
                          bytes ? bytes : (const uint8_t *)"", n_bytes, lg);
    if (ret < 0)
        goto fail;
    free(bytes);
    *out = m;
    return 0;
fail:
    free(bytes);
    ava_tfjs_js_close(&m);
    return ret;
}

int ava_tfjs_js_load(AvaTfjsJsModel **out, const char *model_path, const AvaLogger *lg)
{
    if (!out || !model_path)
        return AVA_ERR(EINVAL);
    size_t mlen = 0;
    char *mtext = read_text(model_path, &mlen, lg);
    if (!mtext)
        return AVA_ERR_MODEL;
    /* Parse once here only to learn the shard paths; load_memory parses again (cheap). */
    cJSON *root = NULL;
    char err[128];
    int ret = ava_js_literal_parse(mtext, mlen, &root, err, sizeof(err));
    if (ret < 0) {
        ava_log(lg, AVA_LOG_ERROR, "model %s: %s", model_path,
                ret == AVA_ERR(ENOMEM) ? "out of memory" : err);
        free(mtext);
        return ret;
    }
    const cJSON *g = weight_group(root, model_path, lg);
    const cJSON *paths = g ? cJSON_GetObjectItemCaseSensitive(g, "paths") : NULL;
    int n = g ? cJSON_GetArraySize(paths) : 0;
    char *texts[64] = { 0 };
    size_t lens[64] = { 0 };
    ret = g ? 0 : AVA_ERR_MODEL;
    const char *slash = strrchr(model_path, '/');
    int dlen = slash ? (int)(slash - model_path) + 1 : 0;
    for (int i = 0; i < n && ret == 0; i++) {
        char full[4096];
        if (snprintf(full, sizeof(full), "%.*s%s.min.js", dlen, model_path,
                     cJSON_GetArrayItem(paths, i)->valuestring) >= (int)sizeof(full))
            ret = AVA_ERR(EINVAL);
        else if (!(texts[i] = read_text(full, &lens[i], lg)))
            ret = AVA_ERR_MODEL;
    }
    cJSON_Delete(root);
    if (ret == 0)
        ret = ava_tfjs_js_load_memory(out, model_path, mtext, mlen, (const char *const *)texts,
                                      lens, n, lg);
    for (int i = 0; i < n; i++)
        free(texts[i]);
    free(mtext);
    return ret;
}

/* ---- Keras layers -> graph ------------------------------------------------------------ */

typedef struct KLayer {
    const char *name, *cls;
    const cJSON *cfg;
    int in[8], n_in;      /* indices of inbound layers */
    int n_consumers, consumer;
    AvaVal val;
    int done;
} KLayer;

static const char *jstr(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int jint(const cJSON *o, const char *k, int idx, int def)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    if (idx >= 0)
        v = cJSON_GetArrayItem(v, idx);
    return cJSON_IsNumber(v) && v->valuedouble == floor(v->valuedouble) &&
           fabs(v->valuedouble) < 1e6 ? (int)v->valuedouble : def;
}

static int jbool(const cJSON *o, const char *k, int def)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsBool(v) ? cJSON_IsTrue(v) : def;
}

#define KFAIL(lg, m, L, fmt, ...) \
    (ava_log((lg), AVA_LOG_ERROR, "model %s: layer '%s': " fmt, (m)->path, (L)->name, \
             __VA_ARGS__), AVA_ERR_MODEL)

static const AvaTensor *kweight(const AvaTfjsJsModel *m, const KLayer *L, const char *part,
                                int ndim, const int *shape, const AvaLogger *lg)
{
    char name[256];
    snprintf(name, sizeof(name), "%s/%s", L->name, part);
    return ava_tfjs_expect(m->weights, name, ndim, shape, lg);
}

/* ReLU config -> activation: ReLU6, plain ReLU, or -1 (unsupported). */
static int relu_act(const cJSON *cfg)
{
    const cJSON *mv = cJSON_GetObjectItemCaseSensitive(cfg, "max_value");
    const cJSON *ns = cJSON_GetObjectItemCaseSensitive(cfg, "negative_slope");
    const cJSON *th = cJSON_GetObjectItemCaseSensitive(cfg, "threshold");
    if ((ns && !(cJSON_IsNumber(ns) && ns->valuedouble == 0)) ||
        (th && !(cJSON_IsNumber(th) && th->valuedouble == 0)))
        return -1;
    if (!mv || cJSON_IsNull(mv))
        return AVA_ACT_RELU;
    return cJSON_IsNumber(mv) && mv->valuedouble == 6 ? AVA_ACT_RELU6 : -1;
}

static int conv_layer(AvaGraph *g, const AvaTfjsJsModel *m, KLayer *Ls, int i,
                      const AvaLogger *lg)
{
    KLayer *L = &Ls[i];
    int dw = !strcmp(L->cls, "DepthwiseConv2D");
    const cJSON *c = L->cfg;
    int d[4];
    if (L->n_in != 1 || !ava_graph_shape(g, Ls[L->in[0]].val, d))
        return KFAIL(lg, m, L, "%s", "needs one 4-D input");
    int kh = jint(c, "kernel_size", 0, -1), kw = jint(c, "kernel_size", 1, -1);
    int sh = jint(c, "strides", 0, 1), sw = jint(c, "strides", 1, 1);
    int dil = jint(c, "dilation_rate", 0, 1);
    const char *pad = jstr(c, "padding"), *act = jstr(c, "activation");
    int cout = dw ? jint(c, "depth_multiplier", -1, 1) : jint(c, "filters", -1, -1);
    if (kh < 1 || kw < 1 || cout < 1 || !pad || (strcmp(pad, "same") && strcmp(pad, "valid")) ||
        dil != jint(c, "dilation_rate", 1, 1) || (act && strcmp(act, "linear")))
        return KFAIL(lg, m, L, "%s", "unsupported kernel, padding, dilation or activation");
    const AvaTensor *k = kweight(m, L, dw ? "depthwise_kernel" : "kernel", 4,
                                 (const int[]){ kh, kw, d[3], cout }, lg);
    const AvaTensor *b = jbool(c, "use_bias", 1) ?
        kweight(m, L, "bias", 1, (const int[]){ dw ? d[3] * cout : cout }, lg) : NULL;
    if (!k || (jbool(c, "use_bias", 1) && !b))
        return AVA_ERR_MODEL;
    int co = dw ? d[3] * cout : cout, last = i;
    float *scale = NULL, *offset = NULL;
    enum AvaAct fused = AVA_ACT_NONE;
    /* Fold a BatchNormalization that is this conv's only consumer, then a ReLU after it. */
    int j = L->n_consumers == 1 ? L->consumer : -1;
    if (j >= 0 && !strcmp(Ls[j].cls, "BatchNormalization") && Ls[j].n_in == 1) {
        const cJSON *bc = Ls[j].cfg;
        const cJSON *ep = cJSON_GetObjectItemCaseSensitive(bc, "epsilon");
        int ax = jint(bc, "axis", -1, -1);
        double eps = cJSON_IsNumber(ep) ? ep->valuedouble : 1e-3;
        const int s1[1] = { co };
        const AvaTensor *gm = jbool(bc, "scale", 1) ? kweight(m, &Ls[j], "gamma", 1, s1, lg) : NULL;
        const AvaTensor *bt = jbool(bc, "center", 1) ? kweight(m, &Ls[j], "beta", 1, s1, lg) : NULL;
        const AvaTensor *mn = kweight(m, &Ls[j], "moving_mean", 1, s1, lg);
        const AvaTensor *vr = kweight(m, &Ls[j], "moving_variance", 1, s1, lg);
        if ((ax != -1 && ax != 3) || !(eps >= 0) || !mn || !vr ||
            (jbool(bc, "scale", 1) && !gm) || (jbool(bc, "center", 1) && !bt))
            return KFAIL(lg, m, &Ls[j], "%s", "unsupported BatchNormalization or its weights");
        if (!(scale = malloc(2 * (size_t)co * sizeof(float))))
            return AVA_ERR(ENOMEM);
        offset = scale + co;
        for (int o = 0; o < co; o++) { /* (x - mean) * gamma / sqrt(var + eps) + beta */
            double s = (gm ? gm->data[o] : 1.0) / sqrt((double)vr->data[o] + eps);
            scale[o] = (float)s;
            offset[o] = (float)((bt ? bt->data[o] : 0.0) - mn->data[o] * s);
        }
        Ls[j].done = 1;
        last = j;
        int r = Ls[j].n_consumers == 1 ? Ls[j].consumer : -1;
        if (r >= 0 && !strcmp(Ls[r].cls, "ReLU") && relu_act(Ls[r].cfg) >= 0) {
            fused = (enum AvaAct)relu_act(Ls[r].cfg);
            Ls[r].done = 1;
            last = r;
        }
    }
    AvaVal y = ava_graph_conv2d(g, Ls[L->in[0]].val, &(AvaConvParams){
        .kh = kh, .kw = kw, .stride_h = sh, .stride_w = sw, .dilation = dil,
        .pad = strcmp(pad, "same") ? AVA_PAD_VALID : AVA_PAD_SAME, .depthwise = dw,
        .out_channels = cout, .filter = k->data, .bias = b ? b->data : NULL, .scale = scale,
        .offset = offset, .act = fused });
    free(scale);
    for (int t = i; t <= last; t++)
        if (t == i || Ls[t].done)
            Ls[t].val = y;
    return y == AVA_VAL_NONE ? AVA_ERR_MODEL : 0;
}

static int find_layer(const KLayer *Ls, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(Ls[i].name, name))
            return i;
    return -1;
}

static int emit_layer(AvaGraph *g, const AvaTfjsJsModel *m, KLayer *Ls, int i, AvaVal input,
                      AvaKerasNet *net, int is_output, const AvaLogger *lg)
{
    KLayer *L = &Ls[i];
    const char *cls = L->cls;
    const cJSON *c = L->cfg;
    AvaVal x = L->n_in ? Ls[L->in[0]].val : AVA_VAL_NONE;
    int d[4] = { 0 };
    if (L->n_in && !ava_graph_shape(g, x, d))
        return KFAIL(lg, m, L, "%s", "input has no value");
    if (!strcmp(cls, "InputLayer")) {
        L->val = input;
    } else if (!strcmp(cls, "Conv2D") || !strcmp(cls, "DepthwiseConv2D")) {
        return conv_layer(g, m, Ls, i, lg);
    } else if (!strcmp(cls, "ReLU")) {
        int a = relu_act(c);
        if (a < 0 || L->n_in != 1)
            return KFAIL(lg, m, L, "%s", "unsupported ReLU configuration");
        L->val = ava_graph_clamp(g, x, 0.0f, a == AVA_ACT_RELU6 ? 6.0f : INFINITY);
    } else if (!strcmp(cls, "ZeroPadding2D")) {
        const cJSON *p = cJSON_GetObjectItemCaseSensitive(c, "padding");
        int t = -1, b = -1, l = -1, r = -1;
        const cJSON *p0 = cJSON_GetArrayItem(p, 0), *p1 = cJSON_GetArrayItem(p, 1);
        if (cJSON_IsArray(p0) && cJSON_IsArray(p1)) {
            const cJSON *v[4] = { cJSON_GetArrayItem(p0, 0), cJSON_GetArrayItem(p0, 1),
                                  cJSON_GetArrayItem(p1, 0), cJSON_GetArrayItem(p1, 1) };
            int *dst[4] = { &t, &b, &l, &r };
            for (int k = 0; k < 4; k++)
                *dst[k] = cJSON_IsNumber(v[k]) && v[k]->valuedouble >= 0 &&
                          v[k]->valuedouble <= 64 ? (int)v[k]->valuedouble : -1;
        }
        if (t < 0 || b < 0 || l < 0 || r < 0 || L->n_in != 1)
            return KFAIL(lg, m, L, "%s", "unsupported padding");
        L->val = ava_graph_pad(g, x, (const int[]){ 0, t, l, 0 }, (const int[]){ 0, b, r, 0 },
                               0.0f);
    } else if (!strcmp(cls, "Add")) {
        if (L->n_in < 2)
            return KFAIL(lg, m, L, "%s", "needs two inputs");
        AvaVal s = x;
        for (int k = 1; k < L->n_in; k++)
            s = ava_graph_add(g, s, Ls[L->in[k]].val, AVA_ACT_NONE);
        L->val = s;
    } else if (!strcmp(cls, "AveragePooling2D") || !strcmp(cls, "GlobalAveragePooling2D")) {
        int glob = cls[0] == 'G';
        int ph = glob ? d[1] : jint(c, "pool_size", 0, -1), pw = glob ? d[2] : jint(c, "pool_size", 1, -1);
        int sh = glob ? 1 : jint(c, "strides", 0, ph), sw = glob ? 1 : jint(c, "strides", 1, pw);
        const char *pad = jstr(c, "padding");
        if (ph < 1 || pw < 1 || sh < 1 || sw < 1 || (!glob && (!pad || strcmp(pad, "valid"))))
            return KFAIL(lg, m, L, "%s", "unsupported pooling");
        L->val = ph * pw == 1 ? x : ava_graph_avgpool(g, x, ph, pw, sh, sw);
    } else if (!strcmp(cls, "Flatten") || !strcmp(cls, "Dropout")) {
        L->val = x; /* Dense flattens in NHWC order, as Keras's channels_last Flatten */
    } else if (!strcmp(cls, "Dense")) {
        int units = jint(c, "units", -1, -1), in = d[1] * d[2] * d[3]; /* absent dims: 1 */
        const char *act = jstr(c, "activation");
        enum AvaAct a = AVA_ACT_NONE;
        if (act && !strcmp(act, "relu"))
            a = AVA_ACT_RELU;
        else if (act && !strcmp(act, "softmax") && is_output)
            net->softmax = 1;
        else if (act && strcmp(act, "linear"))
            return KFAIL(lg, m, L, "unsupported activation '%s'", act);
        if (units < 1)
            return KFAIL(lg, m, L, "%s", "no units");
        const AvaTensor *k = kweight(m, L, "kernel", 2, (const int[]){ in, units }, lg);
        const AvaTensor *b = jbool(c, "use_bias", 1) ?
            kweight(m, L, "bias", 1, (const int[]){ units }, lg) : NULL;
        if (!k || (jbool(c, "use_bias", 1) && !b))
            return AVA_ERR_MODEL;
        L->val = ava_graph_dense(g, x, units, k->data, b ? b->data : NULL, a);
    } else {
        return KFAIL(lg, m, L, "unsupported layer class '%s'", cls);
    }
    return L->val == AVA_VAL_NONE ? AVA_ERR_MODEL : 0;
}

int ava_keras_build(AvaGraph *g, const AvaTfjsJsModel *m, AvaVal input, const char *tap_name,
                    AvaKerasNet *net, const AvaLogger *lg)
{
    if (!g || !m || !net)
        return AVA_ERR(EINVAL);
    net->output = net->tap = AVA_VAL_NONE;
    net->softmax = 0;
    const cJSON *mc = cJSON_GetObjectItemCaseSensitive(m->topology, "model_config");
    const cJSON *cfg = cJSON_GetObjectItemCaseSensitive(mc, "config");
    const cJSON *layers = cJSON_GetObjectItemCaseSensitive(cfg, "layers");
    const cJSON *outs = cJSON_GetObjectItemCaseSensitive(cfg, "output_layers");
    const char *mcls = jstr(mc, "class_name");
    int n = cJSON_GetArraySize(layers);
    if (!mcls || strcmp(mcls, "Model") || !cJSON_IsArray(layers) || n < 2 || n > 4096 ||
        cJSON_GetArraySize(outs) != 1) {
        ava_log(lg, AVA_LOG_ERROR, "model %s: not a Keras functional model with one output",
                m->path);
        return AVA_ERR_MODEL;
    }
    KLayer *Ls = calloc((size_t)n, sizeof(*Ls));
    if (!Ls)
        return AVA_ERR(ENOMEM);
    int ret = 0, i = 0;
    const cJSON *jl;
    cJSON_ArrayForEach(jl, layers) {
        KLayer *L = &Ls[i];
        L->name = jstr(jl, "name");
        L->cls = jstr(jl, "class_name");
        L->cfg = cJSON_GetObjectItemCaseSensitive(jl, "config");
        L->consumer = -1;
        L->val = AVA_VAL_NONE;
        if (!L->name || !L->cls || strlen(L->name) > 200 || find_layer(Ls, i, L->name) >= 0) {
            ava_log(lg, AVA_LOG_ERROR, "model %s: layer %d without a class or a unique name",
                    m->path, i);
            ret = AVA_ERR_MODEL;
            goto end;
        }
        /* inbound_nodes: [[["name", 0, 0, {}], ...]]: one call, each inbound defined before. */
        const cJSON *nodes = cJSON_GetObjectItemCaseSensitive(jl, "inbound_nodes");
        const cJSON *node0 = cJSON_GetArrayItem(nodes, 0), *ref;
        if (cJSON_GetArraySize(nodes) > 1) {
            ava_log(lg, AVA_LOG_ERROR, "model %s: layer '%s' is called more than once",
                    m->path, L->name);
            ret = AVA_ERR_MODEL;
            goto end;
        }
        cJSON_ArrayForEach(ref, node0) {
            const char *src = cJSON_IsString(cJSON_GetArrayItem(ref, 0)) ?
                              cJSON_GetArrayItem(ref, 0)->valuestring : NULL;
            int k = src ? find_layer(Ls, i, src) : -1;
            if (k < 0 || L->n_in >= 8) {
                ava_log(lg, AVA_LOG_ERROR, "model %s: layer '%s': inbound '%s' unknown, after "
                        "it, or over 8 inputs", m->path, L->name, src ? src : "?");
                ret = AVA_ERR_MODEL;
                goto end;
            }
            L->in[L->n_in++] = k;
            Ls[k].n_consumers++;
            Ls[k].consumer = i;
        }
        if (!L->n_in && strcmp(L->cls, "InputLayer")) {
            ava_log(lg, AVA_LOG_ERROR, "model %s: layer '%s' has no input", m->path, L->name);
            ret = AVA_ERR_MODEL;
            goto end;
        }
        i++;
    }
    const cJSON *o0 = cJSON_GetArrayItem(cJSON_GetArrayItem(outs, 0), 0);
    int out = cJSON_IsString(o0) ? find_layer(Ls, n, o0->valuestring) : -1;
    if (out < 0) {
        ava_log(lg, AVA_LOG_ERROR, "model %s: output layer not found", m->path);
        ret = AVA_ERR_MODEL;
        goto end;
    }
    int tap = tap_name ? find_layer(Ls, n, tap_name) : -1;
    if (tap_name && tap < 0) {
        ava_log(lg, AVA_LOG_ERROR, "model %s: no layer '%s'", m->path, tap_name);
        ret = AVA_ERR_MODEL;
        goto end;
    }
    for (i = 0; i < n && ret == 0; i++)
        if (!Ls[i].done && Ls[i].val == AVA_VAL_NONE)
            ret = emit_layer(g, m, Ls, i, input, net, i == out, lg);
    if (ret == 0) {
        net->output = Ls[out].val;
        net->tap = tap >= 0 ? Ls[tap].val : AVA_VAL_NONE;
    }
end:
    free(Ls);
    return ret;
}
