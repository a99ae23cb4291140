#!/usr/bin/env bash
# Timestamps come from the stream, never from frame counts: a variable-frame-rate clip
# made here (frames 0-29 every 40 ms, then every 100 ms) and a clip whose video starts late.
source "$(dirname "$0")/common.sh" "$@"
vfr=$SCRATCH/vfr.mkv
ffmpeg -v error -f lavfi -i "testsrc2=size=320x240:rate=25:duration=2.4" \
  -vf "setpts='if(lt(N,30),N*0.04,1.2+(N-30)*0.1)/TB',format=yuv420p" -fps_mode passthrough \
  -c:v libx264 -bf 0 "$vfr"
check "analyze VFR clip" "$AVA" analyze "$vfr" -o "$SCRATCH/vfr" -q -n 3
db=$SCRATCH/vfr/ava.sqlite
check_eq "all frames kept" "$(q "$db" 'select count(*) from frames')" 60
# The oracle: ffprobe's presentation timestamps of the decoded frames (the muxer rounds the
# requested times to its millisecond time base, so they are not exactly the formula's).
ffprobe -v error -select_streams v:0 -show_entries frame=best_effort_timestamp_time -of csv=p=0 "$vfr" |
  sed 's/,.*//' | grep -E '^[0-9.]+$' | awk '{printf "%d|%.3f\n", NR - 1, $1}' > "$SCRATCH/want.txt"
q "$db" 'select frame, printf("%.3f", t_s) from frames order by frame' > "$SCRATCH/got.txt"
check "every frame's time equals ffprobe's" cmp -s "$SCRATCH/want.txt" "$SCRATCH/got.txt"
check_eq "VFR frame 10 time" "$(q "$db" 'select printf("%.3f", t_s) from frames where frame=10')" "0.400"
check "slow part spaced ~0.1 s" awk -F'|' 'NR>31 && NR<60 {d = $2 - p; if (d < 0.07 || d > 0.13) exit 1} {p = $2}' "$SCRATCH/got.txt"
# Timecodes follow t_s: a pick's timecode seconds equal floor(t_s).
bad_tc=$(q "$db" "select count(*) from picks p join frames f on f.frame=p.frame where cast(substr(p.timecode,7,2) as integer) != cast(f.t_s as integer) % 60")
check_eq "timecodes from timestamps" "$bad_tc" 0
finish
