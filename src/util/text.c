/* SPDX-License-Identifier: MIT */
/** @file UTF-8 validation and control-character removal (see text.h). */
#include <stdint.h>

#include "src/util/text.h"

/* Length of the valid UTF-8 sequence at @p s (RFC 3629: no overlongs, no surrogates,
 * at most U+10FFFF), or 0 when it is invalid. */
static int utf8_len(const unsigned char *s)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    int n;
    uint32_t cp, min;
    if ((c & 0xE0) == 0xC0) {
        n = 2;
        cp = c & 0x1F;
        min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3;
        cp = c & 0x0F;
        min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        n = 4;
        cp = c & 0x07;
        min = 0x10000;
    } else {
        return 0;
    }
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

void ava_text_sanitize(char *dst, size_t size, const char *src)
{
    if (!size)
        return;
    const unsigned char *s = (const unsigned char *)src;
    size_t o = 0;
    while (*s) {
        int n = utf8_len(s);
        if (n == 0) {
            if (o + 1 >= size)
                break;
            dst[o++] = '?';
            s++;
            continue;
        }
        if (o + (size_t)n >= size)
            break;
        if (n == 1 && (*s < 0x20 || *s == 0x7F))
            dst[o++] = ' ';
        else
            for (int i = 0; i < n; i++)
                dst[o++] = (char)s[i];
        s += n;
    }
    dst[o] = 0;
}
