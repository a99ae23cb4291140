#!/usr/bin/env bash
# report.html in Debian's Chromium, headless and offline (tests/browser/report.mjs): the
# picks, timeline and stills are there, a timeline click shows a frame, keep/reject saves a
# valid choices.json that `ava learn` accepts, no request leaves the output folder, and a
# hostile title is shown as text. Then the annotated viewer (faces, 68 landmarks, thirds,
# saliency), characters, galleries per camera move, and, on a copy of the database given
# rows of the tables later passes write (pool, maturity text boxes, overlays, diversity,
# shot scales), the rejected frames with their reasons, text boxes and overlays: every
# count is taken from the database. Screenshots are left in the build folder.
source "$(dirname "$0")/common.sh" "$@"
browser_dir=$(cd "$(dirname "$0")/../browser" && pwd)
shot=${3:-$SCRATCH/report.png}
render=$(dirname "$(dirname "$AVA")")/tests/browser/render_report
[ -x /usr/bin/chromium ] || { echo "skipping: no /usr/bin/chromium"; exit 77; }
[ -d "$browser_dir/node_modules/playwright-core" ] || { echo "skipping: run scripts/setup-browser.sh"; exit 77; }
clip=$SCRATCH/hostile.mp4
ffmpeg -v error -i "$VIDEO/zwm_clip_01_tears_of_steel.mp4" -c copy \
  -metadata title='<script>alert(1)</script><img src=x onerror=alert(2)>' "$clip"
check "analyze" "$AVA" analyze "$clip" -o "$SCRATCH/out" -q -n 5

