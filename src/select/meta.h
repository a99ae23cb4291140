/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Title metadata (genre, format, maturity rating) from the command line or a JSON file, and
 * how it changes a preset's ranking inputs (docs/analyze.md, "Title metadata").
 */
#ifndef AVA_SRC_SELECT_META_H
#define AVA_SRC_SELECT_META_H

#include "ava/ava.h"
#include "src/rank/preset.h"

enum AvaAudience {
    AVA_AUDIENCE_UNKNOWN = 0, ///< no rating, or one not in the table
    AVA_AUDIENCE_KIDS,        ///< G, U, TV-Y, TV-Y7, TV-G, PG, 0..7, "kids", "all"
    AVA_AUDIENCE_TEEN,        ///< PG-13, 12, 12A, 13, 15, 16, TV-PG, TV-14, "teen"
    AVA_AUDIENCE_ADULT,       ///< R, NC-17, 17, 18, TV-MA, X, "adult"
};

typedef struct AvaTitleMeta {
    char genre[256];       ///< untrusted text, control characters and bad UTF-8 replaced
    char format[128];
    char rating[64];
    int audience;          ///< enum AvaAudience, from rating
} AvaTitleMeta;

/** Audience of a rating (case-insensitive; see enum AvaAudience). */
int ava_meta_audience(const char *rating);

/** "unknown", "kids", "teen", "adult". */
const char *ava_meta_audience_name(int audience);

/**
 * Fill @p m from the JSON file @p path (NULL: none; keys "genre", "format", "rating", each a
 * string; other keys ignored), then from the non-NULL strings given (which win).
 * @return 0; AVA_ERR_CONFIG (logged with the file and key).
 */
int ava_meta_load(AvaTitleMeta *m, const char *path, const char *genre, const char *format,
                  const char *rating, const AvaLogger *lg);

/**
 * Apply the metadata to @p p: kids: nudity weight x3, max_nudity at most 0.3, expr_negative
 * face weight x2; teen: nudity x1.5, max_nudity at most 0.5; genre containing "comedy":
 * expr_happy x2; "horror" or "thriller": no expr_negative penalty; "documentary" or "news":
 * text and caption weights halved. Format is recorded only.
 */
void ava_meta_apply(const AvaTitleMeta *m, AvaPreset *p);

#endif /* AVA_SRC_SELECT_META_H */
