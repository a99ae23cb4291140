// Opens an ava report.html in Debian's Chromium, headless and offline, and checks it as an
// editor uses it. usage: node report.mjs OUT_DIR EXPECTED_PICKS SCREENSHOT.png [EXPECT.json]
// EXPECT.json holds counts the caller took from ava.sqlite (tests/integration/
// report_browser.sh): characters, the pick with the most faces and its face and text-box
// counts, overlays, galleries, rejected rows, diversity rows. The annotated viewer is saved
// as SCREENSHOT-viewer.png. Prints "N passed, N failed"; exit 1 on any failure.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import url from 'node:url';

const [outDir, wantPicks, shot, expectPath] = process.argv.slice(2);
const want = expectPath ? JSON.parse(fs.readFileSync(expectPath, 'utf8')) : null;
const root = path.resolve(outDir);
let passed = 0, failed = 0;
const check = (desc, ok) => { if (ok) passed++; else { failed++; console.error('FAILED: ' + desc); } };

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1300, height: 1800 } });
const page = await context.newPage();
const outside = [];
page.on('request', (r) => {
  const u = r.url();
  if (u.startsWith('data:') || u.startsWith('blob:')) return;
  if (!u.startsWith('file://') || !url.fileURLToPath(u).startsWith(root)) outside.push(u);
});
const errors = [];
page.on('pageerror', (e) => errors.push(String(e)));
const dialogs = [];
page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
const t0 = Date.now();
await page.goto(url.pathToFileURL(path.join(root, 'report.html')).href, { waitUntil: 'domcontentloaded' });
const domReadyMs = Date.now() - t0;
await page.waitForLoadState('load');
console.log(`DOM ready ${domReadyMs} ms, load ${Date.now() - t0} ms`);

const picks = await page.locator('figure.pick').count();
check(`picks shown (${picks} == ${wantPicks})`, picks === Number(wantPicks));
check('one timeline mark per pick', (await page.locator('.pick-mark').count()) === picks);
check('timeline drawn', (await page.locator('svg.timeline path.score-line').count()) === 1);
check('every still loads', await page.evaluate(() =>
  Array.from(document.querySelectorAll('figure.pick img')).every((i) => i.complete && i.naturalWidth > 0)));

// A click on a timeline point shows a frame.
await page.locator('.pick-mark').first().dispatchEvent('click', { bubbles: true });
const viewer = page.locator('#viewer');
check('timeline click opens the viewer', await viewer.isVisible());
const src = await viewer.locator('img').getAttribute('src');
check('viewer shows a still', !!src && src.startsWith('stills/'));
await page.keyboard.press('Escape');
check('Escape closes it', !(await viewer.isVisible()));

// Keep the first pick with the keyboard, reject the second with its button, save.
await page.locator('figure.pick').nth(0).focus();
await page.keyboard.press('k');
await page.keyboard.press('ArrowRight');
const second = page.locator('figure.pick').nth(1);
check('arrow key moves focus', await second.evaluate((e) => e === document.activeElement));
await second.locator('button[data-choice=reject]').click();
const [download] = await Promise.all([
  page.waitForEvent('download'),
  page.locator('#save-choices').click(),
]);
const text = fs.readFileSync(await download.path(), 'utf8');
const data = JSON.parse(text);
const f0 = Number(await page.locator('figure.pick').nth(0).getAttribute('data-frame'));
const f1 = Number(await second.getAttribute('data-frame'));
check('choices.json is valid', data.ava_choices === 1 && Array.isArray(data.choices));
check('two choices', data.choices.length === 2);
check('keep recorded', data.choices.some((c) => c.frame === f0 && c.choice === 'keep'));
check('reject recorded', data.choices.some((c) => c.frame === f1 && c.choice === 'reject'));
check('title key recorded', typeof data.title_key === 'string' && data.title_key.length === 64);
fs.writeFileSync(path.join(root, 'choices.json'), text);

if (want) await annotated();

check('no request left the folder: ' + outside.join(' '), outside.length === 0);
check('no dialog opened (no script from the data ran): ' + dialogs.join(' '), dialogs.length === 0);
check('no script errors: ' + errors.join(' '), errors.length === 0);
await page.screenshot({ path: shot, fullPage: false });
await browser.close();
console.log(`browser: ${passed} passed, ${failed} failed`);

