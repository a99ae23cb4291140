#!/usr/bin/env bash
# report.html in Debian's Chromium, headless and offline (tests/browser/report.mjs): the
# picks, timeline and stills are there, a timeline click shows a frame, keep/reject saves a
# valid choices.json that `ava learn` accepts, no request leaves the output folder, and a
# hostile title is shown as text. A screenshot is left in the build folder.
source "$(dirname "$0")/common.sh" "$@"
browser_dir=$(cd "$(dirname "$0")/../browser" && pwd)
shot=${3:-$SCRATCH/report.png}
[ -x /usr/bin/chromium ] || { echo "skipping: no /usr/bin/chromium"; exit 77; }
[ -d "$browser_dir/node_modules/playwright-core" ] || { echo "skipping: run scripts/setup-browser.sh"; exit 77; }
clip=$SCRATCH/hostile.mp4
ffmpeg -v error -i "$VIDEO/zwm_clip_01_tears_of_steel.mp4" -c copy \
  -metadata title='<script>alert(1)</script><img src=x onerror=alert(2)>' "$clip"
check "analyze" "$AVA" analyze "$clip" -o "$SCRATCH/out" -q -n 5
check "browser checks" node "$browser_dir/report.mjs" "$SCRATCH/out" 5 "$shot"
check "hostile title escaped" grep -q '&lt;script&gt;alert(1)&lt;/script&gt;&lt;img' "$SCRATCH/out/report.html"
check "ava learn reads the saved choices" sh -c "'$AVA' learn '$SCRATCH/out/choices.json' -o '$SCRATCH/l.json' 2>&1 | grep -q 'need keeps and rejects, 10 choices'"
finish
