/* SPDX-License-Identifier: MIT */
/** @file Shot scale, diversity similarity and index, MMR selection, crops (see select.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ava/ava.h"
#include "src/select/select.h"

static const char *const scale_names[AVA_SCALE_N] = {
    "extreme_close_up", "close_up", "medium_close_up", "medium", "long", "extreme_long",
};

const char *ava_shot_scale_name(int scale)
{
    return scale >= 0 && scale < AVA_SCALE_N ? scale_names[scale] : NULL;
}

int ava_shot_scale_parse(const char *name)
{
    for (int i = 0; name && i < AVA_SCALE_N; i++)
        if (!strcmp(name, scale_names[i]))
            return i;
    return AVA_SCALE_UNKNOWN;
}

int ava_shot_scale_from_face(double h)
{
    if (!(h > 0))
        return AVA_SCALE_UNKNOWN;
    if (h >= AVA_SCALE_FACE_ECU)
        return AVA_SCALE_ECU;
    if (h >= AVA_SCALE_FACE_CU)
        return AVA_SCALE_CU;
    if (h >= AVA_SCALE_FACE_MCU)
        return AVA_SCALE_MCU;
    if (h >= AVA_SCALE_FACE_MS)
        return AVA_SCALE_MS;
    if (h >= AVA_SCALE_FACE_LS)
        return AVA_SCALE_LS;
    return AVA_SCALE_ELS;
}

int ava_shot_scale_from_saliency(double spread, double negative_space)
{
    if (isnan(spread) || isnan(negative_space))
        return AVA_SCALE_UNKNOWN;
    /* Spectral-residual saliency marks detail: a large smooth subject leaves much of the map
     * low (negative space), a wide detailed view little. A compact salient blob in an empty
     * frame is a small subject far away. */
    if (negative_space >= 0.60 && spread < 0.20)
        return AVA_SCALE_ELS;
    if (negative_space >= 0.60)
        return AVA_SCALE_CU;
    if (negative_space >= 0.45)
        return AVA_SCALE_MCU;
    if (negative_space >= 0.30)
        return AVA_SCALE_MS;
    if (negative_space >= 0.15)
        return AVA_SCALE_LS;
    return AVA_SCALE_ELS;
}

void ava_div_params_default(AvaDivParams *p)
{
    static const double w[AVA_DIV_PARTS] = { 0.30, 0.15, 0.15, 0.10, 0.05, 0.10, 0.15 };
    memcpy(p->w, w, sizeof(w));
    p->tau_s = 2.0;
    p->near_dup = 0.9;
    p->lambda = 0.7;
}

void ava_div_vec_hist(AvaDivVec *v)
{
    int count[AVA_DIV_HIST_BINS] = { 0 };
    const int n = AVA_THUMB_BYTES / 3;
    for (int i = 0; i < n; i++) {
        const uint8_t *px = v->thumb + 3 * i;
        count[(px[0] >> 6) * 16 + (px[1] >> 6) * 4 + (px[2] >> 6)]++;
    }
    for (int k = 0; k < AVA_DIV_HIST_BINS; k++)
        v->hist[k] = (float)count[k] / n;
    v->has_thumb = 1;
}

double ava_div_layout_similarity(const uint8_t *a, const uint8_t *b)
{
    double ss = 0;
    for (int k = 0; k < AVA_THUMB_BYTES; k++) {
        double d = (double)a[k] - b[k];
        ss += d * d;
    }
    double rms = sqrt(ss / AVA_THUMB_BYTES);
    return fmax(0, 1 - rms / 80);
}

static double known(double a, double b)
{
    return !isnan(a) && !isnan(b);
}

