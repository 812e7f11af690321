// Reliability: non-finite gradients under each policy, steps that throw change nothing, long runs
// hold their memory, and a disposed optimizer refuses every call. Core and both adapter engines.
import v8 from 'node:v8';
import vm from 'node:vm';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { PILOT, NonFiniteGradientError } from '../dist/index.js';
import { PilotOptimizer } from '../dist/tfjs/index.js';
import { KERNELS } from './support/core.js';
import { seededRandom } from './support/random.js';
import { ReferencePILOT } from './support/reference-port.js';
import { tf, useBackend } from './support/tfjs.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');
const BAD_VALUES = [NaN, Infinity, -Infinity];
const SHAPES = [[4, 3], [5]];
const sizeOf = (s) => s.reduce((a, b) => a * b, 1);
const snapshot = (opt) => JSON.stringify(opt.stateDict());

async function warmedCore(kernel, nonFinite, rng) {
  const opt = await PILOT.create(SHAPES.map((shape) => ({ shape, init: rng.normals(sizeOf(shape)) })), { kernel, nonFinite });
  for (let t = 0; t < 3; t++) {
    SHAPES.forEach((s, i) => opt.grads[i].set(rng.normals(sizeOf(s))));
    opt.step();
  }
  SHAPES.forEach((s, i) => opt.grads[i].set(rng.normals(sizeOf(s))));
  return opt;
}

for (const kernel of KERNELS) {
  const core = suite(`non-finite gradients, core (${kernel})`);

  for (const bad of BAD_VALUES) {
    core(`'error' (the default) on ${bad}: throws naming the tensor and the step; every byte unchanged`, async () => {
      const opt = await warmedCore(kernel, undefined, seededRandom(1));
      opt.grads[1][3] = bad;
      const before = snapshot(opt);
      try {
        opt.step();
        assert.unreachable('no error');
      } catch (error) {
        assert.instance(error, NonFiniteGradientError);
        assert.is(error.tensor, 1);
        assert.is(error.step, 4);
        assert.is(error.element, 3);
        assert.match(error.message, new RegExp(`step 4: the gradient of tensor 1 has ${bad} at element 3`));
      }
      assert.is(snapshot(opt), before);
    });

    core(`'skip' on ${bad}: nothing changes, and state().skipped counts the step`, async () => {
      const opt = await warmedCore(kernel, 'skip', seededRandom(2));
      opt.grads[0][7] = bad;
      const before = JSON.parse(snapshot(opt));
      opt.step();
      const after = JSON.parse(snapshot(opt));
      assert.is(after.groups[0].skipped, 1);
      after.groups[0].skipped = 0;
      assert.equal(after, before);
      assert.is(opt.state().step, 3);
    });

    core(`'propagate' on ${bad}: the step runs as the reference's does`, async () => {
      const rng = seededRandom(3);
      const init = SHAPES.map((s) => rng.normals(sizeOf(s)));
      const opt = await PILOT.create(SHAPES.map((shape, i) => ({ shape, init: init[i] })), { kernel, nonFinite: 'propagate' });
      const reference = new ReferencePILOT(init, {});
      for (let t = 0; t < 3; t++) {
        const grads = SHAPES.map((s) => rng.normals(sizeOf(s)));
        if (t === 2) grads[1][2] = bad;
        grads.forEach((g, i) => opt.grads[i].set(g));
        opt.step();
        reference.step(grads);
      }
      assert.is(opt.state().step, 3);
      opt.params.forEach((p, i) => p.forEach((x, j) => {
        const expected = reference.params[i][j];
        assert.is(Number.isFinite(x), Number.isFinite(expected), `tensor ${i}[${j}]: ${x} vs the reference's ${expected}`);
      }));
      assert.is(Number.isNaN(opt.state().rho), Number.isNaN(reference.rho));
    });
  }

  core.run();
}

