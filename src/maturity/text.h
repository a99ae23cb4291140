/* SPDX-License-Identifier: MIT */
/**
 * @file
 * On-screen text measures from text-detector boxes (fractions of the display frame): the
 * covered share, text lines, and how much a line looks like a burned-in caption. The rule
 * and its thresholds are in docs/analyze.md ("Maturity").
 */
#ifndef AVA_SRC_MATURITY_TEXT_H
#define AVA_SRC_MATURITY_TEXT_H

#include "src/maturity/maturity.h"

/** Area of the union of @p n boxes, clipped to the unit square (exact). */
double ava_text_union(const AvaNormBox *b, int n);

/**
 * Drop the boxes that lie mostly (half their area or more) inside one of the @p n_ov
 * overlay boxes grown by AVA_TEXT_OVERLAY_MARGIN: a logo is not a caption. Compacts @p b.
 * @return the boxes left.
 */
#define AVA_TEXT_OVERLAY_MARGIN 0.01
int ava_text_drop_overlays(AvaNormBox *b, int n, const AvaOverlay *ov, int n_ov);

/** Text boxes less wide than this times their height (pixels) are dropped. */
#define AVA_TEXT_MIN_ASPECT 1.2

/**
 * Drop the glyph-like boxes: width / height (pixels, display aspect @p aspect) under
 * AVA_TEXT_MIN_ASPECT. The detector fires on squarish patches of texture (ice, foliage)
 * where a word of two letters is already wider; single glyphs and vertical text are lost.
 * Compacts @p b. @return the boxes left.
 */
int ava_text_drop_glyphs(AvaNormBox *b, int n, double aspect);

/**
 * Join boxes into text lines: two boxes whose vertical extents overlap by half the smaller
 * height and whose horizontal gap is at most the larger height (in pixels of a frame of
 * display aspect @p aspect = width / height) become one box (score: the larger).
 * @return the lines written to @p lines (at most @p max).
 */
int ava_text_lines(const AvaNormBox *b, int n, double aspect, AvaNormBox *lines, int max);

/**
 * How much one text line looks like a burned-in caption, 0..1, from its geometry alone:
 * the product of a vertical-band, a centring, a shape and a height term (docs/analyze.md).
 */
double ava_caption_geometry(const AvaNormBox *line, double aspect);

/** The caption's cross-shot support: lines within this of each other vertically (share of
 *  the frame height) are one caption band; a line needs this geometry to be caption-like. */
#define AVA_CAPTION_BAND_DY 0.05
#define AVA_CAPTION_LIKE 0.5
/** caption = geometry * (AVA_CAPTION_BASE + (1 - AVA_CAPTION_BASE) * support) */
#define AVA_CAPTION_BASE 0.75

/**
 * Captions of @p n frames from each frame's best line geometry @p geo, its centre height
 * @p cy (NAN: no line) and its shot id @p shot (any ints): a subtitle track keeps one band
 * through the title, so support = share of the other shots having a caption-like line
 * within AVA_CAPTION_BAND_DY of this one's; 1 when the frames span one shot (nothing to
 * compare). @return 0; AVA_ERR(ENOMEM).
 */
int ava_caption_support(const double *geo, const double *cy, const int *shot, int n,
                        double *caption);

#endif /* AVA_SRC_MATURITY_TEXT_H */
