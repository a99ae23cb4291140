/* SPDX-License-Identifier: MIT */
/** @file The report's characters section (faces pass, docs/analyze.md). */
#ifndef AVA_SRC_REPORT_REPORT_FACES_H
#define AVA_SRC_REPORT_REPORT_FACES_H

#include "src/report/report_html.h"

/**
 * The characters section: per main character its screen time, tracks, its best still (the
 * best-ranked pick it is in, shown large) and its other picks; a note when the title has no
 * characters (no faces, no models, or a database from before the faces pass).
 * @return 0; AVA_ERR_STORE.
 */
int ava_report_faces_section(AvaReport *r);

#endif /* AVA_SRC_REPORT_REPORT_FACES_H */
