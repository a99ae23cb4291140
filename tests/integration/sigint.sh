#!/usr/bin/env bash
# SIGINT in the middle of pass 1 of a multi-chunk run (-j 2): ava stops at once with exit
# status 130 and a message, drops only the chunks in progress, keeps every finished shard and
# the earlier outputs; the same command again reuses the finished shards and ends with a
# database row for row equal to an uninterrupted run's. SIGTERM: the same, status 143.
source "$(dirname "$0")/common.sh" "$@"
src=$VIDEO/zwm_clip_01_tears_of_steel.mp4
need_media "$src"
# Faces (pass 2) play no part in stopping and resuming pass 1 and cost most of the time.
export AVA_MODELS_DIR=$SCRATCH/no-models
clip=$SCRATCH/tos_gop24.mp4
ffmpeg -v error -i "$src" -an -c:v libx264 -g 24 -bf 2 -preset veryfast "$clip"
long=$SCRATCH/long.mp4
for i in 1 2 3 4 5 6; do echo "file '$clip'"; done > "$SCRATCH/list.txt"
ffmpeg -v error -f concat -safe 0 -i "$SCRATCH/list.txt" -c copy "$long"
opts=(-j 2 --chunk-frames 120)    # 1440 frames, 12 chunks
check "uninterrupted run" "$AVA" analyze "$long" -o "$SCRATCH/ref" -q "${opts[@]}"
ref=$(dump "$SCRATCH/ref/ava.sqlite")

# Earlier outputs in the folder: a good run of another clip.
out=$SCRATCH/out
check "earlier run" "$AVA" analyze "$VIDEO/faceapijs_test_video.mp4" -o "$out" -q
files() { (cd "$1" && find . -path ./.ava-shards -prune -o -type f -print | sort | xargs sha256sum); }
before=$(files "$out")

interrupt() { # interrupt SIGNAL K: start the run, signal it once K shards exist; sets rc, n
  "$AVA" analyze "$long" -o "$out" "${opts[@]}" 2> "$SCRATCH/err.txt" &
  local pid=$!
  n=0
  for _ in $(seq 600); do
    n=$(ls "$out"/.ava-shards/*/chunk-*.sqlite 2>/dev/null | wc -l)
    [ "$n" -ge "$2" ] && break
    sleep 0.05
  done
  kill -s "$1" $pid
  wait $pid
  rc=$?
}
interrupt INT 2
check_eq "SIGINT: exit status 130" "$rc" 130
check "SIGINT: says so" grep -q "stopped by SIGINT (exit status 130)" "$SCRATCH/err.txt"
check "SIGINT: names the kept shards and how to resume" \
  grep -q "interrupted in pass 1: [0-9]* of 12 chunk shards are finished and kept in .*the same command again resumes" \
  "$SCRATCH/err.txt"
kept=$(ls "$out"/.ava-shards/*/chunk-*.sqlite | wc -l)
check "finished shards kept ($kept, $n when signalled)" test "$kept" -ge "$n" -a "$kept" -lt 12
check_eq "no partial shard left" "$(find "$out" -name '*.tmp' | wc -l)" 0
check_eq "no staging folder left" "$(ls -A "$out" | grep -c staging)" 0
check_eq "earlier outputs untouched" "$(files "$out")" "$before"

# SIGTERM (a batch system cancelling the job) on top of it: more shards, same rules.
interrupt TERM $((kept + 1))
check_eq "SIGTERM: exit status 143" "$rc" 143
check "SIGTERM: says so" grep -q "stopped by SIGTERM (exit status 143)" "$SCRATCH/err.txt"
check "SIGTERM: earlier shards reused" grep -q "reused $kept finished shard" "$SCRATCH/err.txt"
kept=$(ls "$out"/.ava-shards/*/chunk-*.sqlite | wc -l)
check_eq "earlier outputs still untouched" "$(files "$out")" "$before"

"$AVA" analyze "$long" -o "$out" "${opts[@]}" 2> "$SCRATCH/err.txt"
check "resumed run succeeds" test $? -eq 0
check "resumed run reused the kept shards" grep -q "reused $kept finished shards of 12" "$SCRATCH/err.txt"
check_eq "resumed = uninterrupted" "$(dump "$out/ava.sqlite")" "$ref"
check_eq "shards removed after success" "$(ls -A "$out" | grep -c ava-shards)" 0

# SIGINT after pass 1, in the faces pass (models on): it stops within seconds, not at the
# end of the pass, and leaves the previous outputs as they were.
models=$(dirname "$0")/../../models
if [ -f "$models/index.json" ] || [ -d "$models/ssd_mobilenetv1" ]; then
  unset AVA_MODELS_DIR
  before=$(files "$out")
  ham=$SCRATCH/ham6.mp4
  for i in 1 2 3 4 5 6; do echo "file '$VIDEO/fr_short_hamilton_clip.mp4'"; done > "$SCRATCH/ham.txt"
  ffmpeg -v error -f concat -safe 0 -i "$SCRATCH/ham.txt" -c copy "$ham"
  "$AVA" analyze "$ham" -o "$out" -v 2> "$SCRATCH/err.txt" &
  pid=$!
  for _ in $(seq 1200); do grep -q "shots .*transitions" "$SCRATCH/err.txt" && break; sleep 0.05; done
  t0=$(date +%s.%N)
  kill -s INT $pid
  wait $pid
  rc=$?
  t1=$(date +%s.%N)
  check_eq "SIGINT in the faces pass: exit status 130" "$rc" 130
  check "SIGINT in the faces pass: stopped within 20 s" awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 20) }'
  check "SIGINT in the faces pass: not finished" bash -c "! grep -q 'stills [0-9]*, report' '$SCRATCH/err.txt'"
  check_eq "SIGINT in the faces pass: earlier outputs untouched" "$(files "$out")" "$before"
fi
finish
