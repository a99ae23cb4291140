/* SPDX-License-Identifier: MIT */
/** @file The report's characters section (faces pass, docs/analyze.md). */
#ifndef AVA_SRC_REPORT_REPORT_FACES_H
#define AVA_SRC_REPORT_REPORT_FACES_H

#include <sqlite3.h>

/**
 * HTML of the characters section: per main character its screen time, tracks and best
 * stills (the picks with it, best first). @return a malloc'd string, "" when the title has
 * no characters; NULL on ENOMEM.
 */
char *ava_report_faces_section(sqlite3 *db);

#endif /* AVA_SRC_REPORT_REPORT_FACES_H */
