#!/usr/bin/env bash
# ava learn recovers a rule the test knows and the default preset contradicts: the "editor"
# rejects every frame sharper than the title's median (say, a soft-focus look). The learnt
# preset must rank held-back choices better than the old one (and near perfectly), and its
# picks must follow the rule more often than the default preset's.
source "$(dirname "$0")/common.sh" "$@"
clip=$VIDEO/psd_testvideo.mp4
need_media "$clip"
out=$SCRATCH/out
check "analyze" "$AVA" analyze "$clip" -o "$out" -q -n 6
db=$out/ava.sqlite
median=$(q "$db" "select sharpness from frames where black_ratio < 0.98 order by sharpness limit 1 offset (select count(*)/2 from frames where black_ratio < 0.98)")
q "$db" "select frame, case when sharpness <= $median then 'keep' else 'reject' end from frames where black_ratio < 0.98 and frame % 7 = 0" |
  awk -F'|' 'BEGIN { printf "{\"ava_choices\": 1, \"database\": \"ava.sqlite\", \"choices\": [" }
             { printf "%s{\"frame\": %d, \"choice\": \"%s\"}", (NR > 1 ? "," : ""), $1, $2 }
             END { print "]}" }' > "$out/choices.json"
check "choices written" test -s "$out/choices.json"
"$AVA" learn "$out/choices.json" -o "$SCRATCH/learned.json" --name rule > "$SCRATCH/learn.txt"
check "learn" test $? -eq 0
cat "$SCRATCH/learn.txt"
old=$(sed -n 's/.*old weights \([0-9.]*\), learnt weights \([0-9.]*\).*/\1/p' "$SCRATCH/learn.txt")
new=$(sed -n 's/.*old weights \([0-9.]*\), learnt weights \([0-9.]*\).*/\2/p' "$SCRATCH/learn.txt")
check "learnt ($new) beats old ($old) on held-back choices" awk -v a="$new" -v b="$old" 'BEGIN{exit !(a > b)}'
check "learnt ranks the rule almost perfectly ($new > 0.95)" awk -v a="$new" 'BEGIN{exit !(a > 0.95)}'
check "preset is valid for analyze" "$AVA" analyze "$clip" -o "$SCRATCH/re" -q -n 6 --preset "$SCRATCH/learned.json"
follow() { q "$1" "select count(*) from picks p join frames f on f.frame = p.frame where f.sharpness <= $median"; }
a=$(follow "$SCRATCH/re/ava.sqlite")
b=$(follow "$db")
check "learnt picks follow the rule more ($a of 6) than the default's ($b of 6)" test "$a" -gt "$b"
check_eq "preset recorded" "$(q "$SCRATCH/re/ava.sqlite" "select value from run_config where key='preset'")" rule
# Bad choices files are refused with a message naming them.
echo '{"choices": [{"frame": 1, "choice": "maybe"}]}' > "$out/bad.json"
"$AVA" learn "$out/bad.json" -o "$SCRATCH/x.json" 2> "$SCRATCH/err.txt"
check "bad choice refused" test $? -ne 0
check "message names the file" grep -q "bad.json" "$SCRATCH/err.txt"
finish