for (const engine of ['wasm', 'tfjs']) {
  const adapter = suite(`non-finite gradients, PilotOptimizer (${engine} engine)`);
  adapter.before(() => useBackend('cpu'));

  function setup(nonFinite) {
    const rng = seededRandom(4);
    const variables = SHAPES.map((s, i) => tf.variable(tf.tensor(rng.normals(sizeOf(s)), s), true, `nf_${engine}_${i}_${Math.random()}`));
    const optimizer = new PilotOptimizer({ engine, nonFinite });
    const gradients = (poison) => Object.fromEntries(variables.map((v, i) => {
      const values = rng.normals(sizeOf(SHAPES[i]));
      if (poison !== undefined && i === 1) values[2] = poison;
      return [v.name, tf.tensor(values, SHAPES[i])];
    }));
    const apply = (poison) => {
      const g = gradients(poison);
      try {
        optimizer.applyGradients(g);
      } finally {
        tf.dispose(Object.values(g));
      }
    };
    const values = () => variables.map((v) => Array.from(v.dataSync()));
    const weights = async () => {
      const w = await optimizer.getWeights();
      const out = await Promise.all(w.map(async (x) => [x.name, Array.from(await x.tensor.data())]));
      tf.dispose(w.map((x) => x.tensor));
      return out;
    };
    const dispose = () => { optimizer.dispose(); tf.dispose(variables); };
    return { variables, optimizer, apply, values, weights, dispose };
  }

  for (const bad of BAD_VALUES) {
    adapter(`'error' on ${bad}: throws naming the variable and the step; weights and state unchanged`, async () => {
      const s = setup('error');
      for (let t = 0; t < 3; t++) s.apply();
      const before = { values: s.values(), weights: await s.weights(), iterations: s.optimizer.iterations };
      try {
        s.apply(bad);
        assert.unreachable('no error');
      } catch (error) {
        assert.instance(error, NonFiniteGradientError);
        assert.is(error.tensor, s.variables[1].name);
        assert.is(error.step, 4);
        assert.match(error.message, /step 4: the gradient of 'nf_/);
      }
      assert.equal({ values: s.values(), weights: await s.weights(), iterations: s.optimizer.iterations }, before);
      s.dispose();
    });

    adapter(`'skip' on ${bad}: weights unchanged, the step counted as skipped`, async () => {
      const s = setup('skip');
      for (let t = 0; t < 3; t++) s.apply();
      const before = s.values();
      s.apply(bad);
      assert.equal(s.values(), before);
      assert.is(s.optimizer.state().skipped, 1);
      assert.is(s.optimizer.state().step, 3);
      assert.is(s.optimizer.iterations, 3);
      s.dispose();
    });
  }

  adapter.run();
}

const tiny = suite('tiny gradients');

for (const kernel of KERNELS) {
  tiny(`core (${kernel}): 2,000 steps of gradients at 1e-30, 1e-38, subnormals and exact zeros leave params and policy finite`, async () => {
    const opt = await PILOT.create([[37], [5]], { kernel });
    const values = [1e-30, -1e-30, 1e-45, 0, 1e-38, 1, -2e-40];
    for (let t = 0; t < 2000; t++) {
      for (const g of opt.grads) for (let j = 0; j < g.length; j++) g[j] = values[(t * 7 + j * 3) % values.length] * (j % 2 ? 1 : -1);
      opt.step();
      const s = opt.state();
      const finite = opt.params.every((p) => p.every(Number.isFinite)) && [s.r, s.rho, s.pm, s.pv, s.ps, ...s.phi].every(Number.isFinite);
      if (!finite) assert.unreachable(`step ${t + 1}: ${JSON.stringify(s)}`);
    }
  });
}

for (const engine of ['wasm', 'tfjs']) {
  tiny(`${engine} engine: 300 steps of gradients at 1e-30, 1e-38, subnormals and exact zeros leave weights and policy finite`, async () => {
    await useBackend('cpu');
    const v = tf.variable(tf.tensor1d(seededRandom(9).normals(7)), true, `tiny_${engine}_${Math.random()}`);
    const optimizer = new PilotOptimizer({ engine });
    const values = [1e-30, -1e-30, 1e-45, 0, 1e-38, 1, -2e-40];
    for (let t = 0; t < 300; t++) {
      const g = tf.tensor1d(Array.from({ length: 7 }, (_, j) => values[(t * 7 + j * 3) % values.length]));
      optimizer.applyGradients({ [v.name]: g });
      g.dispose();
    }
    const s = optimizer.state();
    assert.ok(Array.from(v.dataSync()).every(Number.isFinite), `weights ${v.dataSync()}`);
    assert.ok([s.r, s.rho, s.pm, s.pv, s.ps, ...s.phi].every(Number.isFinite), JSON.stringify(s));
    optimizer.dispose();
    v.dispose();
  });
}

tiny.run();

const checkpoints = suite('checkpoints resume exactly');

for (const kernel of KERNELS) {
  checkpoints(`core (${kernel}): a state dict taken at step 50 of a 100-step closed-loop training, restored into a fresh Wasm instance, continues bit-identically`, async () => {
    const rng = seededRandom(6);
    const X = Float32Array.from(rng.normals(8 * 16));
    /** Gradient of 0.5 * mean((W X)^2) + 0.1 * sum(b^2) for W [4x8] and b [4]: a real model's feedback. */
    const gradients = (opt) => {
      const W = opt.params[0], b = opt.params[1], gW = new Float32Array(32), gb = new Float32Array(4);
      for (let i = 0; i < 4; i++) for (let k = 0; k < 16; k++) {
        let y = b[i];
        for (let j = 0; j < 8; j++) y += W[i * 8 + j] * X[j * 16 + k];
        for (let j = 0; j < 8; j++) gW[i * 8 + j] += (y * X[j * 16 + k]) / 64;
        gb[i] += y / 64 + 0.2 * b[i] / 16;
      }
      opt.grads[0].set(gW);
      opt.grads[1].set(gb);
    };
    const make = () => PILOT.create([{ shape: [4, 8], init: seededRandom(7).normals(32) }, { shape: [4], init: [1, -1, 0.5, 0] }], { kernel, lr: 0.01, etaPhi: 0.05 });
    const straight = await make();
    let resumed = await make();
    for (let t = 0; t < 100; t++) {
      if (t === 50) {
        const json = JSON.stringify(resumed.stateDict());
        resumed.dispose();
        resumed = await PILOT.fromStateDict(JSON.parse(json), { kernel });
      }
      for (const opt of [straight, resumed]) { gradients(opt); opt.step(); }
    }
    assert.is(snapshot(resumed), snapshot(straight));
    assert.is(straight.state().step, 100);
  });
}

checkpoints.run();

const lifecycle = suite('lifecycle and long runs');

lifecycle('100,000 steps on small tensors: Wasm memory and process heap do not grow, the policy stays finite', async () => {
  const rng = seededRandom(5);
  const opt = await PILOT.create([[10], [3]]);
  const bytes = opt.memoryBytes;
  const heap = () => { gc(); gc(); return process.memoryUsage().heapUsed; };
  for (let t = 0; t < 1000; t++) { opt.grads[0].set(rng.normals(10)); opt.grads[1].set(rng.normals(3)); opt.step(); }
  const heapBefore = heap();
  const g0 = new Float32Array(10), g1 = new Float32Array(3);
  for (let t = 0; t < 100_000; t++) {
    g0.fill(Math.sin(t)); g1.fill(Math.cos(0.7 * t));
    opt.grads[0].set(g0); opt.grads[1].set(g1);
    opt.step();
  }
  const s = opt.state();
  assert.is(s.step, 101_000);
  assert.is(opt.memoryBytes, bytes);
  assert.ok(heap() - heapBefore < 1e6, `heap grew by ${heap() - heapBefore} bytes`);
  assert.ok([s.r, s.rho, s.pm, s.pv, s.ps, ...s.phi].every(Number.isFinite), JSON.stringify(s));
  assert.ok(opt.params.every((p) => p.every(Number.isFinite)));
  opt.dispose();
});

for (const engine of ['wasm', 'tfjs']) {
  lifecycle(`${engine} engine: 100,000 steps without growth in tf.memory() or the process heap`, async () => {
    await useBackend('cpu');
    const v = tf.variable(tf.zeros([6]), true, `long_${engine}_${Math.random()}`);
    const optimizer = new PilotOptimizer({ engine });
    const g = tf.tensor1d([0.1, -0.2, 0.3, -0.4, 0.5, -0.6]);
    const steps = 100_000;
    for (let t = 0; t < 100; t++) optimizer.applyGradients({ [v.name]: g });
    const tensors = tf.memory().numTensors;
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    for (let t = 0; t < steps; t++) optimizer.applyGradients({ [v.name]: g });
    gc();
    assert.is(tf.memory().numTensors, tensors);
    assert.ok(process.memoryUsage().heapUsed - heapBefore < 4e6, `heap grew by ${process.memoryUsage().heapUsed - heapBefore} bytes`);
    assert.ok(optimizer.state().phi.every(Number.isFinite));
    optimizer.dispose();
    tf.dispose([v, g]);
  });
}

lifecycle('creating and disposing 10,000 optimizers does not grow memory', async () => {
  const measure = () => { gc(); gc(); const m = process.memoryUsage(); return m.heapUsed + m.external; };
  for (let i = 0; i < 500; i++) (await PILOT.create([[10], [3]])).dispose();
  const before = measure();
  for (let i = 0; i < 10_000; i++) {
    const opt = await PILOT.create([[10], [3]]);
    opt.grads[0].fill(1);
    opt.step();
    opt.dispose();
  }
  const grown = measure() - before;
  assert.ok(grown < 2e6, `heap and external memory grew by ${grown} bytes`);
});

lifecycle('after dispose() every PilotOptimizer call throws a clear error', async () => {
  await useBackend('cpu');
  const v = tf.variable(tf.zeros([2]), true, `disposed_${Math.random()}`);
  const optimizer = new PilotOptimizer();
  optimizer.applyGradients({ [v.name]: tf.ones([2]) });
  optimizer.dispose();
  for (const call of [() => optimizer.applyGradients({ [v.name]: tf.ones([2]) }), () => optimizer.state(), () => optimizer.engine, () => { optimizer.lr = 0.1; }]) {
    assert.throws(call, /has been disposed/);
  }
  try {
    await optimizer.getWeights();
    assert.unreachable('no error');
  } catch (error) {
    assert.match(error.message, /has been disposed/);
  }
  v.dispose();
});

lifecycle.run();
