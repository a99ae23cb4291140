// SPDX-License-Identifier: MIT
// Reference outputs of face-api's tiny_face_detector, from the original package under node
// (tfjs CPU backend). Called by make-fixtures.sh:
//   node tiny_face.mjs FACE_API_PACKAGE_DIR MODELS_DIR OUT_DIR NAME=IMAGE.ppm...
// For each image and input size it writes OUT_DIR/tiny_face_<stem>_<size>.json with:
//   a sample of the preprocessed input tensor, a sample of the raw 1xNxNx25 output (every
//   RAW_STRIDE-th value), its sum and sum of |x|, and net.detect()'s boxes after NMS.
import fs from 'node:fs';
import path from 'node:path';
import util from 'node:util';

const [pkgDir, modelsDir, outDir, ...images] = process.argv.slice(2);
const RAW_STRIDE = 13;     // coprime with 25, so every channel is sampled
const INPUT_STRIDE = 4999;
const MIN_SCORE = 0.1;

// The ESM bundle stubs node's `util` module (it wants util.TextEncoder): give it the real one.
globalThis.__ava_util = util;
let src = fs.readFileSync(path.join(pkgDir, 'dist/face-api.esm.js'), 'utf8');
const stub = 'AR=Vt(()=>{})';
if (!src.includes(stub)) throw new Error('util stub not found in face-api.esm.js');
src = src.replace(stub, 'AR=Vt((e,t)=>{t.exports=globalThis.__ava_util})');
const patched = path.join(pkgDir, 'dist/face-api.patched.mjs');
fs.writeFileSync(patched, src);
const faceapi = await import(patched);
const tf = faceapi.tf;
await tf.setBackend('cpu');
await tf.ready();

const dir = path.join(modelsDir, 'tiny_face_detector');
const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'tiny_face_detector_model-weights_manifest.json')));
const bin = fs.readFileSync(path.join(dir, manifest[0].paths[0]));
const weights = tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.length),
  manifest[0].weights);
const net = new faceapi.TinyFaceDetector();
net.loadFromWeightMap(weights);

function readPpm(file) {
  const b = fs.readFileSync(file);
  const header = b.subarray(0, 64).toString('latin1').match(/^P6\s+(\d+)\s+(\d+)\s+255\s/);
  if (!header) throw new Error(`${file}: not a binary PPM`);
  const [w, h] = [Number(header[1]), Number(header[2])];
  const px = b.subarray(header[0].length, header[0].length + w * h * 3);
  return { w, h, tensor: tf.tensor3d(Int32Array.from(px), [h, w, 3], 'int32') };
}

const r7 = (v) => Number(v.toPrecision(7));
const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json')));

for (const arg of images) {
  const [name, ppm] = arg.split('=');
  const { w, h, tensor } = readPpm(ppm);
  const sizes = name.includes('grace_hopper') ? [416, 608] : [416];
  for (const size of sizes) {
    const netInput = await faceapi.toNetInput(tensor);
    // forwardInput's preprocessing, to sample the tensor the net sees.
    const batch = tf.tidy(() => faceapi.normalize(
      tf.cast(netInput.toBatchTensor(size, false), 'float32'), net.config.meanRgb).div(255));
    const inData = await batch.data();
    const out = net.forwardInput(await faceapi.toNetInput(tensor), size);
    const raw = await out.data();
    let sum = 0, abs = 0;
    for (const v of raw) { sum += v; abs += Math.abs(v); }
    const dets = await net.detect(tensor, { inputSize: size, scoreThreshold: MIN_SCORE });
    const fixture = {
      generator: 'scripts/nn-fixtures/tiny_face.mjs',
      package: `${pkg.name}@${pkg.version}`,
      tfjs: tf.version_core,
      backend: tf.getBackend(),
      image: name,
      width: w,
      height: h,
      input_size: size,
      min_score: MIN_SCORE,
      input_stride: INPUT_STRIDE,
      input_sample: Array.from(inData.filter((_, i) => i % INPUT_STRIDE === 0), r7),
      output_shape: out.shape,
      raw_stride: RAW_STRIDE,
      raw_sum: sum,
      raw_abs_sum: abs,
      raw_sample: Array.from(raw.filter((_, i) => i % RAW_STRIDE === 0), r7),
      detections: dets.map((d) => ({
        score: d.score,
        box: [d.box.x, d.box.y, d.box.width, d.box.height],
      })),
    };
    const stem = path.basename(name, path.extname(name));
    const file = path.join(outDir, `tiny_face_${stem}_${size}.json`);
    fs.writeFileSync(file, JSON.stringify(fixture) + '\n');
    console.log(`${file}: ${dets.length} detections, best ${dets.length ? dets[0].score.toFixed(4) : '-'}`);
    tf.dispose([batch, out]);
  }
  tensor.dispose();
}
