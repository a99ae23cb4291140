#!/usr/bin/env bash
# Every shared clip analyses cleanly: exit 0, one frames row per frame ffprobe counts, and
# stills at the display size.
source "$(dirname "$0")/common.sh" "$@"
for f in "$VIDEO"/*; do
  b=$(basename "$f")
  rm -rf "$SCRATCH/out"
  check "$b" "$AVA" analyze "$f" -o "$SCRATCH/out" -q -n 3
  want=$(ffprobe -v error -select_streams v:0 -count_frames -show_entries stream=nb_read_frames -of csv=p=0 "$f" 2>/dev/null | tr -dc 0-9)
  check_eq "$b: frames" "$(q "$SCRATCH/out/ava.sqlite" 'select count(*) from frames')" "$want"
  dw=$(q "$SCRATCH/out/ava.sqlite" "select display_width||'x'||display_height from title")
  still=$(ls "$SCRATCH"/out/stills/* 2>/dev/null | grep -v thumb | head -1)
  [ -n "$still" ] && check_eq "$b: still size" "$(dims "$still")" "$dw"
done
finish
