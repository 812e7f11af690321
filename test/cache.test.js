// cache: true: the update keeps the next step's meta-gradient factors (3 more floats per
// parameter). Every reference trace replayed with it, on both builds and on 2 threads, within the
// parity tolerances; a restore from a state dict rebuilds the factors bit-exactly.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { PILOT } from '../dist/index.js';
import { TRACE_NAMES, assertWithinTolerance, loadTrace, replay } from './support/traces.js';
import { KERNELS } from './support/core.js';

for (const kernel of KERNELS) {
  for (const threads of [1, 2]) {
    const test = suite(`cache: true, ${threads} thread${threads > 1 ? 's' : ''}, parity with the reference (${kernel})`);
    for (const name of TRACE_NAMES) {
      test(name, async () => {
        const { opt, worst } = await replay(loadTrace(name), { kernel, threads, cache: true });
        try {
          assert.is(opt.cache, true);
          assertWithinTolerance(worst);
        } finally {
          opt.dispose();
        }
      });
    }
    test.run();
  }
}

const test = suite('cache');

function feed(opt, seed) {
  opt.grads.forEach((g, i) => g.forEach((_, j) => { g[j] = Math.sin(seed * 7.1 + i * 3.3 + j * 0.37) * (j % 7 === 0 ? 0 : 1); }));
}

test('memory: 3 more floats per parameter; the default keeps 3 floats of state', async () => {
  const plain = await PILOT.create([[1 << 18]]);
  const cached = await PILOT.create([[1 << 18]], { cache: true });
  assert.is(plain.cache, false);
  assert.is(cached.cache, true);
  assert.is(cached.memoryBytes - plain.memoryBytes, 12 * (1 << 18));
  assert.ok(plain.memoryBytes / (1 << 18) < 20.5, `default: ${plain.memoryBytes / (1 << 18)} bytes per parameter`);
  plain.dispose();
  cached.dispose();
});

test('a cached optimizer restored from its state dict continues bit-exactly (factors rebuilt)', async () => {
  for (const kernel of KERNELS) {
    const shapes = [[33], [40, 26], []];
    const a = await PILOT.create(shapes, { kernel, cache: true, lr: 1e-2 });
    a.params.forEach((p) => p.forEach((_, j) => { p[j] = Math.cos(j); }));
    for (let t = 0; t < 4; t++) { feed(a, t); a.step({ missing: t === 2 ? [0] : [] }); }
    const b = await PILOT.fromStateDict(a.stateDict(), { kernel, cache: true });
    assert.is(b.cache, true);
    for (let t = 4; t < 8; t++) {
      feed(a, t); a.step();
      feed(b, t); b.step();
    }
    assert.equal(b.stateDict(), a.stateDict());
    a.dispose();
    b.dispose();
  }
});

test('cache: true and false agree within float rounding over a longer run', async () => {
  const run = async (cache) => {
    const opt = await PILOT.create([[500], [17, 3]], { cache, lr: 3e-3 });
    for (let t = 0; t < 20; t++) { feed(opt, t); opt.step(); }
    return opt;
  };
  const [plain, cached] = [await run(false), await run(true)];
  plain.params.forEach((p, i) => p.forEach((x, j) => {
    const error = Math.abs(cached.params[i][j] - x) / (1 + Math.abs(x));
    if (error > 1e-6) assert.unreachable(`params[${i}][${j}] off by ${error}`);
  }));
  plain.state().phi.forEach((x, j) => assert.ok(Math.abs(cached.state().phi[j] - x) < 1e-6, `phi[${j}]`));
  plain.dispose();
  cached.dispose();
});

test('cache must be a boolean', async () => {
  try {
    await PILOT.create([[4]], { cache: 'yes' });
    assert.unreachable('accepted');
  } catch (error) {
    assert.instance(error, TypeError);
    assert.match(error.message, /cache must be true or false/);
  }
});

test.run();
