#!/usr/bin/env bash
# Installs every Debian package ava needs to build, run and test. Idempotent.
set -euo pipefail

packages=(
  build-essential pkg-config meson ninja-build clang libclang-rt-14-dev git
  ffmpeg libavformat-dev libavcodec-dev libavutil-dev libswscale-dev
  libsqlite3-dev sqlite3 libcjson-dev
  libturbojpeg0-dev libjpeg-dev libpng-dev libwebp-dev
  libxnnpack-dev libpthreadpool-dev
  libprotobuf-c-dev protobuf-c-compiler libonnx-dev
  libfftw3-dev libopenblas-dev
  libopenmpi-dev openmpi-bin
  opencv-doc chromium
  ca-certificates python3 time
)

missing=()
# The machine may already carry a Node.js that bundles npm (and conflicts with Debian's npm).
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "setup-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
