#!/usr/bin/env bash
# Bad input: a clear message naming the file, a non-zero exit, and the earlier outputs of
# the same folder left exactly as they were.
source "$(dirname "$0")/common.sh" "$@"
good=$VIDEO/faceapijs_test_video.mp4
need_media "$good"
out=$SCRATCH/out
check "first, a good run" "$AVA" analyze "$good" -o "$out" -q
before=$(cd "$out" && find . -type f | sort | xargs sha256sum)

ffmpeg -v error -f lavfi -i "sine=frequency=440:duration=1" -c:a aac "$SCRATCH/audio.m4a"
: > "$SCRATCH/empty.mp4"
echo "not a video at all" > "$SCRATCH/text.mp4"
head -c 20000 "$VIDEO/psd_testvideo.mp4" > "$SCRATCH/truncated_head.mp4"
cp "$MEDIA/stills/misc/yolov5_zidane.jpg" "$SCRATCH/still.jpg" 2>/dev/null || true
for f in audio.m4a empty.mp4 text.mp4 truncated_head.mp4 missing.mp4; do
  "$AVA" analyze "$SCRATCH/$f" -o "$out" -q 2> "$SCRATCH/err.txt"
  rc=$?
  check "$f: non-zero exit" test "$rc" -ne 0
  check "$f: message names the file" grep -q "$f" "$SCRATCH/err.txt"
done
grep -q "no video stream" <(cd "$SCRATCH" && "$AVA" analyze audio.m4a -o "$out" -q 2>&1)
check "audio only is called so" test $? -eq 0
after=$(cd "$out" && find . -type f | sort | xargs sha256sum)
check_eq "earlier outputs intact" "$after" "$before"
check_eq "no staging folder left" "$(ls -A "$out" | grep -c staging)" 0

# Files of the user's inside the output folder survive; only ava's own stills are replaced.
echo "editor notes" > "$out/stills/notes.txt"
cp "$good" "$out/stills/source copy.mp4"
old_still=$(ls "$out/stills" | grep '_f' | head -1)
check "re-run over a folder with user files" "$AVA" analyze "$VIDEO/psd_counter.mp4" -o "$out" -q -n 2
check "user's notes kept" test -f "$out/stills/notes.txt"
check "user's video kept" test -f "$out/stills/source copy.mp4"
check_eq "old ava stills replaced" "$(ls "$out/stills" | grep '_f' | grep -vc thumb)" "$(q "$out/ava.sqlite" 'select count(*) from picks')"

# An output name taken by a folder: refused before any work, the rest left as it was.
before=$(cd "$out" && find . -type f | sort | xargs -d '\n' sha256sum)
rm "$out/report.html" && mkdir "$out/report.html"
"$AVA" analyze "$good" -o "$out" -q 2> "$SCRATCH/err.txt"
check "report.html as a folder: refused" test $? -ne 0
check "message names it" grep -q "report.html exists and is not a regular file" "$SCRATCH/err.txt"
after=$(cd "$out" && find . -type f | sort | xargs -d '\n' sha256sum)
check_eq "nothing else touched" "$after" "$(echo "$before" | grep -v report.html)"

# Protocols and pipes are not files: "concat:" must not be interpreted, a FIFO must not hang.
(cd "$SCRATCH" && cp "$good" base.mp4 && printf 'not a video' > 'concat:base.mp4|base.mp4')
(cd "$SCRATCH" && "$AVA" analyze 'concat:base.mp4|base.mp4' -o "$SCRATCH/proto" -q 2>/dev/null)
check "concat: protocol not used" test $? -ne 0
mkfifo "$SCRATCH/fifo.mp4"
timeout 20 "$AVA" analyze "$SCRATCH/fifo.mp4" -o "$SCRATCH/fifo" -q 2> "$SCRATCH/err.txt"
rc=$?
check "FIFO refused at once (rc $rc)" test "$rc" -ne 0 -a "$rc" -ne 124
check "FIFO message" grep -q "not a regular file" "$SCRATCH/err.txt"

# A file cut in the middle still gives the frames before the cut.
size=$(stat -c %s "$VIDEO/psd_testvideo.mp4")
head -c $((size / 2)) "$VIDEO/psd_testvideo.mp4" > "$SCRATCH/half.mp4"
"$AVA" analyze "$SCRATCH/half.mp4" -o "$SCRATCH/half" -q 2>/dev/null
rc=$?
if [ $rc -eq 0 ]; then
  n=$(q "$SCRATCH/half/ava.sqlite" 'select count(*) from frames')
  check "truncated file: some frames ($n), fewer than 720" test "$n" -gt 0 -a "$n" -lt 720
else
  check "truncated file refused without outputs" test ! -e "$SCRATCH/half/ava.sqlite"
fi

# A single still image is a one-frame video.
if [ -f "$SCRATCH/still.jpg" ]; then
  check "single image" "$AVA" analyze "$SCRATCH/still.jpg" -o "$SCRATCH/img" -q
  check_eq "one frame" "$(q "$SCRATCH/img/ava.sqlite" 'select count(*) from frames')" 1
fi

# Unwritable output folder: a clear error.
mkdir -p "$SCRATCH/ro" && chmod 555 "$SCRATCH/ro"
if [ "$(id -u)" != 0 ]; then
  "$AVA" analyze "$good" -o "$SCRATCH/ro" -q 2> "$SCRATCH/err.txt"
  check "read-only folder refused" test $? -ne 0
fi
finish
