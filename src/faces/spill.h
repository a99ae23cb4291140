/* SPDX-License-Identifier: MIT */
/**
 * @file
 * The landmarks and descriptors of pass 2's faces, kept in an unlinked temporary file until
 * the faces table is written, so that a title's memory does not grow by a kilobyte per face
 * (an hour of film has about 8000).
 */
#ifndef AVA_SRC_FACES_SPILL_H
#define AVA_SRC_FACES_SPILL_H

#include <stdint.h>

#include "ava/faces.h"
#include "src/log.h"

typedef struct AvaFaceSpill AvaFaceSpill;

/**
 * Create the file in $TMPDIR (/tmp when unset or unusable), already unlinked: it vanishes
 * with the process.
 * @return 0; AVA_ERR(errno) when it cannot be made (logged with the folder); AVA_ERR(ENOMEM).
 */
int ava_face_spill_open(AvaFaceSpill **out, const AvaLogger *lg);

/**
 * Append the landmarks and descriptors of @p n faces; safe to call from several threads.
 * @param first receives the record number of faces[0] (the others follow it).
 * @return 0; AVA_ERR(errno) on a write error (logged: a full disk, for instance).
 */
int ava_face_spill_put(AvaFaceSpill *s, const AvaFace *faces, int n, int64_t *first);

/**
 * Read records @p first .. @p first + @p n - 1 back into the landmarks and descriptors of
 * @p faces (their other fields are left alone).
 * @return 0; AVA_ERR(errno) or AVA_ERR(EIO) on a short read (logged).
 */
int ava_face_spill_get(AvaFaceSpill *s, int64_t first, int n, AvaFace *faces);

/** NULL-safe; closes (and so deletes) the file; sets *s to NULL. */
void ava_face_spill_close(AvaFaceSpill **s);

#endif /* AVA_SRC_FACES_SPILL_H */
