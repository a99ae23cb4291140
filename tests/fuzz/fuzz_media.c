/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Fuzz target: media bytes through the whole of `ava analyze` (probe, scan, chunked decode,
 * annotators, shards, merge, shots, rank, stills, JSON, report). The bytes are handed to
 * FFmpeg as a memory file (memfd), so nothing but the bytes differs from a real run.
 * Caps: 256 KiB of input; frames are bounded by the input size. Every outcome but a crash or
 * a sanitizer report is fine: the run must succeed or fail with an ava error code.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ava/ava.h"
#include "tests/fuzz/fuzz.h"

static void silent(void *cookie, int level, const char *fmt, va_list ap)
{
    (void)cookie, (void)level, (void)fmt, (void)ap;
}

static char out_dir[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 256 * 1024)
        return 0;
    if (!out_dir[0]) {
        snprintf(out_dir, sizeof(out_dir), "/tmp/ava-fuzz-media-%ld", (long)getpid());
    }
    int fd = memfd_create("fuzz.media", MFD_CLOEXEC);
    if (fd < 0)
        return 0;
    if (size && write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return 0;
    }
    char path[64];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    AvaSettings s;
    ava_default_settings(&s);
    s.out_dir = out_dir;
    s.n_threads = 1;
    s.count = 2;
    s.chunk_frames = 3;
    s.analysis_width = 32;
    s.logger.callback = silent;
    AvaContext *c = NULL;
    int ret = ava_open(&c, &s);
    if (ret >= 0)
        ret = ava_analyze_file(c, path);
    ava_close(&c);
    close(fd);
    (void)ret;
    return 0;
}
