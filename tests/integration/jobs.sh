#!/usr/bin/env bash
# Results do not depend on parallelism or chunking: -j 1 and -j 2 over 40-frame chunks, and
# one single chunk, give identical rows (frames without the chunk column, shots, picks).
source "$(dirname "$0")/common.sh" "$@"
src=$VIDEO/zwm_clip_03_sintel.mp4
need_media "$src"
# Re-encoded with a keyframe every 30 frames, so that 40-frame chunks exist (the original
# has a single keyframe); B-frames keep presentation and decode order apart.
clip=$SCRATCH/sintel_gop30.mp4
ffmpeg -v error -i "$src" -an -c:v libx264 -g 30 -bf 2 -preset veryfast "$clip"
check "-j 1, 40-frame chunks" "$AVA" analyze "$clip" -o "$SCRATCH/j1" -q -j 1 --chunk-frames 40
check "-j 2, 40-frame chunks" "$AVA" analyze "$clip" -o "$SCRATCH/j2" -q -j 2 --chunk-frames 40
check "-j 1, one chunk" "$AVA" analyze "$clip" -o "$SCRATCH/one" -q -j 1
chunks=$(q "$SCRATCH/j2/ava.sqlite" 'select count(*) from chunks')
check "several chunks ($chunks)" test "$chunks" -gt 2
check_eq "-j 1 = -j 2" "$(dump "$SCRATCH/j1/ava.sqlite")" "$(dump "$SCRATCH/j2/ava.sqlite")"
check_eq "one chunk" "$(q "$SCRATCH/one/ava.sqlite" 'select count(*) from chunks')" 1
check_eq "chunked = single chunk" "$(dump "$SCRATCH/j2/ava.sqlite")" "$(dump "$SCRATCH/one/ava.sqlite")"
check_eq "every frame once" "$(q "$SCRATCH/j2/ava.sqlite" 'select count(*), count(distinct frame), min(frame), max(frame) from frames')" "240|240|0|239"
check_eq "no NULL diff after stitching" "$(q "$SCRATCH/j2/ava.sqlite" 'select count(*) from frames where content_delta is null')" 1
finish
