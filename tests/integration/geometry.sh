#!/usr/bin/env bash
# Stills look as a player shows them: rotation metadata (psd_issue-134-rotate.mp4, -90)
# and non-square pixels (a 320x240 clip with SAR 2:1 made here), compared with FFmpeg's
# own autorotate and an explicit scale to the display aspect.
source "$(dirname "$0")/common.sh" "$@"
rot=$VIDEO/psd_issue-134-rotate.mp4
need_media "$rot"
check "analyze rotated clip" "$AVA" analyze "$rot" -o "$SCRATCH/rot" -q -n 1
still=$(ls "$SCRATCH"/rot/stills/*.jpg | grep -v thumb | head -1)
check_eq "rotated still is portrait" "$(dims "$still")" "544x1280"
frame=$(basename "$still" | sed 's/.*_f0*\([0-9][0-9]*\)\..*/\1/')
ffmpeg -v error -i "$rot" -vf "select=eq(n\,$frame)" -frames:v 1 "$SCRATCH/ff_rot.png"
p=$(psnr "$still" "$SCRATCH/ff_rot.png")
check "rotated still matches ffmpeg autorotate (PSNR $p dB > 30)" awk -v p="$p" 'BEGIN{exit !(p == "inf" || p > 30)}'

sar=$SCRATCH/sar.mkv
ffmpeg -v error -f lavfi -i "testsrc2=size=320x240:rate=25:duration=2" \
  -vf "setsar=2/1,format=yuv420p" -c:v libx264 "$sar"
check "analyze SAR 2:1 clip" "$AVA" analyze "$sar" -o "$SCRATCH/sar" -q -n 1
still=$(ls "$SCRATCH"/sar/stills/*.jpg | grep -v thumb | head -1)
check_eq "SAR applied to the still" "$(dims "$still")" "640x240"
check_eq "display size stored" "$(q "$SCRATCH/sar/ava.sqlite" "select display_width||'x'||display_height||' '||sar_num||':'||sar_den from title")" "640x240 2:1"
frame=$(basename "$still" | sed 's/.*_f0*\([0-9][0-9]*\)\..*/\1/')
ffmpeg -v error -i "$sar" -vf "select=eq(n\,$frame),scale=640:240:flags=bicubic" -frames:v 1 "$SCRATCH/ff_sar.png"
p=$(psnr "$still" "$SCRATCH/ff_sar.png")
check "SAR still matches ffmpeg's scale (PSNR $p dB > 30)" awk -v p="$p" 'BEGIN{exit !(p == "inf" || p > 30)}'

# Odd dimensions and 10-bit input (FFV1 yuv444p10le: lossless, odd sizes, always available).
odd=$SCRATCH/odd10.mkv
ffmpeg -v error -f lavfi -i "testsrc=size=321x179:rate=25:duration=1" \
  -pix_fmt yuv444p10le -c:v ffv1 "$odd"
check "analyze odd-size 10-bit clip" "$AVA" analyze "$odd" -o "$SCRATCH/odd" -q -n 2
check_eq "10-bit recorded" "$(q "$SCRATCH/odd/ava.sqlite" 'select bit_depth||" "||width||"x"||height from title')" "10 321x179"
still=$(ls "$SCRATCH"/odd/stills/*.jpg | grep -v thumb | head -1)
check_eq "odd-size still" "$(dims "$still")" "321x179"
# Interlaced MPEG-2 (top field first): a still is deinterlaced as a player would. It must be
# closer to FFmpeg's yadif than to the woven frame.
il=$SCRATCH/il.mpg
ffmpeg -v error -f lavfi -i "testsrc2=size=720x576:rate=25:duration=2" \
  -vf "tinterlace=interleave_top,setfield=tff" -c:v mpeg2video -flags +ilme+ildct -top 1 -b:v 8M "$il"
check "analyze interlaced clip" "$AVA" analyze "$il" -o "$SCRATCH/il" -q -n 1
still=$(ls "$SCRATCH"/il/stills/*.jpg | grep -v thumb | head -1)
frame=$(basename "$still" | sed 's/.*_f0*\([0-9][0-9]*\)\..*/\1/')
ffmpeg -v error -i "$il" -vf "yadif=mode=0,select=eq(n\,$frame)" -frames:v 1 "$SCRATCH/yadif.png"
ffmpeg -v error -i "$il" -vf "select=eq(n\,$frame)" -frames:v 1 "$SCRATCH/woven.png"
py=$(psnr "$still" "$SCRATCH/yadif.png")
pw=$(psnr "$still" "$SCRATCH/woven.png")
check "deinterlaced still: PSNR vs yadif $py dB > 30 and > woven $pw + 3" \
  awk -v a="$py" -v b="$pw" 'BEGIN{exit !(a > 30 && a > b + 3)}'
finish
