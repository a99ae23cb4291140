#!/usr/bin/env bash
# The selection stage on real clips: the picks' diversity index beats top-N by score and N
# frames at uniform times, no two picks are near-duplicates (recomputed here from the
# thumbnails), every pool frame has a reason or a rank and a why, shot scales follow the
# documented face-height thresholds, each canvas preset runs with the crop of its aspect,
# and title metadata is stored, escaped where it is shown, and changes the maturity rules.
source "$(dirname "$0")/common.sh" "$@"
clip=$VIDEO/zwm_clip_03_sintel.mp4
need_media "$clip"
out=$SCRATCH/sintel
check "analyze" "$AVA" analyze "$clip" -o "$out" -q -n 6
db=$out/ava.sqlite
picks=$(q "$db" 'select count(*) from picks')
check "some picks ($picks)" test "$picks" -ge 3
check_eq "diversity rows" "$(q "$db" 'select group_concat(selection) from (select selection from diversity order by selection)')" "picks,top_score,uniform"
check_eq "baselines of the same size" "$(q "$db" 'select count(distinct n) from diversity')" 1
check "picks beat top-N by score" test "$(q "$db" "select (select idx from diversity where selection='picks') > (select idx from diversity where selection='top_score')")" = 1
check "picks beat uniform times" test "$(q "$db" "select (select idx from diversity where selection='picks') > (select idx from diversity where selection='uniform')")" = 1
# Near-duplicates: thumb layout similarity 1 - RMS/80 >= 0.9, i.e. RMS <= 8 levels over
# the 16x9x3 grid. Recomputed from the stored thumbnails of every pair of picks.
check "no two picks near-duplicates" /usr/bin/python3 - "$db" <<'P'
import itertools, math, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
th = [bytes(r[0]) for r in db.execute("select f.thumb from picks p join frames f on f.frame = p.frame")]
worst = 0
for a, b in itertools.combinations(th, 2):
    rms = math.sqrt(sum((x - y) ** 2 for x, y in zip(a, b)) / len(a))
    worst = max(worst, 1 - rms / 80)
print("most similar pair of picks: layout similarity %.3f" % worst)
assert worst < 0.9
P
check_eq "picks are the pool's ranked rows" "$(q "$db" 'select count(*) from pool where pick_rank is not null')" "$picks"
check_eq "same frames" "$(q "$db" 'select group_concat(frame) from (select frame from picks order by rank)')" "$(q "$db" 'select group_concat(frame) from (select frame from pool where pick_rank is not null order by pick_rank)')"
check_eq "every other pool frame has a reason" "$(q "$db" 'select count(*) from pool where pick_rank is null and (reason is null or reason = "")')" 0
check_eq "every shot has a scale" "$(q "$db" 'select count(*) from shots where scale is null')" 0
check "pool rows: why is a JSON array, score = base - penalty (+ bonus 0)" /usr/bin/python3 - "$db" <<'P'
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("select frame, base_score, penalty, score, why, reason from pool").fetchall()
assert len(rows) >= 6
for frame, base, pen, score, why, reason in rows:
    w = json.loads(why)
    assert isinstance(w, list) and all("feature" in x and "contribution" in x for x in w), frame
    # the default preset has no shot-scale bonus; excluded frames store no score
    assert score is None or abs(score - (base - pen)) < 1e-9, frame
    assert pen >= 0
P
# Shot scale of the faces' frames from the documented thresholds on the largest face.
check "scale follows the face-height thresholds" /usr/bin/python3 - "$db" <<'P'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
def scale(h):
    for t, n in ((0.57, "extreme_close_up"), (0.37, "close_up"), (0.24, "medium_close_up"),
                 (0.11, "medium"), (0.04, "long")):
        if h >= t:
            return n
    return "extreme_long"
n = 0
for frame, s, h in db.execute("select p.frame, p.shot_scale, max(f.height_frac) from pool p "
                              "join faces f on f.frame = p.frame group by p.frame"):
    assert s == scale(h), (frame, s, h)
    n += 1
