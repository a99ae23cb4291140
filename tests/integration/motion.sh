#!/usr/bin/env bash
# Camera motion on clips made here from a real still (skimage astronaut, 512x512): a crop
# window sliding 4 px/frame to the right (content moves left 4 px/frame: the camera pans
# right), a window sliding down (tilt down), a zoom in about the centre by zoompan, and the
# still held (static).
source "$(dirname "$0")/common.sh" "$@"
img=$MEDIA/stills/skimage/astronaut.png
need_media "$img"
mk() { ffmpeg -v error -loop 1 -framerate 25 -i "$img" -t 2 -vf "$1,format=yuv420p" -c:v libx264 -g 10 "$SCRATCH/$2.mp4"; }
mk "crop=320:240:x='20+4*n':y=100" pan
mk "crop=320:240:x=100:y='10+3*n'" tilt
mk "zoompan=z='1+0.01*on':x='iw/2-iw/zoom/2':y='ih/2-ih/zoom/2':d=1:s=320x240:fps=25" zoom
mk "crop=320:240:x=100:y=100" static
for c in pan tilt zoom static; do
  check "analyze $c" "$AVA" analyze "$SCRATCH/$c.mp4" -o "$SCRATCH/o-$c" -q -n 1
done
cam() { q "$SCRATCH/o-$1/ava.sqlite" "select camera from shots order by id limit 1"; }
check_eq "sliding window right: pan right" "$(cam pan)" pan_right
check_eq "sliding window down: tilt down" "$(cam tilt)" tilt_down
check_eq "zoompan: zoom in" "$(cam zoom)" zoom_in
check_eq "held still: static" "$(cam static)" static
# The crop moves 4 source px/frame = 4 analysis px (320 wide): content dx = -4/320 per frame.
dx=$(q "$SCRATCH/o-pan/ava.sqlite" "select avg(motion_dx) * 320 from frames where frame between 2 and 45")
check "pan speed $dx px/frame within 0.3 of -4" awk -v d="$dx" 'BEGIN{exit !(d > -4.3 && d < -3.7)}'
dy=$(q "$SCRATCH/o-tilt/ava.sqlite" "select avg(motion_dy) * 320 from frames where frame between 2 and 45")
check "tilt speed $dy px/frame within 0.3 of -3" awk -v d="$dy" 'BEGIN{exit !(d > -3.3 && d < -2.7)}'
finish
