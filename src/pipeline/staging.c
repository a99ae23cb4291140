/* SPDX-License-Identifier: MIT */
/** @file Staging folder and the final moves, undone on failure (see staging.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/log.h"
#include "src/pipeline/staging.h"
#include "src/util/fsutil.h"

#define STAGING_PREFIX ".ava-staging-"

static void remove_stale(const char *out_dir)
{
    DIR *d = opendir(out_dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strncmp(e->d_name, STAGING_PREFIX, strlen(STAGING_PREFIX)))
            continue;
        long pid = strtol(e->d_name + strlen(STAGING_PREFIX), NULL, 10);
        if (pid > 0 && (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
            continue;
        char path[8192];
        snprintf(path, sizeof(path), "%s/%s", out_dir, e->d_name);
        ava_remove_tree(path);
    }
    closedir(d);
}

static int check_kind(const char *out_dir, const char *name, int want_dir, const AvaLogger *lg)
{
    char path[8192];
    struct stat sb;
    snprintf(path, sizeof(path), "%s/%s", out_dir, name);
    if (lstat(path, &sb) < 0)
        return 0;
    if (want_dir ? S_ISDIR(sb.st_mode) : S_ISREG(sb.st_mode))
        return 0;
    ava_log(lg, AVA_LOG_ERROR, "%s exists and is not a %s: move it away first", path,
            want_dir ? "folder" : "regular file");
    return AVA_ERR_OUTPUT;
}

int ava_staging_check(const char *out_dir, const char *const *files, int n,
                      const char *dir_name, const AvaLogger *lg)
{
    int ret = 0;
    for (int i = 0; i < n && ret >= 0; i++)
        ret = check_kind(out_dir, files[i], 0, lg);
    if (ret >= 0 && dir_name)
        ret = check_kind(out_dir, dir_name, 1, lg);
    return ret;
}

int ava_staging_open(AvaStaging *st, const char *out_dir, const char *const *files, int n,
                     const char *dir_name, const AvaLogger *lg)
{
    memset(st, 0, sizeof(*st));
    snprintf(st->out_dir, sizeof(st->out_dir), "%s", out_dir);
    int ret = ava_mkdir_p(out_dir, lg);
    if (ret < 0)
        return ret;
    if (access(out_dir, W_OK) < 0) {
        ava_log(lg, AVA_LOG_ERROR, "output folder %s is not writable: %s", out_dir,
                strerror(errno));
        return AVA_ERR_OUTPUT;
    }
    if ((ret = ava_staging_check(out_dir, files, n, dir_name, lg)) < 0)
        return ret;
    remove_stale(out_dir);
    snprintf(st->dir, sizeof(st->dir), "%s/" STAGING_PREFIX "%ld", out_dir, (long)getpid());
    ava_remove_tree(st->dir);
    if (mkdir(st->dir, 0777) < 0) {
        ava_log(lg, AVA_LOG_ERROR, "cannot create %s: %s", st->dir, strerror(errno));
        st->dir[0] = 0;
        return AVA_ERR_OUTPUT;
    }
    return 0;
}

void ava_staging_path(const AvaStaging *st, const char *name, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%s", st->dir, name);
}

/* The renames done so far, to undo them in reverse if a later one fails. */
typedef struct Moves {
    char **from, **to;     ///< owned copies
    int n, cap;
} Moves;

static int move(Moves *m, const char *from, const char *to, const AvaLogger *lg)
{
    if (m->n == m->cap) {
        int cap = m->cap ? 2 * m->cap : 16;
        void *f = realloc(m->from, (size_t)cap * sizeof(*m->from));
        if (f)
            m->from = f;
        void *t = realloc(m->to, (size_t)cap * sizeof(*m->to));
        if (t)
            m->to = t;
        if (!f || !t)
            return AVA_ERR(ENOMEM);
        m->cap = cap;
    }
    if (rename(from, to) < 0) {
        ava_log(lg, AVA_LOG_ERROR, "cannot move %s to %s: %s", from, to, strerror(errno));
        return AVA_ERR_OUTPUT;
    }
    m->from[m->n] = strdup(from);
    m->to[m->n] = strdup(to);
    m->n++;
    if (!m->from[m->n - 1] || !m->to[m->n - 1]) {
        ava_log(lg, AVA_LOG_ERROR, "out of memory while moving outputs");
        return AVA_ERR(ENOMEM);
    }
    return 0;
}

