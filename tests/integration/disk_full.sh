#!/usr/bin/env bash
# Disk full: an output folder on a small tmpfs. A run that does not fit exits non-zero with
# a message naming the path and "No space left on device", leaves the earlier outputs of the
# folder byte for byte as they were and no temporary file behind; when the shard folder fills
# up in the middle of pass 1, the finished shards are kept and the same command, once there
# is room, resumes from them and ends with the rows of an uninterrupted run.
# Needs root (mount -t tmpfs): skipped otherwise.
source "$(dirname "$0")/common.sh" "$@"
tiny=$VIDEO/faceapijs_test_video.mp4
big=$VIDEO/psd_testvideo.mp4
need_media "$tiny"
need_media "$big"
# Faces (pass 2) play no part here and cost most of the time.
export AVA_MODELS_DIR=$SCRATCH/no-models
disk=$SCRATCH/disk
mkdir -p "$disk"
if ! mount -t tmpfs -o size=2m tmpfs "$disk" 2>/dev/null; then
  echo "skipping: cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN)"
  exit 77
fi
# Never leave the mount behind: lazily if it is busy, and on INT/TERM too (a timeout).
trap 'umount "$disk" 2>/dev/null || umount -l "$disk" 2>/dev/null; rm -rf "$SCRATCH"' EXIT
trap 'exit 1' INT TERM
files() { (cd "$1" && find . -path ./.ava-shards -prune -o -type f -print | sort | xargs sha256sum); }

# 1. 2 MiB: the tiny clip fits, the 720p one does not.
out=$disk/out
check "tiny clip fits in 2 MiB" "$AVA" analyze "$tiny" -o "$out" -q
before=$(files "$out")
"$AVA" analyze "$big" -o "$out" -q -j 2 2> "$SCRATCH/err.txt"
rc=$?
check "disk full: non-zero exit ($rc)" test "$rc" -ne 0 -a "$rc" -lt 128
check "message names the path" grep -q "$out/" "$SCRATCH/err.txt"
check "message says No space left on device" grep -q "No space left on device" "$SCRATCH/err.txt"
check "message names the input" grep -q "$big: failed" "$SCRATCH/err.txt"
check_eq "earlier outputs byte-identical" "$(files "$out")" "$before"
check_eq "no staging folder left" "$(ls -A "$out" | grep -c staging)" 0
check_eq "no temporary file left" "$(find "$out" -name '*.tmp' | wc -l)" 0
rm -rf "$out"

# 2. The shard folder fills up in the middle of pass 1 (6 chunks, room for about 3 besides
# the tiny clip's outputs: sizes measured, since outputs change as ava grows).
check "reference run" "$AVA" analyze "$big" -o "$SCRATCH/ref" -q -j 2 --chunk-frames 120 --keep-shards
ref=$(dump "$SCRATCH/ref/ava.sqlite")
shard_kb=$(du -sk "$SCRATCH"/ref/.ava-shards | cut -f1)
check "reference: tiny clip" "$AVA" analyze "$tiny" -o "$SCRATCH/ref_tiny" -q
tiny_kb=$(du -sk "$SCRATCH/ref_tiny" | cut -f1)
# (+256 KiB: while it runs, the tiny clip's database has its WAL beside it and the stills
# their temporary files, beyond the final sizes measured)
umount "$disk" && mount -t tmpfs -o size=$((tiny_kb + shard_kb * 7 / 12 + 256))k tmpfs "$disk"
check "tiny clip first" "$AVA" analyze "$tiny" -o "$out" -q
before=$(files "$out")
"$AVA" analyze "$big" -o "$out" -q -j 2 --chunk-frames 120 2> "$SCRATCH/err.txt"
rc=$?
check "shards full: non-zero exit ($rc)" test "$rc" -ne 0 -a "$rc" -lt 128
check "message names a shard" grep -q "$out/.ava-shards/.*chunk-.*: .*No space left on device" \
  "$SCRATCH/err.txt"
check_eq "earlier outputs byte-identical" "$(files "$out")" "$before"
check_eq "no temporary shard left" "$(find "$out" -name '*.tmp' | wc -l)" 0
kept=$(ls "$out"/.ava-shards/*/chunk-*.sqlite 2>/dev/null | wc -l)
check "some shards were finished ($kept of 6)" test "$kept" -ge 1 -a "$kept" -lt 6
mount -o remount,size=64m "$disk"
"$AVA" analyze "$big" -o "$out" -j 2 --chunk-frames 120 2> "$SCRATCH/err.txt"
check "with room, the same command succeeds" test $? -eq 0
check "and reuses the finished shards" grep -q "reused $kept finished shard" "$SCRATCH/err.txt"
check_eq "resumed = uninterrupted" "$(dump "$out/ava.sqlite")" "$ref"
finish
