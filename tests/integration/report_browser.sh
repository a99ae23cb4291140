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
# Rejected counts by reason, the picks a reason names gathered ("too close to picks 1, 2 and
# 3: 5"), as the header and the rejected section must both say them.
def reason_groups():
    groups = {}
    for reason, score in d.execute("select coalesce(reason, ''), score from pool where pick_rank is null"):
        reason = reason or "no reason given"
        words = reason.rsplit(" pick ", 1)
        key, rank = (words[0], int(words[1])) if len(words) == 2 and words[1].isdigit() else (reason, None)
        g = groups.setdefault(key, [0, set(), 0])
        g[0] += 1
        g[2] += score is None
        if rank:
            g[1].add(rank)
    out = []
    for key, (n, ranks, excl) in groups.items():
        r = sorted(ranks)
        named = "" if not r else " pick %d" % r[0] if len(r) == 1 else \
            " picks " + ", ".join(map(str, r[:-1])) + " and %d" % r[-1]
        out.append("%s%s: %d" % (key, named, n) + (" (%d excluded)" % excl if excl else ""))
    return out
# Each listed rejected row whose reason names a pick, with that pick's frame; a "too close"
# reason must name a pick of the same shot nearer than the repeat gap of docs/analyze.md:
# max(min_gap_s, min(title duration / N, a third of the shot)).
def reason_picks():
    min_gap = float(q("select value from run_config where key = 'min_gap_s'") or 1)
    n_want = int(q("select value from run_config where key = 'count'") or 10)
    dur = float(q("select max(t_s) - min(t_s) from frames"))
    shot_len = dict(d.execute(
        "select s.id, b.t_s - a.t_s from shots s join frames a on a.frame = s.first_frame"
        " join frames b on b.frame = s.last_frame").fetchall())
    rows, ok = [], True
    for frame, shot, reason, t in d.execute(
            "select p.frame, p.shot, p.reason, f.t_s from pool p join frames f using(frame)"
            " where pick_rank is null order by base_score desc, p.frame limit 40"):
        w = (reason or "").rsplit(" pick ", 1)
        if len(w) != 2 or not w[1].isdigit():
            continue
        pick = d.execute("select p.frame, p.shot, f.t_s from picks p join frames f using(frame)"
                         " where rank = ?", (int(w[1]),)).fetchone()
        rows.append([frame, int(w[1]), pick[0] if pick else None])
        if w[0] == "too close to":
            gap = max(min_gap, min(dur / n_want, shot_len.get(shot, 0) / 3))
            ok &= pick is not None and pick[1] == shot and abs(pick[2] - t) < gap
    return rows, ok
# Why frames outside the pool are not in it, from the rules of src/rank/rank.c and
# src/pipeline/analyze.c: one frame of each kind found.
def outside_kinds():
    edge = int(q("select value from run_config where key = 'shot_edge_frames'") or 2)
    gap = float(q("select value from run_config where key = 'min_gap_s'") or 1) / 4
    fade = q("select value from run_config where key = 'shots_fade'") or ""
    th = float(fade.split("black_pic_th=")[1].split()[0]) if "black_pic_th=" in fade else 0.98
    pool_t = {f: (t, s) for f, t, s in d.execute("select p.frame, f.t_s, f.shot from pool p join frames f using(frame)")}
    shots = d.execute("select id, first_frame, last_frame from shots").fetchall()
    faced = {s for s, in d.execute("select distinct g.shot from faces c join frames g using(frame)")} \
        if has("faces", "id") else set()
    kinds = {}
    for frame, t, score, black, trans, shot in d.execute(
            "select frame, t_s, score, black_ratio, transition, shot from frames order by frame"):
        if frame in pool_t:
            continue
        first, last = next((a, b) for i, a, b in shots if a <= frame <= b)
        e = edge if last - first + 1 > 2 * edge else (last - first) // 2
        near = [f for f, (pt, ps) in pool_t.items() if ps == shot and abs(pt - t) < gap]
        k = ("black" if black is not None and black >= th else "transition" if trans
             else ("unsampled" if shot in faced else "noscore") if score is None
             else "edge" if frame < first + e or frame > last - e
             else "gap %d" % min(near, key=lambda f: abs(pool_t[f][0] - t)) if near else "full")
        kinds.setdefault(k.split()[0], [frame, k, score])
    return list(kinds.values())
