/* SPDX-License-Identifier: MIT */
/** @file Logging through a caller-provided sink. */
#include <stdio.h>

#include "src/log.h"

void ava_log_default_callback(void *cookie, int level, const char *fmt, va_list ap)
{
    static const char *const prefix[] = { "error: ", "warning: ", "", "", "debug: " };
    (void)cookie;
    if (level < AVA_LOG_ERROR || level > AVA_LOG_DEBUG)
        level = AVA_LOG_ERROR;
    /* One fprintf per line keeps lines from different workers whole. */
    char line[2048];
    vsnprintf(line, sizeof(line), fmt, ap);
    fprintf(stderr, "ava: %s%s\n", prefix[level], line);
}

void ava_log(const AvaLogger *lg, int level, const char *fmt, ...)
{
    AvaLogger def = { NULL, ava_log_default_callback, AVA_LOG_INFO };
    if (!lg || !lg->callback)
        lg = &def;
    if (level > lg->max_level)
        return;
    va_list ap;
    va_start(ap, fmt);
    lg->callback(lg->cookie, level, fmt, ap);
    va_end(ap);
}
