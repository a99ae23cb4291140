/* SPDX-License-Identifier: MIT */
/** @file report.html: a self-contained contact sheet of the picks, read from the store. */
#ifndef AVA_SRC_REPORT_REPORT_H
#define AVA_SRC_REPORT_REPORT_H

#include "ava/ava.h"
#include "src/store/store.h"

/**
 * Write @p html_path (atomically) from the title database @p st: title facts, the picks
 * (thumbnail linking to the still, rank, frame, timecode, score, feature values), the shots.
 * Stills are referenced by the relative paths stored in picks.still; nothing is fetched
 * from the network. Every text from the video (file name, metadata title) is HTML-escaped.
 * @return 0; AVA_ERR_STORE; AVA_ERR_OUTPUT; AVA_ERR(ENOMEM).
 */
int ava_report_write(AvaStore *st, const char *html_path, const AvaLogger *lg);

#endif /* AVA_SRC_REPORT_REPORT_H */
