#!/usr/bin/env bash
# Frames fetched again after pass 1 (stills here) are decoded from the keyframe before them,
# not from an earlier one: psd_testvideo is MP4 with B-frames (its keyframes' dts come before
# their pts, which once made every seek land a GOP early). The frames decoded for the stills
# must be, for each keyframe before a still, those from it through its last still: worked out
# here from ffprobe's packets and the picks in the database.
source "$(dirname "$0")/common.sh" "$@"
v=$VIDEO/psd_testvideo.mp4
need_media "$v"
AVA_MODELS_DIR=/nonexistent "$AVA" analyze "$v" -o "$SCRATCH/out" -j 2 -v \
  > /dev/null 2> "$SCRATCH/log"
check "analyze runs" test -s "$SCRATCH/out/ava.sqlite"
# presentation index of each keyframe: packets sorted by pts, numbered from 0
ffprobe -v error -select_streams v:0 -show_entries packet=pts,flags -of csv=p=0 "$v" |
  sort -t, -k1,1n | awk -F, '$2 ~ /K/ { print NR - 1 }' > "$SCRATCH/keys"
check_eq "keyframes" "$(tr '\n' ' ' < "$SCRATCH/keys")" "0 30 180 480 "
q "$SCRATCH/out/ava.sqlite" "select frame from picks order by frame" > "$SCRATCH/picks"
check "some picks" test -s "$SCRATCH/picks"
want=$(awk 'NR == FNR { key[n++] = $1; next }
  { k = 0; for (i = 0; i < n; i++) if (key[i] <= $1) k = key[i]; last[k] = $1 }
  END { for (k in last) { sum += last[k] - k + 1; g++ } print sum, g }' "$SCRATCH/keys" "$SCRATCH/picks")
got=$(sed -n 's/.* stills fetched: \([0-9]*\) frames decoded in \([0-9]*\) groups$/\1 \2/p' "$SCRATCH/log")
check_eq "frames decoded for the stills, groups" "$got" "$want"
finish
