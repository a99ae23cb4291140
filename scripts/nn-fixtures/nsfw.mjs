// SPDX-License-Identifier: MIT
// Reference outputs of nsfwjs 4.4.0's MobileNetV2 (the package's own bundled model.min.js and
// weight shard), under node with @tensorflow/tfjs 4.22 on the CPU backend. Needs a folder
// where `npm install nsfwjs@4.4.0 @tensorflow/tfjs@4.22.0` was run (make-fixtures.sh does it):
//   node nsfw.mjs NODE_PREFIX OUT_DIR NAME=IMAGE.ppm...
// Writes OUT_DIR/nsfw.json: per image the five probabilities (NSFWJS.infer, class order
// Drawing, Hentai, Neutral, Porn, Sexy), classify()'s top class, and every EMBED_STRIDE-th
// value of the 1280-D average-pool features (infer(img, 'average_pooling2d_1')) with their
// sum of |x|.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const [prefix, outDir, ...images] = process.argv.slice(2);
const EMBED_STRIDE = 7;
const require = createRequire(path.join(path.resolve(prefix), 'package.json'));
const tf = require('@tensorflow/tfjs');
const nsfwjs = require('nsfwjs');
await tf.setBackend('cpu');
await tf.ready();
const model = await nsfwjs.load('MobileNetV2');
const pkg = JSON.parse(fs.readFileSync(path.join(prefix, 'node_modules/nsfwjs/package.json')));

function readPpm(file) {
  const b = fs.readFileSync(file);
  const header = b.subarray(0, 64).toString('latin1').match(/^P6\s+(\d+)\s+(\d+)\s+255\s/);
  if (!header) throw new Error(`${file}: not a binary PPM`);
  const [w, h] = [Number(header[1]), Number(header[2])];
  const px = b.subarray(header[0].length, header[0].length + w * h * 3);
  return { w, h, tensor: tf.tensor3d(Int32Array.from(px), [h, w, 3], 'int32') };
}
const r7 = (v) => Number(v.toPrecision(7));
const out = [];
for (const arg of images) {
  const [name, ppm] = arg.split('=');
  const { w, h, tensor } = readPpm(ppm);
  const probT = model.infer(tensor);
  const prob = Array.from(await probT.data(), r7);
  const embT = model.infer(tensor, 'average_pooling2d_1');
  const emb = await embT.data();
  let abs = 0;
  for (const v of emb) abs += Math.abs(v);
  const top = (await model.classify(tensor, 1))[0];
  out.push({ image: name, width: w, height: h, prob, top: top.className,
    embed_dim: emb.length, embed_abs_sum: abs,
    embed_sample: Array.from(emb.filter((_, i) => i % EMBED_STRIDE === 0), r7) });
  console.log(`${name}: ${top.className} ${top.probability.toFixed(4)}`);
  tf.dispose([probT, embT, tensor]);
}
fs.writeFileSync(path.join(outDir, 'nsfw.json'), JSON.stringify({
  generator: 'scripts/nn-fixtures/nsfw.mjs', package: `${pkg.name}@${pkg.version}`,
  tfjs: tf.version.tfjs, backend: tf.getBackend(), classes: ['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy'],
  embed_layer: 'average_pooling2d_1', embed_stride: EMBED_STRIDE, images: out }) + '\n');
