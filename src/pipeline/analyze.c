/* SPDX-License-Identifier: MIT */
/**
 * @file
 * `ava analyze` end to end: probe and scan, pass 1 over chunks into shards, merge into the
 * title database, shots, scores, selection, stills, candidates.json, report.html, and the
 * final move of all outputs into place.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <dirent.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "src/annotators/annset.h"
#include "src/export/candidates.h"
#include "src/export/editorial.h"
#include "src/export/export.h"
#include "src/faces/pass2.h"
#include "ava/faces.h"
#include "src/internal.h"
#include "src/io/filekey.h"
#include "src/io/probe.h"
#include "src/io/still_writer.h"
#include "src/log.h"
#include "src/pipeline/chunks.h"
#include "src/pipeline/pass1.h"
#include "src/pipeline/staging.h"
#include "src/maturity/maturity.h"
#include "src/rank/rank.h"
#include "src/report/report.h"
#include "src/select/meta.h"
#include "src/select/stage.h"
#include "src/shots/camera.h"
#include "src/shots/shot_detect.h"
#include "src/store/store.h"
#include "src/util/fsutil.h"
#include "src/util/timecode.h"

/* Feature values listed with each candidate (REAL columns of pass 1). */
static const char *const candidate_features[] = {
    "brightness", "contrast", "shadows", "highlights", "black_ratio", "colorfulness",
    "sharpness", "sharpness_log", "diff_luma", "content_delta",
};
#define N_CANDIDATE_FEATURES (int)(sizeof(candidate_features) / sizeof(candidate_features[0]))

typedef struct AvaTitle {
    AvaContext *c;
    const AvaLogger *lg;
    char *path;
    char title_key[AVA_KEY_HEX];
    char config_key[AVA_KEY_HEX];
    char shard_dir[4400];
    int analysis_w, analysis_h;
    int64_t frames_done;   ///< pass 1, this process
    int shards_reused;
    double t_scan, t_pass1;    ///< seconds spent scanning and in pass 1
    AvaStreamInfo si;
    AvaScan scan;
    AvaChunk *chunks;
    int n_chunks;
    AvaStaging staging;
    AvaStore *st;
    int64_t n;             ///< frames in the title database
    int64_t *frames;       ///< frame number per position
    double *signals;       ///< content_delta, brightness, contrast, black_ratio, t_s (n each)
    AvaShotResult shots;
    double *score;
    AvaPick *picks;
    int n_picks;
    AvaFacesOut faces;     ///< pass 2
    int *camera;           ///< per shot: index into camera_labels, -1 unknown
    AvaPool pool;          ///< the selection stage's candidates
    AvaMaturityOut maturity; ///< pass 3
} Analysis;

/* Camera labels of src/shots/camera.h, numbered for the diversity vector. */
static const char *const camera_labels[] = { "static", "pan_left", "pan_right", "tilt_up",
                                             "tilt_down", "zoom_in", "zoom_out", "handheld" };

static void analysis_free(Analysis *a)
{
    free(a->path);
    ava_store_close(&a->st);
    ava_scan_free(&a->scan);
    free(a->chunks);
    free(a->frames);
    free(a->signals);
    ava_shot_result_free(&a->shots);
    free(a->score);
    free(a->picks);
    ava_faces_out_free(&a->faces);
    free(a->camera);
    ava_pool_free(&a->pool);
}

static void analysis_size(const AvaStreamInfo *si, int want_w, int *w, int *h)
{
    int aw = want_w < si->display_width ? want_w : si->display_width;
    if (aw < AVA_MIN_SIDE_PX)
        aw = AVA_MIN_SIDE_PX;
    int ah = (int)lrint((double)aw * si->display_height / si->display_width);
    if (ah < AVA_MIN_SIDE_PX)
        ah = AVA_MIN_SIDE_PX;
    if (ah > 4 * want_w)
        ah = 4 * want_w;
    *w = aw;
    *h = ah;
}

