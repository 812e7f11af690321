// `threads: N`: the step on N threads over one shared WebAssembly.Memory. Every reference trace
// replayed with threads: 2 on both builds, within the parity tolerances; larger tensors against
// the 1-thread step; threads: 1 on unshared memory; the fallback where memory cannot be shared.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { PILOT } from '../dist/index.js';
import { TRACE_NAMES, assertWithinTolerance, loadTrace, replay } from './support/traces.js';
import { KERNELS } from './support/core.js';

for (const kernel of KERNELS) {
  const test = suite(`threads: 2, parity with the reference (${kernel})`);
  for (const name of TRACE_NAMES) {
    test(name, async () => {
      const trace = loadTrace(name);
      const { opt, worst } = await replay(trace, { kernel, threads: 2 });
      try {
        assert.is(opt.threads, 2);
        assert.is(opt.threadsFallback, null);
        assertWithinTolerance(worst);
      } finally {
        opt.dispose();
      }
    });
  }
  test.run();
}

const test = suite('threads');

async function randomRun(threads, kernel = 'simd', steps = 6) {
  // Sizes that split unevenly: under one 1024-element chunk, a few chunks, many chunks.
  const shapes = [[37], [3, 1000], [70_001], [256, 129]];
  const opt = await PILOT.create(shapes, { kernel, threads, lr: 1e-2 });
  let seed = 7;
  const next = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
  opt.params.forEach((p) => p.forEach((_, j) => { p[j] = next(); }));
  for (let s = 0; s < steps; s++) {
    opt.grads.forEach((g) => g.forEach((_, j) => { g[j] = next(); }));
    opt.step({ missing: s === 3 ? [1] : [] });
  }
  return opt;
}

test('2 and 3 threads match 1 thread on tensors of many chunks (both builds)', async () => {
  for (const kernel of KERNELS) {
    const one = await randomRun(1, kernel);
    for (const threads of [2, 3]) {
      const many = await randomRun(threads, kernel);
      assert.is(many.threads, threads);
      one.params.forEach((p, i) => {
        for (let j = 0; j < p.length; j++) {
          const error = Math.abs(many.params[i][j] - p[j]) / (1 + Math.abs(p[j]));
          if (error > 1e-6) assert.unreachable(`${kernel}, ${threads} threads: params[${i}][${j}] off by ${error}`);
        }
      });
      const a = one.state(), b = many.state();
      for (const k of ['r', 'rho', 'pm', 'pv', 'ps']) assert.ok(Math.abs(a[k] - b[k]) <= 1e-9, `${k}: ${a[k]} vs ${b[k]}`);
      a.phi.forEach((x, j) => assert.ok(Math.abs(x - b.phi[j]) <= 1e-9, `phi[${j}]`));
      many.dispose();
    }
    one.dispose();
  }
});

test('parameter groups on 2 threads match 1 thread', async () => {
  const run = async (threads) => {
    const opt = await PILOT.create([
      { tensors: [[3000], [5]], lr: 1e-2, degree: 1 },
      { tensors: [[2048, 3]], lr: 3e-3, weightDecay: 0, policyOverrides: { pm: 0.9 } },
    ], { threads });
    for (let t = 0; t < 5; t++) {
      opt.grads.forEach((g, i) => g.forEach((_, j) => { g[j] = Math.sin(t * 1.7 + i + j * 0.01); }));
      opt.step({ missing: t === 2 ? [1] : [] });
    }
    return opt;
  };
  const one = await run(1);
  const two = await run(2);
  assert.is(two.threads, 2);
  one.params.forEach((p, i) => p.forEach((x, j) => {
    if (Math.abs(two.params[i][j] - x) > 1e-6 * (1 + Math.abs(x))) assert.unreachable(`params[${i}][${j}]: ${two.params[i][j]} vs ${x}`);
  }));
  for (const g of [0, 1]) {
    const a = one.state(g), b = two.state(g);
    assert.is(b.step, a.step);
    a.phi.forEach((x, j) => assert.ok(Math.abs(x - b.phi[j]) <= 1e-9, `group ${g} phi[${j}]`));
  }
  one.dispose();
  two.dispose();
});

test('a threaded optimizer round-trips through stateDict, to any thread count', async () => {
  const opt = await randomRun(2);
  const dict = opt.stateDict();
  const restored = await PILOT.fromStateDict(dict, { threads: 1 });
  assert.is(restored.threads, 1);
  assert.equal(restored.stateDict(), dict);
  const again = await PILOT.fromStateDict(dict, { threads: 2 });
  assert.is(again.threads, 2);
  assert.equal(again.stateDict(), dict);
  [opt, restored, again].forEach((o) => o.dispose());
});

test('threads: 1 (the default) runs on unshared memory, without workers', async () => {
  for (const options of [{}, { threads: 1 }]) {
    const opt = await PILOT.create([[8]], options);
    assert.is(opt.threads, 1);
    assert.is(opt.threadsFallback, null);
    assert.ok(opt.params[0].buffer instanceof ArrayBuffer, 'expected an unshared ArrayBuffer');
    opt.dispose();
  }
  const two = await PILOT.create([[8]], { threads: 2 });
  assert.ok(two.params[0].buffer instanceof SharedArrayBuffer);
  two.dispose();
});

test('where memory cannot be shared, the optimizer runs on 1 thread and says why', async () => {
  globalThis.crossOriginIsolated = false;
  try {
    const opt = await PILOT.create([[8]], { threads: 4 });
    assert.is(opt.threads, 1);
    assert.match(opt.threadsFallback, /cross-origin isolated/);
    opt.grads[0].fill(0.5);
    opt.step();
    assert.is(opt.state().step, 1);
    opt.dispose();
  } finally {
    delete globalThis.crossOriginIsolated;
  }
});

test('threads must be an integer >= 1', async () => {
  for (const threads of [0, -1, 1.5, '2', NaN]) {
    try {
      await PILOT.create([[4]], { threads });
      assert.unreachable(`threads: ${threads} was accepted`);
    } catch (error) {
      assert.instance(error, RangeError);
      assert.match(error.message, /threads must be an integer/);
    }
  }
});

test.run();