double ava_div_similarity(const AvaDivParams *p, const AvaDivVec *a, const AvaDivVec *b,
                          double *parts)
{
    double s[AVA_DIV_PARTS];
    int thumbs = a->has_thumb && b->has_thumb;
    if (a->embedding && b->embedding && a->embed_dim == b->embed_dim && a->embed_dim > 0) {
        double dot = 0;
        for (int k = 0; k < a->embed_dim; k++)
            dot += (double)a->embedding[k] * b->embedding[k];
        s[AVA_DIV_EMBED] = fmin(1, fmax(0, dot));
    } else {
        s[AVA_DIV_EMBED] = thumbs ? ava_div_layout_similarity(a->thumb, b->thumb) : 0.5;
    }
    if (thumbs) {
        double inter = 0;
        for (int k = 0; k < AVA_DIV_HIST_BINS; k++)
            inter += fmin(a->hist[k], b->hist[k]);
        s[AVA_DIV_COLOUR] = fmin(1, inter);
    } else {
        s[AVA_DIV_COLOUR] = 0.5;
    }
    /* Composition: mean of the saliency centre's closeness (0 at half the frame apart),
     * the thirds score's agreement and the symmetry's (0 at 0.2 apart). */
    double pos = known(a->sal_x, b->sal_x) && known(a->sal_y, b->sal_y)
                     ? fmax(0, 1 - hypot(a->sal_x - b->sal_x, a->sal_y - b->sal_y) / 0.5)
                     : 0.5;
    double th = known(a->thirds, b->thirds) ? fmax(0, 1 - fabs(a->thirds - b->thirds)) : 0.5;
    double sy = known(a->symmetry, b->symmetry)
                    ? fmax(0, 1 - fabs(a->symmetry - b->symmetry) / 0.2) : 0.5;
    s[AVA_DIV_COMPOSITION] = (pos + th + sy) / 3;
    s[AVA_DIV_SCALE] = a->scale >= 0 && b->scale >= 0
                           ? 1 - fabs((double)a->scale - b->scale) / (AVA_SCALE_N - 1) : 0.5;
    s[AVA_DIV_CAMERA] = a->camera >= 0 && b->camera >= 0 ? (a->camera == b->camera) : 0.5;
    uint64_t un = a->mains | b->mains, in = a->mains & b->mains;
    s[AVA_DIV_CHARACTERS] = un ? (double)__builtin_popcountll(in) / __builtin_popcountll(un)
                               : 1.0;
    s[AVA_DIV_TIME] = exp(-fabs(a->t_s - b->t_s) / p->tau_s);
    double sim = 0;
    for (int k = 0; k < AVA_DIV_PARTS; k++) {
        sim += p->w[k] * s[k];
        if (parts)
            parts[k] = s[k];
    }
    return fmin(1, fmax(0, sim));
}

double ava_div_visual_similarity(const AvaDivParams *p, const AvaDivVec *a, const AvaDivVec *b)
{
    double parts[AVA_DIV_PARTS];
    ava_div_similarity(p, a, b, parts);
    double w = p->w[AVA_DIV_EMBED] + p->w[AVA_DIV_COLOUR] + p->w[AVA_DIV_COMPOSITION];
    if (!(w > 0))
        return 0.5;
    return (p->w[AVA_DIV_EMBED] * parts[AVA_DIV_EMBED] +
            p->w[AVA_DIV_COLOUR] * parts[AVA_DIV_COLOUR] +
            p->w[AVA_DIV_COMPOSITION] * parts[AVA_DIV_COMPOSITION]) / w;
}

int ava_div_near_duplicate(const AvaDivParams *p, const AvaDivVec *a, const AvaDivVec *b)
{
    return a->has_thumb && b->has_thumb &&
           ava_div_layout_similarity(a->thumb, b->thumb) >= p->near_dup;
}

double ava_div_index(const AvaDivParams *p, const AvaDivVec *v, const int *idx, int n)
{
    if (n < 2)
        return NAN;
    double sum = 0;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            sum += 1 - ava_div_similarity(p, &v[idx ? idx[i] : i], &v[idx ? idx[j] : j], NULL);
    return sum / ((double)n * (n - 1) / 2);
}