/* The resolved settings, into run_config and the verbose log, so a run can be repeated. */
static int put_run_config(Analysis *a, int aw, int ah)
{
    const AvaContext *c = a->c;
    AvaShotParams sp;
    ava_shot_params_default(&sp);
    static const char *const formats[] = { "jpeg", "png", "webp" };
    char v[12][64];
    snprintf(v[0], 64, "%dx%d", aw, ah);
    snprintf(v[1], 64, "%d", c->s.chunk_frames);
    snprintf(v[2], 64, "%d", a->n_chunks);
    snprintf(v[3], 64, "%d", c->n_threads);
    snprintf(v[4], 64, "%d", c->s.count);
    snprintf(v[5], 64, "%s", formats[c->s.still_format]);
    snprintf(v[6], 64, "%d", c->s.jpeg_quality);
    snprintf(v[7], 64, "%d", c->preset.shot_edge_frames);
    snprintf(v[8], 64, "%.3f", c->preset.min_gap_s);
    snprintf(v[9], 64, "ratio=%.2f min_content=%.1f window=%d min_shot_frames=%d", sp.cut_ratio,
             sp.cut_min_content, sp.cut_window, sp.min_shot_frames);
    snprintf(v[10], 64, "black_pic_th=%.2f gradual_low=%.1f max_frames=%d", sp.black_pic_th,
             sp.gradual_low, sp.gradual_max_frames);
    snprintf(v[11], 64, "residual=%.2f var_ratio=%.2f", sp.blend_max_residual,
             sp.dissolve_max_var_ratio);
    /* Title metadata and the ranking inputs it changed (docs/analyze.md). */
    const AvaPreset *p = &c->preset;
    char w[6][96];
    snprintf(w[0], 96, "%.4g", p->maturity.nudity);
    snprintf(w[1], 96, "%.4g", p->maturity.max_nudity);
    snprintf(w[2], 96, "text=%.4g caption=%.4g overlay=%.4g suggestive=%.4g", p->maturity.text,
             p->maturity.caption, p->maturity.overlay, p->maturity.suggestive);
    snprintf(w[3], 96, "%s", p->canvas.aspect > 0 ? p->canvas.aspect_text : "source");
    snprintf(w[4], 96, "lambda=%.3g near_duplicate=%.3g pool=%dxN,min %d",
             p->diversity.lambda, p->diversity.near_duplicate, p->diversity.pool_factor,
             p->diversity.pool_min);
    double neg = 0;
    for (int k = 0; k < p->faces.n; k++)
        if (!strcmp(p->faces.f[k].column, "expr_negative"))
            neg = p->faces.f[k].weight;
    snprintf(w[5], 96, "%.4g", neg);
    const char *keys[] = { "analysis_size", "chunk_frames", "chunks", "jobs", "count",
                           "format", "quality", "shot_edge_frames", "min_gap_s", "shots_cut",
                           "shots_fade", "shots_dissolve", "preset", "preset_path",
                           "meta_genre", "meta_format", "meta_rating", "meta_audience",
                           "maturity_nudity", "maturity_max_nudity", "maturity_text",
                           "canvas_aspect", "diversity", "face_expr_negative", "crop_stills" };
    const char *vals[] = { v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10],
                           v[11], c->preset.name, c->preset.path, c->meta.genre,
                           c->meta.format, c->meta.rating,
                           ava_meta_audience_name(c->meta.audience), w[0], w[1], w[2], w[3],
                           w[4], w[5], c->s.crop_stills ? "1" : "0" };
    int ret = 0;
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]) && ret >= 0; i++) {
        ava_log(a->lg, AVA_LOG_VERBOSE, "config: %s = %s", keys[i], vals[i]);
        ret = ava_store_put_config(a->st, keys[i], vals[i]);
    }
    return ret;
}

/* Everything that changes the rows of a shard: a shard made otherwise is not reused. */
static void make_config_key(Analysis *a)
{
    AvaColumnRef *cols = NULL;
    int n = 0;
    char text[4096];
    int len = snprintf(text, sizeof(text), "ava %s schema %d analysis %dx%d columns", ava_version(),
                       AVA_SCHEMA_VERSION, a->analysis_w, a->analysis_h);
    if (ava_annset_columns(&cols, &n) >= 0)
        for (int i = 0; i < n && len > 0 && len < (int)sizeof(text); i++)
            len += snprintf(text + len, sizeof(text) - (size_t)len, " %s:%d:%s",
                            cols[i].ann->name, cols[i].col->type, cols[i].col->name);
    free(cols);
    ava_text_key(text, a->config_key);
}

static int run_pass1(Analysis *a, int first, int count)
{
    AvaContext *c = a->c;
    int *ids = malloc((size_t)(count > 0 ? count : 1) * sizeof(*ids));
    if (!ids)
        return AVA_ERR(ENOMEM);
    int64_t total = 0;
    for (int i = 0; i < count; i++) {
        ids[i] = first + i;
        total += a->chunks[first + i].n_frames;
    }
    AvaPass1 p = {
        .path = a->path, .title_key = a->title_key, .config_key = a->config_key,
        .chunk_ids = ids, .n_ids = count, .si = &a->si, .scan = &a->scan, .chunks = a->chunks,
        .n_chunks = a->n_chunks, .n_threads = c->n_threads, .shard_dir = a->shard_dir,
        .analysis_w = a->analysis_w, .analysis_h = a->analysis_h, .lg = a->lg,
        .progress = c->s.progress, .progress_cookie = c->s.progress_cookie,
        .progress_total = total, .interrupt = c->s.interrupt,
    };
    int64_t done = 0;
    int reused = 0;
    int ret = ava_pass1_run(&p, &done, &reused);
    free(ids);
    a->frames_done += done;
    a->shards_reused += reused;
    if (reused)
        ava_log(a->lg, AVA_LOG_INFO, "%s: reused %d finished shard%s of %d", a->path, reused,
                reused == 1 ? "" : "s", count);
    return ret;
}

/* All shards there and intact? Names each one that is not, with the command that makes it. */
static int check_shards(Analysis *a)
{
    int bad = 0;
    for (int i = 0; i < a->n_chunks; i++) {
        const AvaChunk *ch = &a->chunks[i];
        char shard[4600], why[160];
        ava_shard_path(shard, sizeof(shard), a->shard_dir, ch);
        AvaShardKey key = { a->title_key, a->config_key, ch->id, ch->first_frame,
                            ch->start_pts, ch->end_pts };
        if (ava_store_check_shard(shard, &key, why, sizeof(why)) < 0) {
            if (bad++ < 10)
                ava_log(a->lg, AVA_LOG_ERROR, "%s: chunk %d/%d: shard %s is %s (run: ava analyze "
                        "VIDEO -o OUT --chunk %d/%d)", a->path, i + 1, a->n_chunks, shard, why,
                        i + 1, a->n_chunks);
        }
    }
    return bad ? AVA_ERR_STORE : 0;
}

