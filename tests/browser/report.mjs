// Opens an ava report.html in Debian's Chromium, headless and offline, and checks it as an
// editor uses it. usage: node report.mjs OUT_DIR EXPECTED_PICKS SCREENSHOT.png
// Prints "N passed, N failed"; exit 1 on any failure.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import url from 'node:url';

const [outDir, wantPicks, shot] = process.argv.slice(2);
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
await page.goto(url.pathToFileURL(path.join(root, 'report.html')).href);
await page.waitForLoadState('load');

const picks = await page.locator('figure.pick').count();
check(`picks shown (${picks} == ${wantPicks})`, picks === Number(wantPicks));
check('one timeline mark per pick', (await page.locator('.pick-mark').count()) === picks);
check('timeline drawn', (await page.locator('svg.timeline polyline').count()) >= 1);
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

check('no request left the folder: ' + outside.join(' '), outside.length === 0);
check('no script errors: ' + errors.join(' '), errors.length === 0);
await page.screenshot({ path: shot, fullPage: false });
await browser.close();
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