print("pool frames with faces:", n)
P
check "candidates.json: why, shot scale, crop" /usr/bin/python3 - "$out/candidates.json" <<'P'
import json, sys
c = json.load(open(sys.argv[1]))["candidates"]
for x in c:
    w = x["why"]
    assert w["top_features"] and w["shot_scale"] == x["shot_scale"]
    assert (x["rank"] == 1) == (w["most_similar_pick"] is None)
    if w["most_similar_pick"] is not None:
        assert w["most_similar_pick"] < x["rank"] and 0 <= w["similarity"] <= 1
    b = x["crop"]
    assert b["x"] >= 0 and b["y"] >= 0 and b["x"] + b["w"] <= x["width"] and b["y"] + b["h"] <= x["height"]
P

# Canvases: each preset runs; the portrait crop is 2:3 within a pixel and holds the main
# faces; --crop writes it.
for p in hero portrait thumbnail; do
  check "preset $p" "$AVA" analyze "$clip" -o "$SCRATCH/$p" -q -n 3 --preset $p --crop
  check_eq "preset $p recorded" "$(q "$SCRATCH/$p/ava.sqlite" "select value from run_config where key='preset'")" "$p"
done
check "portrait crops 2:3 around the faces" /usr/bin/python3 - "$SCRATCH/portrait/candidates.json" <<'P'
import json, sys
c = json.load(open(sys.argv[1]))["candidates"]
assert c
for x in c:
    b = x["crop"]
    assert b["aspect"] == "2:3"
    assert abs(b["w"] / b["h"] - 2 / 3) <= 1 / b["h"], b
    assert b["h"] == x["height"] or b["w"] == x["width"]     # the largest such box
    for p in x["people"]:
        if p["main"]:
            fx, fy, fw, fh = p["box"]
            if fw <= b["w"]:
                assert b["x"] <= fx + 1 and fx + fw <= b["x"] + b["w"] + 1, (b, p["box"])