def face_crops():
    if not chars or not has("faces", "id"):
        return []
    out = []
    for c, in d.execute("select id from characters where not is_extra order by id"):
        row = d.execute("select f.x, f.y, f.w, f.h, f.frame from picks p join faces f on f.frame = p.frame"
                        " join face_tracks t on t.id = f.track where t.character = ?"
                        " order by p.rank, f.w * f.h desc limit 1", (c,)).fetchone()
        if row:
            out.append([c, row[4], "%.0f %.0f %.0f %.0f" % row[:4]])
    return out
rp = reason_picks() if pool else ([], True)
# The score curve's runs: frames in buckets of ceil(frames / 2000) (docs/report.md), a bucket
# with no scored frame a gap; every run of scored buckets is one piece of the curve.
def score_runs():
    scored = [s is not None for s, in d.execute("select score from frames order by frame")]
    step = max(1, math.ceil(len(scored) / 2000))
    buckets = [any(scored[i:i + step]) for i in range(0, len(scored), step)]
    return sum(b and (i == 0 or not buckets[i - 1]) for i, b in enumerate(buckets))
# The header's container: what the file's extension calls it when FFmpeg's demuxer (often a
# list, "mov,mp4,m4a,3gp,3g2,mj2") reads that kind, else the list's first name.
def container():
    name, demuxer = d.execute("select file_name, container from title").fetchone()
    names, ext = (demuxer or "").split(","), name.rsplit(".", 1)[-1].lower()
    kinds = {"mp4": ("mp4", "MP4"), "mov": ("mov", "QuickTime (MOV)"), "mkv": ("matroska", "Matroska (MKV)")}
    shown = kinds[ext][1] if ext in kinds and kinds[ext][0] in names else names[0]
    return [shown, demuxer]
