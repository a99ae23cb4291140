/* SPDX-License-Identifier: MIT */
/** @file The ava command line; a user of the public API only. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ava/ava.h"
#include "commands.h"

/* Set by SIGINT/SIGTERM; the library polls it and stops cleanly. */
static volatile int interrupted;

static void on_signal(int sig)
{
    interrupted = sig;
}

typedef struct Progress {
    int enabled;
    double start;
    int last_permille;
} Progress;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void progress_cb(void *cookie, int64_t done, int64_t total)
{
    Progress *p = cookie;
    if (!p->enabled || total <= 0)
        return;
    int permille = (int)(1000 * done / total);
    if (permille > 1000)
        permille = 1000;
    if (permille == p->last_permille)
        return;
    p->last_permille = permille;
    double el = now_s() - p->start;
    double fps = el > 0 ? done / el : 0;
    const int width = 30;
    int fill = permille * width / 1000;
    char bar[64];
    for (int i = 0; i < width; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[width] = 0;
    fprintf(stderr, "\r[%s] %5.1f%%  %lld/%lld frames  %.0f fps ", bar, permille / 10.0,
            (long long)done, (long long)total, fps);
    fflush(stderr);
}

static void usage_analyze(FILE *f)
{
    fprintf(f,
            "usage: ava analyze VIDEO -o OUTDIR [options]\n"
            "\n"
            "Annotate every frame of VIDEO, detect shots, rank the frames and write into OUTDIR:\n"
            "  ava.sqlite       every frame's annotations, shots, picks\n"
            "  stills/          the picks at source resolution, HH-MM-SS-FF_fNNNNNN.jpg\n"
            "  candidates.json  rank, frame, pts, timecode, score and features of each still\n"
            "  report.html      a contact sheet of the picks (works offline)\n"
            "Outputs replace earlier ones only when the whole run succeeds. Chunk shards in\n"
            "OUTDIR/.ava-shards survive a crash: running the same command again redoes only\n"
            "what is missing.\n"
            "\n"
            "options:\n"
            "  -o, --out DIR          output folder (required; created if missing)\n"
            "  -n, --count N          number of stills (default 10, 1..1000)\n"
            "      --format FMT       jpeg | png | webp (default jpeg)\n"
            "      --quality Q        JPEG/WebP quality 1..100 (default 92)\n"
            "  -j, --jobs N           parallel chunk workers (default: number of cores)\n"
            "      --chunk-frames N   frames per chunk, cut at keyframes (default 1500)\n"
            "      --analysis-width W width of the pass-1 analysis image, px (default 320)\n"
            "      --preset NAME|FILE ranking preset (default: presets/default.json)\n"
            "      --chunks N         cut the title into N chunks (the same plan everywhere)\n"
            "      --chunk K/N        only write the shard of chunk K (1..N) of N, for batch\n"
            "                         systems; then `ava merge VIDEO -o DIR --chunks N`\n"
            "      --keep-shards      keep DIR/.ava-shards after success (default: removed)\n"
            "      --crop             also write each still cut to its crop box for the\n"
            "                         preset's canvas (NAME.crop.jpg; JPEG and PNG)\n"
            "title metadata (ranking inputs; see docs/analyze.md, \"Title metadata\"):\n"
            "      --genre TEXT       e.g. comedy, horror, documentary\n"
            "      --title-format TEXT  e.g. series, film (recorded; --format is the stills')\n"
            "      --rating TEXT      maturity rating, e.g. TV-Y7, PG, PG-13, R: kids'\n"
            "                         ratings make the nudity rules strict\n"
            "      --meta FILE.json   {\"genre\": .., \"format\": .., \"rating\": ..}; the\n"
            "                         options above win over its keys\n"
            "presets: default, hero (16:9), portrait (2:3 crops), thumbnail (close-ups)\n"
            "  -q, --quiet            only errors; no progress bar\n"
            "  -v, --verbose          more detail\n"
            "  -h, --help             this help\n");
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: ava COMMAND [options]\n"
            "\n"
            "commands:\n"
            "  analyze VIDEO -o DIR   annotate, rank and export stills (ava analyze --help)\n"
            "  merge VIDEO -o DIR --chunks N\n"
            "                         merge the shards of N chunks written by\n"
            "                         `ava analyze --chunk K/N`, then rank and export\n"
            "  learn CHOICES.json...  fit a preset to an editor's keeps and rejects\n"
            "  models [DIR]           list the installed models, verify their checksums\n"
            "  faces IMAGE...         faces in stills as JSON (ava faces --help)\n"
            "  version                print the version\n"
            "  help                   this help\n");
}

