/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Pass 2 of `ava analyze`: faces on chosen frames of each shot (the top frames by pass-1
 * score plus one every faces.sample_s seconds), decoded at source resolution by seeking;
 * tracks within shots; characters over the whole title, ranked by screen time; the face
 * terms of the ranking. See docs/analyze.md ("Faces") and docs/schema.md.
 */
#ifndef AVA_SRC_FACES_PASS2_H
#define AVA_SRC_FACES_PASS2_H

#include <stdint.h>

#include "ava/faces.h"
#include "src/faces/faces.h"
#include "src/io/probe.h"
#include "src/rank/preset.h"
#include "src/shots/shot_detect.h"
#include "src/store/store.h"

typedef struct AvaFacesIn {
    const char *path;
    const AvaStreamInfo *si;
    const AvaScan *scan;
    AvaStore *st;              ///< title database (frames, shots written)
    int64_t n;                 ///< frames (array positions)
    const int64_t *frames;     ///< frame number per position
    const double *t_s;         ///< seconds per position
    const AvaShotResult *shots;
    const AvaPreset *preset;
    int n_threads;
    const volatile int *interrupt; ///< set non-zero to stop (AvaSettings.interrupt), or NULL
    const AvaLogger *lg;
} AvaFacesIn;

typedef struct AvaFramePeople {
    int64_t pos;
    int n;
    AvaFaceMeasures *f;        ///< n faces, best detection score first
    int64_t spill_at;          ///< record of f[0]'s landmarks and descriptor (spill.h)
    int *character;            ///< per face: character id (1 = most screen time), 0 = none
    double adj;                ///< face terms of the score (docs/analyze.md)
} AvaFramePeople;

typedef struct AvaFacesOut {
    int ran;                   ///< 1: faces were looked for
    int64_t n;
    AvaFramePeople *items;     ///< analysed frames, by position
    int n_items;
    int32_t *item_at;          ///< per position: index into items, -1 = not analysed
    uint64_t *mains;           ///< per position: bit c-1 set when main character c is there
    int n_characters, n_main;  ///< characters 1..n_main are main, the rest extras
    double *screen_time;       ///< per character (index id-1), seconds
    int64_t n_faces;
    double seconds;            ///< wall time of pass 2
} AvaFacesOut;

/**
 * Run pass 2 and store faces, face_tracks and characters. Without usable models it logs
 * one warning and returns 0 with out->ran = 0 (the tables stay empty).
 * @return 0; AVA_ERR_DECODE; AVA_ERR_STORE; AVA_ERR(ENOMEM).
 */
int ava_faces_pass2(const AvaFacesIn *in, AvaFacesOut *out);

/**
 * Apply the face terms to the pass-1 scores @p score (n positions): in a shot where faces
 * were found only the analysed frames stay eligible (others NAN), each with its adj added.
 */
void ava_faces_adjust(const AvaFacesOut *o, const AvaShotResult *shots, double *score);

/**
 * The face terms of position @p pos one by one: terms[k] = weight_k * u_k for the @p fp->n
 * face features measured on the lead face (all 0 without a face).
 * @return the lead face's index in the frame's AvaFramePeople.f, or -1 when none.
 */
int ava_faces_terms(const AvaFacesOut *o, const AvaPresetFaces *fp, int64_t pos, double *terms);

/** JSON array of the people at position @p pos (malloc'd; "[]" when none); NULL on ENOMEM. */
char *ava_faces_json(const AvaFacesOut *o, int64_t pos);

void ava_faces_out_free(AvaFacesOut *o);

#endif /* AVA_SRC_FACES_PASS2_H */
