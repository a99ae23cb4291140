#!/usr/bin/env bash
# Scale-out benchmark, measured in one run: wall time of ava-mpi with 1 and 2 ranks (one
# thread each) on a longer input (the clip concatenated to about 4 minutes), and the scaling
# efficiency T1 / (2 * T2).
# usage: bench_mpi.sh AVA_MPI [VIDEO]
set -euo pipefail
ava_mpi=$1
root=$(cd "$(dirname "$0")/.." && pwd)
video=${2:-$root/../shared/media/video/zwm_clip_01_tears_of_steel.mp4}
work=$(mktemp -d "${TMPDIR:-/tmp}/ava-bench-mpi.XXXXXX")
trap 'rm -rf "$work"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
for i in $(seq 24); do echo "file '$video'"; done > "$work/list.txt"
ffmpeg -v error -f concat -safe 0 -i "$work/list.txt" -map 0:v -c:v libx264 -g 48 -preset veryfast "$work/long.mp4"
frames=$(ffprobe -v error -count_packets -select_streams v:0 -show_entries stream=nb_read_packets -of csv=p=0 "$work/long.mp4")
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "commit:  $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "input:   $video x24 re-encoded, $frames frames"
run() { # ranks
  local t0 t1
  rm -rf "$work/out"
  t0=$(date +%s.%N)
  mpirun --oversubscribe -n "$1" "$ava_mpi" analyze "$work/long.mp4" -o "$work/out" --chunks 16 -j 1 -q 2>/dev/null
  t1=$(date +%s.%N)
  echo "$t1 $t0" | awk '{print $1 - $2}'
}
t1=$(run 1)
t2=$(run 2)
echo "1 rank:  ${t1} s"
echo "2 ranks: ${t2} s"
awk -v a="$t1" -v b="$t2" 'BEGIN { printf "speed-up %.2f, scaling efficiency %.0f %% (target >= 85 %% on 2 cores)\n", a / b, 100 * a / (2 * b) }'
