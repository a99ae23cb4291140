#!/usr/bin/env bash
# The input matrix of hostile and unusual files, each made here by ffmpeg from a real clip:
# every one is analysed (exit 0, frames as ffprobe counts them when it can) or refused
# (non-zero exit, the file named in the message, no outputs left), never a crash or a hang.
source "$(dirname "$0")/common.sh" "$@"
src=$VIDEO/zwm_clip_02_caminandes.mp4
need_media "$src"
m=$SCRATCH/m
mkdir -p "$m"
ff() { ffmpeg -v error -y "$@"; }
base=$m/base.mp4
ff -i "$src" -t 2 -an -vf scale=320:180 -c:v libx264 -g 12 "$base"
size=$(stat -c %s "$base")
head -c $((size / 10)) "$base" > "$m/trunc10.mp4"
head -c $((size * 99 / 100)) "$base" > "$m/trunc99.mp4"
cp "$base" "$m/garbled.mp4"
dd if=/dev/urandom of="$m/garbled.mp4" bs=1 seek=$((size / 2)) count=2000 conv=notrunc status=none
head -c 5 /dev/zero > "$SCRATCH/gray1x1.raw"
ff -f rawvideo -pix_fmt gray -s 1x1 -r 5 -i "$SCRATCH/gray1x1.raw" -c:v ffv1 "$m/tiny_1x1.mkv"
ff -f lavfi -i "color=black:size=8000x8000:rate=1:duration=1" -frames:v 1 -c:v mjpeg "$m/huge_8000.avi"
ff -i "$base" -c:v libvpx-vp9 -b:v 200k "$m/vp9.webm"
ff -i "$base" -c:v mjpeg -q:v 5 "$m/mjpeg.avi"
ff -i "$base" -c:v prores_ks -profile:v 1 "$m/prores.mov"
ff -i "$base" -c:v mpeg2video -flags +ilme+ildct "$m/mpeg2.mpg"
ff -i "$base" -c copy -movflags frag_keyframe+empty_moov "$m/fragmented.mp4"
ff -i "$base" -vf "setpts='if(lt(N,20),PTS,PTS+10/TB)'" -fps_mode passthrough -c:v libx264 "$m/gap.mkv"
ff -i "$base" -vf scale=320:180 -c:v mpeg2video -f mpegts "$m/a.ts"
ff -i "$base" -vf scale=480:270 -c:v mpeg2video -f mpegts "$m/b.ts"
cat "$m/a.ts" "$m/b.ts" > "$m/reschange.ts"
ff -i "$base" -c copy -metadata:s:v rotate=270 "$m/rot270.mp4"
if ffmpeg -hide_banner -encoders 2>/dev/null | grep -q libaom-av1; then
  ff -i "$base" -t 0.5 -c:v libaom-av1 -cpu-used 8 -b:v 100k "$m/av1.webm"
fi
ok_or_refused() { # file
  local f=$1 name rc
  name=$(basename "$f")
  timeout 120 "$AVA" analyze "$f" -o "$SCRATCH/o-$name" -q -n 2 2> "$SCRATCH/err-$name"
  rc=$?
  if [ $rc -eq 0 ]; then
    n=$(q "$SCRATCH/o-$name/ava.sqlite" 'select count(*) from frames')
    check "$name: analysed ($n frames)" test "$n" -gt 0
  else
    check "$name: refused, not killed or hung (rc $rc)" test $rc -eq 1
    check "$name: message names the file" grep -q "$name" "$SCRATCH/err-$name"
    check "$name: no outputs" sh -c "! ls '$SCRATCH/o-$name' 2>/dev/null | grep -q ."
  fi
}
for f in "$m"/*; do
  case $f in *.ts) [ "$(basename "$f")" = reschange.ts ] || continue ;; esac
  ok_or_refused "$f"
done
check_eq "1x1 refused by the limit" "$(grep -c 'smaller than the 16 px minimum' "$SCRATCH/err-tiny_1x1.mkv")" 1
check_eq "8000x8000 refused by the limit" "$(grep -c 'exceeds the limit' "$SCRATCH/err-huge_8000.avi")" 1
for f in vp9.webm mjpeg.avi prores.mov mpeg2.mpg fragmented.mp4 gap.mkv rot270.mp4; do
  want=$(ffprobe -v error -select_streams v:0 -count_frames -show_entries stream=nb_read_frames -of csv=p=0 "$m/$f" | tr -dc 0-9)
  check_eq "$f: every frame" "$(q "$SCRATCH/o-$f/ava.sqlite" 'select count(*) from frames')" "$want"
done
check_eq "rotation 270: portrait display" "$(q "$SCRATCH/o-rot270.mp4/ava.sqlite" "select display_width||'x'||display_height from title")" "180x320"
gap=$(q "$SCRATCH/o-gap.mkv/ava.sqlite" "select printf('%.1f', t_s) from frames where frame = 20")
check "timestamp gap kept: frame 20 at $gap s (>= 10)" awk -v t="$gap" 'BEGIN{exit !(t >= 10)}'
finish