static int merge_shards(Analysis *a)
{
    char db_path[4400];
    ava_staging_path(&a->staging, "ava.sqlite", db_path, sizeof(db_path));
    AvaColumnRef *cols = NULL;
    int n_cols = 0;
    int ret = ava_annset_columns(&cols, &n_cols);
    if (ret < 0)
        return ret;
    ret = ava_store_create(&a->st, db_path, AVA_STORE_TITLE, cols, n_cols, a->lg);
    free(cols);
    if (ret < 0)
        return ret;
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < a->n_chunks; i++) {
            char shard[4600];
            ava_shard_path(shard, sizeof(shard), a->shard_dir, &a->chunks[i]);
            if ((ret = ava_store_merge_shard(a->st, shard, pass)) < 0)
                return ret;
        }
    if ((ret = ava_store_count_frames(a->st, &a->n)) < 0)
        return ret;
    if (a->n == 0) {
        ava_log(a->lg, AVA_LOG_ERROR, "%s: no video frame could be decoded", a->path);
        return AVA_ERR_DECODE;
    }
    if (a->n < a->scan.n_frames)
        ava_log(a->lg, AVA_LOG_WARNING, "%s: decoded %lld of the %lld frames the packets promise:"
                " the file is damaged or truncated", a->path, (long long)a->n,
                (long long)a->scan.n_frames);
    ret = ava_store_put_title(a->st, a->path, &a->si, a->n, ava_file_size(a->path));
    if (ret >= 0)
        ret = ava_store_put_meta(a->st, "title_key", a->title_key);
    if (ret >= 0)
        ret = put_run_config(a, a->analysis_w, a->analysis_h);
    return ret;
}

/* Shard folders of this title (any configuration) go once its outputs are in place. */
static void remove_title_shards(Analysis *a)
{
    char root[4400], prefix[32];
    snprintf(root, sizeof(root), "%s/.ava-shards", a->c->out_dir);
    snprintf(prefix, sizeof(prefix), "%.16s-", a->title_key);
    DIR *d = opendir(root);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strncmp(e->d_name, prefix, strlen(prefix)))
            continue;
        char path[8192];
        snprintf(path, sizeof(path), "%s/%s", root, e->d_name);
        ava_remove_tree(path);
    }
    closedir(d);
    rmdir(root);
}

/* Refuses a file that changed since the probe (still being written): its shards describe a
 * state of the file that is gone, so they go too. */
static int check_unchanged(Analysis *a)
{
    int ret = ava_probe_unchanged(a->path, &a->si, a->lg);
    if (ret < 0) {
        char root[4400];
        snprintf(root, sizeof(root), "%s/.ava-shards", a->c->out_dir);
        ava_remove_tree(a->shard_dir);
        rmdir(root);
    }
    return ret;
}

static int read_thumb(void *cookie, int64_t i, uint8_t *thumb)
{
    Analysis *a = cookie;
    int n = ava_store_read_blob(a->st, "thumb", a->frames[i], thumb, AVA_THUMB_BYTES);
    if (n == AVA_THUMB_BYTES)
        return 0;
    if (n >= 0 || n == AVA_ERR(ENOENT)) {
        memset(thumb, 0, AVA_THUMB_BYTES);
        return 0;
    }
    return n;
}

/* t_s first: it is the only block kept once the shots are found (detect_shots()). */
enum { SIG_T, SIG_CONTENT, SIG_BRIGHTNESS, SIG_CONTRAST, SIG_BLACK, N_SIGNALS };

/* Each shot's camera move from the motion annotator's columns, read a block at a time. */
static int label_cameras(Analysis *a)
{
    static const char *const names[3] = { "motion_dx", "motion_dy", "motion_zoom" };
    int ret = 0;
    free(a->camera);
    if (!(a->camera = malloc((size_t)(a->shots.n_shots ? a->shots.n_shots : 1) *
                             sizeof(*a->camera))))
        return AVA_ERR(ENOMEM);
    for (int k = 0; k < a->shots.n_shots && ret >= 0; k++) {
        const AvaShotSpan *sh = &a->shots.shots[k];
        int64_t len = sh->last - sh->first + 1, got = 0, next;
        double *v = malloc((size_t)len * 3 * sizeof(*v));
        if (!v)
            return AVA_ERR(ENOMEM);
        ret = ava_store_read_columns_block(a->st, names, 3, a->frames[sh->first], len, v, &got,
                                           &next);
        if (ret >= 0) {
            AvaCameraMove m;
            /* The first frame of a shot moves from the previous shot: leave it out. */
            ava_camera_move(v + 1, v + len + 1, v + 2 * len + 1, got - 1, a->si.fps, &m);
            a->camera[k] = -1;
            for (int l = 0; l < (int)(sizeof(camera_labels) / sizeof(camera_labels[0])); l++)
                if (m.label && !strcmp(m.label, camera_labels[l]))
                    a->camera[k] = l;
            ret = ava_store_set_shot_camera(a->st, k, m.label, m.pan_w_s, m.tilt_w_s, m.zoom_s,
                                            m.shake);
        }
        free(v);
    }
    return ret;
}

