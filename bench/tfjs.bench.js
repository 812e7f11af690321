// PilotOptimizer (Wasm engine) against tf.train.adam, both on tfjs-backend-wasm, per step at 1M and
// 4M parameters (4 variables), side by side in one run with the `benchmark` package.
import Benchmark from 'benchmark';
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { PilotOptimizer } from '../dist/tfjs/index.js';

const SIZES = [1 << 20, 1 << 22];

await tf.setBackend('wasm');
await tf.ready();

function problem(parameters) {
  const shape = [parameters / 4];
  const variables = [0, 1, 2, 3].map((i) => tf.variable(tf.randomNormal(shape, 0, 1, 'float32', i), true, `bench_${parameters}_${i}`));
  const gradients = Object.fromEntries(variables.map((v, i) => [v.name, tf.randomNormal(shape, 0, 1, 'float32', 10 + i)]));
  return { variables, gradients, dispose: () => tf.dispose([...variables, ...Object.values(gradients)]) };
}

const rows = [];
for (const parameters of SIZES) {
  const { gradients, dispose } = problem(parameters);
  const optimizers = { pilot: new PilotOptimizer({ engine: 'wasm' }), adam: tf.train.adam(1e-3) };
  const suite = new Benchmark.Suite();
  for (const [label, optimizer] of Object.entries(optimizers)) {
    optimizer.applyGradients(gradients);
    suite.add(label, () => optimizer.applyGradients(gradients), { minSamples: 10, maxTime: 4 });
  }
  await new Promise((resolve) => suite.on('cycle', (e) => console.error(`  ${parameters}: ${e.target}`)).on('complete', resolve).run());
  const time = Object.fromEntries(suite.map((b) => [b.name, b.stats.mean]));
  rows.push({ parameters, pilot: (time.pilot * 1e9) / parameters, adam: (time.adam * 1e9) / parameters });
  Object.values(optimizers).forEach((o) => o.dispose());
  dispose();
}

console.log(`\nOn tfjs-backend-wasm, ${os.cpus()[0].model}, ${os.cpus().length} cores, Node ${process.version}\n`);
console.log('| parameters | PilotOptimizer (wasm engine) ns/param | tf.train.adam ns/param | PILOT / Adam |');
console.log('|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(`| ${r.parameters / 2 ** 20}M | ${r.pilot.toFixed(2)} | ${r.adam.toFixed(2)} | ${(r.pilot / r.adam).toFixed(2)}x |`);
}
