#!/usr/bin/env bash
# Hard cuts at known frames in a clip made here: three 40-frame segments of different
# test patterns at 25 fps, so the shots must start at frames 0, 40 and 80.
source "$(dirname "$0")/common.sh" "$@"
clip=$SCRATCH/cuts.mp4
ffmpeg -v error -f lavfi -i "testsrc2=size=320x240:rate=25:duration=1.6" \
  -f lavfi -i "smptebars=size=320x240:rate=25:duration=1.6" \
  -f lavfi -i "mandelbrot=size=320x240:rate=25" -filter_complex \
  "[2]trim=end_frame=40,setpts=PTS-STARTPTS[m];[0][1][m]concat=n=3:v=1,format=yuv420p" \
  -c:v libx264 -g 30 "$clip"
check "analyze synthetic cuts" "$AVA" analyze "$clip" -o "$SCRATCH/out" -q -n 3
db=$SCRATCH/out/ava.sqlite
check_eq "frame count" "$(q "$db" 'select count(*) from frames')" 120
check_eq "shot starts" "$(q "$db" 'select group_concat(first_frame) from shots')" "0,40,80"
check_eq "cut kinds" "$(q "$db" 'select group_concat(start_kind) from shots')" "start,cut,cut"
check_eq "one pick per shot" "$(q "$db" 'select count(distinct shot) from picks')" 3
finish
