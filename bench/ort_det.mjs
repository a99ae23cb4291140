// SPDX-License-Identifier: MIT
// onnxruntime-node's latency on PP-OCRv4 det (ch_PP-OCRv4_det_infer.onnx) at 640x640, one
// thread (intraOpNumThreads 1, interOpNumThreads 1, sequential), on the very input ava's net
// ran on: PREFIX.in, written by `bench_nets --dump-det PREFIX` (float32 NHWC, BGR,
// normalised), transposed here to NCHW. Run by bench/bench_nets.sh:
//   node ort_det.mjs NODE_PREFIX MODELS_DIR PREFIX [RUNS]
// NODE_PREFIX is a folder where `npm install --ignore-scripts onnxruntime-node@X` was run.
// Prints one line: "ort <version> <median ms> <min ms> <runs> <max |map - ava map|> <median CPU
// ms> <min CPU ms>", the time of session.run alone (median of RUNS, default 15, after 3 warm-up runs); the
// CPU time is the process's (process.cpuUsage, all its threads), which other processes on the
// cores do not inflate.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const [prefix, modelsDir, dump, runsArg] = process.argv.slice(2);
const runs = Number(runsArg || 15), S = 640;
const require = createRequire(path.join(path.resolve(prefix), 'package.json'));
const ort = require('onnxruntime-node');
const version = JSON.parse(fs.readFileSync(
  path.join(prefix, 'node_modules/onnxruntime-node/package.json'))).version;
const session = await ort.InferenceSession.create(
  path.join(modelsDir, 'ppocr_v4_det/ch_PP-OCRv4_det_infer.onnx'),
  { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' });

const readF32 = (file) => {
  const b = fs.readFileSync(file);
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
};
const nhwc = readF32(`${dump}.in`), avaMap = readF32(`${dump}.map`);
if (nhwc.length !== 3 * S * S || avaMap.length !== S * S) throw new Error(`${dump}: not 640x640`);
const nchw = new Float32Array(3 * S * S);
for (let i = 0; i < S * S; i++)
  for (let c = 0; c < 3; c++) nchw[c * S * S + i] = nhwc[i * 3 + c];
const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', nchw, [1, 3, S, S]) };

let map;
for (let i = 0; i < 3; i++) map = (await session.run(feeds))[session.outputNames[0]].data;
const times = [], cpu = [];
for (let i = 0; i < runs; i++) {
  const t0 = process.hrtime.bigint(), c0 = process.cpuUsage();
  await session.run(feeds);
  const c = process.cpuUsage(c0);
  cpu.push((c.user + c.system) / 1e3);
  times.push(Number(process.hrtime.bigint() - t0) / 1e6);
}
const median = (v) => {
  v.sort((a, b) => a - b);
  return runs % 2 ? v[(runs - 1) / 2] : (v[runs / 2 - 1] + v[runs / 2]) / 2;
};
const med = median(times), cmed = median(cpu), cmin = cpu[0];
let err = 0;
for (let i = 0; i < S * S; i++) err = Math.max(err, Math.abs(map[i] - avaMap[i]));
console.log(`ort ${version} ${med.toFixed(2)} ${times[0].toFixed(2)} ${runs} ${err.toExponential(2)} ${cmed.toFixed(2)} ${cmin.toFixed(2)}`);
