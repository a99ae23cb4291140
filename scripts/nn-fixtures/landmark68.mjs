// SPDX-License-Identifier: MIT
// Reference outputs of face-api's face_landmark_68 net, from the original package under node
// (tfjs CPU backend). Called by make-fixtures.sh after tiny_face.mjs:
//   node landmark68.mjs FACE_API_PACKAGE_DIR MODELS_DIR OUT_DIR NAME=IMAGE.ppm...
// Face crops are the integer rectangles around the tiny_face fixture's best detections
// (floor/ceil, clipped to the image), so the C test needs no detector to reproduce them.
// Writes OUT_DIR/landmark68_<stem>.json: per face, the crop, the 136 raw outputs
// (runNet: x, y relative to the padded square) and the 68 points in crop pixels
// (detectLandmarks().positions).
import fs from 'node:fs';
import path from 'node:path';
import util from 'node:util';

const [pkgDir, modelsDir, outDir, ...images] = process.argv.slice(2);
const FACES_PER_IMAGE = 2;

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

const dir = path.join(modelsDir, 'face_landmark_68');
const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'face_landmark_68_model-weights_manifest.json')));
const bin = fs.readFileSync(path.join(dir, manifest[0].paths[0]));
const weights = tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.length),
  manifest[0].weights);
const net = new faceapi.FaceLandmark68Net();
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
  const stem = path.basename(name, path.extname(name));
  const tiny = JSON.parse(fs.readFileSync(path.join(outDir, `tiny_face_${stem}_416.json`)));
  const { w, h, tensor } = readPpm(ppm);
  const faces = [];
  for (const det of tiny.detections.slice(0, FACES_PER_IMAGE)) {
    const [bx, by, bw, bh] = det.box;
    const x0 = Math.max(0, Math.floor(bx)), y0 = Math.max(0, Math.floor(by));
    const x1 = Math.min(w, Math.ceil(bx + bw)), y1 = Math.min(h, Math.ceil(by + bh));
    const crop = tf.slice(tensor, [y0, x0, 0], [y1 - y0, x1 - x0, 3]);
    const input = await faceapi.toNetInput(crop);
    const rawT = net.runNet(input);
    const rawData = Array.from(await rawT.data(), r7);
    const lm = await net.detectLandmarks(crop);
    faces.push({
      crop: [x0, y0, x1 - x0, y1 - y0],
      raw: rawData,
      points: lm.positions.flatMap((p) => [r7(p.x), r7(p.y)]),
    });
    tf.dispose([crop, rawT]);
  }
  const fixture = {
    generator: 'scripts/nn-fixtures/landmark68.mjs',
    package: `${pkg.name}@${pkg.version}`,
    tfjs: tf.version_core,
    backend: tf.getBackend(),
    image: name,
    width: w,
    height: h,
    faces,
  };
  const file = path.join(outDir, `landmark68_${stem}.json`);
  fs.writeFileSync(file, JSON.stringify(fixture) + '\n');
  console.log(`${file}: ${faces.length} faces`);
  tensor.dispose();
}
