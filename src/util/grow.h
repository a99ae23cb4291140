/* SPDX-License-Identifier: MIT */
/** @file Growing an array by doubling, for readers that do not know their row count. */
#ifndef AVA_UTIL_GROW_H
#define AVA_UTIL_GROW_H

#include <stddef.h>

/**
 * Room in @p v (*@p cap elements of @p elem bytes) for element @p n: when n is past the end
 * the array doubles (from 64) until it fits.
 * @return the array, perhaps moved; NULL when out of memory (@p v and *cap unchanged).
 */
void *ava_grow(void *v, int *cap, int n, size_t elem);

#endif /* AVA_UTIL_GROW_H */
