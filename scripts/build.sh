#!/usr/bin/env bash
# Configures (once) and builds ava into build/. Extra arguments go to `meson setup`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [ ! -f build/build.ninja ]; then
  meson setup build "$@" >/dev/null
fi
ninja -C build >/dev/null
echo "build: $root/build/tools/ava"
