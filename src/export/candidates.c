/* SPDX-License-Identifier: MIT */
/** @file candidates.json through cJSON (see candidates.h). */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <string.h>

#include "src/export/candidates.h"
#include "src/util/fsutil.h"
#include "src/util/text.h"

static cJSON *number_or_null(double v)
{
    return isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull();
}

int ava_candidates_write(const char *path, const char *src, const AvaStreamInfo *si,
                         const AvaTitleMeta *meta, int64_t n_frames, int n_shots,
                         const char *preset, int requested,
                         const AvaCandidate *c, int n, const char *const *feature_names,
                         int n_features, const AvaLogger *lg)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *title = cJSON_AddObjectToObject(root, "title");
    cJSON *list = cJSON_AddArrayToObject(root, "candidates");
    if (!root || !title || !list)
        goto oom;
    char safe[4096];
    ava_text_sanitize(safe, sizeof(safe), src);
    const char *base = strrchr(safe, '/');
    cJSON_AddStringToObject(title, "file", base ? base + 1 : safe);
    cJSON_AddStringToObject(title, "metadata_title", si->title);
    cJSON_AddNumberToObject(title, "frames", (double)n_frames);
    cJSON_AddNumberToObject(title, "shots", n_shots);
    cJSON_AddNumberToObject(title, "duration_s", si->duration_s);
    cJSON_AddNumberToObject(title, "fps", si->fps);
    cJSON_AddNumberToObject(title, "width", si->display_width);
    cJSON_AddNumberToObject(title, "height", si->display_height);
    cJSON_AddNumberToObject(title, "rotation", si->rotation);
    if (meta) {
        /* as given (untrusted text: JSON-escaped here, HTML-escaped in the report) */
        cJSON_AddStringToObject(title, "genre", meta->genre);
        cJSON_AddStringToObject(title, "format", meta->format);
        cJSON_AddStringToObject(title, "rating", meta->rating);
        cJSON_AddStringToObject(title, "audience", ava_meta_audience_name(meta->audience));
    }
    cJSON_AddStringToObject(root, "preset", preset);
    cJSON_AddNumberToObject(root, "requested", requested);
    cJSON_AddStringToObject(root, "ava_version", ava_version());
    for (int i = 0; i < n; i++) {
        cJSON *o = cJSON_CreateObject();
        if (!o || !cJSON_AddItemToArray(list, o))
            goto oom;
        cJSON_AddNumberToObject(o, "rank", c[i].rank);
        cJSON_AddNumberToObject(o, "frame", (double)c[i].frame);
        cJSON_AddNumberToObject(o, "pts", (double)c[i].pts);
        cJSON_AddNumberToObject(o, "t_s", c[i].t_s);
        cJSON_AddStringToObject(o, "timecode", c[i].timecode);
        cJSON_AddNumberToObject(o, "score", c[i].score);
        cJSON_AddNumberToObject(o, "shot", c[i].shot);
        cJSON_AddStringToObject(o, "still", c[i].still);
        cJSON_AddNumberToObject(o, "width", c[i].width);
        cJSON_AddNumberToObject(o, "height", c[i].height);
        cJSON *feat = cJSON_AddObjectToObject(o, "features");
        if (!feat)
            goto oom;
        for (int k = 0; k < n_features; k++)
            cJSON_AddItemToObject(feat, feature_names[k], number_or_null(c[i].features[k]));
        cJSON_AddStringToObject(o, "dominant_colors",
                                c[i].dominant_colors ? c[i].dominant_colors : "");
        cJSON *people = c[i].people ? cJSON_Parse(c[i].people) : NULL;
        cJSON_AddItemToObject(o, "people", people ? people : cJSON_CreateArray());
        if (c[i].shot_scale)
            cJSON_AddStringToObject(o, "shot_scale", c[i].shot_scale);
        else
            cJSON_AddNullToObject(o, "shot_scale");
        if (c[i].has_crop) {
            cJSON *crop = cJSON_AddObjectToObject(o, "crop");
            if (!crop)
                goto oom;
            cJSON_AddNumberToObject(crop, "x", c[i].crop[0]);
            cJSON_AddNumberToObject(crop, "y", c[i].crop[1]);
            cJSON_AddNumberToObject(crop, "w", c[i].crop[2]);
            cJSON_AddNumberToObject(crop, "h", c[i].crop[3]);
            cJSON_AddStringToObject(crop, "aspect", c[i].crop_aspect ? c[i].crop_aspect : "");
            if (c[i].crop_still)
                cJSON_AddStringToObject(crop, "still", c[i].crop_still);
        }
        /* Why it ranks here: the score's largest parts, its scale, its nearest better pick. */
        cJSON *why = cJSON_AddObjectToObject(o, "why");
        if (!why)
            goto oom;
        cJSON *top = c[i].why ? cJSON_Parse(c[i].why) : NULL;
        cJSON_AddItemToObject(why, "top_features", top ? top : cJSON_CreateArray());
        cJSON_AddItemToObject(why, "base_score", number_or_null(c[i].base_score));
        cJSON_AddItemToObject(why, "penalty", number_or_null(c[i].penalty));
        if (c[i].shot_scale)
            cJSON_AddStringToObject(why, "shot_scale", c[i].shot_scale);
        if (c[i].similar_rank > 0) {
            cJSON_AddNumberToObject(why, "most_similar_pick", c[i].similar_rank);
            cJSON_AddNumberToObject(why, "similarity", round(c[i].similarity * 1000) / 1000);
        } else {
            cJSON_AddNullToObject(why, "most_similar_pick");
            cJSON_AddNullToObject(why, "similarity");
        }
    }
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    if (!text)
        return AVA_ERR(ENOMEM);
    int ret = ava_write_file_atomic(path, text, strlen(text), lg);
    cJSON_free(text);
    return ret;
oom:
    cJSON_Delete(root);
    return AVA_ERR(ENOMEM);
}
