/* SPDX-License-Identifier: MIT */
/**
 * @file
 * ava face API: the per-face chain on one RGB24 image (detection, crop quality, 68
 * landmarks, head pose, eye and mouth openness, expression, 128-D descriptor, optionally
 * age and gender) and identity clustering of descriptors. See docs/faces.md.
 *
 * @code
 * AvaFaceChainSettings s;
 * ava_face_chain_default_settings(&s);
 * s.models_dir = "models";
 * AvaFaceChain *fc = NULL;
 * AvaFace faces[64];
 * int n = 0;
 * int ret = ava_face_chain_open(&fc, &s);
 * if (ret >= 0)
 *     ret = ava_face_chain_run(fc, rgb, w, h, 3 * w, faces, 64, &n);
 * ava_face_chain_close(&fc);
 * @endcode
 */
#ifndef AVA_FACES_H
#define AVA_FACES_H

#include <stddef.h>
#include <stdint.h>

#include "ava/ava.h"

#ifdef __cplusplus
extern "C" {
#endif

#define AVA_FACE_POINTS 68
#define AVA_FACE_EXPRESSIONS 7
#define AVA_FACE_DESC_DIM 128

enum AvaFaceDetector {
    AVA_FACE_DETECTOR_SSD = 0, ///< SSD MobileNet v1 (default; better on small faces)
    AVA_FACE_DETECTOR_TINY,    ///< tiny face detector (faster)
};

typedef struct AvaFaceChainSettings {
    const char *models_dir; ///< folder made by scripts/fetch-models.sh (required); borrowed
    int detector;           ///< enum AvaFaceDetector (default SSD)
    float min_score;        ///< detection confidence, 0..1 exclusive (default 0.5)
    /** Smallest face to find, as a fraction of the image height (default 0.03, 0 = one
     *  detector pass on the whole image). Above the whole-image pass's reach, the image is
     *  also scanned in overlapping tiles (docs/faces.md). */
    float min_face_frac;
    int age_gender;         ///< 1: also run the age/gender net (default 0)
    int describe;           ///< 0: detection and crop quality only (default 1)
    AvaLogger logger;       ///< default: stderr at INFO
    uint8_t reserved[32];   ///< must be zero
} AvaFaceChainSettings;

typedef struct AvaFace {
    float x, y, w, h;       ///< detection box, pixels of the image (clipped to it)
    float score;            ///< detector confidence, 0..1
    /* crop quality */
    float height_frac;      ///< box height / image height
    float sharpness;        ///< variance of the Laplacian of the face, grey 0..255 at 64x64
    float edge_cut;         ///< fraction of the unclipped box outside the image, 0..1
    /* from the landmarks (valid when the chain describes) */
    float landmarks[2 * AVA_FACE_POINTS]; ///< (x, y) pixels of the image, dlib/iBUG order
    float yaw, pitch, roll; ///< degrees; yaw > 0: face turned to the image's right (the
                            ///< subject's left); pitch > 0: looking down; roll > 0:
                            ///< head tilted clockwise in the image
    float pose_err_px;      ///< RMS reprojection error of the pose fit, pixels
    float eye_open[2];      ///< eye aspect ratio of the image-left and image-right eye
                            ///< (open ~0.25-0.35, closed < ~0.15)
    float mouth_open;       ///< inner-lip aspect ratio (closed ~0, wide open ~0.5+)
    float expression[AVA_FACE_EXPRESSIONS]; ///< probabilities, ava_face_expression_label order
    float descriptor[AVA_FACE_DESC_DIM];    ///< L2-normalised face descriptor
    float age;              ///< years, or -1 when age/gender is off
    float p_male;           ///< 0..1, or -1 when age/gender is off
} AvaFace;

typedef struct AvaFaceChain AvaFaceChain;

/** Fill @p s with the defaults documented on each field. */
AVA_API void ava_face_chain_default_settings(AvaFaceChainSettings *s);

/**
 * Load the nets (one instance of each, one thread each).
 * @param out receives the chain on success; untouched on failure.
 * @return 0; AVA_ERR(EINVAL) bad settings; AVA_ERR_MODEL (a model is missing or unusable,
 *         logged with its file); AVA_ERR(ENOMEM).
 * @note A chain runs on the calling thread; use one chain per thread. @p s is copied
 *       (models_dir is only read during the call).
 */
AVA_API int ava_face_chain_open(AvaFaceChain **out, const AvaFaceChainSettings *s);

/**
 * Run the chain on a packed RGB24 image (@p stride bytes per row, borrowed for the call).
 * @param faces receives up to @p max_faces faces, best score first.
 * @param n     receives how many were written.
 * @return 0; AVA_ERR(EINVAL); AVA_ERR_MODEL if a net fails; AVA_ERR(ENOMEM).
 */
AVA_API int ava_face_chain_run(AvaFaceChain *c, const uint8_t *rgb, int w, int h,
                               ptrdiff_t stride, AvaFace *faces, int max_faces, int *n);

/**
 * Describe an image that is one face crop (an aligned crop as face-api's recognition
 * examples use): no detection; landmarks, pose, openness on the whole image; expression,
 * descriptor and age/gender on the whole image. The box is the image, score 1.
 * @return 0; AVA_ERR(EINVAL) (also when the chain was opened with describe = 0);
 *         AVA_ERR_MODEL if a net fails.
 */
AVA_API int ava_face_chain_describe(AvaFaceChain *c, const uint8_t *rgb, int w, int h,
                                    ptrdiff_t stride, AvaFace *f);

/** NULL-safe; sets *c to NULL. */
AVA_API void ava_face_chain_close(AvaFaceChain **c);

/** "neutral", "happy", "sad", "angry", "fearful", "disgusted", "surprised"; NULL out of range. */
AVA_API const char *ava_face_expression_label(int cls);

/** The distance threshold calibrated in docs/faces.md for ava_face_cluster(). */
#define AVA_FACE_CLUSTER_THRESHOLD 0.45f

/**
 * Agglomerative clustering (average linkage) of @p n L2-normalised descriptors (@p dim
 * floats each, row-major) on Euclidean distance: clusters merge while the average distance
 * between them is below @p threshold.
 * @param labels receives n cluster ids, 0..*n_clusters-1, numbered by first appearance.
 * @return 0; AVA_ERR(EINVAL); AVA_ERR(ENOMEM).
 */
AVA_API int ava_face_cluster(const float *desc, int n, int dim, float threshold, int *labels,
                             int *n_clusters);

/**
 * Decode a JPEG or PNG file to packed RGB24 (stride 3 * w).
 * @param rgb receives a buffer the caller frees with free().
 * @return 0; AVA_ERR(ENOENT) and others from opening; AVA_ERR_DECODE (not a readable
 *         JPEG or PNG); AVA_ERR_LIMIT (larger than 16384 px a side); AVA_ERR(ENOMEM).
 */
AVA_API int ava_image_load(const char *path, uint8_t **rgb, int *w, int *h);

#ifdef __cplusplus
}
#endif
#endif /* AVA_FACES_H */
