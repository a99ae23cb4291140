/* SPDX-License-Identifier: MIT */
/** @file Container names for the report's header (see report_container.h). */
#include "src/report/report_container.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

typedef struct {
    const char *ext, *demuxer, *name;
} Container;

static const Container containers[] = {
    { "mp4", "mp4", "MP4" },          { "m4v", "mp4", "MP4" },
    { "mov", "mov", "QuickTime (MOV)" }, { "qt", "mov", "QuickTime (MOV)" },
    { "3gp", "3gp", "3GP" },          { "3g2", "3g2", "3G2" },
    { "mj2", "mj2", "Motion JPEG 2000" },
    { "mkv", "matroska", "Matroska (MKV)" }, { "webm", "webm", "WebM" },
    { "avi", "avi", "AVI" },          { "mxf", "mxf", "MXF" },
    { "ts", "mpegts", "MPEG-TS" },    { "m2ts", "mpegts", "MPEG-TS (M2TS)" },
    { "mts", "mpegts", "MPEG-TS (MTS)" },
    { "mpg", "mpeg", "MPEG-PS" },     { "mpeg", "mpeg", "MPEG-PS" },
    { "vob", "mpeg", "MPEG-PS (VOB)" },
    { "flv", "flv", "FLV" },          { "ogv", "ogg", "Ogg" }, { "ogg", "ogg", "Ogg" },
    { "wmv", "asf", "WMV (ASF)" },    { "asf", "asf", "ASF" },
    { "y4m", "yuv4mpegpipe", "Y4M" },
};

/* Whether @p name is one of the comma-separated names of @p list. */
static int in_list(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && strncmp(p, name, n) == 0)
            return 1;
        if (!e)
            break;
        p = e + 1;
    }
    return 0;
}

void ava_report_container_name(char *out, size_t size, const char *file_name, const char *demuxer)
{
    if (!size)
        return;
    out[0] = '\0';
    if (!demuxer || !*demuxer)
        return;
    const char *dot = file_name ? strrchr(file_name, '.') : NULL;
    if (dot && !strchr(dot, '/'))
        for (size_t i = 0; i < sizeof(containers) / sizeof(containers[0]); i++)
            if (strcasecmp(dot + 1, containers[i].ext) == 0 && in_list(demuxer, containers[i].demuxer)) {
                snprintf(out, size, "%s", containers[i].name);
                return;
            }
    size_t len = strcspn(demuxer, ",");
    snprintf(out, size, "%.*s", (int)len, demuxer);
}
