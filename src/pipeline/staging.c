/* SPDX-License-Identifier: MIT */
/** @file Staging folder and the final moves (see staging.h). */
#include <dirent.h>
#include <errno.h>
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

int ava_staging_open(AvaStaging *st, const char *out_dir, const AvaLogger *lg)
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

int ava_staging_commit(AvaStaging *st, const char *const *names, int n, const AvaLogger *lg)
{
    for (int i = 0; i < n; i++) {
        char from[8192], to[8192], old[8192];
        snprintf(from, sizeof(from), "%s/%s", st->dir, names[i]);
        snprintf(to, sizeof(to), "%s/%s", st->out_dir, names[i]);
        struct stat sb;
        int from_is_dir = stat(from, &sb) == 0 && S_ISDIR(sb.st_mode);
        if (from_is_dir && lstat(to, &sb) == 0) {
            /* rename() cannot replace a non-empty folder: park the old one first. */
            snprintf(old, sizeof(old), "%s/%s.old", st->dir, names[i]);
            if (rename(to, old) < 0) {
                ava_log(lg, AVA_LOG_ERROR, "cannot replace %s: %s", to, strerror(errno));
                return AVA_ERR_OUTPUT;
            }
        }
        int ret = ava_rename_durable(from, to, lg);
        if (ret < 0)
            return ret;
    }
    ava_staging_abort(st);
    return 0;
}

void ava_staging_abort(AvaStaging *st)
{
    if (st->dir[0])
        ava_remove_tree(st->dir);
    st->dir[0] = 0;
}
