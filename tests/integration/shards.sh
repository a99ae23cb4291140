#!/usr/bin/env bash
# Shards: a batch-system map step (--chunk K/N) plus `ava merge` equals one local run; a
# missing, damaged or foreign shard is refused by merge and redone by analyze; a run killed
# with SIGKILL resumes from its finished shards and ends identical to an uninterrupted run.
source "$(dirname "$0")/common.sh" "$@"
src=$VIDEO/zwm_clip_01_tears_of_steel.mp4
need_media "$src"
clip=$SCRATCH/tos_gop24.mp4
ffmpeg -v error -i "$src" -an -c:v libx264 -g 24 -bf 2 -preset veryfast "$clip"
check "reference run" "$AVA" analyze "$clip" -o "$SCRATCH/ref" -q -j 1
ref=$(dump "$SCRATCH/ref/ava.sqlite")

out=$SCRATCH/batch
for k in 1 2 3 4; do
  check "chunk $k/4" "$AVA" analyze "$clip" -o "$out" -q --chunk $k/4
done
check_eq "four shards" "$(ls "$out"/.ava-shards/*/chunk-*.sqlite | wc -l)" 4
check_eq "no outputs before the merge" "$(ls "$out" | wc -l)" 0
check "merge" "$AVA" merge "$clip" -o "$out" -q --chunks 4 --keep-shards
check_eq "batch + merge = local run" "$(dump "$out/ava.sqlite")" "$ref"
check_eq "four chunks recorded" "$(q "$out/ava.sqlite" 'select count(*) from chunks')" 4
first=$(dump "$out/ava.sqlite")
check "merge again" "$AVA" merge "$clip" -o "$out" -q --chunks 4 --keep-shards
check_eq "merging twice gives the same rows" "$(dump "$out/ava.sqlite")" "$first"

shards=$(ls -d "$out"/.ava-shards/*)
victim=$(ls "$shards"/chunk-00002-*.sqlite)
head -c 3000 "$victim" > "$victim.cut" && mv "$victim.cut" "$victim"
"$AVA" merge "$clip" -o "$out" -q --chunks 4 --keep-shards 2> "$SCRATCH/err.txt"
check "damaged shard refused by merge" test $? -ne 0
check "message names chunk 3 and the fix" grep -q "chunk 3/4: shard .* is .*--chunk 3/4" "$SCRATCH/err.txt"
check_eq "refused merge kept the earlier outputs" "$(dump "$out/ava.sqlite")" "$first"
"$AVA" analyze "$clip" -o "$out" --chunks 4 --keep-shards 2> "$SCRATCH/err.txt"
check "analyze redoes the damaged shard" grep -q "redoing chunk 2" "$SCRATCH/err.txt"
check "and reuses the other three" grep -q "reused 3 finished shards of 4" "$SCRATCH/err.txt"
check_eq "redone = reference" "$(dump "$out/ava.sqlite")" "$ref"

# A shard of another video under this title's name is refused.
other=$SCRATCH/other
check "another title's shards" "$AVA" analyze "$VIDEO/zwm_clip_02_caminandes.mp4" -o "$other" -q --chunk 1/4
cp "$(ls "$other"/.ava-shards/*/chunk-00000-*.sqlite)" "$(ls "$shards"/chunk-00000-*.sqlite)"
"$AVA" merge "$clip" -o "$out" -q --chunks 4 2> "$SCRATCH/err.txt"
check "foreign shard refused" grep -q "made from another video" "$SCRATCH/err.txt"
rm -rf "$out/.ava-shards"
check_eq "every missing shard named" "$("$AVA" merge "$clip" -o "$out" -q --chunks 4 2>&1 | grep -c 'is missing')" 4

# kill -9 in the middle, then the same command again. Shards hold pass 1 only: the long runs
# go without models (pass 2 would triple their time and adds nothing to what is checked).
export AVA_MODELS_DIR=$SCRATCH/no-models
long=$SCRATCH/long.mp4
for i in 1 2 3 4 5 6; do echo "file '$clip'"; done > "$SCRATCH/list.txt"
ffmpeg -v error -f concat -safe 0 -i "$SCRATCH/list.txt" -c copy "$long"
check "uninterrupted long run" "$AVA" analyze "$long" -o "$SCRATCH/long_ref" -q -j 1 --chunks 24
"$AVA" analyze "$long" -o "$SCRATCH/killed" -q -j 1 --chunks 24 &
pid=$!
for _ in $(seq 200); do
  n=$(ls "$SCRATCH"/killed/.ava-shards/*/chunk-*.sqlite 2>/dev/null | wc -l)
  [ "$n" -ge 2 ] && break
  sleep 0.05
done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
check "some shards were finished before the kill ($n)" test "$n" -ge 1
"$AVA" analyze "$long" -o "$SCRATCH/killed" -j 1 --chunks 24 2> "$SCRATCH/err.txt"
check "resumed run succeeds" test $? -eq 0
check "resumed run reused shards" grep -q "reused [0-9]* finished shard" "$SCRATCH/err.txt"
check_eq "resumed = uninterrupted" "$(dump "$SCRATCH/killed/ava.sqlite")" "$(dump "$SCRATCH/long_ref/ava.sqlite")"
check_eq "shards removed after success" "$(ls -A "$SCRATCH/killed" | grep -c ava-shards)" 0
finish
