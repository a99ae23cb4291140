/* SPDX-License-Identifier: MIT */
/** @file Instantiating the registry and laying out the row of columns (see annset.h). */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "src/annotators/annset.h"
#include "src/log.h"

static int count_columns(const AvaAnnotator *a)
{
    int n = 0;
    while (a->columns && a->columns[n].name)
        n++;
    return n;
}

int ava_annset_columns(AvaColumnRef **cols_out, int *n_out)
{
    int n = 0;
    void *it = NULL;
    const AvaAnnotator *a;
    while ((a = ava_annotator_iterate(&it)))
        n += count_columns(a);
    AvaColumnRef *cols = calloc((size_t)n ? (size_t)n : 1, sizeof(*cols));
    if (!cols)
        return AVA_ERR(ENOMEM);
    int k = 0;
    it = NULL;
    while ((a = ava_annotator_iterate(&it)))
        for (int i = 0; a->columns && a->columns[i].name; i++)
            cols[k++] = (AvaColumnRef){ &a->columns[i], a };
    *cols_out = cols;
    *n_out = n;
    return 0;
}

void ava_annset_close(AvaAnnSet **set_out)
{
    AvaAnnSet *s = set_out ? *set_out : NULL;
    if (!s)
        return;
    for (int i = 0; s->ctx && i < s->n_ann; i++) {
        if (s->ctx[i].ann && s->ctx[i].ann->uninit)
            s->ctx[i].ann->uninit(&s->ctx[i]);
        free(s->ctx[i].priv);
    }
    for (int i = 0; s->row && i < s->n_cols; i++)
        free(s->row[i].data);
    free(s->ctx);
    free(s->seconds);
    free(s->first_col);
    free(s->cols);
    free(s->row);
    free(s);
    *set_out = NULL;
}

int ava_annset_open(AvaAnnSet **set_out, int w, int h, const AvaLogger *lg)
{
    AvaAnnSet *s = calloc(1, sizeof(*s));
    if (!s)
        return AVA_ERR(ENOMEM);
    int ret = ava_annset_columns(&s->cols, &s->n_cols);
    if (ret < 0)
        goto fail;
    void *it = NULL;
    while (ava_annotator_iterate(&it))
        s->n_ann++;
    s->ctx = calloc((size_t)s->n_ann, sizeof(*s->ctx));
    s->first_col = calloc((size_t)s->n_ann, sizeof(*s->first_col));
    s->seconds = calloc((size_t)s->n_ann, sizeof(*s->seconds));
    s->row = calloc((size_t)s->n_cols ? (size_t)s->n_cols : 1, sizeof(*s->row));
    ret = AVA_ERR(ENOMEM);
    if (!s->ctx || !s->first_col || !s->row || !s->seconds)
        goto fail;
    for (int i = 0; i < s->n_cols; i++) {
        size_t cap = s->cols[i].col->max_bytes;
        if (cap && !(s->row[i].data = malloc(cap)))
            goto fail;
    }
    it = NULL;
    int col = 0;
    for (int i = 0; i < s->n_ann; i++) {
        const AvaAnnotator *a = ava_annotator_iterate(&it);
        AvaAnnCtx *c = &s->ctx[i];
        c->ann = a;
        c->lg = lg;
        s->first_col[i] = col;
        col += count_columns(a);
        if (a->priv_size && !(c->priv = calloc(1, a->priv_size)))
            goto fail;
        if (a->init && (ret = a->init(c)) < 0) {
            ava_log(lg, AVA_LOG_ERROR, "annotator %s: init failed: %s", a->name,
                    ava_strerror(ret));
            goto fail;
        }
        if (a->config && (ret = a->config(c, w, h)) < 0) {
            ava_log(lg, AVA_LOG_ERROR, "annotator %s: config %dx%d failed: %s", a->name, w, h,
                    ava_strerror(ret));
            goto fail;
        }
    }
    *set_out = s;
    return 0;
fail:
    ava_annset_close(&s);
    return ret;
}

int ava_annset_frame(AvaAnnSet *s, const AvaFrame *f)
{
    for (int i = 0; i < s->n_cols; i++) {
        s->row[i].set = 0;
        s->row[i].len = 0;
    }
    for (int i = 0; i < s->n_ann; i++) {
        AvaAnnCtx *c = &s->ctx[i];
        struct timespec t0, t1;
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
        int ret = c->ann->frame(c, f, s->row + s->first_col[i]);
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
        s->seconds[i] += (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
        if (ret < 0) {
            ava_log(c->lg, AVA_LOG_ERROR, "annotator %s: frame %lld (t=%.3fs) failed: %s",
                    c->ann->name, (long long)f->index, f->t_s, ava_strerror(ret));
            return ret;
        }
    }
    return 0;
}
