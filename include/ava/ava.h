/* SPDX-License-Identifier: MIT */
/**
 * @file
 * ava public API: annotate every frame of a video, rank the frames, export stills.
 *
 * @code
 * AvaSettings s;
 * ava_default_settings(&s);
 * s.out_dir = "out";
 * AvaContext *c = NULL;
 * int ret = ava_open(&c, &s);
 * if (ret >= 0)
 *     ret = ava_analyze_file(c, "episode.mp4");
 * if (ret < 0)
 *     fprintf(stderr, "ava: %s\n", ava_strerror(ret));
 * ava_close(&c);
 * @endcode
 */
#ifndef AVA_AVA_H
#define AVA_AVA_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "ava/version.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define AVA_API __attribute__((visibility("default")))
#else
#define AVA_API
#endif

/** POSIX error codes are returned negated. */
#define AVA_ERR(e) (-(e))
/** Project error codes: negative, outside the errno range. */
enum AvaError {
    AVA_ERR_DECODE  = -0x41560001, ///< the input cannot be demuxed or decoded
    AVA_ERR_NOVIDEO = -0x41560002, ///< the input has no decodable video stream
    AVA_ERR_STORE   = -0x41560003, ///< the SQLite store failed
    AVA_ERR_CONFIG  = -0x41560004, ///< a preset or option is invalid
    AVA_ERR_OUTPUT  = -0x41560005, ///< an output file could not be written
    AVA_ERR_LIMIT   = -0x41560006, ///< the input exceeds a documented limit
    AVA_ERR_MODEL   = -0x41560007, ///< a model file is missing or unusable
};

enum AvaLogLevel {
    AVA_LOG_ERROR = 0,
    AVA_LOG_WARNING,
    AVA_LOG_INFO,
    AVA_LOG_VERBOSE,
    AVA_LOG_DEBUG,
};

/** Log sink. Called from any worker thread; must be thread-safe. */
typedef struct AvaLogger {
    void *cookie;
    void (*callback)(void *cookie, int level, const char *fmt, va_list ap);
    int max_level; ///< messages above this level are dropped (default AVA_LOG_INFO)
} AvaLogger;

/** Progress callback: frames annotated so far out of the expected total.
 *  Called from worker threads, serialised by the library. */
typedef void (*AvaProgressFn)(void *cookie, int64_t done, int64_t total);

enum AvaStillFormat { AVA_STILL_JPEG, AVA_STILL_PNG, AVA_STILL_WEBP };

typedef struct AvaSettings {
    int n_threads;          ///< parallel chunk workers (0 = number of cores, default 0)
    int chunk_frames;       ///< target frames per chunk, cut at keyframes (default 1500, min 1)
    int analysis_width;     ///< width of the pass-1 analysis image, px (default 320, 32..1920)
    int count;              ///< stills to export (default 10, 1..1000)
    int still_format;       ///< enum AvaStillFormat (default JPEG)
    int jpeg_quality;       ///< 1..100 (default 92)
    const char *out_dir;    ///< output folder, created if missing (required); borrowed
    const char *preset;     ///< preset file (JSON); NULL = the built-in default preset; borrowed
    AvaLogger logger;       ///< default: stderr at INFO
    AvaProgressFn progress; ///< NULL = no progress reports
    void *progress_cookie;
    /** Polled between frames: non-zero stops the run cleanly (staging removed, earlier
     *  outputs intact) with AVA_ERR(EINTR). A signal handler may set it. NULL = never. */
    const volatile int *interrupt;
    int keep_shards;        ///< 1: keep out_dir/.ava-shards after a successful run (default 0)
    /** Title metadata, ranking inputs (docs/analyze.md, "Title metadata"); NULL = not given;
     *  borrowed during ava_open(). Each given string wins over the same key of meta_path. */
    const char *genre;      ///< e.g. "comedy", "horror", "documentary"
    const char *title_format; ///< e.g. "series", "film" (recorded, not yet a ranking input)
    const char *rating;     ///< maturity rating, e.g. "PG", "TV-Y7", "R", "12"
    const char *meta_path;  ///< JSON file {"genre": .., "format": .., "rating": ..}
    int crop_stills;        ///< 1: also write each still cut to its crop box (default 0)
    uint8_t reserved[32];   ///< must be zero
} AvaSettings;

typedef struct AvaContext AvaContext;

/** Fill @p s with the defaults documented on each field. */
AVA_API void ava_default_settings(AvaSettings *s);

/**
 * Validate @p s and open a context.
 * @param c_out receives the context on success; untouched on failure.
 * @return 0; AVA_ERR(EINVAL) bad settings; AVA_ERR(ENOMEM); AVA_ERR_CONFIG unusable preset.
 * @note Strings in @p s are copied. Free the context with ava_close(). A context is used by
 *       one thread at a time; it starts its own workers.
 */
