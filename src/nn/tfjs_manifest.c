/* SPDX-License-Identifier: MIT */
/** @file TF.js weight manifest loader: JSON (cJSON) plus binary shards, all bounds-checked. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "src/log.h"
#include "src/nn/tfjs_manifest.h"

#define MAX_MANIFEST_BYTES ((size_t)16 << 20)
#define MAX_NAME 256
#define MAX_PATH_LEN 4096

/* Read a whole regular file of at most @p cap bytes. *len gets its size. */
static int read_file(const char *path, size_t cap, uint8_t **buf_out, size_t *len,
                     const char *what, const AvaLogger *lg)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        ava_log(lg, AVA_LOG_ERROR, "%s %s: cannot open: %s (run scripts/fetch-models.sh)",
                what, path, strerror(errno));
        return AVA_ERR_MODEL;
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        ava_log(lg, AVA_LOG_ERROR, "%s %s: not a regular file", what, path);
        close(fd);
        return AVA_ERR_MODEL;
    }
    if ((uintmax_t)st.st_size > cap) {
        ava_log(lg, AVA_LOG_ERROR, "%s %s: %jd bytes, more than the %zu allowed",
                what, path, (intmax_t)st.st_size, cap);
        close(fd);
        return AVA_ERR_MODEL;
    }
    size_t n = (size_t)st.st_size;
    uint8_t *buf = malloc(n ? n : 1);
    if (!buf) {
        close(fd);
        return AVA_ERR(ENOMEM);
    }
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, buf + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            ava_log(lg, AVA_LOG_ERROR, "%s %s: read failed after %zu of %zu bytes", what, path,
                    got, n);
            free(buf);
            close(fd);
            return AVA_ERR_MODEL;
        }
        got += (size_t)r;
    }
    close(fd);
    *buf_out = buf;
    *len = n;
    return 0;
}

static float half_to_float(uint16_t h)
{
    uint32_t sign = (uint32_t)(h >> 15) << 31, exp = (h >> 10) & 0x1f, man = h & 0x3ff;
    float f;
    if (exp == 0)
        f = ldexpf((float)man, -24); /* zero or subnormal */
    else if (exp == 31)
        f = man ? NAN : INFINITY;
    else
        f = ldexpf((float)(man | 0x400), (int)exp - 25);
    uint32_t bits;
    memcpy(&bits, &f, 4);
    bits |= sign;
    memcpy(&f, &bits, 4);
    return f;
}

/* A shard path must stay inside the manifest's folder. */
static int safe_relative_path(const char *p)
{
    if (!p[0] || p[0] == '/' || strlen(p) > 1024)
        return 0;
    for (const char *s = p; *s; s++) {
        if (s[0] == '.' && s[1] == '.' && (s == p || s[-1] == '/') && (s[2] == '/' || !s[2]))
            return 0;
    }
    return 1;
}

void ava_tfjs_close(AvaTfjsWeights **wp)
{
    if (!wp || !*wp)
        return;
    AvaTfjsWeights *w = *wp;
    for (int i = 0; i < w->n_tensors; i++) {
        free(w->tensors[i].name);
        free(w->tensors[i].data);
    }
    free(w->tensors);
    free(w->path);
    free(w);
    *wp = NULL;
}

const AvaTensor *ava_tfjs_find(const AvaTfjsWeights *w, const char *name)
{
    if (!w || !name)
        return NULL;
    for (int i = 0; i < w->n_tensors; i++)
        if (!strcmp(w->tensors[i].name, name))
            return &w->tensors[i];
    return NULL;
}

static void shape_str(char *buf, size_t size, int ndim, const int *shape)
{
    size_t o = 0;
    o += (size_t)snprintf(buf + o, size - o, "[");
    for (int i = 0; i < ndim && o < size; i++)
        o += (size_t)snprintf(buf + o, size - o, i ? ", %d" : "%d", shape[i]);
    if (o < size)
        snprintf(buf + o, size - o, "]");
}

const AvaTensor *ava_tfjs_expect(const AvaTfjsWeights *w, const char *name, int ndim,
                                 const int *shape, const AvaLogger *lg)
{
    const AvaTensor *t = ava_tfjs_find(w, name);
    if (!t) {
        ava_log(lg, AVA_LOG_ERROR, "model %s: no tensor '%s'", w ? w->path : "(null)", name);
        return NULL;
    }
    int ok = t->ndim == ndim;
    for (int i = 0; ok && i < ndim; i++)
        ok = shape[i] < 0 || shape[i] == t->shape[i];
    if (!ok) {
        char want[96], have[96];
        shape_str(want, sizeof(want), ndim, shape);
        shape_str(have, sizeof(have), t->ndim, t->shape);
        ava_log(lg, AVA_LOG_ERROR, "model %s: tensor '%s' has shape %s, expected %s", w->path,
                name, have, want);
        return NULL;
    }
    return t;
}

