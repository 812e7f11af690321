// `npm run bench`: the PILOT step against what users would pick instead, side by side in one run
// (the `benchmark` package). Step time per parameter at 64K, 1M, 4M and 16M parameters (4 tensors),
// ratios to the 1-thread Wasm SIMD core, bytes of memory per parameter, and the issue's targets at
// 4M. Writes bench/results.json with the machine it ran on.
//   BENCH_SIZES=1M,4M  only those sizes;  BENCH_ROWS=simd,floor  only those rows (by key).
import Benchmark from 'benchmark';
import os from 'node:os';
import { writeFileSync } from 'node:fs';
import * as engines from './engines.js';

const M = 2 ** 20;
const ALL_SIZES = { '64K': 2 ** 16, '1M': M, '4M': 4 * M, '16M': 16 * M };
const THREADS = Math.max(2, Math.min(os.availableParallelism?.() ?? os.cpus().length, 8));
const ROWS = [
  { key: 'simd', label: 'PILOT Wasm SIMD, 1 thread', make: (n) => engines.pilot(n, { kernel: 'simd' }) },
  { key: 'threads', label: `PILOT Wasm SIMD, ${THREADS} threads`, make: (n) => engines.pilot(n, { kernel: 'simd', threads: THREADS }) },
  { key: 'cache', label: 'PILOT Wasm SIMD, 1 thread, cache: true', make: (n) => engines.pilot(n, { kernel: 'simd', cache: true }) },
  { key: 'scalar', label: 'PILOT Wasm scalar build', make: (n) => engines.pilot(n, { kernel: 'scalar' }) },
  { key: 'port', label: 'scalar TypeScript port', make: engines.port },
  { key: 'pilotWasmEngine', label: "PilotOptimizer, engine 'wasm', tfjs-backend-wasm", make: engines.wasmEngine },
  { key: 'tfjsEngineWasm', label: "PilotOptimizer, engine 'tfjs', tfjs-backend-wasm", make: engines.tfjsEngine('wasm') },
  { key: 'tfjsEngineCpu', label: "PilotOptimizer, engine 'tfjs', tfjs-backend-cpu", make: engines.tfjsEngine('cpu') },
  { key: 'adam', label: 'tf.train.adam, tfjs-backend-wasm', make: engines.tfAdam },
  { key: 'floor', label: 'streaming floor (same bytes, no math)', make: engines.floor },
];
// Fewer samples where a step takes long; the slowest rows take seconds per step at 16M.
const SAMPLING = { '64K': { minSamples: 20, maxTime: 1 }, '1M': { minSamples: 8, maxTime: 1 }, '4M': { minSamples: 6, maxTime: 1.5 }, '16M': { minSamples: 3, maxTime: 1 } };

const pick = (env, all) => (process.env[env] ? process.env[env].split(',') : all);
const sizes = pick('BENCH_SIZES', Object.keys(ALL_SIZES));
const rowKeys = pick('BENCH_ROWS', ROWS.map((r) => r.key));
const rows = ROWS.filter((r) => rowKeys.includes(r.key));

function runSuite(suite) {
  return new Promise((resolve) => suite.on('complete', resolve).run({ async: false }));
}

const results = [];
for (const size of sizes) {
  const parameters = ALL_SIZES[size];
  for (const row of rows) {
    let engine;
    try {
      engine = await row.make(parameters);
    } catch (error) {
      console.error(`  ${row.label} @ ${size}: skipped (${error.message})`);
      continue;
    }
    // Warm up: at least 3 steps and 0.3 s, so V8 has tiered every Wasm function up to TurboFan.
    for (let k = 0, start = performance.now(); k < 3 || performance.now() - start < 300; k++) engine.step();
    const suite = new Benchmark.Suite().add(row.label, engine.step, SAMPLING[size]);
    await runSuite(suite);
    engine.check?.();
    const stats = suite[0].stats;
    // The median step: other processes on a small machine slow some samples down, which moves the
    // mean more than the median. The mean and the fastest sample are kept in results.json too.
    const sorted = [...stats.sample].sort((a, b) => a - b);
    const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    const ns = (seconds) => (seconds * 1e9) / parameters;
    const result = {
      size, parameters, key: row.key, label: row.label, threads: engine.threads ?? 1,
      nsPerParam: ns(median), meanNsPerParam: ns(stats.mean), minNsPerParam: ns(sorted[0]),
      rme: stats.rme, samples: sorted.length, bytesPerParam: engine.bytes / parameters,
    };
    results.push(result);
    console.error(`  ${size} ${row.label}: ${result.nsPerParam.toFixed(2)} ns/param ±${stats.rme.toFixed(1)}% (${result.samples} samples)`);
    engine.dispose();
    globalThis.gc?.();
  }
}

