/* SPDX-License-Identifier: MIT */
/**
 * @file
 * Whether this CPU runs the hand-written kernels of src/nn/ (winograd.c, dwconv.c, pwconv.c,
 * up_head.c): they are built for AVX-512 F and VL with FMA; without them the graph keeps
 * XNNPACK alone.
 */
#ifndef AVA_SRC_NN_OWN_KERNELS_H
#define AVA_SRC_NN_OWN_KERNELS_H

/** 1 when the CPU has AVX-512 F, AVX-512 VL and FMA (and the build is x86-64 GCC/clang). */
int ava_own_kernels_available(void);

#endif /* AVA_SRC_NN_OWN_KERNELS_H */
