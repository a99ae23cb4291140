#!/usr/bin/env bash
# mpirun --oversubscribe -n 3 over two shared clips gives, row for row, the databases of
# `ava analyze -j 1` on each; a title that cannot be analysed does not stop the others.
source "$(dirname "$0")/common.sh" "$@"
AVA_MPI=$3
command -v mpirun >/dev/null || { echo "skipping: no mpirun"; exit 77; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
# Open MPI's own allocations outlive MPI_Finalize: LeakSanitizer would fail the sanitizer
# build's run on them, not on ava's (the rest of the suite checks ava for leaks).
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
a=$VIDEO/zwm_clip_03_sintel.mp4
b=$VIDEO/psd_testvideo.mp4
need_media "$a"
need_media "$b"
echo "not a video" > "$SCRATCH/broken.mp4"
timeout 300 mpirun --oversubscribe -n 3 "$AVA_MPI" analyze "$a" "$SCRATCH/broken.mp4" "$b" \
  -o "$SCRATCH/mpi" --chunks 4 -q 2> "$SCRATCH/err.txt"
check "mpirun exits 1: one title failed" test $? -eq 1
check "the failed title is named" grep -q "broken.mp4: FAILED" "$SCRATCH/err.txt"
check "summary line" grep -q "3 title(s), 1 failed" "$SCRATCH/err.txt"
check "rank 0 and others worked" grep -qE "chunks per rank: [1-9][0-9]* [0-9]+ [0-9]+" "$SCRATCH/err.txt"
for clip in "$a" "$b"; do
  name=$(basename "$clip" .mp4)
  check "$name: local -j 1" "$AVA" analyze "$clip" -o "$SCRATCH/local-$name" -q -j 1
  mdb=$(ls "$SCRATCH"/mpi/*-"$name"/ava.sqlite)
  check_eq "$name: MPI = local, row for row" "$(dump "$mdb")" "$(dump "$SCRATCH/local-$name/ava.sqlite")"
done
finish
