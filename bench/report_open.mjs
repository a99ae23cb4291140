// Opens OUT_DIR/report.html in Debian's Chromium (headless, offline) RUNS times and prints
// DOMContentLoaded and load from the navigation timing, median of the runs, in ms.
// usage: node report_open.mjs OUT_DIR [RUNS]   (playwright-core from tests/browser)
import { createRequire } from 'node:module';
import path from 'node:path';
import url from 'node:url';

const here = path.dirname(url.fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', 'tests', 'browser', 'package.json'));
const { chromium } = require('playwright-core');
const [outDir, runsArg] = process.argv.slice(2);
const runs = Number(runsArg || 5);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const href = url.pathToFileURL(path.resolve(outDir, 'report.html')).href;
const dom = [], load = [];
for (let i = 0; i < runs; i++) {
  const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
  await page.goto(href, { waitUntil: 'load' });
  const t = await page.evaluate(() => {
    const n = performance.getEntriesByType('navigation')[0];
    return [n.domContentLoadedEventEnd, n.loadEventEnd];
  });
  dom.push(t[0]);
  load.push(t[1]);
  await page.close();
}
await browser.close();
const median = (a) => a.slice().sort((x, y) => x - y)[Math.floor(a.length / 2)];
console.log(`report opens: DOM ready ${median(dom).toFixed(0)} ms, load ${median(load).toFixed(0)} ms` +
            ` (median of ${runs}; DOM ready per run ${dom.map((x) => x.toFixed(0)).join(' ')})`);