static int detect_shots(Analysis *a)
{
    static const char *const names[N_SIGNALS] = { "t_s", "content_delta", "brightness",
                                                  "contrast", "black_ratio" };
    int64_t n = 0;
    int ret = ava_store_read_columns(a->st, names, N_SIGNALS, &a->signals, &a->frames, &n);
    if (ret < 0)
        return ret;
    a->n = n;
    AvaShotSignals sig = { .n = n, .content = a->signals + SIG_CONTENT * n,
                           .brightness = a->signals + SIG_BRIGHTNESS * n,
                           .contrast = a->signals + SIG_CONTRAST * n,
                           .black_ratio = a->signals + SIG_BLACK * n };
    AvaShotParams params;
    ava_shot_params_default(&params);
    if ((ret = ava_detect_shots(&sig, &params, read_thumb, a, &a->shots)) < 0)
        return ret;
    /* Only t_s is read from here on: the other blocks go back (memory flat in length). */
    double *t_only = realloc(a->signals, (size_t)(n ? n : 1) * sizeof(*t_only));
    if (t_only)
        a->signals = t_only;
    const double *t = a->signals + SIG_T * n;
    if ((ret = ava_store_begin(a->st)) < 0)
        return ret;
    for (int k = 0; k < a->shots.n_shots && ret >= 0; k++) {
        const AvaShotSpan *sh = &a->shots.shots[k];
        ret = ava_store_put_shot(a->st, k, a->frames[sh->first], a->frames[sh->last],
                                 t[sh->first], t[sh->last], ava_shot_kind_name(sh->kind));
        if (ret >= 0)
            ret = ava_store_set_frames_shot(a->st, a->frames[sh->first], a->frames[sh->last], k);
    }
    if (ret >= 0)
        ret = label_cameras(a);
    for (int k = 0; k < a->shots.n_transitions && ret >= 0; k++) {
        const AvaShotSpan *tr = &a->shots.transitions[k];
        ret = ava_store_put_transition(a->st, ava_shot_kind_name(tr->kind), a->frames[tr->first],
                                       a->frames[tr->last]);
        if (ret >= 0)
            ret = ava_store_set_frames_transition(a->st, a->frames[tr->first],
                                                  a->frames[tr->last]);
    }
    if (ret >= 0)
        ret = ava_store_commit(a->st);
    ava_log(a->lg, AVA_LOG_INFO, "%s: frames %lld, shots %d, transitions %d", a->path,
            (long long)n, a->shots.n_shots, a->shots.n_transitions);
    return ret;
}

/* Pass 2 (src/faces/pass2.c): faces, tracks and characters, between shots and ranking. */
static int find_faces(Analysis *a)
{
    AvaFacesIn in = { .path = a->path, .si = &a->si, .scan = &a->scan, .st = a->st, .n = a->n,
                      .frames = a->frames, .t_s = a->signals + SIG_T * a->n, .shots = &a->shots,
                      .preset = &a->c->preset, .n_threads = a->c->n_threads,
                      .interrupt = a->c->s.interrupt, .lg = a->lg };
    return ava_faces_pass2(&in, &a->faces);
}

static AvaSelectIn select_input(Analysis *a)
{
    return (AvaSelectIn){
        .path = a->path, .st = a->st, .lg = a->lg, .n = a->n, .frames = a->frames,
        .t_s = a->signals + SIG_T * a->n, .score = a->score, .shots = &a->shots,
        .camera = a->camera, .faces = &a->faces, .p = &a->c->preset, .count = a->c->s.count,
        .duration_s = a->n > 1 ? a->signals[SIG_T * a->n + a->n - 1] - a->signals[SIG_T * a->n]
                               : 0,
        .width = a->si.display_width, .height = a->si.display_height,
    };
}

/* Pass 3 (src/maturity/): nudity, text, overlays on the pool's frames. */
static int measure_pool(Analysis *a)
{
    /* The report shows the rejected pool frames by these thumbnails. */
    char stills_dir[4400];
    ava_staging_path(&a->staging, "stills", stills_dir, sizeof(stills_dir));
    int ret = ava_mkdir_p(stills_dir, a->lg);
    if (ret < 0)
        return ret;
    AvaMaturityIn in = { .path = a->path, .si = &a->si, .scan = &a->scan, .st = a->st,
                         .n = a->n, .frames = a->frames, .t_s = a->signals + SIG_T * a->n,
                         .shots = &a->shots, .models_dir = NULL,
                         .n_threads = a->c->n_threads,
                         .classifiers = a->c->preset.classifiers,
                         .n_classifiers = a->c->preset.n_classifiers,
                         .interrupt = a->c->s.interrupt, .thumb_dir = stills_dir,
                         .lg = a->lg };
    return ava_maturity_pass(&in, a->pool.pos, a->pool.n, a->pool.m, &a->maturity);
}

/* Frames scored per block: the preset's columns are never all in memory at once. */
#define SCORE_BLOCK 8192

