#!/usr/bin/env bash
# README command 1: install what ava needs, build it, and analyse a real video
# (VIDEO=path to choose one; default: Megamind.avi from Debian's opencv-doc).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# A relative VIDEO is relative to where the command was started.
if [ -n "${VIDEO:-}" ] && [ "${VIDEO#/}" = "$VIDEO" ]; then VIDEO=$PWD/$VIDEO; fi
cd "$root"
bash scripts/setup-deps.sh
[ -x scripts/fetch-models.sh ] && bash scripts/fetch-models.sh
bash scripts/build.sh
video=${VIDEO:-$(bash scripts/fetch-sample.sh)}
out=${OUT:-$root/out/$(basename "${video%.*}")}
./build/tools/ava analyze "$video" -o "$out"
echo "report: $out/report.html"
