/* SPDX-License-Identifier: MIT */
/** @file Durable renames and staging folders (see fsutil.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/log.h"
#include "src/util/fsutil.h"

static void fsync_path(const char *path, int flags)
{
    int fd = open(path, flags | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

static void parent_of(const char *path, char *buf, size_t size)
{
    snprintf(buf, size, "%s", path);
    char *slash = strrchr(buf, '/');
    if (!slash)
        snprintf(buf, size, ".");
    else if (slash == buf)
        buf[1] = 0;
    else
        *slash = 0;
}

int ava_rename_durable(const char *from, const char *to, const AvaLogger *lg)
{
    struct stat sb;
    if (lstat(from, &sb) == 0 && S_ISREG(sb.st_mode))
        fsync_path(from, O_RDONLY);
    if (rename(from, to) < 0) {
        ava_log(lg, AVA_LOG_ERROR, "cannot move %s to %s: %s", from, to, strerror(errno));
        return AVA_ERR_OUTPUT;
    }
    char dir[4096];
    parent_of(to, dir, sizeof(dir));
    fsync_path(dir, O_RDONLY | O_DIRECTORY);
    return 0;
}

int ava_mkdir_p(const char *path, const AvaLogger *lg)
{
    char buf[4096];
    if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf)) {
        ava_log(lg, AVA_LOG_ERROR, "%s: path too long", path);
        return AVA_ERR_OUTPUT;
    }
    for (char *p = buf + 1;; p++) {
        if (*p == '/' || *p == 0) {
            char c = *p;
            *p = 0;
            if (mkdir(buf, 0777) < 0 && errno != EEXIST) {
                ava_log(lg, AVA_LOG_ERROR, "cannot create folder %s: %s", buf, strerror(errno));
                return AVA_ERR_OUTPUT;
            }
            *p = c;
            if (!c)
                break;
        }
    }
    struct stat sb;
    if (stat(path, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
        ava_log(lg, AVA_LOG_ERROR, "%s: not a folder", path);
        return AVA_ERR_OUTPUT;
    }
    return 0;
}

void ava_remove_tree(const char *path)
{
    if (!path)
        return;
    struct stat sb;
    if (lstat(path, &sb) < 0)
        return;
    if (S_ISDIR(sb.st_mode)) {
        DIR *d = opendir(path);
        if (d) {
            struct dirent *e;
            while ((e = readdir(d))) {
                if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                    continue;
                char child[4096];
                if (snprintf(child, sizeof(child), "%s/%s", path, e->d_name) <
                    (int)sizeof(child))
                    ava_remove_tree(child);
            }
            closedir(d);
        }
        rmdir(path);
    } else {
        unlink(path);
    }
}

int ava_write_file_atomic(const char *path, const void *data, size_t len, const AvaLogger *lg)
{
    char tmp[4200];
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        ava_log(lg, AVA_LOG_ERROR, "cannot write %s: %s", tmp, strerror(errno));
        return AVA_ERR_OUTPUT;
    }
    size_t n = fwrite(data, 1, len, f);
    int bad = n != len || fflush(f) != 0 || fsync(fileno(f)) != 0;
    int err = errno;
    if (fclose(f) != 0)
        bad = 1;
    if (bad) {
        ava_log(lg, AVA_LOG_ERROR, "cannot write %s: %s", tmp, strerror(err ? err : EIO));
        unlink(tmp);
        return AVA_ERR_OUTPUT;
    }
    int ret = ava_rename_durable(tmp, path, lg);
    if (ret < 0)
        unlink(tmp);
    return ret;
}

long long ava_file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (long long)sb.st_size : -1;
}
