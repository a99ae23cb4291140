#!/usr/bin/env bash
# The report of a 10-minute title in the headless browser: a shared 10 s clip looped to
# 600 s (stream copy), analysed, then report.html opened in Debian's Chromium offline
# (bench/report_open.mjs): DOMContentLoaded and load time, the page's and the output
# folder's size. usage: bench_report.sh AVA [MINUTES]
set -euo pipefail
ava=$1
minutes=${2:-10}
root=$(cd "$(dirname "$0")/.." && pwd)
media=$root/../shared/media
clip=$media/video/zwm_clip_01_tears_of_steel.mp4
[ -f "$clip" ] || { echo "skipped: no $clip"; exit 77; }
[ -x /usr/bin/chromium ] || { echo "skipped: no /usr/bin/chromium"; exit 77; }
[ -d "$root/tests/browser/node_modules/playwright-core" ] || { echo "skipped: run scripts/setup-browser.sh"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/ava-bench-report.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "machine: $(nproc) cores, $(chromium --version 2>/dev/null | head -1); commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null)"
loops=$((minutes * 6 - 1))
ffmpeg -v error -stream_loop "$loops" -i "$clip" -c copy -t "$((minutes * 60))" "$work/long.mp4"
echo "input: $(ffprobe -v error -show_entries format=duration -of csv=p=0 "$work/long.mp4") s, $(ffprobe -v error -select_streams v:0 -show_entries stream=width,height -of csv=p=0:s=x "$work/long.mp4")"
t0=$(date +%s.%N)
"$ava" analyze "$work/long.mp4" -o "$work/out" -q
t1=$(date +%s.%N)
echo "analyze: $(echo "$t1 $t0" | awk '{printf "%.1f", $1 - $2}') s, $(sqlite3 "$work/out/ava.sqlite" 'select count(*) from frames') frames, $(sqlite3 "$work/out/ava.sqlite" 'select count(*) from picks') picks"
node "$root/bench/report_open.mjs" "$work/out" 5
echo "report.html: $(stat -c %s "$work/out/report.html") bytes; output folder: $(du -sk "$work/out" | cut -f1) KiB ($(du -sk "$work/out/stills" | cut -f1) KiB stills, $(du -sk "$work/out/ava.sqlite" | cut -f1) KiB ava.sqlite)"
