/* SPDX-License-Identifier: MIT */
/**
 * @file Fuzz target: the report's strict JSON readers (boxes and reasons) on untrusted text.
 * Whatever they accept must keep their contract: a count within the caller's room, finite
 * numbers, NUL-terminated features that fit.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "src/report/report_json.h"
#include "tests/fuzz/fuzz.h"

enum { MAX_BOXES = 4, MAX_WHY = 4 };

static void check_boxes(const char *text)
{
    double box[MAX_BOXES + 1][5];
    for (int i = 0; i < 5; i++)
        box[MAX_BOXES][i] = 12345.0; /* sentinel row: the reader must stop at MAX_BOXES */
    int n = ava_json_boxes(text, box, MAX_BOXES);
    if (n < -1 || n > MAX_BOXES)
        abort();
    for (int k = 0; k < n; k++)
        for (int i = 0; i < 5; i++)
            if (!isfinite(box[k][i]))
                abort();
    for (int i = 0; i < 5; i++)
        if (box[MAX_BOXES][i] != 12345.0)
            abort();
}

static void check_why(const char *text)
{
    AvaWhy why[MAX_WHY + 1];
    memset(why, 0x7f, sizeof(why)); /* no NUL anywhere: an unterminated feature shows */
    int n = ava_json_why(text, why, MAX_WHY);
    if (n < -1 || n > MAX_WHY)
        abort();
    for (int k = 0; k < n; k++)
        if (!memchr(why[k].feature, 0, sizeof(why[k].feature)) ||
            !isfinite(why[k].contribution))
            abort();
    for (size_t i = 0; i < sizeof(why[MAX_WHY]); i++)
        if (((const unsigned char *)&why[MAX_WHY])[i] != 0x7f)
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16)
        return 0;
    char *text = malloc(size + 1); /* exactly the input and its NUL: overreads are caught */
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = 0;
    check_boxes(text);
    check_why(text);
    free(text);
    return 0;
}
