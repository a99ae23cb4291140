#!/usr/bin/env bash
# The outputs an editor and a media engineer use: stills named by timecode and frame at
# source resolution in three formats, candidates.json, the database, an offline report.
source "$(dirname "$0")/common.sh" "$@"
clip=$VIDEO/opencvdoc_Megamind.avi
need_media "$clip"
out=$SCRATCH/out
check "analyze -n 5" "$AVA" analyze "$clip" -o "$out" -q -n 5
check_eq "five stills" "$(ls "$out/stills" | grep -vc thumb)" 5
check_eq "still names" "$(ls "$out/stills" | grep -cE '^[0-9]{2}-[0-9]{2}-[0-9]{2}-[0-9]{2}_f[0-9]{6}\.jpg$')" 5
for s in $(ls "$out"/stills/*.jpg | grep -v thumb); do
  check_eq "$(basename "$s") at source resolution" "$(dims "$s")" "720x528"
  # 320 px wide thumbnail beside it: 528 * 320 / 720 = 234.67 -> 234
  check_eq "$(basename "$s") thumbnail" "$(dims "${s%.jpg}.thumb.jpg")" "320x234"
done
check "candidates.json is JSON with 5 entries" /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
c = d["candidates"]
assert len(c) == 5
assert [x["rank"] for x in c] == [1, 2, 3, 4, 5]
assert all(c[i]["score"] >= c[i + 1]["score"] for i in range(4))
for x in c:
    assert x["still"].startswith("stills/") and "_f%06d." % x["frame"] in x["still"]
    assert set(["brightness", "contrast", "colorfulness", "sharpness"]) <= set(x["features"])
    assert len(x["timecode"]) == 11
' "$out/candidates.json"
db=$out/ava.sqlite
check_eq "schema version" "$(q "$db" "select value from meta where key='schema_version'")" 3
check_eq "one row per frame" "$(q "$db" 'select count(*) from frames')" 270
check_eq "picks never black or transition" "$(q "$db" 'select count(*) from picks p join frames f on f.frame=p.frame where f.transition=1 or f.black_ratio>=0.98')" 0
# Megamind has 4 shots: 5 picks take every shot once, then one shot a second time.
check_eq "every shot before any repeat" "$(q "$db" 'select count(distinct shot) from picks')" "$(q "$db" 'select min(count(*), 5) from shots')"
check "3 picks, 3 shots" "$AVA" analyze "$clip" -o "$SCRATCH/three" -q -n 3
check_eq "one pick per shot when N <= shots" "$(q "$SCRATCH/three/ava.sqlite" 'select max(c) from (select count(*) c from picks group by shot)')" 1
check_eq "report shows 5 picks" "$(grep -o 'class="pick"' "$out/report.html" | wc -l)" 5
check "report has no network references" sh -c "! grep -qiE 'https?://|src=\"//' '$out/report.html'"
check_eq "no WAL left behind" "$(ls "$out" | grep -c -- '-wal')" 0

# The still formats need no faces: without models the runs take a third of the time.
check "png" env AVA_MODELS_DIR="$SCRATCH/no-models" "$AVA" analyze "$clip" -o "$SCRATCH/png" -q -n 2 --format png
check_eq "png magic" "$(head -c 8 "$(ls "$SCRATCH"/png/stills/*.png | head -1)" | od -An -tx1 | tr -d ' ')" "89504e470d0a1a0a"
check "webp" env AVA_MODELS_DIR="$SCRATCH/no-models" "$AVA" analyze "$clip" -o "$SCRATCH/webp" -q -n 2 --format webp
check_eq "webp magic" "$(head -c 12 "$(ls "$SCRATCH"/webp/stills/*.webp | head -1)" | tail -c 4)" "WEBP"
check "--help" sh -c "'$AVA' analyze --help | grep -q -- '--count'"
"$AVA" analyze "$clip" -o "$SCRATCH/x" --count 0 2>/dev/null
check "bad --count refused" test $? -eq 2
finish