enum SrcType { SRC_F32, SRC_I32, SRC_U8Q, SRC_U16Q, SRC_F16 };

/* Decode one weight entry at *offset of the group's shard bytes. */
static int decode_weight(AvaTfjsWeights *w, const cJSON *jw, const uint8_t *bytes, size_t n_bytes,
                         size_t *offset, size_t *total_out, const AvaLogger *lg)
{
    const char *mp = w->path;
    const cJSON *jname = cJSON_GetObjectItemCaseSensitive(jw, "name");
    const cJSON *jshape = cJSON_GetObjectItemCaseSensitive(jw, "shape");
    const cJSON *jdtype = cJSON_GetObjectItemCaseSensitive(jw, "dtype");
    const cJSON *jq = cJSON_GetObjectItemCaseSensitive(jw, "quantization");
    if (!cJSON_IsString(jname) || !jname->valuestring[0] ||
        strlen(jname->valuestring) >= MAX_NAME) {
        ava_log(lg, AVA_LOG_ERROR, "model %s: weight without a valid name", mp);
        return AVA_ERR_MODEL;
    }
    const char *name = jname->valuestring;
    if (ava_tfjs_find(w, name)) {
        ava_log(lg, AVA_LOG_ERROR, "model %s: tensor '%s' appears twice", mp, name);
        return AVA_ERR_MODEL;
    }
    if (!cJSON_IsArray(jshape) || cJSON_GetArraySize(jshape) > AVA_TFJS_MAX_DIMS) {
        ava_log(lg, AVA_LOG_ERROR, "model %s: tensor '%s': shape missing or over %d dims", mp,
                name, AVA_TFJS_MAX_DIMS);
        return AVA_ERR_MODEL;
    }
    AvaTensor t = { 0 };
    t.count = 1;
    const cJSON *jd;
    cJSON_ArrayForEach(jd, jshape) {
        double d = cJSON_IsNumber(jd) ? jd->valuedouble : -1;
        if (!(d >= 1 && d <= AVA_TFJS_MAX_DIM) || d != floor(d)) {
            ava_log(lg, AVA_LOG_ERROR, "model %s: tensor '%s': dimension %d is not an integer "
                    "in 1..%d", mp, name, t.ndim, AVA_TFJS_MAX_DIM);
            return AVA_ERR_MODEL;
        }
        t.shape[t.ndim++] = (int)d;
        if (t.count > AVA_TFJS_MAX_BYTES / 4 / (size_t)d) {
            ava_log(lg, AVA_LOG_ERROR, "model %s: tensor '%s': more than %zu values", mp, name,
                    AVA_TFJS_MAX_BYTES / 4);
            return AVA_ERR_MODEL;
        }
        t.count *= (size_t)d;
    }
    if (!cJSON_IsString(jdtype)) {
        ava_log(lg, AVA_LOG_ERROR, "model %s: tensor '%s': no dtype", mp, name);
        return AVA_ERR_MODEL;
    }
    enum SrcType src;
    size_t esize;
    double scale = 1, min = 0;
    int round_int = 0; /* quantised int32: tfjs rounds q * scale + min */
    if (jq) {
        const cJSON *qd = cJSON_GetObjectItemCaseSensitive(jq, "dtype");
        const cJSON *qs = cJSON_GetObjectItemCaseSensitive(jq, "scale");
        const cJSON *qm = cJSON_GetObjectItemCaseSensitive(jq, "min");
        const char *q = cJSON_IsString(qd) ? qd->valuestring : "";
        if (!strcmp(q, "float16")) {
            src = SRC_F16;
            esize = 2;
        } else if (!strcmp(q, "uint8") || !strcmp(q, "uint16")) {
            src = q[4] == '8' ? SRC_U8Q : SRC_U16Q;
            esize = src == SRC_U8Q ? 1 : 2;
            if (!cJSON_IsNumber(qs) || !cJSON_IsNumber(qm) || !isfinite(qs->valuedouble) ||
                !isfinite(qm->valuedouble)) {
                ava_log(lg, AVA_LOG_ERROR, "model %s: tensor '%s': quantization without a "
                        "finite scale and min", mp, name);
                return AVA_ERR_MODEL;
            }
            scale = qs->valuedouble;
            min = qm->valuedouble;
        } else {
            ava_log(lg, AVA_LOG_ERROR, "model %s: tensor '%s': unsupported quantization dtype "
                    "'%s'", mp, name, q);
            return AVA_ERR_MODEL;
        }
        if (!strcmp(jdtype->valuestring, "int32")) {
            round_int = 1;
        } else if (strcmp(jdtype->valuestring, "float32")) {
            ava_log(lg, AVA_LOG_ERROR, "model %s: tensor '%s': quantized dtype '%s' is not "
                    "supported (float32 or int32)", mp, name, jdtype->valuestring);
            return AVA_ERR_MODEL;
        }
    } else if (!strcmp(jdtype->valuestring, "float32")) {
        src = SRC_F32;
        esize = 4;
    } else if (!strcmp(jdtype->valuestring, "int32")) {
        src = SRC_I32;
        esize = 4;
    } else {
        ava_log(lg, AVA_LOG_ERROR, "model %s: tensor '%s': unsupported dtype '%s'", mp, name,
                jdtype->valuestring);
        return AVA_ERR_MODEL;
    }
    size_t need = t.count * esize; /* no overflow: count <= MAX_BYTES / 4 */
    if (*offset > n_bytes || need > n_bytes - *offset) {
        ava_log(lg, AVA_LOG_ERROR, "model %s: tensor '%s' needs bytes %zu..%zu but the shards "
                "hold only %zu (truncated .bin?)", mp, name, *offset, *offset + need, n_bytes);
        return AVA_ERR_MODEL;
    }
    if (*total_out + t.count * 4 > AVA_TFJS_MAX_BYTES) {
        ava_log(lg, AVA_LOG_ERROR, "model %s: tensors exceed %zu bytes of float32", mp,
                AVA_TFJS_MAX_BYTES);
        return AVA_ERR_MODEL;
    }
    t.data = malloc(t.count * sizeof(float));
    t.name = strdup(name);
    if (!t.data || !t.name) {
        free(t.data);
        free(t.name);
        return AVA_ERR(ENOMEM);
    }
    const uint8_t *p = bytes + *offset;
    for (size_t i = 0; i < t.count; i++) {
        switch (src) {
        case SRC_F32: memcpy(&t.data[i], p + 4 * i, 4); break;
        case SRC_I32: {
            int32_t v;
            memcpy(&v, p + 4 * i, 4);
            t.data[i] = (float)v;
            break;
        }
        /* Same arithmetic as tf.io.decodeWeights: double product, rounded once to float. */
        case SRC_U8Q:
        case SRC_U16Q: {
            int q = src == SRC_U8Q ? p[i] : p[2 * i] | p[2 * i + 1] << 8;
            double v = q * scale + min;
            t.data[i] = (float)(round_int ? floor(v + 0.5) : v); /* Math.round for int32 */
            break;
        }
        case SRC_F16: t.data[i] = half_to_float((uint16_t)(p[2 * i] | p[2 * i + 1] << 8)); break;
        }
    }
    *offset += need;
    *total_out += t.count * 4;
    w->tensors[w->n_tensors++] = t;
    return 0;
}