# Counts the page must show, from a database and the files beside it (argument: output
# folder). A rejected frame's thumbnail is the file its still would be
# (stills/HH-MM-SS-FF_fNNNNNN.thumb.jpg, FF the frame within the second at the rounded-up
# rate), which pass 3 writes for every pool frame it decodes.
expect() {
  local db=$1/ava.sqlite
  python3 - "$db" "$1" <<'P'
import json, math, os, sqlite3, sys
d = sqlite3.connect(sys.argv[1])
def q(sql):
    row = d.execute(sql).fetchone()
    return row[0] if row else None
has = lambda t, c: q(f"select count(*) from pragma_table_info('{t}') where name = '{c}'") > 0
pool = has("pool", "pick_rank")
chars = q("select count(*) from characters where not is_extra") if has("characters", "id") else 0
with_pick = q("select count(distinct t.character) from picks p join faces f on f.frame = p.frame"
              " join face_tracks t on t.id = f.track join characters c on c.id = t.character"
              " where not c.is_extra") if chars else 0
face = d.execute("select p.frame, count(f.id) n from picks p join faces f on f.frame = p.frame"
                 " group by p.frame order by n desc, p.rank limit 1").fetchone() if has("faces", "id") else None
frame = face[0] if face else None
scale = ("coalesce((select shot_scale from pool where frame = p.frame), (select scale from shots where id = p.shot))"
         if pool and has("shots", "scale") else "(select scale from shots where id = p.shot)" if has("shots", "scale")
         else "(select shot_scale from pool where frame = p.frame)" if pool else "null")
text = None
if has("maturity", "text_boxes") and frame is not None:
    t = d.execute("select text_boxes from maturity where frame = ?", (frame,)).fetchone()
    text = len(json.loads(t[0])) if t and t[0] else 0
rejected = q("select min(count(*), 40) from pool where pick_rank is null") if pool else None
def thumb_name(frame, t):
    base = max(1, math.ceil(fps - 1e-3)); s = math.floor(t + 1e-9)
    ff = min(base - 1, max(0, math.floor((t - s) * base + 1e-6)))
    return "%02d-%02d-%02d-%02d_f%06d.thumb.jpg" % (s // 3600, s // 60 % 60, s % 60, ff, frame)
fps = q("select fps from title")
rejected_files = sum(os.path.exists(os.path.join(sys.argv[2], "stills", thumb_name(f, t)))
                     for f, t in d.execute("select p.frame, f.t_s from pool p join frames f using(frame)"
                                           " where pick_rank is null order by base_score desc, p.frame limit 40")) if pool else 0
print(json.dumps({
    "picks": q("select count(*) from picks"),
    "characters": chars, "characters_with_pick": with_pick,
    "faces_seen": q("select count(*) from faces") if has("faces", "id") else 0,
    "face_frame": frame, "faces": face[1] if face else 0,
    "saliency": q(f"select saliency_x is not null from frames where frame = {frame if frame is not None else '(select frame from picks where rank = 1)'}"),
    "text_boxes": text,
    "overlays": q("select count(*) from overlays") if has("overlays", "x") else None,
    "scale_galleries": q(f"select count(distinct {scale}) from picks p"),
    "scale_picks": q(f"select count({scale}) from picks p"),
    "camera_galleries": q("select count(distinct s.camera) from picks p join shots s on s.id = p.shot"),
    "camera_picks": q("select count(s.camera) from picks p join shots s on s.id = p.shot"),
    "diversity": q("select count(*) from diversity") if has("diversity", "idx") else 0,
    "rejected": rejected,
    "rejected_files": rejected_files,
    "similar_links": q("select count(*) from (select * from pool where pick_rank is null order by base_score desc limit 40)"
                       " where similar_to in (select frame from picks)") if pool else 0,
    "picks_with_why": q("select count(*) from picks p join pool l on l.frame = p.frame where l.why like '[{%'") if pool else 0,
    "hostile_reason": q("select reason from pool where reason like '%<img%' limit 1") if pool else None,
    # the worst rejected frame (not among the 40 listed) and a frame outside the pool
    "last_rejected": d.execute("select frame, coalesce(reason, '') from pool where pick_rank is null"
                               " order by base_score, frame desc limit 1").fetchone() if pool else None,
    "outside_pool": q("select min(frame) from frames where frame not in (select frame from pool)") if pool else None,
}))
P
}
expect "$SCRATCH/out" >"$SCRATCH/expect.json"
models=$(dirname "$0")/../../models
if [ -f "$models/nsfw_mobilenet_v2/model.min.js" ]; then
  check "every listed rejected frame has its thumbnail file" python3 -c '
import json, sys; w = json.load(open(sys.argv[1])); sys.exit(not (w["rejected"] and w["rejected_files"] == w["rejected"]))' "$SCRATCH/expect.json"
fi
check "browser checks" node "$browser_dir/report.mjs" "$SCRATCH/out" 5 "$shot" "$SCRATCH/expect.json"
check "hostile title escaped" grep -q '&lt;script&gt;alert(1)&lt;/script&gt;&lt;img' "$SCRATCH/out/report.html"
check "ava learn reads the saved choices" sh -c "'$AVA' learn '$SCRATCH/out/choices.json' -o '$SCRATCH/l.json' 2>&1 | grep -q 'need keeps and rejects, 10 choices'"

# The tables of later passes, as documented (docs/schema.md), on a copy of the output.
if [ -x "$render" ]; then
  cp -r "$SCRATCH/out" "$SCRATCH/sel"
  db=$SCRATCH/sel/ava.sqlite
  rm -f "$SCRATCH/sel/report.html" "$SCRATCH/sel/choices.json"
  has_scale=$(q "$db" "select count(*) from pragma_table_info('shots') where name = 'scale'")
  face_frame=$(q "$db" "select p.frame from picks p join faces f on f.frame = p.frame group by p.frame order by count(*) desc, p.rank limit 1")
  face_frame=${face_frame:-$(q "$db" "select frame from picks where rank = 1")}
  # 45 rejected pool frames (over the 40 shown), reasons of every kind, one of them hostile;
  # the picks with their reasons; scales per shot and, for pick 1, per frame.
  sqlite3 "$db" <<SQL || bad "fixture rows"
DROP TABLE IF EXISTS pool; DROP TABLE IF EXISTS maturity; DROP TABLE IF EXISTS overlays;
DROP TABLE IF EXISTS diversity;
CREATE TABLE pool(frame INTEGER PRIMARY KEY, shot INTEGER, base_score REAL, penalty REAL,
  score REAL, shot_scale TEXT, pick_rank INTEGER, reason TEXT, similar_to INTEGER,
  similarity REAL, why TEXT);
INSERT INTO pool SELECT p.frame, p.shot, p.score, 0, p.score, CASE WHEN p.rank = 1 THEN 'extreme close-up' END,
  p.rank, NULL, NULL, NULL,
  '[{"feature":"sharpness","contribution":0.21},{"feature":"faces","contribution":0.12},'
  || '{"feature":"contrast","contribution":-0.05},{"feature":"colour","contribution":0.01}]'
  FROM picks p;
INSERT INTO pool SELECT f.frame, f.shot, f.score, 0.5, f.score - 0.5, NULL, NULL,
  CASE f.frame % 6 WHEN 0 THEN 'near-duplicate of pick 1' WHEN 1 THEN 'caption' WHEN 2 THEN 'nudity'
    WHEN 3 THEN 'blur' WHEN 4 THEN 'eyes closed' ELSE '<img src=x onerror=alert(3)>' END,
  CASE WHEN f.frame % 6 = 0 THEN (SELECT frame FROM picks WHERE rank = 1) END,
  CASE WHEN f.frame % 6 = 0 THEN 0.97 END,
  '[{"feature":"blur \u003cb\u003e","contribution":-0.4}]'
  FROM frames f WHERE f.score IS NOT NULL AND f.frame NOT IN (SELECT frame FROM picks)
  ORDER BY f.score DESC LIMIT 45;
CREATE TABLE maturity(frame INTEGER PRIMARY KEY, text_boxes TEXT);
INSERT INTO maturity SELECT frame, CASE WHEN frame = $face_frame
  THEN '[[0.1,0.8,0.8,0.1,0.9],[0.2,0.05,0.3,0.05,0.7]]' WHEN rank = 2 THEN '[]'
  ELSE '[[1,2,"<script>"]]' END FROM picks;
CREATE TABLE overlays(id INTEGER PRIMARY KEY, x REAL, y REAL, w REAL, h REAL,
  persistence REAL, n_shots INTEGER);
INSERT INTO overlays VALUES (1, 0.85, 0.04, 0.12, 0.08, 0.97, 3);
CREATE TABLE diversity(selection TEXT, n INTEGER, idx REAL);
INSERT INTO diversity VALUES ('picks', 5, 0.62), ('top_score', 5, 0.41), ('uniform', 5, 0.55);
SQL
  [ "$has_scale" = 1 ] || q "$db" "ALTER TABLE shots ADD COLUMN scale TEXT"
  q "$db" "UPDATE shots SET scale = CASE id % 3 WHEN 0 THEN 'close-up' WHEN 1 THEN 'medium' ELSE 'long' END"
  # Exported thumbnails for the two best rejected frames (the rows inserted here have none),
  # where pass 3 writes them; the rest get the colour sketch.
  python3 - "$db" "$SCRATCH/sel" <<'P'
import math, shutil, sqlite3, sys
d = sqlite3.connect(sys.argv[1])
fps = d.execute("select fps from title").fetchone()[0]
thumb = d.execute("select still from picks where rank = 1").fetchone()[0].rsplit(".", 1)[0] + ".thumb.jpg"
for frame, t in d.execute("select p.frame, f.t_s from pool p join frames f on f.frame = p.frame"
                          " where pick_rank is null order by base_score desc limit 2"):
    base = max(1, math.ceil(fps - 1e-3)); s = math.floor(t + 1e-9)
    ff = min(base - 1, max(0, math.floor((t - s) * base + 1e-6)))
    name = "%02d-%02d-%02d-%02d_f%06d.thumb.jpg" % (s // 3600, s // 60 % 60, s % 60, ff, frame)
    shutil.copy(f"{sys.argv[2]}/{thumb}", f"{sys.argv[2]}/stills/{name}")
P
  check "render the report again" "$render" "$db" "$SCRATCH/sel/report.html"
  expect "$SCRATCH/sel" >"$SCRATCH/expect_sel.json"
  check "browser checks, selection tables" node "$browser_dir/report.mjs" "$SCRATCH/sel" 5 \
    "${shot%.png}-selection.png" "$SCRATCH/expect_sel.json"
  check "hostile reason escaped" grep -q '&lt;img src=x onerror=alert(3)&gt;' "$SCRATCH/sel/report.html"
  check "malformed text boxes left out" test "$(grep -c '<script>' "$SCRATCH/sel/report.html")" = 1
else
  bad "no $render (tests/browser/meson.build)"
fi
finish