// The sections built from the selection and the annotations, against counts from the db.
async function annotated() {
  const count = (sel) => page.locator(sel).count();
  // A newcomer's two questions are the first two links at the top.
  const nav = await page.locator('nav.jump a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  check('top links: characters, then rejected', nav[0] === '#characters' && nav[1] === '#rejected');
  check('every top link has its section', await page.evaluate((ids) =>
    ids.every((h) => document.querySelector(h) !== null), nav));
  check(`characters (${await count('.character')} == ${want.characters})`,
    (await count('.character')) === want.characters);
  check('a best still per character', (await count('.character .best-still img')) ===
    Math.min(want.characters, want.characters_with_pick));
  check('character stills load', await page.evaluate(() =>
    Array.from(document.querySelectorAll('.character img')).every((i) => i.complete && i.naturalWidth > 0)));
  // A face crop per character, from its best still's face box (faces table).
  check(`face crops (${await count('.character .face-crop')} == ${want.face_crops.length})`,
    (await count('.character .face-crop')) >= want.face_crops.length);
  for (const [c, frame, box] of want.face_crops) {
    const crop = page.locator(`.character[data-character="${c}"] .face-crop`).first();
    check(`character ${c}: face crop of frame ${frame} box ${box}`,
      (await crop.getAttribute('data-frame')) === String(frame) && (await crop.getAttribute('data-box')) === box);
  }
  check('face crops load', await page.evaluate(async () => {
    const imgs = Array.from(document.querySelectorAll('.face-crop img'));
    imgs.forEach((i) => { i.loading = 'eager'; });
    await Promise.all(imgs.map((i) => i.decode().catch(() => {})));
    return imgs.every((i) => i.complete && i.naturalWidth > 0);
  }));
  const [wantContainer, demuxer] = want.container;
  const cont = page.locator('dd.container');
  check(`container "${await cont.textContent()}" == "${wantContainer}" (db: ${demuxer})`,
    (await cont.textContent()) === wantContainer && (await cont.getAttribute('title')) === `FFmpeg demuxer: ${demuxer}`);
  // When the first frame is not at 0 the header says so (times count from the file's start).
  check(`video start (${want.video_start})`, want.video_start === null ? (await count('.video-start')) === 0
    : Number(await page.locator('.video-start').getAttribute('data-t')) === want.video_start);
  // The shots table: the pass-1 score of the best frame, and the shot's picks with final scores.
  const shotRows = await page.locator('table.shots tbody tr').evaluateAll((trs) => trs.map((tr) =>
    [tr.cells[7].textContent, tr.cells[8].textContent]));
  check('shots: pass-1 best score and picks with their final score (db)', shotRows.length === want.shot_picks.length &&
    want.shot_picks.every(([id, best, picks], i) => shotRows[i][0] === best && shotRows[i][1] === (picks || '')));
  check(`scale galleries (${await count('.gallery[data-kind=scale]')} == ${want.scale_galleries})`,
    (await count('.gallery[data-kind=scale]')) === want.scale_galleries);
  check(`camera galleries (${await count('.gallery[data-kind=camera]')} == ${want.camera_galleries})`,
    (await count('.gallery[data-kind=camera]')) === want.camera_galleries);
  check('every pick in one gallery of each kind when measured', await page.evaluate((w) =>
    (!w.scale_galleries || document.querySelectorAll('.gallery[data-kind=scale] a.open-pick').length === w.scale_picks) &&
    (!w.camera_galleries || document.querySelectorAll('.gallery[data-kind=camera] a.open-pick').length === w.camera_picks), want));
  check('timeline: motion curve, and face presence where faces were seen',
    (await count('svg.timeline .motion-line')) === 1 &&
    ((await count('svg.timeline .face-band rect')) > 0) === (want.faces_seen > 0));
  // The score curve breaks where frames have no score: one subpath per run of scored frames.
  const d = await page.locator('svg.timeline path.score-line').getAttribute('d');
  const pieces = (d.match(/M/g) || []).length;
  check(`score curve in ${pieces} pieces == ${want.score_runs} runs of scored frames (db)`, pieces === want.score_runs);
  const colour = (sel, prop) => page.locator(sel).first().evaluate((e, p) => getComputedStyle(e)[p], prop);
  if (want.faces_seen > 0)
    check('picks and faces seen in different colours',
      (await colour('svg.timeline .pick-mark', 'stroke')) !== (await colour('svg.timeline .face-band rect', 'fill')));
  check(`diversity rows (${await count('.div-row')} == ${want.diversity})`, (await count('.div-row')) === want.diversity);

  const rows = await count('tr.rejected-frame');
  if (want.rejected === null) {
    check('no pool: rejected section says not measured', rows === 0 &&
      /not measured/i.test(await page.locator('#rejected').textContent()));
  } else {
    check(`rejected rows (${rows} == ${want.rejected})`, rows === want.rejected);
    check('one timeline mark per rejected row', (await count('.reject-mark')) === rows);
    check('every rejected row has a reason', await page.evaluate(() =>
      Array.from(document.querySelectorAll('tr.rejected-frame .reason')).every((r) => r.textContent.trim().length > 1)));
    // They load lazily: ask for all of them, then check that each one decoded.
    check('rejected images load (files and colour sketches)', await page.evaluate(async () => {
      const imgs = Array.from(document.querySelectorAll('img.rthumb'));
      imgs.forEach((i) => { i.loading = 'eager'; });
      await Promise.all(imgs.map((i) => i.decode().catch(() => {})));
      return imgs.every((i) => i.complete && i.naturalWidth > 0);
    }));
    check(`rejected rows with an exported thumbnail (${want.rejected_files})`,
      (await count('img.rthumb:not(.sketch)')) === want.rejected_files);
    check('near-duplicates link to their pick', (await count('#rejected a.similar')) === want.similar_links);
    if (want.hostile_reason) {
      check('hostile reason shown as text', await page.evaluate((t) =>
        Array.from(document.querySelectorAll('.reason')).some((r) => r.textContent.includes(t)), want.hostile_reason));
      check('hostile reason made no element', (await count('#rejected img[src=x], #rejected script')) === 0);
    }
    // A rejected row's time opens the frame (its thumbnail) in the viewer and marks it on the
    // timeline; the mark leads back to the row.
    const first = page.locator('tr.rejected-frame').first();
    const f = await first.getAttribute('data-frame');
    await first.locator('a.tl-link').click();
    check('rejected time marks the timeline', (await count(`.reject-mark.hl[data-frame="${f}"]`)) === 1);
    const viewerR = page.locator('#viewer');
    check('rejected time opens the frame in the viewer', await viewerR.isVisible() &&
      (await viewerR.getAttribute('data-frame')) === f &&
      (await viewerR.locator('img').getAttribute('src')) === (await first.locator('img.rthumb').getAttribute('src')));
    check('viewer says it is a rejected frame', (await viewerR.locator('.vinfo').textContent()).startsWith(`rejected frame ${f}`));
    // The page holds annotations of the picks only: for this frame each layer the db measured
    // says it has no data rather than drawing nothing.
    const note = await viewerR.locator('.vnote').textContent();
    check(`rejected frame: "${note}" names the face layer iff faces were measured (${want.faces_measured})`,
      note.includes('no face data for this frame') === want.faces_measured &&
      (await count('#viewer .layer-faces rect')) === 0);
    check(`rejected frame: text layer note iff text boxes were measured (${want.text_measured})`,
      note.includes('no text box data for this frame') === want.text_measured);
    await page.keyboard.press('Escape');
    check('Escape closes the rejected frame', !(await viewerR.isVisible()));
    await page.locator(`.reject-mark[data-frame="${f}"]`).dispatchEvent('click', { bubbles: true });
    check('timeline mark highlights the row', await first.evaluate((e) => e.classList.contains('hl')));
    check('picks show why', (await count('figure.pick .why')) === want.picks_with_why);
    // The header and the rejected section count the same reasons, as the pool table does.
    const groups = async (sel) => page.locator(sel).evaluateAll((ss) => ss.map((s) => s.textContent));
    const head = await groups('dd.reasons .reason-count'), sect = await groups('p.reasons .reason-count');
    check(`header reasons (${head.join(' | ')}) == pool (${want.reason_groups.join(' | ')})`,
      head.length === want.reason_groups.length && want.reason_groups.every((g) => head.includes(g)));
    check('rejected section counts the same reasons', sect.length === head.length && head.every((g) => sect.includes(g)));
    if (want.reason_groups.length)
      check(`header: ${want.rejected_total} rejected, ${want.excluded} excluded`,
        (await page.locator('dd.reasons').textContent()).startsWith(
          `${want.rejected_total} of the candidate pool (${want.excluded} excluded outright)`));
    check('a too-close reason names a pick of its shot within min_gap_s (db)', want.too_close_ok);
    for (const [frame, rank, pickFrame] of want.reason_picks) {
      const a = page.locator(`#rejected-${frame} a.reason-pick`);
      check(`row ${frame}: the reason's link goes to pick #${rank} (frame ${pickFrame})`,
        (await a.getAttribute('href')) === `#pick-${rank}` &&
        (await page.locator(`#pick-${rank}`).getAttribute('data-frame')) === String(pickFrame));
    }
    for (const [rank, parts] of want.pick_parts)
      check(`pick #${rank}: ${parts}`, (await page.locator(`#pick-${rank} .parts`).textContent()).startsWith(parts));
    // "Why was frame N not picked?" answers for any frame, listed or not.
    const ask = async (f) => {
      await page.locator('#why-frame input').fill(String(f));
      await page.locator('#why-frame button').click();
      return page.locator('#why-frame output').textContent();
    };
    if (want.last_rejected) {
      const [lf, lr] = want.last_rejected;
      check('lookup: a rejected frame gives its reason', (await ask(lf)).includes(lr || 'no reason given'));
    }
    // A character without a pick links its best face's frame to the same answer.
    const wl = page.locator('a.why-link');
    if (await wl.count()) {
      const wf = await wl.first().getAttribute('data-frame');
      await wl.first().click();
      check('character without a pick: why-link answers', (await page.locator('#why-frame output').textContent()).startsWith(`frame ${wf}`));
    }
    const pf = await page.locator('figure.pick').first().getAttribute('data-frame');
    check('lookup: a pick says so', /was picked: #1/.test(await ask(pf)));
    // Only digits are a frame number: anything else replaces the last answer with the range
    // (the db's first and last frames); '1e2' is not frame 1, a number with digits is read whole.
    const [fFirst, fLast] = want.frame_range;
    for (const bad of ['1e2', '-1', '3.5', 'abc', ' ']) {
      await ask(pf);
      const a = await ask(bad);
      check(`lookup "${bad}": ${a}`, a.startsWith(`enter a frame number from ${fFirst} to ${fLast}`));
    }
    const mid = Math.floor((fFirst + fLast) / 2);
    check(`lookup "0${mid}" answers about frame ${mid}`, (await ask('0' + mid)).startsWith(`frame ${mid} `));
    if (want.outside_pool !== null)
      check('lookup: a frame outside the pool says so', /not in the candidate pool/.test(await ask(want.outside_pool)));
    // Why a frame outside the pool is not in it, one frame of each kind the db holds.
    const phrase = { black: 'black frame', transition: 'inside a transition', unsampled: 'faces pass read',
                     noscore: 'has no score', edge: 'first or last', full: 'was full' };
    for (const [frame, kind, score] of want.outside_kinds) {
      const a = await ask(frame);
      const ok = kind.startsWith('gap ') ? a.includes(`of frame ${kind.slice(4)} of the same shot`) : a.includes(phrase[kind]);
      check(`lookup: frame ${frame} is outside the pool as "${kind}": ${a}`, ok && a.startsWith(`frame ${frame} is not in`));
      // its own score, packed in 4096 steps of the title's range: within 0.002 of the db's
      const m = /its pass-1 score is (-?\d+\.\d+)/.exec(a);
      if (kind.startsWith('gap ') || kind === 'full')
        check(`lookup: frame ${frame}'s score (${m && m[1]} ~ ${score})`, m && Math.abs(Number(m[1]) - score) < 0.002);
    }
  }

  // What a newcomer sees first, and the rejected frames, as screenshots.
  const base = shot.replace(/\.png$/, '');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: base + '-top.png' });
  await page.locator('#rejected').screenshot({ path: base + '-rejected.png' });
  console.log(`screenshots: ${base}-top.png ${base}-rejected.png`);

  // The annotated viewer on the pick with the most faces.
  const viewer = page.locator('#viewer');
  const frame = want.face_frame ?? Number(await page.locator('figure.pick').first().getAttribute('data-frame'));
  const fig = page.locator(`figure.pick[data-frame="${frame}"]`);
  await fig.locator('a').click();
  check('a click on a pick opens the viewer', await viewer.isVisible());
  check('viewer shows that pick', (await viewer.getAttribute('data-frame')) === String(frame));
  const nLm = await count('#viewer .layer-landmarks circle');
  if (want.faces) {
    check(`landmarks (${nLm} == 68 x ${want.faces})`, nLm === 68 * want.faces);
    check(`face boxes (${want.faces})`, (await count('#viewer .layer-faces rect')) === want.faces);
  }
  const pnote = await viewer.locator('.vnote').textContent();
  if (want.faces)
    check(`a pick with faces has no face note: "${pnote}"`, !/face data|no faces/.test(pnote));
  if (want.text_boxes !== null)
    check(`text note iff the pick has no text boxes (${want.text_boxes}): "${pnote}"`,
      /no text boxes found/.test(pnote) === (want.text_boxes === 0));
  check('thirds grid drawn', (await count('#viewer .layer-thirds line')) === 4);
  check('saliency drawn', (await count('#viewer .layer-saliency ellipse')) === (want.saliency ? 1 : 0));
  if (want.text_boxes !== null)
    check(`text boxes (${want.text_boxes})`, (await count('#viewer .layer-text rect')) === want.text_boxes);
  else
    check('text layer off when not measured', await viewer.locator('input[data-layer=text]').isDisabled());
  if (want.overlays !== null)
    check(`overlays (${want.overlays})`, (await count('#viewer .layer-overlays rect')) === want.overlays);
  check('composition numbers shown', /thirds \d/.test(await viewer.locator('.vcomp').textContent()));
  // The stage covers the still exactly, so the boxes sit on the faces.
  const [ib, sb] = await page.evaluate(() => ['#viewer img', '#viewer svg.annot'].map((q) => {
    const r = document.querySelector(q).getBoundingClientRect(); return [r.width, r.height]; }));
  check('overlay covers the still', Math.abs(ib[0] - sb[0]) < 1 && Math.abs(ib[1] - sb[1]) < 1);
  const vshot = shot.replace(/\.png$/, '') + '-viewer.png';
  await page.screenshot({ path: vshot });
  console.log('annotated viewer screenshot: ' + vshot);
  // Layers toggle with their number keys and their boxes.
  await page.keyboard.press('3');
  check('key 3 hides the thirds', await page.locator('#viewer .layer-thirds').evaluate((g) => g.style.display === 'none'));
  await viewer.locator('input[data-layer=thirds]').click();
  check('checkbox shows them again', await page.locator('#viewer .layer-thirds').evaluate((g) => g.style.display === ''));
  await page.keyboard.press('2');
  check('key 2 hides the landmarks', await page.locator('#viewer .layer-landmarks').evaluate((g) => g.style.display === 'none'));
  // Arrow keys page through the picks inside the viewer; Escape closes it.
  const i = await fig.evaluate((e) => Array.from(document.querySelectorAll('figure.pick')).indexOf(e));
  const n = await count('figure.pick');
  const next = await page.locator('figure.pick').nth(i + 1 < n ? i + 1 : i).getAttribute('data-frame');
  await page.keyboard.press('ArrowRight');
  check('arrow moves the viewer to the next pick', (await viewer.getAttribute('data-frame')) === next);
  check('layer choice kept across picks', await page.locator('#viewer .layer-landmarks').evaluate((g) => g.style.display === 'none'));
  await page.keyboard.press('Escape');
  check('Escape closes the viewer', !(await viewer.isVisible()));
  // A gallery thumbnail opens its pick.
  if (want.camera_galleries) {
    const a = page.locator('.gallery a.open-pick').first();
    await a.click();
    check('gallery thumbnail opens its pick', (await viewer.getAttribute('data-frame')) === (await a.getAttribute('data-frame')) && await viewer.isVisible());
    await viewer.locator('.vclose').click();
    check('close button closes', !(await viewer.isVisible()));
  }
}
process.exit(failed ? 1 : 0);
