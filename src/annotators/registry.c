/* SPDX-License-Identifier: MIT */
/** @file The table of annotators. Adding one = its file + one line here + its tests. */
#include <string.h>

#include "src/annotator.h"

extern const AvaAnnotator ava_ann_tone, ava_ann_color, ava_ann_sharpness, ava_ann_diff,
    ava_ann_thumb, ava_ann_motion, ava_ann_composition;

static const AvaAnnotator *const annotators[] = {
    &ava_ann_tone,
    &ava_ann_color,
    &ava_ann_sharpness,
    &ava_ann_diff,
    &ava_ann_thumb,
    &ava_ann_motion,
    &ava_ann_composition,
    NULL,
};

const AvaAnnotator *ava_annotator_iterate(void **opaque)
{
    uintptr_t i = (uintptr_t)*opaque;
    const AvaAnnotator *a = annotators[i];
    if (a)
        *opaque = (void *)(i + 1);
    return a;
}

const AvaAnnotator *ava_annotator_by_name(const char *name)
{
    for (int i = 0; annotators[i]; i++)
        if (!strcmp(annotators[i]->name, name))
            return annotators[i];
    return NULL;
}
