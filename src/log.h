/* SPDX-License-Identifier: MIT */
/** @file Internal logging: every message goes through the context's AvaLogger. */
#ifndef AVA_SRC_LOG_H
#define AVA_SRC_LOG_H

#include "ava/ava.h"

/** Log through @p lg (NULL = stderr at INFO). Thread-safe if the sink is. */
void ava_log(const AvaLogger *lg, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/** The stderr sink used when a caller installs none. */
void ava_log_default_callback(void *cookie, int level, const char *fmt, va_list ap);

#endif /* AVA_SRC_LOG_H */
