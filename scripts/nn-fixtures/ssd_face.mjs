// SPDX-License-Identifier: MIT
// Reference outputs of face-api's ssd_mobilenetv1 face detector, from the original package
// under node (tfjs CPU backend). Called by make-fixtures.sh:
//   node ssd_face.mjs FACE_API_PACKAGE_DIR MODELS_DIR OUT_DIR NAME=IMAGE.ppm...
// Writes OUT_DIR/ssd_face_<stem>.json: every SAMPLE_STRIDE-th decoded anchor box
// (forwardInput: ymin, xmin, ymax, xmax relative to the padded square) and score, the sum of
// the scores, and locateFaces' detections (minConfidence MIN_SCORE, maxResults 100).
import fs from 'node:fs';
import path from 'node:path';
import util from 'node:util';

const [pkgDir, modelsDir, outDir, ...images] = process.argv.slice(2);
const SAMPLE_STRIDE = 7;
const MIN_SCORE = 0.3;

globalThis.__ava_util = util; // see tiny_face.mjs: the bundle's util stub
const patched = path.join(pkgDir, 'dist/face-api.patched.mjs');
if (!fs.existsSync(patched)) {
  const src = fs.readFileSync(path.join(pkgDir, 'dist/face-api.esm.js'), 'utf8');
  const stub = 'AR=Vt(()=>{})';
  if (!src.includes(stub)) throw new Error('util stub not found in face-api.esm.js');
  fs.writeFileSync(patched, src.replace(stub, 'AR=Vt((e,t)=>{t.exports=globalThis.__ava_util})'));
}
const faceapi = await import(patched);
const tf = faceapi.tf;
await tf.setBackend('cpu');
await tf.ready();

const dir = path.join(modelsDir, 'ssd_mobilenetv1');
const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'ssd_mobilenetv1_model-weights_manifest.json')));
const bin = fs.readFileSync(path.join(dir, manifest[0].paths[0]));
const net = new faceapi.SsdMobilenetv1();
net.loadFromWeightMap(tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.length),
  manifest[0].weights));

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
  const { boxes, scores } = net.forwardInput(await faceapi.toNetInput(tensor));
  const b = await boxes[0].data(), s = await scores[0].data();
  let sum = 0;
  for (const v of s) sum += v;
  const sampleBoxes = [], sampleScores = [];
  for (let i = 0; i < s.length; i += SAMPLE_STRIDE) {
    sampleBoxes.push(...Array.from(b.subarray(4 * i, 4 * i + 4), r7));
    sampleScores.push(r7(s[i]));
  }
  const dets = await net.locateFaces(tensor, { minConfidence: MIN_SCORE, maxResults: 100 });
  const fixture = {
    generator: 'scripts/nn-fixtures/ssd_face.mjs',
    package: `${pkg.name}@${pkg.version}`,
    tfjs: tf.version_core,
    backend: tf.getBackend(),
    image: name,
    width: w,
    height: h,
    anchors: s.length,
    min_score: MIN_SCORE,
    sample_stride: SAMPLE_STRIDE,
    score_sum: sum,
    sample_boxes: sampleBoxes,
    sample_scores: sampleScores,
    detections: dets.map((d) => ({ score: d.score, box: [d.box.x, d.box.y, d.box.width, d.box.height] })),
  };
  const stem = path.basename(name, path.extname(name));
  const file = path.join(outDir, `ssd_face_${stem}.json`);
  fs.writeFileSync(file, JSON.stringify(fixture) + '\n');
  console.log(`${file}: ${dets.length} detections, best ${dets.length ? dets[0].score.toFixed(4) : '-'}`);
  tf.dispose([...boxes, ...scores, tensor]);
}