static int score_and_select(Analysis *a)
{
    const AvaPreset *p = &a->c->preset;
    const char *names[AVA_PRESET_MAX_FEATURES];
    ava_preset_columns(p, names);
    int64_t n = a->n;
    double *values = malloc((size_t)SCORE_BLOCK * p->n * sizeof(double));
    double *raw = malloc((size_t)(n ? n : 1) * sizeof(double));
    a->score = malloc((size_t)(n ? n : 1) * sizeof(double));
    int ret = 0;
    if (!values || !raw || !a->score)
        ret = AVA_ERR(ENOMEM);
    int64_t at = 0, next = 0;
    while (ret >= 0 && at < n) {
        int64_t got = 0;
        ret = ava_store_read_columns_block(a->st, names, p->n, next, SCORE_BLOCK, values, &got,
                                           &next);
        if (ret >= 0 && (got == 0 || at + got > n)) {
            ava_log(a->lg, AVA_LOG_ERROR, "%s: frames changed while ranking", a->path);
            ret = AVA_ERR_STORE;
        }
        if (ret < 0)
            break;
        /* ava_preset_score() reads values[k * got + i]: pack the block's columns. */
        for (int k = 1; k < p->n; k++)
            memmove(values + (size_t)k * got, values + (size_t)k * SCORE_BLOCK,
                    (size_t)got * sizeof(double));
        ava_preset_score(p, values, got, raw + at);
        at += got;
    }
    free(values);
    if (ret < 0) {
        free(raw);
        return ret;
    }
    ava_faces_adjust(&a->faces, &a->shots, raw);
    /* Black and transition frames are never candidates... */
    for (int64_t i = 0; i < n; i++)
        a->score[i] = a->shots.black[i] ? NAN : raw[i];
    for (int k = 0; k < a->shots.n_transitions; k++)
        for (int64_t i = a->shots.transitions[k].first; i <= a->shots.transitions[k].last; i++)
            a->score[i] = NAN;
    AvaRankInput in = { .n = n, .score = a->score, .t_s = a->signals + SIG_T * n,
                        .shots = a->shots.shots, .n_shots = a->shots.n_shots,
                        .shot_edge_frames = p->shot_edge_frames, .min_gap_s = p->min_gap_s,
                        .mains = a->faces.ran ? a->faces.mains : NULL,
                        .n_main = a->faces.n_main, .per_main = p->faces.stills_per_character };
    a->picks = calloc((size_t)a->c->s.count, sizeof(*a->picks));
    if (!a->picks) {
        free(raw);
        return AVA_ERR(ENOMEM);
    }
    AvaSelectIn sel = select_input(a);
    ret = ava_select_pool(&sel, &a->pool);
    if (ret >= 0 && a->pool.n == 0) {
        /* ...unless the title is nothing but transitions (a clip that only fades in). */
        ava_log(a->lg, AVA_LOG_WARNING, "%s: every frame is black or in a transition; "
                "picking among the non-black transition frames", a->path);
        for (int64_t i = 0; i < n; i++)
            a->score[i] = a->shots.black[i] ? NAN : raw[i];
        ava_pool_free(&a->pool);
        ret = ava_select_pool(&sel, &a->pool);
    }
    free(raw);
    if (ret >= 0)
        ret = measure_pool(a);
    if (ret >= 0 && (ret = ava_store_begin(a->st)) >= 0)
        ret = ava_select_finish(&sel, &a->pool, a->picks);
    if (ret < 0)
        return ret;
    a->n_picks = a->pool.n_picks;
    ret = ava_store_set_scores(a->st, a->frames, a->score, n);
    for (int k = 0; k < a->shots.n_shots && ret >= 0; k++) {
        int64_t best = ava_rank_shot_best(&in, k);
        if (best >= 0)
            ret = ava_store_set_shot_best(a->st, k, a->frames[best], a->score[best]);
    }
    if (ret >= 0 && a->n_picks < a->c->s.count) {
        /* Each candidate left out was kept out by a rule (the selection takes any other):
         * count them by the reason the pool stage gave. */
        char note[400];
        int close = 0, alike = 0, dups = 0, bad = 0, excl = 0, rest = 0;
        for (int i = 0; i < a->pool.n; i++) {
            const AvaPoolItem *it = &a->pool.it[i];
            if (it->pick_rank)
                continue;
            if (it->excluded)
                excl++;
            else if (!strncmp(it->reason, "too close to", 12))
                close++;
            else if (!strncmp(it->reason, "looks like", 10))
                alike++;
            else if (!strncmp(it->reason, "near-duplicate", 14))
                dups++;
            else if (!strcmp(it->reason, "blur") || !strcmp(it->reason, "eyes closed") ||
                     !strcmp(it->reason, "caption"))
                bad++;
            else
                rest++;
        }
        snprintf(note, sizeof(note),
                 "no other frame is eligible. Candidates not picked: %d; too close in time "
                 "to a pick of their shot: %d; looking like one: %d; near-duplicate of a "
                 "pick: %d; blurred, eyes closed or captioned: %d; excluded by a maturity "
                 "rule: %d; other: %d. Black frames, transitions and the %d frames at each "
                 "end of a shot are never candidates",
                 a->pool.n - a->n_picks, close, alike, dups, bad, excl, rest,
                 p->shot_edge_frames);
        ava_log(a->lg, AVA_LOG_INFO, "%s: %d of %d stills: %s", a->path, a->n_picks,
                a->c->s.count, note);
        ret = ava_store_put_config(a->st, "picks_note", note);
    }
    if (ret >= 0)
        ret = ava_store_commit(a->st);
    if (a->n_picks == 0)
        ava_log(a->lg, AVA_LOG_WARNING, "%s: every frame is black: no still", a->path);
    return ret;
}

