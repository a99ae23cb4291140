/* SPDX-License-Identifier: MIT */
/** @file SHA-256 keys of files and text (see filekey.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libavutil/mem.h>
#include <libavutil/sha.h>

#include "src/io/filekey.h"
#include "src/log.h"

#define KEY_SPAN (1 << 20)

static void to_hex(const uint8_t d[32], char hex[AVA_KEY_HEX])
{
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

void ava_text_key(const char *text, char hex[AVA_KEY_HEX])
{
    struct AVSHA *sha = av_sha_alloc();
    uint8_t d[32] = { 0 };
    if (sha) {
        av_sha_init(sha, 256);
        av_sha_update(sha, (const uint8_t *)text, (unsigned)strlen(text));
        av_sha_final(sha, d);
    }
    av_free(sha);
    to_hex(d, hex);
}

int ava_file_key(const char *path, char hex[AVA_KEY_HEX], const AvaLogger *lg)
{
    FILE *f = fopen(path, "rb");
    struct stat sb;
    if (!f || fstat(fileno(f), &sb) < 0) {
        ava_log(lg, AVA_LOG_ERROR, "%s: cannot read: %s", path, strerror(errno));
        if (f)
            fclose(f);
        return AVA_ERR_DECODE;
    }
    struct AVSHA *sha = av_sha_alloc();
    uint8_t *buf = malloc(KEY_SPAN);
    int ret = 0;
    if (!sha || !buf) {
        ret = AVA_ERR(ENOMEM);
        goto done;
    }
    av_sha_init(sha, 256);
    uint64_t size = (uint64_t)sb.st_size;
    uint8_t le[8];
    for (int i = 0; i < 8; i++)
        le[i] = (uint8_t)(size >> (8 * i));
    av_sha_update(sha, le, 8);
    size_t n = fread(buf, 1, KEY_SPAN, f);
    av_sha_update(sha, buf, (unsigned)n);
    if (size > KEY_SPAN && fseeko(f, size > 2 * KEY_SPAN ? (off_t)(size - KEY_SPAN) : KEY_SPAN,
                                  SEEK_SET) == 0) {
        n = fread(buf, 1, KEY_SPAN, f);
        av_sha_update(sha, buf, (unsigned)n);
    }
    uint8_t d[32];
    av_sha_final(sha, d);
    to_hex(d, hex);
done:
    av_free(sha);
    free(buf);
    fclose(f);
    return ret;
}

int ava_file_sha256(const char *path, char hex[AVA_KEY_HEX])
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return errno == ENOENT ? AVA_ERR(ENOENT) : AVA_ERR(EIO);
    struct AVSHA *sha = av_sha_alloc();
    uint8_t *buf = malloc(KEY_SPAN);
    int ret = 0;
    if (!sha || !buf) {
        ret = AVA_ERR(ENOMEM);
    } else {
        av_sha_init(sha, 256);
        size_t n;
        while ((n = fread(buf, 1, KEY_SPAN, f)) > 0)
            av_sha_update(sha, buf, (unsigned)n);
        if (ferror(f))
            ret = AVA_ERR(EIO);
        uint8_t d[32];
        av_sha_final(sha, d);
        to_hex(d, hex);
    }
    av_free(sha);
    free(buf);
    fclose(f);
    return ret;
}
