// SPDX-License-Identifier: MIT
// Reference outputs of face-api's face crop nets (face_expression, face_recognition,
// age_gender) from the original package under node (tfjs CPU backend). Called by
// make-fixtures.sh:
//   node face_nets.mjs FACE_API_PACKAGE_DIR MODELS_DIR OUT_DIR NAME=IMAGE.ppm...
// Each image's face crop is the integer rectangle around the tiny face detector's best
// detection at 416 (floor/ceil, clipped to the image; the whole image if none), stored in the fixture so the C test
// needs no detector. Writes OUT_DIR/face_expression.json (logits from runNet, probabilities
// from predictExpressions), face_descriptor.json (computeFaceDescriptor) and age_gender.json
// (runNet's age and gender logits, predictAgeAndGender).
import fs from 'node:fs';
import path from 'node:path';
import util from 'node:util';

const [pkgDir, modelsDir, outDir, ...images] = process.argv.slice(2);

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

function load(net, name) {
  const dir = path.join(modelsDir, name);
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, `${name}_model-weights_manifest.json`)));
  const bin = fs.readFileSync(path.join(dir, manifest[0].paths[0]));
  net.loadFromWeightMap(tf.io.decodeWeights(
    bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.length), manifest[0].weights));
  return net;
}
const tiny = load(new faceapi.TinyFaceDetector(), 'tiny_face_detector');
const expr = load(new faceapi.FaceExpressionNet(), 'face_expression');
const rec = load(new faceapi.FaceRecognitionNet(), 'face_recognition');
const ag = load(new faceapi.AgeGenderNet(), 'age_gender');

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
const head = (gen) => ({ generator: 'scripts/nn-fixtures/face_nets.mjs', net: gen,
  package: `${pkg.name}@${pkg.version}`, tfjs: tf.version_core, backend: tf.getBackend() });
const out = { expression: [], descriptor: [], age_gender: [] };

for (const arg of images) {
  const [name, ppm] = arg.split('=');
  const { w, h, tensor } = readPpm(ppm);
  const dets = await tiny.detect(tensor, { inputSize: 416, scoreThreshold: 0.1 });
  // No detection (fearful.jpg): the whole image, which is a face close-up.
  const { x: bx, y: by, width: bw, height: bh } = dets.length ? dets[0].box
    : { x: 0, y: 0, width: w, height: h };
  const x0 = Math.max(0, Math.floor(bx)), y0 = Math.max(0, Math.floor(by));
  const x1 = Math.min(w, Math.ceil(bx + bw)), y1 = Math.min(h, Math.ceil(by + bh));
  const cropBox = [x0, y0, x1 - x0, y1 - y0];
  const crop = tf.slice(tensor, [y0, x0, 0], [y1 - y0, x1 - x0, 3]);
  const base = { image: name, width: w, height: h, crop: cropBox };

  const logitsT = expr.runNet(await faceapi.toNetInput(crop));
  const probs = await expr.predictExpressions(crop);
  out.expression.push({ ...base, logits: Array.from(await logitsT.data(), r7),
    prob: faceapi.FACE_EXPRESSION_LABELS.map((k) => r7(probs[k])) });

  const desc = await rec.computeFaceDescriptor(crop);
  out.descriptor.push({ ...base, descriptor: Array.from(desc, r7) });

  const raw = ag.runNet(await faceapi.toNetInput(crop));
  const pred = await ag.predictAgeAndGender(crop);
  out.age_gender.push({ ...base, age_raw: r7((await raw.age.data())[0]),
    gender_logits: Array.from(await raw.gender.data(), r7), age: r7(pred.age),
    gender: pred.gender, gender_probability: r7(pred.genderProbability) });
  console.log(`${name}: crop ${cropBox.join(',')}, ${probs.asSortedArray()[0].expression}, ` +
    `age ${pred.age.toFixed(1)} ${pred.gender}`);
  tf.dispose([crop, logitsT, raw.age, raw.gender, tensor]);
}
for (const [key, file] of [['expression', 'face_expression.json'],
  ['descriptor', 'face_descriptor.json'], ['age_gender', 'age_gender.json']]) {
  fs.writeFileSync(path.join(outDir, file), JSON.stringify({ ...head(key), faces: out[key] }) + '\n');
}