int ava_select_repeat_rule(const AvaSelInput *in, int i, int j)
{
    const AvaDivVec *a = &in->v[i], *b = &in->v[j];
    if (a->shot != b->shot)
        return 0;
    double gap = in->repeat_gap_s;
    if (in->shot_len_s && a->shot >= 0)
        gap = fmin(gap, in->shot_len_s[a->shot] / 3);
    if (fabs(a->t_s - b->t_s) < fmax(in->min_gap_s, gap))
        return AVA_REPEAT_CLOSE;
    if (in->repeat_visual > 0 && ava_div_visual_similarity(in->p, a, b) > in->repeat_visual)
        return AVA_REPEAT_ALIKE;
    return 0;
}

static int repeat_ok(const AvaSelInput *in, int i, int j)
{
    return ava_select_repeat_rule(in, i, j) == 0;
}

/* Whether candidate i may join: not excluded, not chosen, no near-duplicate of a pick, a
 * repeat of no pick's shot that repeat_ok() refuses. */
static int allowed(const AvaSelInput *in, const AvaSelResult *r, const int *chosen, int m,
                   int i)
{
    if (in->c[i].excluded || r[i].order >= 0 || r[i].dup_of >= 0)
        return 0;
    for (int k = 0; k < m; k++)
        if (!repeat_ok(in, i, chosen[k]))
            return 0;
    return 1;
}

/* Whether candidate i may take the place of pick slot @p skip (the same rules, checked
 * against the other picks). */
static int fits(const AvaSelInput *in, const int *chosen, int m, int skip, int i)
{
    if (in->c[i].excluded)
        return 0;
    for (int k = 0; k < m; k++) {
        if (k == skip)
            continue;
        if (chosen[k] == i || ava_div_near_duplicate(in->p, &in->v[i], &in->v[chosen[k]]) ||
            !repeat_ok(in, i, chosen[k]))
            return 0;
    }
    return 1;
}

/* What the picks so far mean for every other candidate after pick @p best. */
static void note_pick(const AvaSelInput *in, AvaSelResult *r, int best)
{
    for (int i = 0; i < in->n; i++) {
        if (i == best)
            continue;
        double sim = ava_div_similarity(in->p, &in->v[i], &in->v[best], NULL);
        if (r[i].nearest < 0 || sim > r[i].nearest_sim) {
            r[i].nearest = best;
            r[i].nearest_sim = sim;
        }
        if (r[i].dup_of < 0 && r[i].order < 0 &&
            ava_div_near_duplicate(in->p, &in->v[i], &in->v[best]))
            r[i].dup_of = best;
    }
}

static double rel_of(const AvaSelInput *in, int i, double lo, double hi)
{
    return hi > lo ? (in->c[i].score - lo) / (hi - lo) : 1.0;
}

/* Similarity as the diversity index measures every set: the thumb layout in the embedding
 * part (the baselines' frames have no embedding). */
static double index_similarity(const AvaDivParams *p, const AvaDivVec *a, const AvaDivVec *b)
{
    AvaDivVec x = *a, y = *b;
    x.embedding = y.embedding = NULL;
    return ava_div_similarity(p, &x, &y, NULL);
}

/* The swaps of ava_select_mmr()'s refine. sim[i * m + k] is the similarity of candidate i to
 * pick slot k, tot[i] its sum over the slots: a swap's change of the objective is then O(1).
 * reserved[k]: the main character slot k was reserved for, -1 none. */
