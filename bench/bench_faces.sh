#!/usr/bin/env bash
# Faces, measured in one run on one thread: faces per second for detection alone and for the
# whole per-face chain (`ava faces` on the faceapi group photos, 1920 px), and the analyze
# pipeline's time against FFmpeg's own decode on a face-heavy 720p clip.
# usage: bench_faces.sh AVA [MODELS_DIR]
set -euo pipefail
ava=$1
root=$(cd "$(dirname "$0")/.." && pwd)
models=${2:-$root/models}
media=$root/../shared/media
[ -f "$models/index.json" ] || { echo "skipped: no models in $models (scripts/fetch-models.sh)"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/ava-bench-faces.XXXXXX")
trap 'rm -rf "$work"' EXIT
now() { date +%s.%N; }
imgs=("$media"/stills/faceapi/sample*.jpg)
echo "machine: $(nproc) cores; commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null)"
t0=$(now)
"$ava" faces "${imgs[@]}" --models "$models" --no-descriptor > "$work/faces.json"
t1=$(now)
n=$(grep -o '"box"' "$work/faces.json" | wc -l)
awk -v n="$n" -v t="$(echo "$t1 $t0" | awk '{print $1 - $2}')" -v k="${#imgs[@]}" \
  'BEGIN { printf "full chain: %d faces in %d images, %.2f s: %.1f faces/s, %.0f ms per image\n", n, k, t, n / t, 1000 * t / k }'
t0=$(now)
for i in "${imgs[@]}"; do
  "$ava" faces "$i" --models "$models" --no-descriptor --crops >/dev/null 2>&1 || true
done
t1=$(now)
echo "(chain without detection on whole images as crops: $(echo "$t1 $t0" | awk '{printf "%.2f", $1 - $2}') s for ${#imgs[@]})"
clip=$media/video/lp_source_s18.mp4
t0=$(now); ffmpeg -v error -threads 1 -i "$clip" -f null -; t1=$(now)
tf=$(echo "$t1 $t0" | awk '{print $1 - $2}')
t0=$(now); AVA_MODELS_DIR=$models "$ava" analyze "$clip" -o "$work/out" -q -j 1; t1=$(now)
ta=$(echo "$t1 $t0" | awk '{print $1 - $2}')
awk -v a="$ta" -v f="$tf" 'BEGIN { printf "analyze with faces (1 thread) %.2f s, ffmpeg decode (1 thread) %.2f s: ratio %.1f\n", a, f, a / f }'
