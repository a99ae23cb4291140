#!/usr/bin/env bash
# Benchmark of the nets (src/nn/), all figures measured in this one run:
#  1. ava's single-thread latency per net, median of N runs after 3 warm-up runs, on the
#     images of the parity tests (bench/bench_nets.c lists them);
#  2. onnxruntime-node's latency (1 thread) on the same PP-OCRv4 det input at 640x640
#     (bench/ort_det.mjs; the net input ava built, so both run on identical tensors), and
#     the ratio ava / onnxruntime (issue 3's target: <= 0.6), of wall times and of CPU times
#     (ava: the thread's; onnxruntime: the node process's), the latter not skewed when other
#     processes share the cores;
#  3. peak RSS with all nets open at once and run once (a separate process).
# onnxruntime-node is installed by npm, pinned, with --ignore-scripts (its install script only
# fetches GPU libraries), into a cache next to the executable (build/bench/ort-node/) or
# $AVA_BENCH_NODE_CACHE. Without node or npm, or if the install fails, its line says skipped.
# usage: bench_nets.sh BENCH_NETS [MODELS] [MEDIA]
#   (defaults: <source>/models, <source>/../shared/media; AVA_BENCH_RUNS=N: N runs per net)
set -euo pipefail
exe=$1
root=$(cd "$(dirname "$0")/.." && pwd)
models=${2:-${AVA_MODELS_DIR:-$root/models}}
media=${3:-$root/../shared/media}
ort_version=1.30.0
cache=${AVA_BENCH_NODE_CACHE:-$(cd "$(dirname "$exe")" && pwd)/ort-node}

if [ ! -d "$models" ]; then
  echo "bench nets: $models absent: skipped (run scripts/fetch-models.sh)"
  exit 77
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/ava-bench-nets.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')," \
     "load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "commit:  $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo

"$exe" "$models" "$media" --dump-det "$work/det" | tee "$work/latency.txt"
ava_ms= ava_cpu= ava_cpu_min=
read -r ava_ms ava_cpu ava_cpu_min 2>/dev/null < "$work/det.ms" || true

ort_line=
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  ort_why="node or npm not found"
else
  installed=$(node -p "require('$cache/node_modules/onnxruntime-node/package.json').version" \
              2>/dev/null || true)
  if [ "$installed" != "$ort_version" ]; then
    mkdir -p "$cache"
    npm install --prefix "$cache" --silent --no-audit --no-fund --ignore-scripts \
        "onnxruntime-node@$ort_version" >/dev/null 2>"$work/npm.log" || true
  fi
  if [ -z "$ava_ms" ]; then
    ort_why="no ava text detection time"
  elif ort_line=$(node "$root/bench/ort_det.mjs" "$cache" "$models" "$work/det" \
                    "${AVA_BENCH_RUNS:-15}" 2>"$work/ort.log") && [ -n "$ort_line" ]; then
    ort_why=
  else
    ort_why="onnxruntime-node@$ort_version unavailable: $(cat "$work/npm.log" "$work/ort.log" 2>/dev/null | grep . | tail -1)"
    ort_line=
  fi
fi
if [ -n "$ort_line" ]; then
  read -r _ ver ort_ms ort_min ort_runs map_err ort_cpu ort_cpu_min <<<"$ort_line"
  printf '%-20s %-28s %6.2f ms %6.2f ms %5d %6.2f ms\n' "onnxruntime-node" \
         "640x640, same input, $ver" "$ort_ms" "$ort_min" "$ort_runs" "$ort_cpu"
  echo "  (1 thread, session.run alone; ava's line includes pre/post-processing;"
  echo "   max |map difference| from ava's: $map_err)"
  ava_min=$(awk '$1 == "PP-OCRv4" { print $(NF - 4) }' "$work/latency.txt")
  awk -v a="$ava_ms" -v o="$ort_ms" -v am="$ava_min" -v om="$ort_min" -v ac="$ava_cpu" \
      -v oc="$ort_cpu" -v acm="$ava_cpu_min" -v ocm="$ort_cpu_min" 'BEGIN {
        printf "ratio ava / onnxruntime, PP-OCRv4 det 640x640: %.2f  (min: %.2f; target <= 0.6)\n", a / o, am / om
        printf "ratio of CPU times (what a loaded machine skews less): %.2f  (min: %.2f)\n", ac / oc, acm / ocm }'
else
  echo "onnxruntime-node (PP-OCRv4 det 640x640, 1 thread): skipped ($ort_why)"
  echo "ratio ava / onnxruntime: skipped"
fi
echo

"$exe" "$models" "$media" --mem
