/* SPDX-License-Identifier: MIT */
/**
 * @file
 * The annotations drawn over a pick's still in the report's viewer: face boxes and 68
 * landmarks, saliency centroid and spread, composition numbers, text boxes, the title's
 * static overlays. Written as JSON of numbers only (fixed keys, no text from the video)
 * into a hidden element the script reads; tables or columns that are absent leave their
 * layer out.
 */
#ifndef AVA_SRC_REPORT_REPORT_ANNOT_H
#define AVA_SRC_REPORT_REPORT_ANNOT_H

#include "src/report/report_html.h"

/**
 * Appends <pre id="ava-annotations" hidden>{"w","h","layers","overlays","frames"}</pre>:
 * "layers" flags each measured layer (faces, landmarks, saliency, text, overlays), "frames"
 * maps each pick's frame number to {"faces": [[x,y,w,h,[x0,y0,...x67,y67]]] (display
 * pixels), "sal": [x,y,spread] (fractions), "comp": {...}, "text": [[x,y,w,h,score]]
 * (fractions)}, "overlays" holds [x,y,w,h,persistence,n_shots] (fractions).
 * @return 0; AVA_ERR_STORE.
 */
int ava_report_annotations(AvaReport *r);

#endif /* AVA_SRC_REPORT_REPORT_ANNOT_H */
