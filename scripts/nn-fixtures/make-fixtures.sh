#!/bin/bash
# SPDX-License-Identifier: MIT
# Regenerate the nn parity fixtures in tests/data/nn/ by running the original JavaScript
# packages under node (tfjs CPU backend). Run once after scripts/fetch-models.sh; the outputs
# are committed, so the tests never need node.
#
#   scripts/nn-fixtures/make-fixtures.sh
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
models=${AVA_MODELS_DIR:-$root/models}
media=${AVA_MEDIA_DIR:-$root/../shared/media}
out=$root/tests/data/nn
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$root/scripts/fetch-models.sh" >/dev/null
tgz=$models/.cache/vladmandic-face-api-1.7.15.tgz
tar -xzf "$tgz" -C "$work" package/dist/face-api.esm.js package/package.json
cc -O2 -o "$work/jpeg2ppm" "$root/scripts/nn-fixtures/jpeg2ppm.c" \
   $(pkg-config --cflags --libs libturbojpeg)

images=(faceapi/sample1.jpg facedetect/grace_hopper_512x512.jpg faceapijs/test/images/faces.jpg)
args=()
for img in "${images[@]}"; do
  ppm=$work/$(echo "$img" | tr / _).ppm
  "$work/jpeg2ppm" "$media/stills/$img" > "$ppm"
  args+=("$img=$ppm")
done
mkdir -p "$out"
node "$root/scripts/nn-fixtures/tiny_face.mjs" "$work/package" "$models" "$out" "${args[@]}"
node "$root/scripts/nn-fixtures/landmark68.mjs" "$work/package" "$models" "$out" "${args[@]}"
node "$root/scripts/nn-fixtures/ssd_face.mjs" "$work/package" "$models" "$out" "${args[@]}"

# Face crop nets (expression, descriptor, age/gender) on face-api's expression examples.
args=()
for e in angry disgusted fearful happy neutral sad surprised; do
  img=faceapijs/examples/images/$e.jpg
  "$work/jpeg2ppm" "$media/stills/$img" > "$work/$e.ppm"
  args+=("$img=$work/$e.ppm")
done
node "$root/scripts/nn-fixtures/face_nets.mjs" "$work/package" "$models" "$out" "${args[@]}"

# nsfwjs MobileNetV2 under @tensorflow/tfjs (CPU backend), from the npm registry into $work;
# the nsfwjs package is the checksummed tarball fetch-models.sh keeps.
(cd "$work" && npm install --silent --no-audit --no-fund \
  "$models/.cache/nsfwjs-4.4.0.tgz" @tensorflow/tfjs@4.22.0 >/dev/null)
args=()
for img in faceapi/sample1.jpg facedetect/640px-IceBlockNearJoekullsarlon.jpg \
           misc/yolov5_bus.jpg opencv_doc/messi5.jpg pyfeat/BWPictureHuman.jpg; do
  ppm=$work/nsfw_$(echo "$img" | tr / _).ppm
  "$work/jpeg2ppm" "$media/stills/$img" > "$ppm"
  args+=("$img=$ppm")
done
node "$root/scripts/nn-fixtures/nsfw.mjs" "$work" "$out" "${args[@]}"

# PP-OCRv4 det under onnxruntime-node (1 thread). Its install script only downloads GPU
# libraries (and needs the network), so it is skipped; the CPU binaries ship in the package.
(cd "$work" && npm install --silent --no-audit --no-fund --ignore-scripts \
  onnxruntime-node@1.30.0 >/dev/null)
args=()
for img in opencv_doc/imageTextN.png opencv_doc/imageTextR.png skimage/text.png; do
  ppm=$work/text_$(echo "$img" | tr / _).ppm
  ffmpeg -loglevel error -y -i "$media/stills/$img" -pix_fmt rgb24 -f image2 -c:v ppm "$ppm"
  args+=("$img=$ppm")
done
node "$root/scripts/nn-fixtures/text_det.mjs" "$work" "$models" "$out" "${args[@]}"
