#!/usr/bin/env bash
# A file still being written when `ava analyze` starts. ava compares the file's size and
# modification time at the start of the probe, after the packet scan, after pass 1 and before
# moving the outputs into place: a file that changed is refused ("still being written"), with
# no outputs, no shards and the earlier outputs of the folder untouched; a file that did not
# change while ava ran is analysed as it was (the frames scanned, never frames from two
# states of the file). Once the file is complete the same command gives the full analysis.
source "$(dirname "$0")/common.sh" "$@"
src=$VIDEO/zwm_clip_01_tears_of_steel.mp4
need_media "$src"
# Faces (pass 2) play no part here and cost most of the time.
export AVA_MODELS_DIR=$SCRATCH/no-models
AVA=$(realpath "$AVA")   # meson gives an absolute path; a relative one would break here
cd "$SCRATCH" || exit 1
files() { (cd "$1" && find . -type f | sort | xargs sha256sum); }
# Per-frame columns that depend only on the frame and its predecessor (not shots or scores).
rows() { # rows DB LAST_FRAME
  local cols
  cols=$(q "$1" "select group_concat(name) from pragma_table_info('frames') where name not in
         ('chunk', 'lookahead', 'shot', 'transition', 'score')")
  q "$1" "select $cols from frames where frame <= $2 order by frame" | sha256sum
}

# 1. MPEG-TS appended 10 kB every 0.2 s (about 15 s for the rest): refused, outputs untouched.
ffmpeg -v error -i "$src" -an -c:v copy -f mpegts full.ts
size=$(stat -c %s full.ts)
check "reference: the complete file" "$AVA" analyze full.ts -o ref -q -j 2
out=$SCRATCH/out
check "earlier outputs" "$AVA" analyze "$VIDEO/faceapijs_test_video.mp4" -o "$out" -q
before=$(files "$out")
head -c $((size / 4)) full.ts > rec.ts
( off=$((size / 4))
  while [ $off -lt "$size" ]; do
    tail -c +$((off + 1)) full.ts | head -c 10000 >> rec.ts
    off=$((off + 10000)); sleep 0.2
  done ) &
writer=$!
"$AVA" analyze rec.ts -o "$out" -q -j 2 2> err.txt
rc=$?
kill $writer 2>/dev/null; wait $writer 2>/dev/null
check "growing TS: refused ($rc)" test "$rc" -ne 0 -a "$rc" -lt 128
check "message names the file and says why" \
  grep -q "rec.ts: the file is still being written (its size changed from [0-9]* to [0-9]* bytes" err.txt
check_eq "earlier outputs untouched" "$(files "$out")" "$before"
check_eq "no staging folder, no shards left" "$(ls -A "$out" | grep -c 'staging\|shards')" 0
cp full.ts rec.ts
check "complete now: the same command succeeds" "$AVA" analyze rec.ts -o "$out" -q -j 2
check_eq "and gives the complete file's analysis" "$(dump "$out/ava.sqlite")" "$(dump ref/ava.sqlite)"
check_eq "all 240 frames" "$(q "$out/ava.sqlite" 'select count(*) from frames')" 240

# 2. ffmpeg writing a fragmented MP4 in real time (-re, 10 s), ava started after 100 kB.
ffmpeg -v error -re -i "$src" -an -c:v copy -movflags frag_keyframe+empty_moov -f mp4 live.mp4 &
writer=$!
for _ in $(seq 200); do
  [ "$(stat -c %s live.mp4 2>/dev/null || echo 0)" -gt 100000 ] && break
  sleep 0.05
done
"$AVA" analyze live.mp4 -o live -v -j 2 > /dev/null 2> err.txt
rc=$?
writing=$(kill -0 $writer 2>/dev/null && echo "still writing" || echo "done")
wait $writer
echo "live fMP4: ava exited with $rc, the writer was $writing"
check "complete fMP4" "$AVA" analyze live.mp4 -o live_done -q -j 2
check_eq "complete fMP4: 240 frames" "$(q live_done/ava.sqlite 'select count(*) from frames')" 240
if [ "$rc" -ne 0 ]; then
  check "live fMP4: refused ($rc) naming the file" grep -q "live.mp4: the file is still being written" err.txt
  check "live fMP4: no outputs" test ! -e live/ava.sqlite
else
  # Nothing was written while ava ran: the analysis of the frames there were.
  scanned=$(sed -n 's/.*live.mp4: .* \([0-9]*\) frames scanned/\1/p' err.txt)
  n=$(q live/ava.sqlite 'select count(*) from frames')
  check_eq "live fMP4 analysed: as many frames as scanned" "$n" "$scanned"
  check "live fMP4: some frames, no more than the whole ($n)" test "$n" -gt 1 -a "$n" -le 240
  check_eq "live fMP4: the rows are the complete file's" "$(rows live/ava.sqlite $((n - 2)))" \
    "$(rows live_done/ava.sqlite $((n - 2)))"
fi
finish