static int refine(const AvaSelInput *in, int *chosen, int m, const int *reserved, int *per_shot,
                  double lo, double hi)
{
    int n = in->n;
    if (m < 2)
        return 0;
    double *sim = malloc((size_t)n * m * sizeof(*sim));
    double *tot = calloc((size_t)n, sizeof(*tot));
    uint8_t *in_set = calloc((size_t)n, 1);
    if (!sim || !tot || !in_set) {
        free(sim);
        free(tot);
        free(in_set);
        return AVA_ERR(ENOMEM);
    }
    for (int i = 0; i < n; i++)
        for (int k = 0; k < m; k++) {
            sim[(size_t)i * m + k] = in->c[i].excluded ? 0
                                     : index_similarity(in->p, &in->v[i], &in->v[chosen[k]]);
            tot[i] += sim[(size_t)i * m + k];
        }
    for (int k = 0; k < m; k++)
        in_set[chosen[k]] = 1;
    double lambda = in->refine_lambda, pairs = (double)m * (m - 1) / 2;
    /* Each swap raises the objective, so this only bounds the worst case, and a very large
     * set (an iteration costs n x m) stops after about 2e9 steps in all. */
    int max_iter = 4 * m;
    if ((double)n * m * max_iter > 2e9)
        max_iter = (int)(2e9 / ((double)n * m)) + 1;
    for (int iter = 0; iter < max_iter; iter++) {
        double best = 1e-9;
        int bk = -1, bi = -1;
        for (int k = 0; k < m; k++) {
            int ck = chosen[k];
            double out_sum = tot[ck] - sim[(size_t)ck * m + k];
            for (int i = 0; i < n; i++) {
                if (in_set[i] || in->c[i].excluded ||
                    !(rel_of(in, i, lo, hi) >= in->refine_floor))
                    continue;
                if (reserved[k] >= 0 && !((in->v[i].mains >> reserved[k]) & 1))
                    continue;
                int si = in->v[i].shot, so = in->v[ck].shot;
                if (si != so && per_shot[si] >= per_shot[so])
                    continue;
                double d = lambda * (rel_of(in, i, lo, hi) - rel_of(in, ck, lo, hi)) / m -
                           (1 - lambda) * ((tot[i] - sim[(size_t)i * m + k]) - out_sum) / pairs;
                if (d > best && fits(in, chosen, m, k, i)) {
                    best = d;
                    bk = k;
                    bi = i;
                }
            }
        }
        if (bk < 0)
            break;
        per_shot[in->v[chosen[bk]].shot]--;
        per_shot[in->v[bi].shot]++;
        in_set[chosen[bk]] = 0;
        in_set[bi] = 1;
        chosen[bk] = bi;
        for (int i = 0; i < n; i++) {
            double s2 = in->c[i].excluded ? 0 : index_similarity(in->p, &in->v[i], &in->v[bi]);
            tot[i] += s2 - sim[(size_t)i * m + bk];
            sim[(size_t)i * m + bk] = s2;
        }
    }
    free(sim);
    free(tot);
    free(in_set);
    return 0;
}

static int better(const AvaSelInput *in, const double *mmr, int i, int best)
{
    if (best < 0)
        return 1;
    if (mmr[i] != mmr[best])
        return mmr[i] > mmr[best];
    if (in->c[i].score != in->c[best].score)
        return in->c[i].score > in->c[best].score;
    return in->v[i].pos < in->v[best].pos;
}