/* Load one group: concatenate its shards, then decode its weights in order. */
static int load_group(AvaTfjsWeights *w, const cJSON *group, const char *dir, size_t *total_in,
                      size_t *total_out, const AvaLogger *lg)
{
    const cJSON *paths = cJSON_GetObjectItemCaseSensitive(group, "paths");
    const cJSON *weights = cJSON_GetObjectItemCaseSensitive(group, "weights");
    if (!cJSON_IsArray(paths) || !cJSON_IsArray(weights)) {
        ava_log(lg, AVA_LOG_ERROR, "model %s: a group lacks 'paths' or 'weights' arrays",
                w->path);
        return AVA_ERR_MODEL;
    }
    uint8_t *bytes = NULL;
    size_t n_bytes = 0;
    int ret = 0;
    const cJSON *jp;
    cJSON_ArrayForEach(jp, paths) {
        if (!cJSON_IsString(jp) || !safe_relative_path(jp->valuestring)) {
            ava_log(lg, AVA_LOG_ERROR, "model %s: shard path must be relative, without '..'",
                    w->path);
            ret = AVA_ERR_MODEL;
            goto end;
        }
        char full[MAX_PATH_LEN];
        if (snprintf(full, sizeof(full), "%s%s", dir, jp->valuestring) >= (int)sizeof(full)) {
            ava_log(lg, AVA_LOG_ERROR, "model %s: shard path too long", w->path);
            ret = AVA_ERR_MODEL;
            goto end;
        }
        uint8_t *buf;
        size_t len;
        ret = read_file(full, AVA_TFJS_MAX_BYTES - *total_in, &buf, &len, "model shard", lg);
        if (ret < 0)
            goto end;
        uint8_t *nb = realloc(bytes, n_bytes + len + 1);
        if (!nb) {
            free(buf);
            ret = AVA_ERR(ENOMEM);
            goto end;
        }
        bytes = nb;
        memcpy(bytes + n_bytes, buf, len);
        free(buf);
        n_bytes += len;
        *total_in += len;
    }
    size_t offset = 0;
    const cJSON *jw;
    cJSON_ArrayForEach(jw, weights) {
        if (w->n_tensors >= AVA_TFJS_MAX_TENSORS) {
            ava_log(lg, AVA_LOG_ERROR, "model %s: more than %d tensors", w->path,
                    AVA_TFJS_MAX_TENSORS);
            ret = AVA_ERR_MODEL;
            goto end;
        }
        if ((ret = decode_weight(w, jw, bytes, n_bytes, &offset, total_out, lg)) < 0)
            goto end;
    }
    if (offset != n_bytes)
        ava_log(lg, AVA_LOG_WARNING, "model %s: %zu trailing shard bytes not used by any tensor",
                w->path, n_bytes - offset);
end:
    free(bytes);
    return ret;
}

