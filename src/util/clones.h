/* SPDX-License-Identifier: MIT */
/**
 * @file
 * AVA_CLONES before a hot per-pixel function builds it twice, for AVX2 and for the baseline
 * x86-64 the project is compiled for, and picks one at load time (GCC target_clones). The
 * loops vectorise twice as wide; integer results are the same and GCC never reorders
 * floating-point sums without -ffast-math, so every annotation is bit-identical (checked
 * over all pass-1 columns of psd_testvideo). Elsewhere it is empty.
 */
#ifndef AVA_UTIL_CLONES_H
#define AVA_UTIL_CLONES_H

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define AVA_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define AVA_CLONES
#endif

#endif /* AVA_UTIL_CLONES_H */