print(json.dumps({
    "reason_groups": reason_groups() if pool and has("pool", "score") else [],
    "rejected_total": q("select count(*) from pool where pick_rank is null") if pool else 0,
    "excluded": q("select count(*) from pool where pick_rank is null and score is null") if pool else 0,
    "reason_picks": rp[0], "too_close_ok": rp[1],
    "outside_kinds": outside_kinds() if pool else [],
    "face_crops": face_crops(),
    "video_start": q("select round(t, 3) from (select min(t_s) t from frames) where t >= 0.0005"),
    "pick_parts": d.execute("select p.rank, printf('pass-1 score %.3f \u2212 maturity penalty %.3f', l.base_score, l.penalty)"
                            " from picks p join pool l on l.frame = p.frame order by p.rank").fetchall()
                  if pool and has("pool", "base_score") else [],
    "shot_picks": d.execute("select s.id, coalesce(printf('%.3f', s.best_score), '\u2013'), (select group_concat(k, ', ') from"
                            " (select '#' || rank || ' ' || printf('%.3f', score) k from picks where shot = s.id"
                            " order by rank)) from shots s order by s.first_frame").fetchall(),
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
    "faces_measured": has("faces", "landmarks") and has("faces", "frame"),
    "text_measured": has("maturity", "text_boxes") and has("maturity", "frame"),
    "container": container(),
    "score_runs": score_runs(),
    "frame_range": [q("select min(frame) from frames"), q("select max(frame) from frames")],
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
check "integer-rate EDL is non-drop" grep -q '^FCM: NON-DROP FRAME' "$SCRATCH/out/picks.edl"
check "hostile title escaped" grep -q '&lt;script&gt;alert(1)&lt;/script&gt;&lt;img' "$SCRATCH/out/report.html"
check "ava learn reads the saved choices" sh -c "'$AVA' learn '$SCRATCH/out/choices.json' -o '$SCRATCH/l.json' 2>&1 | grep -q 'need keeps and rejects, 10 choices'"

# The newcomer's clip (issue 7): 29.97 fps, first video frame at 0.844 s, rejected frames
# too close to picks, near-duplicates and exclusions. Its EDL is drop-frame: each pick's
# timecode is the frame count round(t_s x 30000 / 1001) labelled by counting, one label at a
# time, skipping ;00 and ;01 at each minute but every tenth.
ham=$VIDEO/fr_short_hamilton_clip.mp4
if [ -f "$ham" ]; then
  check "analyze the 29.97 fps clip" "$AVA" analyze "$ham" -o "$SCRATCH/ham" -q -n 7
  expect "$SCRATCH/ham" >"$SCRATCH/expect_ham.json"
  check "browser checks, 29.97 fps clip" node "$browser_dir/report.mjs" "$SCRATCH/ham" \
    "$(q "$SCRATCH/ham/ava.sqlite" "select count(*) from picks")" "${shot%.png}-ham.png" "$SCRATCH/expect_ham.json"
  check "drop-frame EDL" python3 - "$SCRATCH/ham" <<'P'
import sqlite3, sys
d = sqlite3.connect(sys.argv[1] + "/ava.sqlite")
def label(n):
    h = m = s = f = 0
    for _ in range(n):
        f += 1
        if f == 30:
            f, s = 0, s + 1
            if s == 60:
                s, m = 0, m + 1
                if m == 60:
                    m, h = 0, h + 1
                if m % 10:
                    f = 2
    return "%02d:%02d:%02d;%02d" % (h, m, s, f)
edl = open(sys.argv[1] + "/picks.edl", newline="").read().split("\r\n")
assert edl[1] == "FCM: DROP FRAME", edl[1]
events = [l for l in edl if l[:3].isdigit()]
picks = d.execute("select p.rank, f.t_s from picks p join frames f using(frame) order by f.t_s").fetchall()
assert len(events) == len(picks), (events, picks)
for e, (rank, t) in zip(events, picks):
    n = round(t * 30000 / 1001)
    want = [label(n), label(n + 1)] * 2
    assert e.split()[4:] == want, (e, want, rank, t)
P
  # A pool of the picks and one rejected frame: frames far from every pool frame, which the
  # lookup must say the pool had no room for.
  if [ -x "$render" ]; then
    cp -r "$SCRATCH/ham" "$SCRATCH/ham_full"
    rm -f "$SCRATCH/ham_full/report.html" "$SCRATCH/ham_full/choices.json"
    q "$SCRATCH/ham_full/ava.sqlite" "DELETE FROM pool WHERE pick_rank IS NULL AND frame <> (SELECT frame
      FROM pool WHERE pick_rank IS NULL ORDER BY base_score DESC, frame LIMIT 1)"
    check "render the small pool" "$render" "$SCRATCH/ham_full/ava.sqlite" "$SCRATCH/ham_full/report.html"
    expect "$SCRATCH/ham_full" >"$SCRATCH/expect_ham_full.json"
    check "small pool: frames it had no room for" python3 -c '
import json, sys; sys.exit(not any(k[1] == "full" for k in json.load(open(sys.argv[1]))["outside_kinds"]))' \
      "$SCRATCH/expect_ham_full.json"
    check "browser checks, small pool" node "$browser_dir/report.mjs" "$SCRATCH/ham_full" \
      "$(q "$SCRATCH/ham/ava.sqlite" "select count(*) from picks")" "${shot%.png}-ham-full.png" \
      "$SCRATCH/expect_ham_full.json"
  fi
fi

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
