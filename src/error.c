/* SPDX-License-Identifier: MIT */
/** @file Text for ava's error codes. */
#include <string.h>

#include "ava/ava.h"

const char *ava_strerror(int err)
{
    switch (err) {
    case 0: return "success";
    case AVA_ERR_DECODE: return "the input cannot be demuxed or decoded";
    case AVA_ERR_NOVIDEO: return "the input has no decodable video stream";
    case AVA_ERR_STORE: return "the annotation database failed";
    case AVA_ERR_CONFIG: return "invalid preset or option";
    case AVA_ERR_OUTPUT: return "an output file could not be written";
    case AVA_ERR_LIMIT: return "the input exceeds a documented limit";
    case AVA_ERR_MODEL: return "a model file is missing or unusable";
    default: break;
    }
    if (err < 0 && err > -4096)
        return strerror(-err);
    return "unknown error";
}
