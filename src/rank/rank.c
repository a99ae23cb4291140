/* SPDX-License-Identifier: MIT */
/** @file Per-shot best frames and the top-N selection (see rank.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "ava/ava.h"
#include "src/rank/rank.h"

static int cmp_pick(const void *x, const void *y)
{
    const AvaPick *a = x, *b = y;
    if (a->score != b->score)
        return a->score < b->score ? 1 : -1;
    return (a->pos > b->pos) - (a->pos < b->pos);
}

static int eligible(const AvaRankInput *in, const AvaShotSpan *sh, int64_t i)
{
    int64_t len = sh->last - sh->first + 1;
    int edge = in->shot_edge_frames;
    /* Very short shots keep their middle frames rather than losing all of them. */
    if (len <= 2 * edge)
        edge = (int)((len - 1) / 2);
    return i >= sh->first + edge && i <= sh->last - edge && !isnan(in->score[i]);
}

static int far_from(const AvaRankInput *in, const AvaPick *picks, int n, int shot, int64_t i)
{
    for (int k = 0; k < n; k++)
        if (picks[k].pos == i ||
            (picks[k].shot == shot && fabs(in->t_s[picks[k].pos] - in->t_s[i]) < in->min_gap_s))
            return 0;
    return 1;
}

int64_t ava_rank_shot_best(const AvaRankInput *in, int shot)
{
    const AvaShotSpan *sh = &in->shots[shot];
    int64_t best = -1;
    for (int64_t i = sh->first; i <= sh->last; i++)
        if (eligible(in, sh, i) && (best < 0 || in->score[i] > in->score[best]))
            best = i;
    return best;
}

int ava_rank_select(const AvaRankInput *in, int count, AvaPick *picks)
{
    if (count <= 0 || in->n_shots <= 0)
        return 0;
    /* Round r takes the best still left in each shot, shots in order of that still's score. */
    AvaPick *round = malloc((size_t)in->n_shots * sizeof(*round));
    if (!round)
        return AVA_ERR(ENOMEM);
    int n = 0;
    int n_main = in->mains ? (in->n_main < 64 ? in->n_main : 64) : 0;
    for (int r = 0; r < in->per_main && n < count; r++)
        for (int c = 0; c < n_main && n < count; c++) {
            int64_t best = -1;
            int best_shot = -1;
            for (int s = 0; s < in->n_shots; s++) {
                const AvaShotSpan *sh = &in->shots[s];
                for (int64_t i = sh->first; i <= sh->last; i++)
                    if (((in->mains[i] >> c) & 1) && eligible(in, sh, i) &&
                        far_from(in, picks, n, s, i) &&
                        (best < 0 || in->score[i] > in->score[best])) {
                        best = i;
                        best_shot = s;
                    }
            }
            if (best >= 0)
                picks[n++] = (AvaPick){ best, best_shot, in->score[best] };
        }
    for (int r = 0;; r++) {
        int m = 0, skipped = 0;
        for (int s = 0; s < in->n_shots; s++) {
            const AvaShotSpan *sh = &in->shots[s];
            int had = 0;
            for (int k = 0; k < n; k++)
                had += picks[k].shot == s;
            if (had > r) {
                skipped = 1;
                continue;
            } /* a reserved pick counts as this shot's pick of the round */
            int64_t best = -1;
            for (int64_t i = sh->first; i <= sh->last; i++) {
                if (!eligible(in, sh, i) || !far_from(in, picks, n, s, i))
                    continue;
                if (best < 0 || in->score[i] > in->score[best])
                    best = i;
            }
            if (best >= 0)
                round[m++] = (AvaPick){ best, s, in->score[best] };
        }
        if (m == 0 && !skipped)
            break;
        if (m == 0)
            continue;
        qsort(round, (size_t)m, sizeof(*round), cmp_pick);
        for (int k = 0; k < m && n < count; k++)
            picks[n++] = round[k];
        if (n >= count)
            break;
    }
    free(round);
    if (n > 1)
        qsort(picks, (size_t)n, sizeof(*picks), cmp_pick);
    return n;
}