typedef struct PickOut {
    char still_rel[128];
    char still_abs[4600];
    char timecode[32];
    double features[N_CANDIDATE_FEATURES];
    char dominant[128];
    char *people;          ///< JSON array of the faces in the still
    char crop_rel[160];    ///< cropped still, when written
} PickOut;

/* The pool entry of pick @p k (a->pool.picks is in pick order). */
static const AvaPoolItem *pick_item(const Analysis *a, int k)
{
    return k < a->pool.n_picks ? &a->pool.it[a->pool.picks[k]] : NULL;
}

/* --crop: each still cut to its crop box, written beside it as NAME.crop.EXT. */
static int write_crops(Analysis *a, PickOut *po, const AvaExportItem *items, int n)
{
    const AvaContext *c = a->c;
    if (c->s.still_format == AVA_STILL_WEBP) {
        ava_log(a->lg, AVA_LOG_WARNING, "%s: --crop writes JPEG and PNG stills only; no crops "
                "for WebP", a->path);
        return 0;
    }
    for (int k = 0; k < n; k++) {
        const AvaPoolItem *it = pick_item(a, k);
        if (!it)
            continue;
        uint8_t *rgb = NULL;
        int w = 0, h = 0;
        int ret = ava_image_load(items[k].path, &rgb, &w, &h);
        if (ret < 0) {
            ava_log(a->lg, AVA_LOG_ERROR, "%s: cannot read the still back to crop it: %s",
                    items[k].path, ava_strerror(ret));
            return AVA_ERR_OUTPUT;
        }
        /* The box is in display pixels, which the still is in. */
        int x = it->crop[0], y = it->crop[1], cw = it->crop[2], ch = it->crop[3];
        if (x < 0 || y < 0 || cw < 1 || ch < 1 || x + cw > w || y + ch > h) {
            x = 0, y = 0, cw = w, ch = h;
        }
        char abs_path[4800];
        const char *dot = strrchr(po[k].still_rel, '.');
        snprintf(po[k].crop_rel, sizeof(po[k].crop_rel), "%.*s.crop%s",
                 (int)(dot - po[k].still_rel), po[k].still_rel, dot);
        snprintf(abs_path, sizeof(abs_path), "%s/%s", a->staging.dir, po[k].crop_rel);
        ret = ava_still_write(abs_path, c->s.still_format, rgb + (size_t)y * 3 * w + 3 * x, cw,
                              ch, 3 * w, c->s.jpeg_quality, a->lg);
        free(rgb);
        if (ret < 0)
            return ret;
    }
    return 0;
}

static int export_outputs(Analysis *a)
{
    AvaContext *c = a->c;
    int n = a->n_picks, ret = 0;
    char stills_dir[4400];
    ava_staging_path(&a->staging, "stills", stills_dir, sizeof(stills_dir));
    if ((ret = ava_mkdir_p(stills_dir, a->lg)) < 0)
        return ret;
    PickOut *po = calloc((size_t)(n ? n : 1), sizeof(*po));
    AvaExportItem *items = calloc((size_t)(n ? n : 1), sizeof(*items));
    AvaCandidate *cand = calloc((size_t)(n ? n : 1), sizeof(*cand));
    if (!po || !items || !cand) {
        ret = AVA_ERR(ENOMEM);
        goto done;
    }
    const double *t = a->signals + SIG_T * a->n;
    for (int k = 0; k < n; k++) {
        int64_t pos = a->picks[k].pos, frame = a->frames[pos];
        char tc_file[32];
        ava_timecode(po[k].timecode, sizeof(po[k].timecode), t[pos], a->si.fps, ':');
        ava_timecode(tc_file, sizeof(tc_file), t[pos], a->si.fps, '-');
        snprintf(po[k].still_rel, sizeof(po[k].still_rel), "stills/%s_f%06lld.%s", tc_file,
                 (long long)frame, ava_still_extension(c->s.still_format));
        snprintf(po[k].still_abs, sizeof(po[k].still_abs), "%s/%s", a->staging.dir,
                 po[k].still_rel);
        int64_t frame_pts;
        double t_s;
        if ((ret = ava_store_frame_time(a->st, frame, &frame_pts, &t_s)) < 0)
            goto done;
        items[k] = (AvaExportItem){ .frame = frame, .pts = frame_pts, .path = po[k].still_abs };
    }
    ret = ava_export_stills(a->path, &a->si, &a->scan, items, n,
                            c->s.still_format, c->s.jpeg_quality, c->n_threads, a->lg);
    if (ret >= 0 && c->s.crop_stills)
        ret = write_crops(a, po, items, n);
    if (ret < 0)
        goto done;
    if ((ret = ava_store_begin(a->st)) < 0)
        goto done;
    for (int k = 0; k < n && ret >= 0; k++) {
        int64_t pos = a->picks[k].pos;
        ret = ava_store_read_frame_reals(a->st, a->frames[pos], candidate_features,
                                         N_CANDIDATE_FEATURES, po[k].features);
        if (ret >= 0)
            ret = ava_store_read_text(a->st, "dominant_colors", a->frames[pos], po[k].dominant,
                                      sizeof(po[k].dominant));
        if (ret >= 0 && !(po[k].people = ava_faces_json(&a->faces, pos)))
            ret = AVA_ERR(ENOMEM);
        if (ret >= 0)
            ret = ava_store_put_pick(a->st, k + 1, a->frames[pos], a->picks[k].shot,
                                     a->picks[k].score, po[k].timecode, po[k].still_rel);
        cand[k] = (AvaCandidate){
            .rank = k + 1, .frame = a->frames[pos], .pts = items[k].pts, .t_s = t[pos],
            .score = a->picks[k].score, .shot = a->picks[k].shot, .still = po[k].still_rel,
            .width = items[k].width, .height = items[k].height, .features = po[k].features,
            .dominant_colors = po[k].dominant, .people = po[k].people,
        };
        const AvaPoolItem *it = pick_item(a, k);
        if (it) {
            cand[k].shot_scale = ava_shot_scale_name(it->scale);
            cand[k].why = it->why;
            cand[k].base_score = it->base;
            cand[k].penalty = it->penalty;
            cand[k].similar_rank = it->prev_pick >= 0 ? a->pool.it[it->prev_pick].pick_rank : 0;
            cand[k].similarity = it->prev_sim;
            cand[k].has_crop = 1;
            memcpy(cand[k].crop, it->crop, sizeof(cand[k].crop));
            cand[k].crop_aspect = c->preset.canvas.aspect > 0 ? c->preset.canvas.aspect_text
                                                              : "source";
            cand[k].crop_still = po[k].crop_rel[0] ? po[k].crop_rel : NULL;
        }
        snprintf(cand[k].timecode, sizeof(cand[k].timecode), "%s", po[k].timecode);
    }
    if (ret >= 0)
        ret = ava_store_commit(a->st);
    if (ret < 0)
        goto done;
    char json[4400], html[4400];
    ava_staging_path(&a->staging, "candidates.json", json, sizeof(json));
    ret = ava_candidates_write(json, a->path, &a->si, &c->meta, a->n, a->shots.n_shots,
                               c->preset.name, c->s.count, cand, n, candidate_features,
                               N_CANDIDATE_FEATURES, a->lg);
    if (ret < 0)
        goto done;
    char csv[4400], edl[4400];
    ava_staging_path(&a->staging, "candidates.csv", csv, sizeof(csv));
    ava_staging_path(&a->staging, "picks.edl", edl, sizeof(edl));
    ret = ava_candidates_csv_write(csv, cand, n, candidate_features, N_CANDIDATE_FEATURES, a->lg);
    if (ret >= 0)
        ret = ava_edl_write(edl, a->path, a->si.title, a->si.fps, cand, n, a->lg);
    if (ret < 0)
        goto done;
    ava_staging_path(&a->staging, "report.html", html, sizeof(html));
    ret = ava_report_write(a->st, html, a->lg);
done:
    for (int k = 0; po && k < n; k++)
        free(po[k].people);
    free(po);
    free(items);
    free(cand);
    return ret;
}

