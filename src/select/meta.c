/* SPDX-License-Identifier: MIT */
/** @file Title metadata and its effect on the ranking (see meta.h). */
#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "src/log.h"
#include "src/select/meta.h"
#include "src/util/text.h"

static const struct { const char *rating; int audience; } ratings[] = {
    { "g", AVA_AUDIENCE_KIDS }, { "u", AVA_AUDIENCE_KIDS }, { "tv-y", AVA_AUDIENCE_KIDS },
    { "tv-y7", AVA_AUDIENCE_KIDS }, { "tv-g", AVA_AUDIENCE_KIDS }, { "pg", AVA_AUDIENCE_KIDS },
    { "0", AVA_AUDIENCE_KIDS }, { "6", AVA_AUDIENCE_KIDS }, { "7", AVA_AUDIENCE_KIDS },
    { "kids", AVA_AUDIENCE_KIDS }, { "all", AVA_AUDIENCE_KIDS },
    { "pg-13", AVA_AUDIENCE_TEEN }, { "12", AVA_AUDIENCE_TEEN }, { "12a", AVA_AUDIENCE_TEEN },
    { "13", AVA_AUDIENCE_TEEN }, { "15", AVA_AUDIENCE_TEEN }, { "16", AVA_AUDIENCE_TEEN },
    { "tv-pg", AVA_AUDIENCE_TEEN }, { "tv-14", AVA_AUDIENCE_TEEN }, { "teen", AVA_AUDIENCE_TEEN },
    { "r", AVA_AUDIENCE_ADULT }, { "nc-17", AVA_AUDIENCE_ADULT }, { "17", AVA_AUDIENCE_ADULT },
    { "18", AVA_AUDIENCE_ADULT }, { "tv-ma", AVA_AUDIENCE_ADULT }, { "x", AVA_AUDIENCE_ADULT },
    { "adult", AVA_AUDIENCE_ADULT },
};

int ava_meta_audience(const char *rating)
{
    if (!rating)
        return AVA_AUDIENCE_UNKNOWN;
    while (isspace((unsigned char)*rating))
        rating++;
    size_t len = strlen(rating);
    while (len && isspace((unsigned char)rating[len - 1]))
        len--;
    for (size_t i = 0; i < sizeof(ratings) / sizeof(ratings[0]); i++)
        if (strlen(ratings[i].rating) == len && !strncasecmp(rating, ratings[i].rating, len))
            return ratings[i].audience;
    return AVA_AUDIENCE_UNKNOWN;
}

const char *ava_meta_audience_name(int audience)
{
    static const char *const names[] = { "unknown", "kids", "teen", "adult" };
    return audience >= 0 && audience <= AVA_AUDIENCE_ADULT ? names[audience] : "unknown";
}

int ava_meta_load(AvaTitleMeta *m, const char *path, const char *genre, const char *format,
                  const char *rating, const AvaLogger *lg)
{
    memset(m, 0, sizeof(*m));
    struct { const char *key; char *dst; size_t size; const char *arg; } f[3] = {
        { "genre", m->genre, sizeof(m->genre), genre },
        { "format", m->format, sizeof(m->format), format },
        { "rating", m->rating, sizeof(m->rating), rating },
    };
    if (path) {
        FILE *fp = fopen(path, "rb");
        if (!fp) {
            ava_log(lg, AVA_LOG_ERROR, "%s: cannot open title metadata: %s", path,
                    strerror(errno));
            return AVA_ERR_CONFIG;
        }
        char *buf = malloc(1 << 16);
        size_t n = buf ? fread(buf, 1, (1 << 16) - 1, fp) : 0;
        int too_big = buf && !feof(fp);
        fclose(fp);
        if (!buf)
            return AVA_ERR(ENOMEM);
        buf[n] = 0;
        cJSON *root = too_big ? NULL : cJSON_Parse(buf);
        free(buf);
        if (!cJSON_IsObject(root)) {
            ava_log(lg, AVA_LOG_ERROR, "%s: title metadata must be a JSON object of at most "
                    "64 KiB ({\"genre\": ..., \"format\": ..., \"rating\": ...})", path);
            cJSON_Delete(root);
            return AVA_ERR_CONFIG;
        }
        for (int i = 0; i < 3; i++) {
            const cJSON *x = cJSON_GetObjectItemCaseSensitive(root, f[i].key);
            if (x && !cJSON_IsString(x)) {
                ava_log(lg, AVA_LOG_ERROR, "%s: \"%s\" must be a string", path, f[i].key);
                cJSON_Delete(root);
                return AVA_ERR_CONFIG;
            }
            if (x)
                ava_text_sanitize(f[i].dst, f[i].size, x->valuestring);
        }
        cJSON_Delete(root);
    }
    for (int i = 0; i < 3; i++)
        if (f[i].arg)
            ava_text_sanitize(f[i].dst, f[i].size, f[i].arg);
    m->audience = ava_meta_audience(m->rating);
    return 0;
}

static int has_word(const char *text, const char *word)
{
    size_t n = strlen(word);
    for (const char *s = text; *s; s++)
        if (!strncasecmp(s, word, n))
            return 1;
    return 0;
}

static AvaPresetFeature *face_feature(AvaPreset *p, const char *column)
{
    for (int k = 0; k < p->faces.n; k++)
        if (!strcmp(p->faces.f[k].column, column))
            return &p->faces.f[k];
    return NULL;
}

void ava_meta_apply(const AvaTitleMeta *m, AvaPreset *p)
{
    AvaPresetFeature *neg = face_feature(p, "expr_negative");
    AvaPresetFeature *happy = face_feature(p, "expr_happy");
    if (m->audience == AVA_AUDIENCE_KIDS) {
        p->maturity.nudity *= 3;
        p->maturity.suggestive *= 3;
        if (p->maturity.max_nudity > 0.3)
            p->maturity.max_nudity = 0.3;
        if (neg)
            neg->weight *= 2;
    } else if (m->audience == AVA_AUDIENCE_TEEN) {
        p->maturity.nudity *= 1.5;
        p->maturity.suggestive *= 1.5;
        if (p->maturity.max_nudity > 0.5)
            p->maturity.max_nudity = 0.5;
    }
    if (has_word(m->genre, "comedy") && happy)
        happy->weight *= 2;
    if ((has_word(m->genre, "horror") || has_word(m->genre, "thriller")) && neg)
        neg->weight = 0;
    if (has_word(m->genre, "documentary") || has_word(m->genre, "news")) {
        p->maturity.text /= 2;
        p->maturity.caption /= 2;
    }
}
