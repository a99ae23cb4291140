/* SPDX-License-Identifier: MIT */
/** @file Public entry points: settings, validation, open/close. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "src/annotators/annset.h"
#include "src/internal.h"
#include "src/io/decoder.h"
#include "src/log.h"

#define validate_or_ret(x, what)                                                             \
    do {                                                                                     \
        if (!(x)) {                                                                          \
            ava_log(&s->logger, AVA_LOG_ERROR, "invalid settings: %s", what);               \
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

/* Every preset feature must name a REAL or INT column of some annotator. */
static int check_preset_columns(const AvaPreset *p, const AvaLogger *lg)
{
    AvaColumnRef *cols = NULL;
    int n = 0, ret = ava_annset_columns(&cols, &n);
    for (int k = 0; ret >= 0 && k < p->n; k++) {
        int found = 0;
        for (int i = 0; i < n; i++)
            if (!strcmp(cols[i].col->name, p->f[k].column))
                found = cols[i].col->type == AVA_COL_REAL || cols[i].col->type == AVA_COL_INT;
        if (!found) {
            ava_log(lg, AVA_LOG_ERROR, "%s: feature '%s' is not a numeric annotation column "
                    "(see docs/analyze.md)", p->path, p->f[k].column);
            ret = AVA_ERR_CONFIG;
        }
    }
    free(cols);
    return ret;
}

int ava_open(AvaContext **c_out, const AvaSettings *s)
{
    if (!c_out || !s)
        return AVA_ERR(EINVAL);
    validate_or_ret(s->n_threads >= 0 && s->n_threads <= 256, "threads must be 0..256");
    validate_or_ret(s->chunk_frames >= 1, "chunk_frames must be at least 1");
    validate_or_ret(s->analysis_width >= 32 && s->analysis_width <= 1920,
                    "analysis width must be 32..1920 px");
    validate_or_ret(s->count >= 1 && s->count <= 1000, "count must be 1..1000");
    validate_or_ret(s->still_format >= AVA_STILL_JPEG && s->still_format <= AVA_STILL_WEBP,
                    "unknown still format");
    validate_or_ret(s->jpeg_quality >= 1 && s->jpeg_quality <= 100, "quality must be 1..100");
    validate_or_ret(s->out_dir && *s->out_dir, "an output folder is required");
    validate_or_ret(strlen(s->out_dir) < 3000, "output folder path too long");
    for (size_t i = 0; i < sizeof(s->reserved); i++)
        validate_or_ret(s->reserved[i] == 0, "reserved bytes must be zero");

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
    if (ret >= 0)
        ret = check_preset_columns(&c->preset, &c->s.logger);
    if (ret >= 0)
        ret = ava_meta_load(&c->meta, s->meta_path, s->genre, s->title_format, s->rating,
                            &c->s.logger);
    if (ret >= 0)
        ava_meta_apply(&c->meta, &c->preset);
    c->s.genre = c->s.title_format = c->s.rating = c->s.meta_path = NULL;
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
