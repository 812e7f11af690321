// Step time per parameter of the Wasm core, SIMD build against scalar build, at 1M and 4M
// parameters (4 tensors each), measured side by side in one run with the `benchmark` package.
import Benchmark from 'benchmark';
import os from 'node:os';
import { PILOT } from '../dist/index.js';

const SIZES = [1 << 20, 1 << 22];
const KERNELS = ['simd', 'scalar'];

async function optimizerFor(kernel, parameters) {
  const shape = [parameters / 4];
  const opt = await PILOT.create([shape, shape, shape, shape], { kernel });
  let seed = 1;
  const next = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
  opt.params.forEach((p) => p.forEach((_, j) => { p[j] = next(); }));
  opt.grads.forEach((g) => g.forEach((_, j) => { g[j] = next(); }));
  opt.step();
  return opt;
}

function run(suite) {
  return new Promise((resolve) => {
    suite.on('cycle', (event) => console.error(`  ${event.target}`)).on('complete', resolve).run({ async: false });
  });
}

const rows = [];
for (const parameters of SIZES) {
  const suite = new Benchmark.Suite(`${parameters} parameters`);
  const optimizers = {};
  for (const kernel of KERNELS) {
    optimizers[kernel] = await optimizerFor(kernel, parameters);
    suite.add(`${kernel} @ ${parameters / 2 ** 20}M`, () => optimizers[kernel].step(), { minSamples: 10, maxTime: 4 });
  }
  await run(suite);
  const time = Object.fromEntries(suite.map((b) => [b.name.split(' ')[0], b.stats.mean]));
  const bytes = optimizers.simd.memoryBytes / parameters;
  rows.push({ parameters, simdNs: (time.simd * 1e9) / parameters, scalarNs: (time.scalar * 1e9) / parameters, speedup: time.scalar / time.simd, bytes });
  Object.values(optimizers).forEach((o) => o.dispose());
}

console.log(`\nPILOT step, ${os.cpus()[0].model}, ${os.cpus().length} cores, Node ${process.version}\n`);
console.log('| parameters | SIMD ns/param | scalar ns/param | SIMD speedup | memory bytes/param |');
console.log('|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(`| ${r.parameters / 2 ** 20}M | ${r.simdNs.toFixed(2)} | ${r.scalarNs.toFixed(2)} | ${r.speedup.toFixed(2)}x | ${r.bytes.toFixed(2)} |`);
}
const slowest = Math.min(...rows.map((r) => r.speedup));
console.log(`\nSIMD >= 3x scalar: ${slowest >= 3 ? 'met' : 'NOT met'} (smallest speedup ${slowest.toFixed(2)}x)`);
