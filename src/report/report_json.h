/* SPDX-License-Identifier: MIT */
/**
 * @file
 * The two small JSON shapes the report reads from the database, parsed strictly so that
 * only numbers and escaped text reach the page: boxes [[x,y,w,h,score],...] and reasons
 * [{"feature": "...", "contribution": n},...].
 */
#ifndef AVA_SRC_REPORT_REPORT_JSON_H
#define AVA_SRC_REPORT_REPORT_JSON_H

#include <stddef.h>

#define AVA_WHY_FEATURE_MAX 64

/** One term of a frame's score. */
typedef struct AvaWhy {
    char feature[AVA_WHY_FEATURE_MAX]; ///< UTF-8, NUL-terminated, truncated; untrusted text
    double contribution;               ///< signed share of the score (finite)
} AvaWhy;

/**
 * Boxes from @p json, an array of arrays of 4 or 5 finite numbers (a missing score is 1).
 * @return the number stored in @p box (at most @p max; extra boxes are dropped), or -1 when
 * @p json is not that shape (NULL, empty text and "null" are 0 boxes).
 */
int ava_json_boxes(const char *json, double (*box)[5], int max);

/**
 * Reasons from @p json, an array of objects with a string "feature" and a number
 * "contribution" (other keys ignored; objects lacking either are skipped).
 * @return the number stored in @p why (at most @p max), or -1 when @p json is not an array
 * of objects.
 */
int ava_json_why(const char *json, AvaWhy *why, int max);

#endif /* AVA_SRC_REPORT_REPORT_JSON_H */