P
first=$(/usr/bin/python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["candidates"][0]; print(c["crop"]["still"], "%dx%d" % (c["crop"]["w"], c["crop"]["h"]))' "$SCRATCH/portrait/candidates.json")
check_eq "--crop still at the crop's size" "$(dims "$SCRATCH/portrait/${first% *}")" "${first#* }"
check_eq "hero crop: the largest 16:9 box of the frame" "$(/usr/bin/python3 -c 'import json,sys; b=json.load(open(sys.argv[1]))["candidates"][0]["crop"]; print("%dx%d" % (b["w"], b["h"]))' "$SCRATCH/hero/candidates.json")" "$(/usr/bin/python3 -c "import sys; w,h=map(int,sys.argv[1].split('x')); print('%dx%d' % ((round(h*16/9), h) if w/h >= 16/9 else (w, round(w*9/16))))" "$(dims "$clip")")"

# Penalties recomputed from pass 3's tables: nudity x (porn + hentai) + suggestive (default
# 0.1) x sexy + text x
# text_frac + caption x caption + overlay x overlay + each user classifier's penalised
# classes (here nsfwjs declared again as a classifier, neutral weighted 0.1, drawing 1).
models=$(dirname "$0")/../../models
if [ -f "$models/nsfw_mobilenet_v2/model.min.js" ] && [ -f "$VIDEO/zwm_clip_02_caminandes.mp4" ]; then
  /usr/bin/python3 - "$(dirname "$0")/../../presets/default.json" "$SCRATCH/cls.json" <<'P'
import json, sys
d = json.load(open(sys.argv[1]))
d["name"] = "cls"
d["maturity"] = {"nudity": 1.0, "text": 0.5, "caption": 0.3, "overlay": 0.1}
d["classifiers"] = [{"name": "again", "path": "nsfw_mobilenet_v2/model.min.js", "input_size": 224,
                     "classes": ["drawing", "hentai", "neutral", "porn", "sexy"],
                     "penalties": {"neutral": 0.1, "drawing": 1.0}}]
json.dump(d, open(sys.argv[2], "w"))
P
  check "analyze with a user classifier" "$AVA" analyze "$VIDEO/zwm_clip_02_caminandes.mp4" -o "$SCRATCH/cls" -q -n 3 --preset "$SCRATCH/cls.json"
  check "penalty = the documented sum" /usr/bin/python3 - "$SCRATCH/cls/ava.sqlite" <<'P'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
n = 0
for frame, pen, porn, hentai, sexy, tf, cap, ov in db.execute(
        "select p.frame, p.penalty, m.nsfw_porn, m.nsfw_hentai, m.nsfw_sexy, m.text_frac,"
        " m.caption, m.overlay from pool p join maturity m using(frame)"):
    cls = dict(db.execute("select class, p from classifier_scores where frame = ? and classifier = 'again'", (frame,)).fetchall())
    want = (porn + hentai) + 0.1 * sexy + 0.5 * (tf or 0) + 0.3 * (cap or 0) + 0.1 * (ov or 0) \
        + 0.1 * cls["neutral"] + 1.0 * cls["drawing"]
    assert abs(pen - want) < 1e-5, (frame, pen, want)
    n += 1
assert n >= 3
print("penalties checked on", n, "pool frames")
P
fi

# Characters and repeats on the Hamilton clip (5 shots; a stage, an audience in the dark
# with out-of-focus and profile faces), everything recomputed from the tables.
ham=$VIDEO/fr_short_hamilton_clip.mp4
if [ -f "$ham" ]; then
  check "analyze hamilton" "$AVA" analyze "$ham" -o "$SCRATCH/ham" -q -n 7 -j 2
  check "characters, repeats and picks from the tables" /usr/bin/python3 - "$SCRATCH/ham/ava.sqlite" 7 <<'P'
import math, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
n_asked = int(sys.argv[2])
# every main character has a face an editor would recognise (docs/analyze.md, "Faces"):
# detector score >= 0.6, sharpness >= 50, |yaw| <= 45, |pitch| <= 30, height >= 5 %,
# edge cut <= 0.25
for (c,) in db.execute("select id from characters where not is_extra"):
    good = db.execute("select count(*) from faces f join face_tracks t on t.id = f.track "
                      "where t.character = ? and f.score >= 0.6 and f.sharpness >= 50 and "
                      "abs(f.yaw) <= 45 and abs(f.pitch) <= 30 and f.height_frac >= 0.05 and "
                      "f.edge_cut <= 0.25", (c,)).fetchone()[0]
    assert good >= 1, ("main character without a recognisable face", c)
# no pick is blurred, has a caption or shows its lead face (largest face of a main
# character, else the largest) with an eye closed
mains = {c for (c,) in db.execute("select id from characters where not is_extra")}
def bad(frame):
    risk, sl = db.execute("select motion_blur_risk, sharpness_log from frames where frame = ?", (frame,)).fetchone()
    cap = db.execute("select caption from maturity where frame = ?", (frame,)).fetchone()
    faces = db.execute("select f.w * f.h, t.character, min(f.eye_open_left, f.eye_open_right) "
                       "from faces f left join face_tracks t on t.id = f.track where f.frame = ?", (frame,)).fetchall()
    lead = max(faces, key=lambda x: ((x[1] in mains), x[0])) if faces else None
    return (risk is not None and risk >= 0.5) or (sl is not None and sl < 1.5) or \
        (cap is not None and cap[0] is not None and cap[0] >= 0.5) or (lead is not None and lead[2] < 0.15)
picks = db.execute("select p.frame, p.shot, f.t_s from picks p join frames f on f.frame = p.frame").fetchall()
assert len(picks) >= 3
for frame, shot, t in picks:
    assert not bad(frame), ("bad frame picked", frame)
# a shot repeats only when every shot with a pool frame that could be picked (scored, not
# bad) has a pick
per = {}
for frame, shot, t in picks:
    per.setdefault(shot, []).append(t)
pickable = {s for f, s in db.execute("select frame, shot from pool where score is not null") if not bad(f)}
if max(len(v) for v in per.values()) > 1:
    assert pickable <= set(per), ("a repeat while a shot has no pick", sorted(pickable - set(per)))
# repeats of one shot at least max(min_gap_s 1 s, min(duration / N, a third of the shot)) apart
t0, t1 = db.execute("select min(t_s), max(t_s) from frames").fetchone()
shot_len = dict(db.execute("select s.id, max(f.t_s) - min(f.t_s) from shots s join frames f on f.frame between s.first_frame and s.last_frame group by s.id"))
for shot, ts in per.items():
    gap = max(1.0, min((t1 - t0) / n_asked, shot_len[shot] / 3))
    ts.sort()
    for a, b in zip(ts, ts[1:]):
        assert b - a >= gap - 1e-6, ("repeat too close", shot, a, b, gap)
print("picks per shot", {s: len(v) for s, v in sorted(per.items())}, "pickable shots", sorted(pickable))
P
fi

# Title metadata: stored as given, shown escaped, and a kids' rating makes nudity rules
# strict: the default preset's nudity weight 1.0 x 3, max_nudity 0.9 -> 0.3.
small=$VIDEO/pyfeat_single_face.mp4
need_media "$small"
genre='<script>alert(1)</script> & "comedy"'
check "analyze with metadata" "$AVA" analyze "$small" -o "$SCRATCH/meta" -q -n 2 --genre "$genre" --rating TV-Y7 --title-format series
mdb=$SCRATCH/meta/ava.sqlite
check_eq "genre stored" "$(q "$mdb" "select value from run_config where key='meta_genre'")" "$genre"
check_eq "rating stored" "$(q "$mdb" "select value from run_config where key='meta_rating'")" "TV-Y7"
check_eq "audience" "$(q "$mdb" "select value from run_config where key='meta_audience'")" "kids"
check_eq "kids: nudity weight 3" "$(q "$mdb" "select value from run_config where key='maturity_nudity'")" "3"
check_eq "kids: max nudity 0.3" "$(q "$mdb" "select value from run_config where key='maturity_max_nudity'")" "0.3"
check_eq "kids: expr_negative -0.2" "$(q "$mdb" "select value from run_config where key='face_expr_negative'")" "-0.2"
check "no raw markup from the metadata in the report" sh -c "! grep -qF '<script>alert(1)' '$SCRATCH/meta/report.html'"
check "candidates.json carries the metadata as text" /usr/bin/python3 - "$SCRATCH/meta/candidates.json" "$genre" <<'P'
import json, sys
t = json.load(open(sys.argv[1]))["title"]
assert t["genre"] == sys.argv[2] and t["rating"] == "TV-Y7" and t["audience"] == "kids", t
P
echo '{"genre": "horror", "rating": "R", "format": "film"}' > "$SCRATCH/meta.json"
check "analyze --meta" "$AVA" analyze "$small" -o "$SCRATCH/meta2" -q -n 2 --meta "$SCRATCH/meta.json" --rating PG-13
m2=$SCRATCH/meta2/ava.sqlite
check_eq "--rating wins over the file" "$(q "$m2" "select value from run_config where key='meta_rating'")" "PG-13"
check_eq "genre from the file" "$(q "$m2" "select value from run_config where key='meta_genre'")" "horror"
check_eq "teen: nudity weight 1.5" "$(q "$m2" "select value from run_config where key='maturity_nudity'")" "1.5"
check_eq "horror: no expr_negative penalty" "$(q "$m2" "select value from run_config where key='face_expr_negative'")" "0"
echo '{"genre": 3}' > "$SCRATCH/bad.json"
"$AVA" analyze "$small" -o "$SCRATCH/bad" -q --meta "$SCRATCH/bad.json" 2>/dev/null
check "bad metadata file refused" test $? -ne 0
finish