const find = (size, key) => results.find((r) => r.size === size && r.key === key);
const ratio = (size, key) => {
  const simd = find(size, 'simd');
  const row = find(size, key);
  return simd && row ? row.nsPerParam / simd.nsPerParam : undefined;
};

const machine = {
  cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, node: process.version,
  platform: `${os.platform()} ${os.arch()}`, memoryGiB: Math.round(os.totalmem() / 2 ** 30),
};
console.log(`\nPILOT step, ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; median ns per parameter (ratio to the 1-thread SIMD core)\n`);
const shownSizes = sizes.filter((s) => results.some((r) => r.size === s));
console.log(`| | ${shownSizes.join(' | ')} | memory bytes/param |`);
console.log(`|---|${shownSizes.map(() => '---:|').join('')}---:|`);
for (const row of rows) {
  const cells = shownSizes.map((s) => {
    const r = find(s, row.key);
    if (!r) return '–';
    const x = ratio(s, row.key);
    return `${r.nsPerParam.toFixed(2)} (${x === undefined ? '?' : `${x.toFixed(2)}x`})`;
  });
  const any = results.filter((r) => r.key === row.key);
  if (!any.length) continue;
  const bytes = any[any.length - 1].bytesPerParam;
  console.log(`| ${row.label} | ${cells.join(' | ')} | ${bytes.toFixed(2)} |`);
}

const at = '4M';
const time = (key) => find(at, key)?.nsPerParam;
const quotient = (a, b) => (time(a) === undefined || time(b) === undefined ? undefined : time(a) / time(b));
const targets = [
  { target: '1-thread SIMD <= 1.0x the time of tf.train.adam (tfjs wasm)', value: quotient('simd', 'adam'), met: (v) => v <= 1.0, show: (v) => `${v.toFixed(2)}x adam's time` },
  { target: '1-thread SIMD <= 2.0x the streaming floor', value: quotient('simd', 'floor'), met: (v) => v <= 2.0, show: (v) => `${v.toFixed(2)}x the floor's time` },
  { target: `${THREADS} threads >= 1.7x faster than 1 thread`, value: quotient('simd', 'threads'), met: (v) => v >= 1.7, show: (v) => `${v.toFixed(2)}x faster` },
  { target: 'SIMD >= 3x the scalar Wasm build', value: quotient('scalar', 'simd'), met: (v) => v >= 3, show: (v) => `${v.toFixed(2)}x` },
  { target: 'SIMD >= 30x the scalar TypeScript port', value: quotient('port', 'simd'), met: (v) => v >= 30, show: (v) => `${v.toFixed(2)}x` },
  { target: '<= 3 floats of state per parameter by default', value: find(at, 'simd') && (find(at, 'simd').bytesPerParam - 8) / 4, met: (v) => v <= 3.05, show: (v) => `${v.toFixed(2)} floats (p and g excluded)` },
];
console.log(`\nTargets at ${at}:`);
const targetResults = targets.map((t) => {
  const measured = t.value === undefined ? undefined : t.show(t.value);
  const met = t.value === undefined ? undefined : t.met(t.value);
  console.log(`  ${met === undefined ? 'not measured' : met ? 'met    ' : 'NOT met'}  ${t.target}${measured ? `: ${measured}` : ''}`);
  return { target: t.target, measured, met };
});

const load = os.loadavg();
console.log(`\nLoad average over the run's last minute: ${load[0].toFixed(2)} (other processes share these ${machine.cores} cores)`);
writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify({
  date: new Date().toISOString(), command: 'npm run bench', machine: { ...machine, loadAverage: load }, results, targets: targetResults,
}, null, 2)}\n`);
