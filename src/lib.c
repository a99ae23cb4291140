/* SPDX-License-Identifier: MIT */
/** @file Public entry points: settings, validation, open/close. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "src/internal.h"
#include "src/io/decoder.h"
#include "src/log.h"

#define validate_or_ret(x)                                                                   \
    do {                                                                                     \
        if (!(x)) {                                                                          \
            ava_log(&s->logger, AVA_LOG_ERROR, "invalid settings: %s", #x);                 \
            return AVA_ERR(EINVAL);                                                          \
        }                                                                                    \
    } while (0)

const char *ava_version(void)
{
    return AVA_VERSION;
}

void ava_default_settings(AvaSettings *s)
{
    memset(s, 0, sizeof(*s));
    s->chunk_frames = 1500;
    s->analysis_width = 320;
    s->count = 10;
    s->still_format = AVA_STILL_JPEG;
    s->jpeg_quality = 92;
    s->logger.callback = ava_log_default_callback;
    s->logger.max_level = AVA_LOG_INFO;
}

int ava_open(AvaContext **c_out, const AvaSettings *s)
{
    if (!c_out || !s)
        return AVA_ERR(EINVAL);
    validate_or_ret(s->n_threads >= 0 && s->n_threads <= 256);
    validate_or_ret(s->chunk_frames >= 1);
    validate_or_ret(s->analysis_width >= 32 && s->analysis_width <= 1920);
    validate_or_ret(s->count >= 1 && s->count <= 1000);
    validate_or_ret(s->still_format >= AVA_STILL_JPEG && s->still_format <= AVA_STILL_WEBP);
    validate_or_ret(s->jpeg_quality >= 1 && s->jpeg_quality <= 100);
    validate_or_ret(s->out_dir && *s->out_dir);
    validate_or_ret(strlen(s->out_dir) < 3000);
    for (size_t i = 0; i < sizeof(s->reserved); i++)
        validate_or_ret(s->reserved[i] == 0);

    AvaContext *c = calloc(1, sizeof(*c));
    if (!c)
        return AVA_ERR(ENOMEM);
    c->s = *s;
    if (!c->s.logger.callback)
        c->s.logger.callback = ava_log_default_callback;
    snprintf(c->out_dir, sizeof(c->out_dir), "%s", s->out_dir);
    c->s.out_dir = c->out_dir;
    c->s.preset = NULL;
    ava_decoder_set_library_logging(c->s.logger.max_level >= AVA_LOG_DEBUG);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    c->n_threads = s->n_threads ? s->n_threads : (cores > 0 ? (int)cores : 1);

    char path[4096];
    int ret = ava_preset_resolve(s->preset ? s->preset : "default", path, sizeof(path),
                                 &c->s.logger);
    if (ret >= 0)
        ret = ava_preset_load(&c->preset, path, &c->s.logger);
    if (ret < 0) {
        free(c);
        return ret;
    }
    *c_out = c;
    return 0;
}

int ava_analyze_file(AvaContext *c, const char *path)
{
    if (!c || !path || !*path)
        return AVA_ERR(EINVAL);
    return ava_analyze_run(c, path);
}

void ava_close(AvaContext **c_out)
{
    if (!c_out || !*c_out)
        return;
    free(*c_out);
    *c_out = NULL;
}
