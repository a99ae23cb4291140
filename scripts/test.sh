#!/usr/bin/env bash
# README command 2: install what ava needs, build it, and run the whole test suite.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/setup-deps.sh
[ -x scripts/fetch-models.sh ] && bash scripts/fetch-models.sh
bash scripts/setup-browser.sh
bash scripts/build.sh
meson test -C build --print-errorlogs --num-processes 2 "$@"
