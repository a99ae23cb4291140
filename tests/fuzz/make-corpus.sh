#!/usr/bin/env bash
# Makes the seed corpus of the media fuzz target in folder $1: tiny clips (32 px, 5 frames)
# in the containers and codecs ava meets most, a few KB each. Generated, never committed.
set -euo pipefail
mkdir -p "$1"
cd "$1"
gen() { ffmpeg -v error -y -f lavfi -i "testsrc2=size=32x32:rate=10:duration=0.5" "$@"; }
gen -c:v libx264 -g 3 -bf 1 -pix_fmt yuv420p h264.mp4
gen -c:v mpeg4 -g 3 mpeg4.avi
gen -c:v libvpx-vp9 -b:v 50k vp9.webm
gen -c:v mjpeg -q:v 10 mjpeg.mov
gen -c:v ffv1 -pix_fmt yuv420p10le ffv1_10bit.mkv
gen -c:v mpeg2video -f mpegts mpeg2.ts
