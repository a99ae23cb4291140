/* SPDX-License-Identifier: MIT */
/** @file Landmarks and descriptors of pass-2 faces in an unlinked temporary file (spill.h). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/faces/spill.h"

typedef struct SpillRecord {
    float landmarks[2 * AVA_FACE_POINTS];
    float descriptor[AVA_FACE_DESC_DIM];
} SpillRecord;

struct AvaFaceSpill {
    int fd;
    int64_t n;                 ///< records written
    pthread_mutex_t lock;      ///< guards n and the writes
    const AvaLogger *lg;
    char dir[512];
};

int ava_face_spill_open(AvaFaceSpill **out, const AvaLogger *lg)
{
    AvaFaceSpill *s = calloc(1, sizeof(*s));
    if (!s)
        return AVA_ERR(ENOMEM);
    /* $TMPDIR when set and usable, else /tmp */
    const char *env = getenv("TMPDIR");
    const char *dirs[2] = { env && *env ? env : "/tmp", "/tmp" };
    s->fd = -1;
    int e = 0;
    char path[600];
    for (int i = 0; i < 2 && s->fd < 0; i++) {
        snprintf(s->dir, sizeof(s->dir), "%s", dirs[i]);
        snprintf(path, sizeof(path), "%s/ava-faces-XXXXXX", s->dir);
        s->fd = mkostemp(path, O_CLOEXEC);
        int last = i == 1 || !strcmp(dirs[0], dirs[1]);
        if (s->fd < 0) {
            e = errno;
            ava_log(lg, last ? AVA_LOG_ERROR : AVA_LOG_WARNING,
                    "cannot create a temporary file for the faces in %s: %s%s", s->dir,
                    strerror(e), last ? "" : "; using /tmp");
        }
        if (last)
            break;
    }
    if (s->fd < 0) {
        free(s);
        return AVA_ERR(e);
    }
    unlink(path);
    s->lg = lg;
    pthread_mutex_init(&s->lock, NULL);
    *out = s;
    return 0;
}

int ava_face_spill_put(AvaFaceSpill *s, const AvaFace *faces, int n, int64_t *first)
{
    SpillRecord rec[32];
    int ret = 0;
    pthread_mutex_lock(&s->lock);
    *first = s->n;
    for (int done = 0; done < n && ret >= 0;) {
        int m = n - done < 32 ? n - done : 32;
        for (int i = 0; i < m; i++) {
            memcpy(rec[i].landmarks, faces[done + i].landmarks, sizeof(rec[i].landmarks));
            memcpy(rec[i].descriptor, faces[done + i].descriptor, sizeof(rec[i].descriptor));
        }
        size_t bytes = (size_t)m * sizeof(*rec);
        ssize_t w = pwrite(s->fd, rec, bytes, (off_t)((s->n + done) * (int64_t)sizeof(*rec)));
        if (w != (ssize_t)bytes) {
            int e = w < 0 ? errno : ENOSPC;
            ava_log(s->lg, AVA_LOG_ERROR, "cannot write the faces' temporary file in %s: %s",
                    s->dir, strerror(e));
            ret = AVA_ERR(e);
        }
        done += m;
    }
    if (ret >= 0)
        s->n += n;
    pthread_mutex_unlock(&s->lock);
    return ret;
}

int ava_face_spill_get(AvaFaceSpill *s, int64_t first, int n, AvaFace *faces)
{
    for (int i = 0; i < n; i++) {
        SpillRecord rec;
        ssize_t r = pread(s->fd, &rec, sizeof(rec), (off_t)((first + i) * (int64_t)sizeof(rec)));
        if (r != (ssize_t)sizeof(rec)) {
            int e = r < 0 ? errno : EIO;
            ava_log(s->lg, AVA_LOG_ERROR, "cannot read the faces' temporary file in %s: %s",
                    s->dir, r < 0 ? strerror(e) : "short read");
            return AVA_ERR(e);
        }
        memcpy(faces[i].landmarks, rec.landmarks, sizeof(rec.landmarks));
        memcpy(faces[i].descriptor, rec.descriptor, sizeof(rec.descriptor));
    }
    return 0;
}

void ava_face_spill_close(AvaFaceSpill **s_out)
{
    AvaFaceSpill *s = s_out ? *s_out : NULL;
    if (!s)
        return;
    close(s->fd);
    pthread_mutex_destroy(&s->lock);
    free(s);
    *s_out = NULL;
}
