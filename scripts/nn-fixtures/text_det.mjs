// SPDX-License-Identifier: MIT
// Reference outputs of PP-OCRv4 det (ch_PP-OCRv4_det_infer.onnx) from onnxruntime-node on one
// CPU thread. Needs a folder where `npm install --ignore-scripts onnxruntime-node` was run
// (its install script only fetches GPU libraries; make-fixtures.sh does it):
//   node text_det.mjs NODE_PREFIX MODELS_DIR OUT_DIR NAME=IMAGE.ppm...
// The preprocessing (PaddleOCR's DetResizeForTest 'max' 960 + NormalizeImage on BGR) and the
// axis-aligned DB post-processing are written here independently of the C code, from the
// same definitions (src/nn/net_text_det.h). Writes OUT_DIR/text_det_<stem>.json: the net
// size, every MAP_STRIDE-th probability, the sum of the map, the boxes, and
// onnxruntime-node's time per run at 640x640 (1 thread) on the first image.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const [prefix, modelsDir, outDir, ...images] = process.argv.slice(2);
const MAP_STRIDE = 97;
const require = createRequire(path.join(path.resolve(prefix), 'package.json'));
const ort = require('onnxruntime-node');
const ortPkg = JSON.parse(fs.readFileSync(path.join(prefix, 'node_modules/onnxruntime-node/package.json')));
const modelPath = path.join(modelsDir, 'ppocr_v4_det/ch_PP-OCRv4_det_infer.onnx');
const session = await ort.InferenceSession.create(modelPath, {
  intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' });

function readPpm(file) {
  const b = fs.readFileSync(file);
  const header = b.subarray(0, 64).toString('latin1').match(/^P6\s+(\d+)\s+(\d+)\s+255\s/);
  if (!header) throw new Error(`${file}: not a binary PPM`);
  const [w, h] = [Number(header[1]), Number(header[2])];
  return { w, h, px: b.subarray(header[0].length, header[0].length + w * h * 3) };
}

function netSize(w, h, maxSide) {
  const r = Math.max(w, h) > maxSide ? maxSide / Math.max(w, h) : 1;
  const f = (v) => Math.max(32, Math.floor(v * r / 32 + 0.5) * 32);
  return [f(w), f(h)];
}

// NCHW float32, channels B, G, R; bilinear with half-pixel centres.
function preprocess({ w, h, px }, nw, nh) {
  const mean = [0.485, 0.456, 0.406], sd = [0.229, 0.224, 0.225];
  const out = new Float32Array(3 * nw * nh), sx = w / nw, sy = h / nh;
  for (let r = 0; r < nh; r++) {
    const fy = Math.max(0, (r + 0.5) * sy - 0.5), y0 = Math.floor(fy), y1 = Math.min(y0 + 1, h - 1), dy = fy - y0;
    for (let c = 0; c < nw; c++) {
      const fx = Math.max(0, (c + 0.5) * sx - 0.5), x0 = Math.floor(fx), x1 = Math.min(x0 + 1, w - 1), dx = fx - x0;
      for (let ch = 0; ch < 3; ch++) {
        const s = 2 - ch, at = (y, x) => px[(y * w + x) * 3 + s];
        const v = (1 - dy) * ((1 - dx) * at(y0, x0) + dx * at(y0, x1)) + dy * ((1 - dx) * at(y1, x0) + dx * at(y1, x1));
        out[(ch * nh + r) * nw + c] = (v / 255 - mean[ch]) / sd[ch];
      }
    }
  }
  return out;
}

// Axis-aligned DB: threshold 0.3, 8-connected components in scan order, mean score >= 0.6,
// min side 3, unclip distance area * 1.5 / perimeter, mapped to the image and clipped.
function dbBoxes(map, mw, mh, w, h) {
  const mask = Uint8Array.from(map, (v) => (v > 0.3 ? 1 : 0)), boxes = [];
  for (let start = 0; start < mw * mh; start++) {
    if (!mask[start]) continue;
    const stack = [start];
    mask[start] = 0;
    let cnt = 0, sum = 0, x0 = mw, y0 = mh, x1 = -1, y1 = -1;
    while (stack.length) {
      const p = stack.pop(), px = p % mw, py = Math.floor(p / mw);
      cnt++; sum += map[p];
      x0 = Math.min(x0, px); x1 = Math.max(x1, px); y0 = Math.min(y0, py); y1 = Math.max(y1, py);
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
        const qx = px + dx, qy = py + dy;
        if (qx < 0 || qy < 0 || qx >= mw || qy >= mh) continue;
        const q = qy * mw + qx;
        if (mask[q]) { mask[q] = 0; stack.push(q); }
      }
    }
    const bw = x1 - x0 + 1, bh = y1 - y0 + 1, score = sum / cnt;
    if (Math.min(bw, bh) < 3 || score < 0.6) continue;
    const d = bw * bh * 1.5 / (2 * (bw + bh)), fx = w / mw, fy = h / mh;
    const ex0 = Math.max(0, (x0 - d) * fx), ex1 = Math.min(w, (x1 + 1 + d) * fx);
    const ey0 = Math.max(0, (y0 - d) * fy), ey1 = Math.min(h, (y1 + 1 + d) * fy);
    boxes.push({ box: [ex0, ey0, ex1 - ex0, ey1 - ey0], score });
  }
  return boxes;
}

const r7 = (v) => Number(v.toPrecision(7));
let ortMs640 = null;
for (const arg of images) {
  const [name, ppm] = arg.split('=');
  const img = readPpm(ppm);
  const [nw, nh] = netSize(img.w, img.h, 960);
  const input = new ort.Tensor('float32', preprocess(img, nw, nh), [1, 3, nh, nw]);
  const res = await session.run({ [session.inputNames[0]]: input });
  const map = res[session.outputNames[0]].data;
  let sum = 0;
  for (const v of map) sum += v;
  const boxes = dbBoxes(map, nw, nh, img.w, img.h);
  if (ortMs640 === null) { // onnxruntime-node at 640x640, 1 thread: median of 10 after a warm-up
    const t = new ort.Tensor('float32', preprocess(img, 640, 640), [1, 3, 640, 640]);
    await session.run({ [session.inputNames[0]]: t });
    const times = [];
    for (let i = 0; i < 10; i++) {
      const t0 = process.hrtime.bigint();
      await session.run({ [session.inputNames[0]]: t });
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    ortMs640 = times.sort((a, b) => a - b)[5];
  }
  const fixture = {
    generator: 'scripts/nn-fixtures/text_det.mjs', runtime: `onnxruntime-node@${ortPkg.version}`,
    threads: 1, image: name, width: img.w, height: img.h, net_width: nw, net_height: nh,
    map_stride: MAP_STRIDE, map_sum: sum,
    map_sample: Array.from(map.filter((_, i) => i % MAP_STRIDE === 0), r7),
    boxes: boxes.map((b) => ({ box: b.box, score: b.score })),
    ort_ms_640: ortMs640,
  };
  const stem = path.basename(name, path.extname(name));
  const file = path.join(outDir, `text_det_${stem}.json`);
  fs.writeFileSync(file, JSON.stringify(fixture) + '\n');
  console.log(`${file}: ${nw}x${nh}, ${boxes.length} boxes, onnxruntime 640x640 ${ortMs640.toFixed(1)} ms`);
}
