/* SPDX-License-Identifier: MIT */
/** @file The libFuzzer entry point every target defines (tests/fuzz/replay.c drives it too). */
#ifndef AVA_TESTS_FUZZ_FUZZ_H
#define AVA_TESTS_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif /* AVA_TESTS_FUZZ_FUZZ_H */