/* Peak resident memory so far (VmHWM), MiB; -1 where /proc is not there. */
static double peak_mib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    double kb = -1;
    while (f && fgets(line, sizeof(line), f))
        if (!strncmp(line, "VmHWM:", 6))
            kb = atof(line + 6);
    if (f)
        fclose(f);
    return kb < 0 ? -1 : kb / 1024;
}

/* What ava writes into the output folder besides stills/. */
static const char *const outputs[] = { "ava.sqlite", "candidates.json", "candidates.csv",
                                       "picks.edl", "report.html" };
#define N_OUTPUTS (int)(sizeof(outputs) / sizeof(outputs[0]))

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

void ava_title_close(AvaTitle **t_out)
{
    if (!t_out || !*t_out)
        return;
    ava_staging_abort(&(*t_out)->staging);
    analysis_free(*t_out);
    free(*t_out);
    *t_out = NULL;
}

int ava_title_open(AvaContext *c, const char *path, int n_chunks, AvaTitle **t_out)
{
    if (!c || !path || !*path || !t_out || n_chunks < 0)
        return AVA_ERR(EINVAL);
    Analysis *a = calloc(1, sizeof(*a));
    if (!a || !(a->path = strdup(path))) {
        free(a);
        return AVA_ERR(ENOMEM);
    }
    a->c = c;
    a->lg = &c->s.logger;
    double t0 = now_s();
    int ret = ava_probe_file(path, a->lg, &a->si, &a->scan);
    a->t_scan = now_s() - t0;
    if (ret >= 0)
        ret = ava_file_key(path, a->title_key, a->lg);
    if (ret < 0) {
        ava_title_close(&a);
        return ret;
    }
    ava_log(a->lg, AVA_LOG_VERBOSE, "%s: %s %dx%d (display %dx%d, SAR %d:%d, rotation %d), "
            "%.3f fps, %lld frames scanned", path, a->si.codec, a->si.width, a->si.height,
            a->si.display_width, a->si.display_height, a->si.sar_num, a->si.sar_den,
            a->si.rotation, a->si.fps, (long long)a->scan.n_frames);
    /* n_chunks given (batch systems, MPI): that many chunks at most, the same plan in every
     * process. Otherwise at least one chunk per worker when the keyframes allow: results do
     * not depend on the chunking (a chunk computes its successor's first frame too). */
    int64_t target;
    if (n_chunks > 0) {
        target = (a->scan.n_frames + n_chunks - 1) / n_chunks;
    } else {
        int64_t per_worker = (a->scan.n_frames + c->n_threads - 1) / c->n_threads;
        target = per_worker < c->s.chunk_frames ? per_worker : c->s.chunk_frames;
    }
    if (target < 1)
        target = 1;
    if (target > INT32_MAX)
        target = INT32_MAX;
    ret = ava_plan_chunks(&a->scan, (int)target, &a->chunks, &a->n_chunks);
    analysis_size(&a->si, c->s.analysis_width, &a->analysis_w, &a->analysis_h);
    make_config_key(a);
    snprintf(a->shard_dir, sizeof(a->shard_dir), "%s/.ava-shards/%.16s-%.8s", c->out_dir,
             a->title_key, a->config_key);
    if (ret >= 0)
        ret = ava_staging_check(c->out_dir, outputs, N_OUTPUTS, "stills", a->lg);
    if (ret >= 0)
        ret = ava_mkdir_p(a->shard_dir, a->lg);
    if (ret < 0) {
        ava_title_close(&a);
        return ret;
    }
    ava_log(a->lg, AVA_LOG_VERBOSE, "%s: %lld frames in %d chunks, analysis %dx%d, %d workers",
            path, (long long)a->scan.n_frames, a->n_chunks, a->analysis_w, a->analysis_h,
            c->n_threads);
    *t_out = a;
    return 0;
}