static int parse_int(const char *opt, const char *s, int lo, int hi, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) {
        fprintf(stderr, "ava: %s: '%s' is not an integer in %d..%d\n", opt, s, lo, hi);
        return -1;
    }
    *out = (int)v;
    return 0;
}

static int parse_chunk(const char *s, int *k, int *n)
{
    char *end;
    long a = strtol(s, &end, 10);
    if (end == s || *end != '/')
        goto bad;
    const char *q = end + 1;
    long b = strtol(q, &end, 10);
    if (end == q || *end || b < 1 || b > 100000 || a < 1 || a > b)
        goto bad;
    *k = (int)a;
    *n = (int)b;
    return 0;
bad:
    fprintf(stderr, "ava: --chunk: '%s' is not K/N with 1 <= K <= N\n", s);
    return -1;
}

static int cmd_analyze(int argc, char **argv, int merge_only)
{
    AvaSettings s;
    ava_default_settings(&s);
    Progress prog = { .enabled = isatty(2), .start = now_s(), .last_permille = -1 };
    enum { OPT_FORMAT = 256, OPT_QUALITY, OPT_CHUNK, OPT_WIDTH, OPT_PRESET, OPT_CHUNKS,
           OPT_ONE_CHUNK, OPT_KEEP, OPT_CROP, OPT_GENRE, OPT_TFORMAT, OPT_RATING, OPT_META };
    int n_chunks = 0, chunk_k = 0;
    static const struct option longopts[] = {
        { "out", required_argument, NULL, 'o' },
        { "count", required_argument, NULL, 'n' },
        { "format", required_argument, NULL, OPT_FORMAT },
        { "quality", required_argument, NULL, OPT_QUALITY },
        { "jobs", required_argument, NULL, 'j' },
        { "chunk-frames", required_argument, NULL, OPT_CHUNK },
        { "analysis-width", required_argument, NULL, OPT_WIDTH },
        { "preset", required_argument, NULL, OPT_PRESET },
        { "chunks", required_argument, NULL, OPT_CHUNKS },
        { "chunk", required_argument, NULL, OPT_ONE_CHUNK },
        { "keep-shards", no_argument, NULL, OPT_KEEP },
        { "crop", no_argument, NULL, OPT_CROP },
        { "genre", required_argument, NULL, OPT_GENRE },
        { "title-format", required_argument, NULL, OPT_TFORMAT },
        { "rating", required_argument, NULL, OPT_RATING },
        { "meta", required_argument, NULL, OPT_META },
        { "quiet", no_argument, NULL, 'q' },
        { "verbose", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:n:j:qvh", longopts, NULL)) != -1) {
        switch (opt) {
        case 'o': s.out_dir = optarg; break;
        case 'n':
            if (parse_int("--count", optarg, 1, 1000, &s.count) < 0)
                return 2;
            break;
        case 'j':
            if (parse_int("--jobs", optarg, 1, 256, &s.n_threads) < 0)
                return 2;
            break;
        case OPT_CHUNK:
            if (parse_int("--chunk-frames", optarg, 1, INT_MAX, &s.chunk_frames) < 0)
                return 2;
            break;
        case OPT_WIDTH:
            if (parse_int("--analysis-width", optarg, 32, 1920, &s.analysis_width) < 0)
                return 2;
            break;
        case OPT_QUALITY:
            if (parse_int("--quality", optarg, 1, 100, &s.jpeg_quality) < 0)
                return 2;
            break;
        case OPT_FORMAT:
            if (!strcmp(optarg, "jpeg") || !strcmp(optarg, "jpg"))
                s.still_format = AVA_STILL_JPEG;
            else if (!strcmp(optarg, "png"))
                s.still_format = AVA_STILL_PNG;
            else if (!strcmp(optarg, "webp"))
                s.still_format = AVA_STILL_WEBP;
            else {
                fprintf(stderr, "ava: --format: '%s' is not jpeg, png or webp\n", optarg);
                return 2;
            }
            break;
        case OPT_PRESET: s.preset = optarg; break;
        case OPT_CHUNKS:
            if (parse_int("--chunks", optarg, 1, 100000, &n_chunks) < 0)
                return 2;
            break;
        case OPT_ONE_CHUNK:
            if (parse_chunk(optarg, &chunk_k, &n_chunks) < 0)
                return 2;
            break;
        case OPT_KEEP: s.keep_shards = 1; break;
        case OPT_CROP: s.crop_stills = 1; break;
        case OPT_GENRE: s.genre = optarg; break;
        case OPT_TFORMAT: s.title_format = optarg; break;
        case OPT_RATING: s.rating = optarg; break;
        case OPT_META: s.meta_path = optarg; break;
        case 'q':
            s.logger.max_level = AVA_LOG_ERROR;
            prog.enabled = 0;
            break;
        case 'v': s.logger.max_level = AVA_LOG_VERBOSE; break;
        case 'h': usage_analyze(stdout); return 0;
        default: usage_analyze(stderr); return 2;
        }
    }
    if (s.out_dir && !*s.out_dir) {
        fprintf(stderr, "ava analyze: -o needs a folder name\n");
        return 2;
    }
    if (optind != argc - 1 || !s.out_dir) {
        fprintf(stderr, "ava analyze: %s\n", optind >= argc ? "no input video given"
                                              : optind < argc - 1 ? "give exactly one video"
                                                                  : "-o OUTDIR is required");
        usage_analyze(stderr);
        return 2;
    }
    const char *input = argv[optind];
    s.progress = progress_cb;
    s.progress_cookie = &prog;
    s.interrupt = &interrupted;
    struct sigaction sa = { .sa_handler = on_signal };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    if (merge_only && n_chunks == 0) {
        fprintf(stderr, "ava merge: --chunks N is required (the N given to --chunk K/N)\n");
        return 2;
    }
    AvaContext *c = NULL;
    AvaTitle *t = NULL;
    int ret = ava_open(&c, &s);
    if (ret >= 0)
        ret = ava_title_open(c, input, n_chunks, &t);
    if (ret >= 0 && chunk_k > 0) {
        if (chunk_k > ava_title_chunks(t)) {
            fprintf(stderr, "ava: %s: chunk %d/%d: the keyframes allow only %d chunks; "
                    "nothing to do\n", input, chunk_k, n_chunks, ava_title_chunks(t));
        } else {
            ret = ava_title_run_chunks(t, chunk_k - 1, 1);
            if (ret >= 0 && s.logger.max_level >= AVA_LOG_INFO)
                fprintf(stderr, "ava: %s: chunk %d/%d done (shard in %s/.ava-shards)\n", input,
                        chunk_k, n_chunks, s.out_dir);
        }
    } else if (ret >= 0) {
        if (!merge_only)
            ret = ava_title_run_chunks(t, 0, ava_title_chunks(t));
        if (ret >= 0)
            ret = ava_title_finish(t);
    }
    ava_title_close(&t);
    if (prog.enabled && prog.last_permille >= 0)
        fputc('\n', stderr);
    ava_close(&c);
    if (interrupted) {
        fprintf(stderr, "ava: %s: stopped by %s (exit status %d)\n", input,
                interrupted == SIGINT ? "SIGINT" : "SIGTERM", 128 + interrupted);
        return 128 + interrupted;
    }
    if (ret < 0) {
        fprintf(stderr, "ava: %s: failed: %s\n", input, ava_strerror(ret));
        return 1;
    }
    return 0;
}

static void print_model(void *cookie, const AvaModelInfo *m)
{
    (void)cookie;
    printf("%-20s %-22s %-8s %-6s %-9s %s/%s\n", m->name, m->package, m->version, m->licence,
           m->problem ? "BAD" : "verified", m->dir, m->name);
    if (m->problem)
        printf("  %s: %s (fix: scripts/fetch-models.sh)\n", m->name, m->problem);
}

static int cmd_models(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : NULL;
    if (dir && (!strcmp(dir, "-h") || !strcmp(dir, "--help"))) {
        printf("usage: ava models [DIR]   list the installed models and verify their sha256\n"
               "  DIR defaults to $AVA_MODELS_DIR, else %s\n", ava_models_default_dir());
        return 0;
    }
    printf("%-20s %-22s %-8s %-6s %-9s %s\n", "model", "package", "version", "licence",
           "checksum", "path");
    AvaSettings s;
    ava_default_settings(&s);
    int bad = ava_models_check(dir, print_model, NULL, &s.logger);
    if (bad < 0)
        return 1;
    if (bad)
        fprintf(stderr, "ava models: %d model(s) missing or corrupt: run scripts/fetch-models.sh\n",
                bad);
    return bad ? 1 : 0;
}

static void usage_learn(FILE *f)
{
    fprintf(f,
            "usage: ava learn CHOICES.json [MORE.json...] [--preset NAME|FILE] [-o OUT.json]\n"
            "                 [--name NAME]\n"
            "\n"
            "Fit a preset's weights to an editor's keep/reject choices, saved from report.html\n"
            "as choices.json next to the ava.sqlite they refer to. Writes the new preset\n"
            "(default: NAME.json in the current folder, NAME default 'learned') and prints how\n"
            "well old and new weights rank held-back choices (5-fold cross-validated pairwise\n"
            "accuracy: the share of keep/reject pairs with the keep scored higher).\n"
            "Then: ava analyze VIDEO -o DIR --preset OUT.json\n");
}

static int cmd_learn(int argc, char **argv)
{
    enum { OPT_PRESET = 256, OPT_NAME };
    static const struct option longopts[] = {
        { "preset", required_argument, NULL, OPT_PRESET },
        { "name", required_argument, NULL, OPT_NAME },
        { "out", required_argument, NULL, 'o' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *preset = NULL, *name = "learned", *out = NULL;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (opt) {
        case OPT_PRESET: preset = optarg; break;
        case OPT_NAME: name = optarg; break;
        case 'o': out = optarg; break;
        case 'h': usage_learn(stdout); return 0;
        default: usage_learn(stderr); return 2;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "ava learn: no choices file given\n");
        usage_learn(stderr);
        return 2;
    }
    char def_out[300];
    if (!out) {
        snprintf(def_out, sizeof(def_out), "%.250s.json", name);
        out = def_out;
    }
    AvaSettings s;
    ava_default_settings(&s);
    AvaLearnReport rep;
    int ret = ava_learn((const char *const *)argv + optind, argc - optind, preset, out, name,
                        &s.logger, &rep);
    if (ret < 0) {
        fprintf(stderr, "ava learn: failed: %s\n", ava_strerror(ret));
        return 1;
    }
    printf("choices: %d (%d keep, %d reject)\n", rep.n_choices, rep.n_keep, rep.n_reject);
    printf("held-back pairwise accuracy (%d-fold): old weights %.3f, learnt weights %.3f\n",
           rep.folds, rep.auc_old, rep.auc_new);
    printf("preset written: %s (use: ava analyze VIDEO -o DIR --preset %s)\n", out, out);
    return 0;
}

int main(int argc, char **argv)
{
    /* Decoded frames are large, short-lived blocks. glibc raises its mmap threshold after
     * freeing such blocks and then keeps them in per-thread arenas, where fragmentation
     * grows with every chunk: peak RSS rose with the title's length (48 MiB at 1 min,
     * 67 MiB at 60 min, bench/bench_long.sh). A fixed threshold returns them to the system. */
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "analyze"))
        return cmd_analyze(argc - 1, argv + 1, 0);
    if (!strcmp(cmd, "merge"))
        return cmd_analyze(argc - 1, argv + 1, 1);
    if (!strcmp(cmd, "learn"))
        return cmd_learn(argc - 1, argv + 1);
    if (!strcmp(cmd, "models"))
        return cmd_models(argc - 1, argv + 1);
    if (!strcmp(cmd, "faces")) return ava_cmd_faces(argc - 1, argv + 1);
    if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
        printf("ava %s\n", ava_version());
        return 0;
    }
    if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
        usage(stdout);
        return 0;
    }
    fprintf(stderr, "ava: unknown command '%s'\n", cmd);
    usage(stderr);
    return 2;
}
