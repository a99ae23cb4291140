/* SPDX-License-Identifier: MIT */
/** @file UTF-8 sanitising of untrusted text, on byte strings built by hand. */
#include <string.h>

#include "src/util/text.h"
#include "tests/common/testhelp.h"

static void check_s(const char *in, const char *want)
{
    char out[64];
    ava_text_sanitize(out, sizeof(out), in);
    if (strcmp(out, want))
        fprintf(stderr, "sanitize: got '%s', want '%s'\n", out, want);
    CHECK("sanitize", !strcmp(out, want));
}

int main(void)
{
    check_s("plain", "plain");
    check_s("caf\xc3\xa9", "caf\xc3\xa9");                   /* U+00E9, two bytes, valid */
    check_s("\xe2\x82\xac 5", "\xe2\x82\xac 5");             /* U+20AC euro sign */
    check_s("\xf0\x9f\x8e\xac", "\xf0\x9f\x8e\xac");         /* U+1F3AC, four bytes */
    check_s("bad\xff" "end", "bad?end");                     /* 0xFF never occurs in UTF-8 */
    check_s("\xc0\xaf", "??");                               /* overlong '/' */
    check_s("\xed\xa0\x80", "???");                          /* UTF-16 surrogate D800 */
    check_s("\xe2\x82", "??");                               /* truncated sequence */
    check_s("a\x1b[31mb\tc\x7f", "a [31mb c ");              /* ESC, TAB, DEL -> space */
    char small[4];
    ava_text_sanitize(small, sizeof(small), "abcdef");
    CHECK("truncates and terminates", !strcmp(small, "abc"));
    ava_text_sanitize(small, sizeof(small), "ab\xc3\xa9");
    CHECK("never splits a sequence", !strcmp(small, "ab"));
    return th_report("text");
}
