/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Rewrites a report from a title database, for the browser test: it adds rows a pass has
 * not written yet (pool, maturity, overlays, diversity) to a copy of a database and renders
 * the page again. usage: render_report DB HTML
 */
#include <stdarg.h>
#include <stdio.h>

#include "src/log.h"
#include "src/report/report.h"
#include "src/store/store.h"

static void to_stderr(void *cookie, int level, const char *fmt, va_list ap)
{
    (void)cookie;
    (void)level;
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

int main(int argc, char **argv)
{
    AvaLogger lg = { NULL, to_stderr, AVA_LOG_WARNING };
    if (argc != 3) {
        fprintf(stderr, "usage: render_report DB HTML\n");
        return 2;
    }
    AvaStore *st = NULL;
    int ret = ava_store_open_readonly(&st, argv[1], &lg);
    if (ret >= 0)
        ret = ava_report_write(st, argv[2], &lg);
    ava_store_close(&st);
    if (ret < 0)
        fprintf(stderr, "render_report: %s: %s\n", argv[2], ava_strerror(ret));
    return ret < 0;
}