static void undo(Moves *m)
{
    for (int i = m->n - 1; i >= 0; i--)
        if (m->from[i] && m->to[i])
            rename(m->to[i], m->from[i]);
}

static void moves_free(Moves *m)
{
    for (int i = 0; i < m->n; i++) {
        free(m->from[i]);
        free(m->to[i]);
    }
    free(m->from);
    free(m->to);
}

/* HH-MM-SS-FF_fNNNNNN.{jpg,png,webp} or .thumb.jpg: a still or thumbnail ava wrote. */
static int is_ava_still(const char *name)
{
    static const char shape[] = "00-00-00-00_f000000";
    size_t i;
    for (i = 0; shape[i]; i++) {
        char c = name[i];
        if (shape[i] == '0' ? !(c >= '0' && c <= '9') : c != shape[i])
            return 0;
    }
    while (name[i] >= '0' && name[i] <= '9')
        i++;
    const char *ext = name + i;
    return !strcmp(ext, ".jpg") || !strcmp(ext, ".png") || !strcmp(ext, ".webp") ||
           !strcmp(ext, ".thumb.jpg");
}

static int move_dir_entries(Moves *m, const char *from_dir, const char *to_dir, int only_stills,
                            const AvaLogger *lg)
{
    DIR *d = opendir(from_dir);
    if (!d)
        return errno == ENOENT ? 0 : AVA_ERR_OUTPUT;
    struct dirent *e;
    int ret = 0;
    while (ret >= 0 && (e = readdir(d))) {
        if (e->d_name[0] == '.' || (only_stills && !is_ava_still(e->d_name)))
            continue;
        char from[8192], to[8192];
        snprintf(from, sizeof(from), "%s/%s", from_dir, e->d_name);
        snprintf(to, sizeof(to), "%s/%s", to_dir, e->d_name);
        ret = move(m, from, to, lg);
    }
    closedir(d);
    return ret;
}

int ava_staging_commit(AvaStaging *st, const char *const *files, int n, const char *dir_name,
                       const AvaLogger *lg)
{
    Moves m = { 0 };
    char old[8192], from[8192], to[8192];
    snprintf(old, sizeof(old), "%s/old", st->dir);
    int ret = mkdir(old, 0777) < 0 ? AVA_ERR_OUTPUT : 0;
    if (ret >= 0 && dir_name) {
        char old_dir[8192 + 64], out_sub[8192], new_sub[8192];
        snprintf(old_dir, sizeof(old_dir), "%s/%s", old, dir_name);
        snprintf(out_sub, sizeof(out_sub), "%s/%s", st->out_dir, dir_name);
        snprintf(new_sub, sizeof(new_sub), "%s/%s", st->dir, dir_name);
        if (mkdir(old_dir, 0777) < 0 || (mkdir(out_sub, 0777) < 0 && errno != EEXIST)) {
            ava_log(lg, AVA_LOG_ERROR, "cannot create %s: %s", out_sub, strerror(errno));
            ret = AVA_ERR_OUTPUT;
        }
        if (ret >= 0)
            ret = move_dir_entries(&m, out_sub, old_dir, 1, lg);
        if (ret >= 0)
            ret = move_dir_entries(&m, new_sub, out_sub, 0, lg);
    }
    for (int i = 0; ret >= 0 && i < n; i++) {
        snprintf(from, sizeof(from), "%s/%s", st->dir, files[i]);
        snprintf(to, sizeof(to), "%s/%s", st->out_dir, files[i]);
        struct stat sb;
        if (lstat(to, &sb) == 0) {
            char parked[8192 + 64];
            snprintf(parked, sizeof(parked), "%s/%s", old, files[i]);
            ret = move(&m, to, parked, lg);
        }
        if (ret >= 0)
            ret = move(&m, from, to, lg);
    }
    if (ret < 0) {
        undo(&m);
    } else {
        int fd = open(st->out_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd >= 0) {
            fsync(fd);
            close(fd);
        }
        ava_staging_abort(st);
    }
    moves_free(&m);
    return ret;
}

void ava_staging_abort(AvaStaging *st)
{
    if (st->dir[0])
        ava_remove_tree(st->dir);
    st->dir[0] = 0;
}
