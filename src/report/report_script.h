/* SPDX-License-Identifier: MIT */
/**
 * @file
 * The report's inline script and styles: keep/reject, keys, the annotated still viewer,
 * timeline clicks, and the look of the selection sections (reasons, rejected frames,
 * galleries).
 */
#ifndef AVA_SRC_REPORT_REPORT_SCRIPT_H
#define AVA_SRC_REPORT_REPORT_SCRIPT_H

/** CSS for the choice buttons, the toolbar, the viewer and the selection sections. */
extern const char ava_report_choice_css[];

/**
 * The viewer's markup (hidden until a still is opened): one <img> for the still under an
 * <svg> of annotation layers, a checkbox per layer (faces, landmarks, thirds, saliency,
 * text, overlays) and a line of composition numbers.
 */
extern const char ava_report_viewer_html[];

/**
 * The script (no external resources): k / r (or x) keep and reject the focused pick, arrow
 * keys or j / l move between picks, Enter or a click on a still, a gallery thumbnail or a
 * timeline mark opens the still with its annotations drawn as SVG from the numbers in
 * #ava-annotations (report_annot.h); in the viewer 1-6 toggle the layers, arrows move,
 * k / r choose, Escape closes. A click on a rejected frame's time marks it on the timeline.
 * "Save choices" downloads choices.json ({"ava_choices": 1, "database": "ava.sqlite",
 * "title_key", "file", "preset", "choices": [{"frame", "choice"}]}) for `ava learn`.
 * Reads the title facts from data- attributes, never from inlined strings.
 */
extern const char ava_report_choice_js[];

#endif /* AVA_SRC_REPORT_REPORT_SCRIPT_H */