AVA_API int ava_open(AvaContext **c_out, const AvaSettings *s);

/**
 * Annotate every frame of @p path, detect shots, rank, export stills, the database,
 * candidates.json and report.html into the settings' out_dir.
 * Outputs are built in a staging folder and moved into place only on success: on failure
 * the earlier contents of out_dir stay as they were.
 * @return 0; AVA_ERR_NOVIDEO, AVA_ERR_DECODE (input); AVA_ERR_LIMIT; AVA_ERR_STORE;
 *         AVA_ERR_OUTPUT; AVA_ERR(ENOMEM). The error is logged with the file name.
 */
AVA_API int ava_analyze_file(AvaContext *c, const char *path);

/** NULL-safe; sets *c_out to NULL. */
AVA_API void ava_close(AvaContext **c_out);

/**
 * The steps of ava_analyze_file(), for batch systems and MPI. A title is cut into chunks at
 * keyframes; each chunk's annotations are one shard file in out_dir/.ava-shards/, written
 * atomically and keyed by the video's content, the chunk and the configuration, so any
 * process can compute any chunk and a re-run redoes only missing or damaged shards.
 *
 * @code
 * AvaTitle *t;
 * ava_title_open(c, "episode.mp4", 0, &t);          // probe, scan, plan
 * ava_title_run_chunks(t, 0, ava_title_chunks(t));  // every chunk (or any subset)
 * ava_title_finish(t);                              // merge, shots, rank, stills, report
 * ava_title_close(&t);
 * @endcode
 */
typedef struct AvaTitle AvaTitle;

/**
 * Probe and scan @p path and plan its chunks: at most @p n_chunks (the same plan in every
 * process given the same file and n_chunks), or 0 for the settings' chunk_frames and one
 * chunk per worker. No output is written for a file that is refused.
 * @return 0; the errors of ava_analyze_file() for the input.
 */
AVA_API int ava_title_open(AvaContext *c, const char *path, int n_chunks, AvaTitle **t_out);

/** Number of chunks in the plan (may be fewer than requested: keyframes are the limit). */
AVA_API int ava_title_chunks(const AvaTitle *t);

/** Write the shards of chunks first..first+count-1 (0-based), in parallel over the settings'
 *  workers; complete shards already there are kept. */
AVA_API int ava_title_run_chunks(AvaTitle *t, int first, int count);

/** Merge every shard, detect shots, rank, export. @return AVA_ERR_STORE (each missing or
 *  refused shard logged with the command that makes it) or the errors of analysis. */
AVA_API int ava_title_finish(AvaTitle *t);

/** NULL-safe; sets *t_out to NULL. */
AVA_API void ava_title_close(AvaTitle **t_out);

/** What ava_learn() measured. */
typedef struct AvaLearnReport {
    int n_choices, n_keep, n_reject;
    int folds;             ///< cross-validation folds
    double auc_old;        ///< held-back pairwise accuracy (keep ranked above reject), old weights
    double auc_new;        ///< the same for the fitted weights
} AvaLearnReport;

/**
 * Fit a preset's weights to an editor's choices (choices.json files saved from
 * report.html, each beside the ava.sqlite it refers to) and write the new preset to @p out
 * (named @p name). @p preset: the starting preset (name or file; NULL = default).
 * @return 0; AVA_ERR_CONFIG (bad or too few choices, logged); AVA_ERR_STORE; AVA_ERR_OUTPUT.
 */
AVA_API int ava_learn(const char *const *choice_files, int n_files, const char *preset,
                      const char *out, const char *name, const AvaLogger *lg,
                      AvaLearnReport *rep);

/** One installed model, as ava_models_check() found it. Strings live during the callback. */
typedef struct AvaModelInfo {
    const char *name, *package, *version, *licence;
    const char *dir;       ///< the models folder
    int files, files_ok;   ///< files listed, and those present with the right sha256
    const char *problem;   ///< the first problem ("x.bin missing"), or NULL
} AvaModelInfo;

typedef void (*AvaModelFn)(void *cookie, const AvaModelInfo *m);

/** The models folder: $AVA_MODELS_DIR, else models/ in the source tree. */
AVA_API const char *ava_models_default_dir(void);

/**
 * Check every model of @p dir's index.json (NULL = the default folder) against its sha256
 * and call @p fn for each. @return the number of models with a missing or corrupt file;
 * AVA_ERR_MODEL when there is no usable index (logged with the command that fixes it).
 */
AVA_API int ava_models_check(const char *dir, AvaModelFn fn, void *cookie,
                             const AvaLogger *lg);

/** Text for any code returned by this API (static storage). */
AVA_API const char *ava_strerror(int err);

/** Library version string, e.g. "0.1.0". */
AVA_API const char *ava_version(void);

#ifdef __cplusplus
}
#endif
#endif /* AVA_AVA_H */
