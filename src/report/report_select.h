/* SPDX-License-Identifier: MIT */
/**
 * @file
 * The parts of report.html that come from the selection (tables pool and diversity, shot
 * scale and camera move): the reasons behind a pick, the good frames that were rejected and
 * why, galleries per shot scale and per camera move, the diversity indices. A database
 * without those tables or columns gives the same page with "not measured" in their place.
 */
#ifndef AVA_SRC_REPORT_REPORT_SELECT_H
#define AVA_SRC_REPORT_REPORT_SELECT_H

#include "src/report/report_html.h"

/** Rejected frames listed (the best by score before penalties). */
#define AVA_REPORT_MAX_REJECTED 40

/** Appends ", <scale of the pick> AS scale, <camera move of its shot> AS camera, <why JSON>
 * AS why" to a query over "picks p" (NULL where not measured). */
void ava_report_pick_columns(AvaReport *r, AvaBuf *q);

/** "why: a +0.21 · b −0.05" from a why JSON array, the @p max largest |contribution|. */
void ava_report_put_why(AvaBuf *b, const char *json, int max);

/** <dt>Diversity</dt> and its values when table diversity has rows. @return 0; <0. */
int ava_report_diversity(AvaReport *r);

/**
 * The top rejected pool frames, best first: columns frame, shot, base_score, penalty, score,
 * reason, similar_to, similarity, why, t_s, thumb (16x9 RGB BLOB), similar pick rank.
 * @return 1 with *s prepared; 0 (*s NULL) when there is no pool; AVA_ERR_STORE.
 */
int ava_report_rejected_query(AvaReport *r, sqlite3_stmt **s);

/**
 * The rejected pool frames counted by reason, the picks a reason names gathered ("too close
 * to picks 1, 2 and 3: 5"), excluded frames (no final score) counted: as the header's
 * <dt>Rejected</dt> when @p header, else the rejected section's summary line. Nothing
 * without a pool. @return 0; AVA_ERR_STORE; AVA_ERR(ENOMEM).
 */
int ava_report_reason_counts(AvaReport *r, int header);

/** The section "Why frames were rejected". @return 0; AVA_ERR_STORE; AVA_ERR(ENOMEM). */
int ava_report_rejected(AvaReport *r);

/** The section of galleries per shot scale and per camera move. @return 0; <0. */
int ava_report_galleries(AvaReport *r);

#endif /* AVA_SRC_REPORT_REPORT_SELECT_H */
