/* SPDX-License-Identifier: MIT */
/** @file Version of the ava API. */
#ifndef AVA_VERSION_H
#define AVA_VERSION_H

#define AVA_API_VERSION_MAJOR 0
#define AVA_API_VERSION_MINOR 1
#define AVA_API_VERSION_PATCH 0

#endif /* AVA_VERSION_H */