int ava_title_chunks(const AvaTitle *t)
{
    return t ? t->n_chunks : 0;
}

int ava_title_run_chunks(AvaTitle *t, int first, int count)
{
    if (!t || first < 0 || count < 0 || first + count > t->n_chunks)
        return AVA_ERR(EINVAL);
    double t0 = now_s();
    int ret = run_pass1(t, first, count);
    t->t_pass1 += now_s() - t0;
    if (ret >= 0 || ret == AVA_ERR_DECODE) {
        int changed = check_unchanged(t);
        ret = changed < 0 ? changed : ret;
    }
    if (ret == AVA_ERR(EINTR)) {
        /* The chunks in progress are dropped; every finished shard stays for the next run. */
        int kept = 0;
        for (int i = 0; i < t->n_chunks; i++) {
            char shard[4600];
            ava_shard_path(shard, sizeof(shard), t->shard_dir, &t->chunks[i]);
            kept += access(shard, F_OK) == 0;
        }
        ava_log(t->lg, AVA_LOG_WARNING, "%s: interrupted in pass 1: %d of %d chunk shards are "
                "finished and kept in %s; the same command again resumes from them", t->path,
                kept, t->n_chunks, t->shard_dir);
    }
    return ret;
}

int ava_title_finish(AvaTitle *t)
{
    if (!t)
        return AVA_ERR(EINVAL);
    Analysis *a = t;
    AvaContext *c = a->c;
    const char *path = a->path;
    double t0 = now_s();
    int ret = check_shards(a);
    double m_pass1 = peak_mib();
    if (ret >= 0)
        ret = ava_staging_open(&a->staging, c->out_dir, outputs, N_OUTPUTS, "stills", a->lg);
    if (ret >= 0)
        ret = merge_shards(a);
    /* The frames are numbered now (their pts are in the store). */
    ava_scan_drop_pts(&a->scan);
    double m_merge = peak_mib();
    if (ret >= 0)
        ret = detect_shots(a);
    double m_shots = peak_mib();
    if (ret >= 0)
        ret = find_faces(a);
    if (ret >= 0)
        ret = score_and_select(a);
    double m_rank = peak_mib();
    double t_rank = now_s();
    if (ret >= 0 && c->s.interrupt && *c->s.interrupt)
        ret = AVA_ERR(EINTR);
    if (ret >= 0)
        ret = export_outputs(a);
    if (ret >= 0 && c->s.interrupt && *c->s.interrupt)
        ret = AVA_ERR(EINTR);
    double t_export = now_s();
    if (ret >= 0) {
        ava_log(a->lg, AVA_LOG_VERBOSE,
                "%s: timing: scan %.3f s, pass1 %.3f s, merge+shots+rank %.3f s, export %.3f s",
                path, a->t_scan, a->t_pass1, t_rank - t0, t_export - t_rank);
        ava_log(a->lg, AVA_LOG_VERBOSE,
                "%s: peak memory after pass1 %.1f MiB, merge %.1f, shots %.1f, rank %.1f, "
                "export %.1f", path, m_pass1, m_merge, m_shots, m_rank, peak_mib());
    }
    if (ret >= 0)
        ret = check_unchanged(a);
    if (ret >= 0)
        ret = ava_store_close(&a->st);
    if (ret >= 0)
        ret = ava_staging_commit(&a->staging, outputs, N_OUTPUTS, "stills", a->lg);
    if (ret == AVA_ERR(EINTR))
        ava_log(a->lg, AVA_LOG_WARNING, "%s: interrupted; earlier outputs in %s left as they were",
                path, c->out_dir);
    if (ret < 0) {
        ava_staging_abort(&a->staging);
        return ret;
    }
    if (!c->s.keep_shards)
        remove_title_shards(a);
    ava_log(a->lg, AVA_LOG_INFO, "%s: stills %d, report %s/report.html", path, a->n_picks,
            c->out_dir);
    return 0;
}

int ava_analyze_run(AvaContext *c, const char *path)
{
    AvaTitle *t = NULL;
    int ret = ava_title_open(c, path, 0, &t);
    if (ret >= 0)
        ret = ava_title_run_chunks(t, 0, ava_title_chunks(t));
    if (ret >= 0)
        ret = ava_title_finish(t);
    ava_title_close(&t);
    return ret;
}
