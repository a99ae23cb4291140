/* SPDX-License-Identifier: MIT */
/** @file CPU check for the hand-written kernels (own_kernels.h). */
#include "src/nn/own_kernels.h"

int ava_own_kernels_available(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
           __builtin_cpu_supports("fma");
#else
    return 0;
#endif
}