int ava_tfjs_load(AvaTfjsWeights **out, const char *manifest_path, const AvaLogger *lg)
{
    if (!out || !manifest_path)
        return AVA_ERR(EINVAL);
    uint8_t *text = NULL;
    size_t len = 0;
    cJSON *root = NULL;
    AvaTfjsWeights *w = NULL;
    int ret = read_file(manifest_path, MAX_MANIFEST_BYTES, &text, &len, "model manifest", lg);
    if (ret < 0)
        return ret;
    root = cJSON_ParseWithLength((const char *)text, len);
    if (!cJSON_IsArray(root)) {
        ava_log(lg, AVA_LOG_ERROR, "model manifest %s: not a JSON array of weight groups",
                manifest_path);
        ret = AVA_ERR_MODEL;
        goto fail;
    }
    w = calloc(1, sizeof(*w));
    if (!w || !(w->path = strdup(manifest_path)) ||
        !(w->tensors = calloc(AVA_TFJS_MAX_TENSORS, sizeof(*w->tensors)))) {
        ret = AVA_ERR(ENOMEM);
        goto fail;
    }
    char dir[MAX_PATH_LEN];
    const char *slash = strrchr(manifest_path, '/');
    size_t dlen = slash ? (size_t)(slash - manifest_path) + 1 : 0;
    if (dlen >= sizeof(dir)) {
        ava_log(lg, AVA_LOG_ERROR, "model manifest %s: path too long", manifest_path);
        ret = AVA_ERR_MODEL;
        goto fail;
    }
    memcpy(dir, manifest_path, dlen);
    dir[dlen] = 0;
    size_t total_in = 0, total_out = 0;
    const cJSON *group;
    cJSON_ArrayForEach(group, root) {
        if ((ret = load_group(w, group, dir, &total_in, &total_out, lg)) < 0)
            goto fail;
    }
    if (!w->n_tensors) {
        ava_log(lg, AVA_LOG_ERROR, "model manifest %s: no tensors", manifest_path);
        ret = AVA_ERR_MODEL;
        goto fail;
    }
    cJSON_Delete(root);
    free(text);
    *out = w;
    return 0;
fail:
    cJSON_Delete(root);
    free(text);
    ava_tfjs_close(&w);
    return ret;
}

int ava_tfjs_decode(AvaTfjsWeights **out, const char *name, const cJSON *weights,
                    const uint8_t *bytes, size_t n_bytes, const AvaLogger *lg)
{
    if (!out || !name || !bytes)
        return AVA_ERR(EINVAL);
    if (!cJSON_IsArray(weights)) {
        ava_log(lg, AVA_LOG_ERROR, "model %s: no 'weights' array", name);
        return AVA_ERR_MODEL;
    }
    AvaTfjsWeights *w = calloc(1, sizeof(*w));
    int ret = 0;
    if (!w || !(w->path = strdup(name)) ||
        !(w->tensors = calloc(AVA_TFJS_MAX_TENSORS, sizeof(*w->tensors)))) {
        ret = AVA_ERR(ENOMEM);
        goto fail;
    }
    size_t offset = 0, total_out = 0;
    const cJSON *jw;
    cJSON_ArrayForEach(jw, weights) {
        if (w->n_tensors >= AVA_TFJS_MAX_TENSORS) {
            ava_log(lg, AVA_LOG_ERROR, "model %s: more than %d tensors", name,
                    AVA_TFJS_MAX_TENSORS);
            ret = AVA_ERR_MODEL;
            goto fail;
        }
        if ((ret = decode_weight(w, jw, bytes, n_bytes, &offset, &total_out, lg)) < 0)
            goto fail;
    }
    if (!w->n_tensors) {
        ava_log(lg, AVA_LOG_ERROR, "model %s: no tensors", name);
        ret = AVA_ERR_MODEL;
        goto fail;
    }
    if (offset != n_bytes)
        ava_log(lg, AVA_LOG_WARNING, "model %s: %zu trailing shard bytes not used by any tensor",
                name, n_bytes - offset);
    *out = w;
    return 0;
fail:
    ava_tfjs_close(&w);
    return ret;
}
