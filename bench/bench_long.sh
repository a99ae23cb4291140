#!/usr/bin/env bash
# Long runs: peak RSS of `ava analyze` on a 1-minute and a 60-minute input (a shared clip
# concatenated, stream copy), measured in one run; memory must stay within 10 %.
# usage: bench_long.sh AVA [VIDEO]
set -euo pipefail
ava=$1
root=$(cd "$(dirname "$0")/.." && pwd)
video=${2:-$root/../shared/media/video/zwm_clip_01_tears_of_steel.mp4}
work=$(mktemp -d "${TMPDIR:-/tmp}/ava-bench-long.XXXXXX")
trap 'rm -rf "$work"' EXIT
dur=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$video")
make() { # minutes output
  local n
  n=$(awk -v d="$dur" -v m="$1" 'BEGIN { print int(m * 60 / d + 0.5) }')
  for _ in $(seq "$n"); do echo "file '$video'"; done > "$work/list.txt"
  ffmpeg -v error -f concat -safe 0 -i "$work/list.txt" -map 0:v -c copy "$2"
}
make 1 "$work/m1.mp4"
make 60 "$work/m60.mp4"
echo "machine: $(nproc) cores; commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null)"
for m in 1 60; do
  t0=$(date +%s.%N)
  kb=$(/usr/bin/time -f %M "$ava" analyze "$work/m$m.mp4" -o "$work/o$m" -q 2>&1 >/dev/null | tail -1)
  t1=$(date +%s.%N)
  frames=$(sqlite3 "$work/o$m/ava.sqlite" 'select count(*) from frames')
  echo "$m min: $frames frames, peak RSS $((kb / 1024)) MiB, $(echo "$t1 $t0" | awk '{printf "%.1f", $1 - $2}') s"
  eval "kb$m=$kb"
done
awk -v a="$kb60" -v b="$kb1" 'BEGIN { printf "ratio peak 60 min / 1 min: %.3f (target <= 1.10)\n", a / b }'
