/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Many titles in one process: after each analysis (good clips and refused inputs alike) the
 * process holds as many file descriptors and threads as before the first one.
 * usage: test_many_titles MEDIA_DIR
 */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ava/ava.h"

static int count_entries(const char *dir, int own_fd)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += e->d_name[0] != '.';
    if (d)
        closedir(d);
    return n - (own_fd && d != NULL); /* opendir's own descriptor, in /proc/self/fd */
}

static void silent(void *cookie, int level, const char *fmt, va_list ap)
{
    (void)cookie, (void)level, (void)fmt, (void)ap;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    const char *clips[] = { "video/faceapijs_test_video.mp4", "video/psd_counter.mp4",
                            "video/opencvdoc_tree.avi", "video/pyfeat_single_face.mp4",
                            "stills/misc/yolov5_zidane.jpg", "no/such/file.mp4",
                            "MANIFEST.md" };
    char out[] = "/tmp/ava-many-XXXXXX";
    if (!mkdtemp(out))
        return 2;
    int fds0 = -1, threads0 = -1, failed = 0, passed = 0;
    for (int round = 0; round < 3; round++) {
        for (size_t i = 0; i < sizeof(clips) / sizeof(clips[0]); i++) {
            char path[4096];
            snprintf(path, sizeof(path), "%s/%s", argv[1], clips[i]);
            AvaSettings s;
            ava_default_settings(&s);
            s.out_dir = out;
            s.n_threads = 2;
            s.count = 2;
            s.logger.callback = silent;
            AvaContext *c = NULL;
            int ret = ava_open(&c, &s);
            if (ret >= 0)
                ret = ava_analyze_file(c, path);
            ava_close(&c);
            int should_fail = i >= 5;
            if ((ret < 0) != should_fail) {
                fprintf(stderr, "FAILED: %s: %s\n", clips[i], ava_strerror(ret));
                failed++;
            }
            int fds = count_entries("/proc/self/fd", 1);
            int threads = count_entries("/proc/self/task", 0);
            if (fds0 < 0) {
                fds0 = fds;
                threads0 = threads;
            } else if (fds != fds0 || threads != threads0) {
                fprintf(stderr, "FAILED: after %s (round %d): %d fds, %d threads; first %d, %d\n",
                        clips[i], round, fds, threads, fds0, threads0);
                failed++;
            } else {
                passed++;
            }
        }
    }
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", out);
    if (system(cmd) != 0)
        fprintf(stderr, "warning: could not remove %s\n", out);
    printf("many_titles: %d passed, %d failed (fds %d, threads %d)\n", passed, failed, fds0,
           threads0);
    return failed ? 1 : 0;
}