int ava_select_mmr(const AvaSelInput *in, int count, int *chosen, AvaSelResult *res_out)
{
    int n = in->n;
    if (n <= 0 || count <= 0)
        return 0;
    AvaSelResult *r = res_out ? res_out : malloc((size_t)n * sizeof(*r));
    double *mmr = malloc((size_t)n * sizeof(*mmr));
    int *reserved = malloc((size_t)count * sizeof(*reserved));
    int max_shot = 0;
    for (int i = 0; i < n; i++)
        max_shot = in->v[i].shot > max_shot ? in->v[i].shot : max_shot;
    int *per_shot = calloc((size_t)max_shot + 1, sizeof(*per_shot));
    if (!r || !mmr || !per_shot || !reserved) {
        if (!res_out)
            free(r);
        free(mmr);
        free(per_shot);
        free(reserved);
        return AVA_ERR(ENOMEM);
    }
    double lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < n; i++) {
        r[i] = (AvaSelResult){ .order = -1, .nearest = -1, .nearest_sim = 0, .dup_of = -1 };
        if (!in->c[i].excluded && isfinite(in->c[i].score)) {
            lo = fmin(lo, in->c[i].score);
            hi = fmax(hi, in->c[i].score);
        }
    }
    double lambda = in->p->lambda;
    int m = 0;
    int n_main = in->n_main < 64 ? in->n_main : 64;
    /* Step s: phase 1 (mains) while s < per_main * n_main, then the shot rounds. */
    for (int step = 0; m < count; step++) {
        int main_c = step < in->per_main * n_main ? step % n_main : -1;
        for (int i = 0; i < n; i++)
            mmr[i] = lambda * rel_of(in, i, lo, hi) - (1 - lambda) * (m ? r[i].nearest_sim : 0);
        /* Only the shots with the fewest picks so far compete; a main character's reserved
         * pick too (it is skipped rather than repeat a shot while another has none). */
        int fewest = -1;
        for (int i = 0; i < n; i++)
            if (allowed(in, r, chosen, m, i) && (fewest < 0 || per_shot[in->v[i].shot] < fewest))
                fewest = per_shot[in->v[i].shot];
        int best = -1;
        for (int i = 0; i < n; i++) {
            if (!allowed(in, r, chosen, m, i))
                continue;
            if (main_c >= 0 && !((in->v[i].mains >> main_c) & 1))
                continue;
            if (per_shot[in->v[i].shot] != fewest)
                continue;
            if (better(in, mmr, i, best))
                best = i;
        }
        if (best < 0) {
            if (main_c < 0)
                break;
            continue;
        }
        r[best].order = m;
        reserved[m] = main_c;
        chosen[m++] = best;
        per_shot[in->v[best].shot]++;
        note_pick(in, r, best);
    }
    int ret = in->refine ? refine(in, chosen, m, reserved, per_shot, lo, hi) : 0;
    if (ret >= 0 && in->refine) {
        for (int i = 0; i < n; i++)
            r[i] = (AvaSelResult){ .order = -1, .nearest = -1, .nearest_sim = 0, .dup_of = -1 };
        for (int k = 0; k < m; k++)
            r[chosen[k]].order = k;
        for (int k = 0; k < m; k++)
            note_pick(in, r, chosen[k]);
    }
    if (!res_out)
        free(r);
    free(mmr);
    free(per_shot);
    free(reserved);
    return ret < 0 ? ret : m;
}

/* Start of a crop of length @p len in [0, @p full] placing the subject [s0, s0 + sl]. */
static int place(int full, int len, double s0, double sl, double anchor, int thirds)
{
    if (len >= full)
        return 0;
    double c = s0 + sl * anchor, x;
    if (thirds) {
        double rel = c / full;
        x = fabs(rel - 0.5) <= 0.05 ? c - len / 2.0 : rel < 0.5 ? c - len / 3.0
                                                                : c - 2.0 * len / 3.0;
    } else {
        x = c - len / 3.0;
    }
    /* The least move that contains the subject, when it fits. */
    if (sl <= len) {
        if (x > s0)
            x = s0;
        if (x + len < s0 + sl)
            x = s0 + sl - len;
    } else {
        x = s0 + sl / 2 - len / 2.0;
    }
    long xi = lround(x);
    if (xi < 0)
        xi = 0;
    if (xi > full - len)
        xi = full - len;
    return (int)xi;
}

void ava_crop_suggest(int w, int h, double aspect, const double *subj, int faces, int out[4])
{
    int cw, ch;
    if (!(aspect > 0) || w <= 0 || h <= 0) {
        out[0] = out[1] = 0;
        out[2] = w;
        out[3] = h;
        return;
    }
    if ((double)w / h >= aspect) {
        ch = h;
        cw = (int)lround(h * aspect);
        if (cw > w)
            cw = w;
    } else {
        cw = w;
        ch = (int)lround(w / aspect);
        if (ch > h)
            ch = h;
    }
    if (cw < 1)
        cw = 1;
    if (ch < 1)
        ch = 1;
    double s[4] = { w / 2.0, h / 2.0, 0, 0 };
    if (subj && subj[2] > 0 && subj[3] > 0)
        memcpy(s, subj, sizeof(s));
    out[0] = place(w, cw, s[0], s[2], 0.5, 1);
    /* Vertically: the eyes (a quarter down a face box) or the salient centre on the upper
     * third line. */
    out[1] = place(h, ch, s[1], s[3], faces ? 0.25 : 0.5, 0);
    out[2] = cw;
    out[3] = ch;
}
