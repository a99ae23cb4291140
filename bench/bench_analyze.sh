#!/usr/bin/env bash
# End-to-end benchmark, all figures measured in this one run:
#  1. wall time of `ava analyze` (pass 1 alone and the whole run) against FFmpeg's own decode
#     of the same file (`ffmpeg -i X -f null -`, its default threads), best of 3 each;
#  2. peak RSS of `ava analyze` on the clip and on the clip concatenated 10 times.
# usage: bench_analyze.sh AVA [VIDEO]   (default VIDEO: ../shared/media/video/psd_testvideo.mp4)
set -euo pipefail
ava=$1
root=$(cd "$(dirname "$0")/.." && pwd)
video=${2:-$root/../shared/media/video/psd_testvideo.mp4}
work=$(mktemp -d "${TMPDIR:-/tmp}/ava-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }
best_of_3() { # prints the smallest wall time of three runs of "$@"
  local best=
  for _ in 1 2 3; do
    local t0 t1
    t0=$(now); "$@" >/dev/null 2>&1; t1=$(now)
    best=$(echo "$t1 $t0 $best" | awk '{d = $1 - $2; if ($3 == "" || d < $3) print d; else print $3}')
  done
  echo "$best"
}
pass1_best=
ava_run() {
  rm -rf "$work/out"
  "$ava" analyze "$video" -o "$work/out" -v 2> "$work/log.txt" >/dev/null
  sed -n 's/.*timing: .* pass1 \([0-9.]*\) s.*/\1/p' "$work/log.txt" >> "$work/pass1.txt"
}
peak_kb() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "commit:  $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "input:   $video ($(ffprobe -v error -select_streams v:0 -show_entries stream=codec_name,width,height,nb_frames -of csv=p=0 "$video"))"

t_ffmpeg=$(best_of_3 ffmpeg -v error -i "$video" -f null -)
: > "$work/pass1.txt"
t_ava=$(best_of_3 ava_run)
t_pass1=$(sort -g "$work/pass1.txt" | head -1)
echo "ffmpeg decode:        ${t_ffmpeg} s"
echo "ava pass 1:           ${t_pass1} s"
echo "ava analyze (total):  ${t_ava} s   (pass 1 + shots + rank + stills + report)"
awk -v a="$t_pass1" -v f="$t_ffmpeg" 'BEGIN { printf "ratio pass1 / ffmpeg: %.2f  (target <= 1.5)\n", a / f }'
awk -v a="$t_ava" -v f="$t_ffmpeg" 'BEGIN { printf "ratio total / ffmpeg: %.2f\n", a / f }'
# Where the time goes, from the last run's -v log: each pass-1 annotator (CPU ms per frame
# and its share of pass 1's CPU), then the stages of the whole run (wall seconds).
frames=$(sqlite3 "$work/out/ava.sqlite" 'select count(*) from frames')
grep -o 'annotator CPU ms/frame: .*' "$work/log.txt" | cut -d: -f2 |
  awk -v n="$frames" -v p1="$t_pass1" '{ for (i = 1; i < NF; i += 2) { ms = $(i + 1); tot += ms;
      printf "  annotator %-12s %.3f ms/frame, %4.1f %% of pass 1 CPU (2 cores)\n", $i, ms,
             100 * ms * n / 1000 / (2 * p1) }
    printf "  annotators together %.3f ms/frame\n", tot }'
stage() { sed -n "s/.*$1.* \([0-9.]*\) s\$/\1/p" "$work/log.txt" | tail -1; }
t_faces=$(stage 'faces [0-9]* on'); t_mat=$(stage 'maturity on')
sed -n 's/.*timing: scan \([0-9.]*\) s, pass1 \([0-9.]*\) s, merge+shots+rank \([0-9.]*\) s, export \([0-9.]*\) s.*/\1 \2 \3 \4/p' "$work/log.txt" |
  awk -v f="${t_faces:-0}" -v m="${t_mat:-0}" -v d="$t_ffmpeg" '{ tot = $1 + $2 + $3 + $4
    printf "  stages (s, x ffmpeg decode): scan %.2f, pass 1 %.2f (%.2fx), faces %.2f (%.2fx), maturity %.2f (%.2fx), rest of rank %.2f, export %.2f\n",
           $1, $2, $2 / d, f, f / d, m, m / d, $3 - f - m, $4 }'

for i in $(seq 10); do echo "file '$video'"; done > "$work/list.txt"
ffmpeg -v error -f concat -safe 0 -i "$work/list.txt" -map 0:v -c copy "$work/long.mp4"
m1=$(peak_kb "$ava" analyze "$video" -o "$work/m1" -q)
m10=$(peak_kb "$ava" analyze "$work/long.mp4" -o "$work/m10" -q)
frames10=$(sqlite3 "$work/m10/ava.sqlite" 'select count(*) from frames')
echo "peak RSS 1x:          $((m1 / 1024)) MiB"
echo "peak RSS 10x:         $((m10 / 1024)) MiB  ($frames10 frames)"
awk -v a="$m10" -v b="$m1" 'BEGIN { printf "ratio peak 10x / 1x:  %.2f  (flat memory: ~1.0)\n", a / b }'
