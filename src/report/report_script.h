/* SPDX-License-Identifier: MIT */
/** @file The report's inline script and styles for choosing: keep/reject, keys, viewer. */
#ifndef AVA_SRC_REPORT_REPORT_SCRIPT_H
#define AVA_SRC_REPORT_REPORT_SCRIPT_H

/** CSS for the choice buttons, the toolbar and the still viewer. */
extern const char ava_report_choice_css[];

/**
 * The script (no external resources): k / r (or x) keep and reject the focused pick, arrow
 * keys or j / l move between picks, Enter or a click on a timeline point opens the still;
 * "Save choices" downloads choices.json ({"ava_choices": 1, "database": "ava.sqlite",
 * "title_key", "file", "preset", "choices": [{"frame", "choice"}]}) for `ava learn`.
 * Reads the title facts from data- attributes of <body>, never from inlined strings.
 */
extern const char ava_report_choice_js[];

#endif /* AVA_SRC_REPORT_REPORT_SCRIPT_H */
