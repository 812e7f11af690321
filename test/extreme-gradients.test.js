// Extreme but finite gradients (1e30, the largest float, 1e-30, subnormals, exact zeros): the core
// saturates what would overflow float32 and redoes in float64 any chunk whose float32 sums overflow,
// so no NaN or Infinity ever reaches the parameters, the state or the policy. Where nothing
// saturates, the float64 redo keeps the step on the float64 reference.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { PILOT } from '../dist/index.js';
import { PilotOptimizer } from '../dist/tfjs/index.js';
import { float32FromBase64 } from '../dist/base64.js';
import { KERNELS } from './support/core.js';
import { seededRandom } from './support/random.js';
import { ReferencePILOT } from './support/reference-port.js';
import { TOLERANCE } from './support/traces.js';
import { tf, useBackend } from './support/tfjs.js';

const LARGEST = 3.4028234663852886e38;

/** Gradient makers, one per regime; `pick` draws one element from the rng. */
const REGIMES = {
  huge: (rng) => (rng.uniform() < 0.5 ? -1e30 : 1e30) * (1 + rng.uniform()),
  largest: (rng) => (rng.uniform() < 0.5 ? -LARGEST : LARGEST),
  tiny: (rng) => 1e-30 * rng.normal(),
  subnormal: (rng) => (rng.uniform() < 0.5 ? -1 : 1) * [1e-40, 1.4e-45, 1e-39][Math.floor(3 * rng.uniform())],
  zero: () => 0,
  normal: (rng) => rng.normal(),
  mixed: (rng) => {
    const regimes = ['huge', 'largest', 'tiny', 'subnormal', 'zero', 'normal'];
    return REGIMES[regimes[Math.floor(regimes.length * rng.uniform())]](rng);
  },
};
const REGIME_NAMES = Object.keys(REGIMES);

/** A gradient schedule: runs of 1 to 40 steps in one regime, so the state settles into each one
 *  and then meets the next (a huge step after tiny ones, zeros after the largest float, ...). */
function schedule(rng) {
  let regime = 'normal';
  let left = 0;
  return () => {
    if (left-- <= 0) {
      regime = REGIME_NAMES[Math.floor(REGIME_NAMES.length * rng.uniform())];
      left = 1 + Math.floor(40 * rng.uniform());
    }
    return REGIMES[regime];
  };
}

const allFinite = (values) => values.every(Number.isFinite);
const policyOf = (s) => [s.r, s.rho, s.pm, s.pv, s.ps, ...s.phi];

function assertStateFinite(opt, where) {
  const dict = opt.stateDict();
  for (const [i, tensor] of dict.tensors.entries()) {
    for (const key of ['param', 'm', 'v', 'gradPrev']) {
      assert.ok(allFinite(Array.from(float32FromBase64(tensor[key]))), `${where}: tensor ${i}'s ${key} is not finite`);
    }
  }
}

const core = suite('extreme but finite gradients, core');

for (const kernel of KERNELS) {
  for (const cache of [false, true]) {
    core(`${kernel}${cache ? ', cache: true' : ''}: 100,000 steps; params, m, v, gPrev and the policy stay finite every step`, async () => {
      const rng = seededRandom(kernel === 'simd' ? 11 : 12);
      const next = schedule(rng);
      const opt = await PILOT.create([[10], [3]], { kernel, cache });
      const bytes = opt.memoryBytes;
      for (let t = 1; t <= 100_000; t++) {
        const regime = next();
        for (const g of opt.grads) for (let j = 0; j < g.length; j++) g[j] = regime(rng);
        opt.step();
        const s = opt.state();
        if (!allFinite(policyOf(s)) || !opt.params.every(allFinite)) {
          assert.unreachable(`step ${t}: ${JSON.stringify(s)}; params ${opt.params.map((p) => Array.from(p)).join(' | ')}`);
        }
        if (t % 10_000 === 0) assertStateFinite(opt, `step ${t}`);
      }
      assert.is(opt.memoryBytes, bytes);
      opt.dispose();
    });
  }
}

core('threads: 2: 2,000 steps over tensors of several chunks stay finite', async () => {
  const rng = seededRandom(13);
  const next = schedule(rng);
  const opt = await PILOT.create([[3000], [1500], [7]], { threads: 2 });
  for (let t = 1; t <= 2000; t++) {
    const regime = next();
    for (const g of opt.grads) for (let j = 0; j < g.length; j++) g[j] = regime(rng);
    opt.step();
    assert.ok(allFinite(policyOf(opt.state())) && opt.params.every(allFinite), `step ${t}`);
  }
  assertStateFinite(opt, 'after 2,000 steps');
  opt.dispose();
});

const FAR_OUT = [
  { policyOverrides: { pv: 2, ps: 5 } },
  { policyOverrides: { ps: -3 } },
  { lr: 10, weightDecay: 0.5 },
  { lr: 1e6, etaPhi: 100 },
];
for (const options of FAR_OUT) {
  core(`far outside the policy's ranges, ${JSON.stringify(options)}: 2,000 steps stay finite`, async () => {
    const rng = seededRandom(16);
    const opt = await PILOT.create([[1500], [7]], options);
    // Every tensor holds every kind of value at every step, scaled down on four steps in five.
    const values = [1e30, -1e30, 1e-30, 1e-40, 0, LARGEST, -LARGEST, 0.5, 1e-12];
    for (let t = 1; t <= 2000; t++) {
      const scale = t % 5 === 0 ? 1 : rng.uniform();
      for (const g of opt.grads) for (let j = 0; j < g.length; j++) g[j] = values[(7 * j + 3 * t) % values.length] * scale;
      opt.step();
      assert.ok(allFinite(policyOf(opt.state())) && opt.params.every(allFinite), `step ${t}`);
    }
    assertStateFinite(opt, 'after 2,000 steps');
    opt.dispose();
  });
}

core('the largest float: v and v_hat saturate at it, the step stays finite', async () => {
  const opt = await PILOT.create([[8]]);
  opt.grads[0].fill(LARGEST);
  opt.step();
  opt.step();
  const [tensor] = opt.stateDict().tensors;
  const v = Array.from(float32FromBase64(tensor.v));
  assert.ok(v.every((x) => x === Math.fround(LARGEST)), `v = ${v}`);
  assert.ok(allFinite(Array.from(opt.params[0])) && allFinite(policyOf(opt.state())));
  opt.dispose();
});

for (const kernel of KERNELS) {
  core(`${kernel}: gradients near 2e18, whose float32 sums overflow but no element does, match the float64 reference`, async () => {
    const rng = seededRandom(14);
    const shapes = [[3000], [5]];
    const init = shapes.map(([n]) => rng.normals(n));
    const opt = await PILOT.create(shapes.map((shape, i) => ({ shape, init: init[i] })), { kernel });
    const reference = new ReferencePILOT(init, {});
    let worst = { param: 0, rho: 0, phi: 0 };
    for (let t = 0; t < 20; t++) {
      const grads = shapes.map(([n]) => rng.normals(n, 2e18));
      grads.forEach((g, i) => opt.grads[i].set(g));
      opt.step();
      reference.step(grads);
      opt.params.forEach((p, i) => p.forEach((x, j) => {
        worst.param = Math.max(worst.param, Math.abs(x - reference.params[i][j]) / (1 + Math.abs(reference.params[i][j])));
      }));
      worst.rho = Math.max(worst.rho, Math.abs(opt.state().rho - reference.rho));
      opt.state().phi.forEach((x, j) => { worst.phi = Math.max(worst.phi, Math.abs(x - reference.phi[j])); });
    }
    assert.ok(opt.state().rho !== 0, 'the agreement was computed');
    assert.ok(worst.param <= TOLERANCE.param, `params off by ${worst.param}`);
    assert.ok(worst.rho <= TOLERANCE.knob, `rho off by ${worst.rho}`);
    assert.ok(worst.phi <= TOLERANCE.phi, `phi off by ${worst.phi}`);
    opt.dispose();
  });
}

core.run();

const adapter = suite('extreme but finite gradients, PilotOptimizer');
adapter.before(() => useBackend('cpu'));

for (const engine of ['wasm', 'tfjs']) {
  adapter(`${engine} engine: 100,000 steps through runs of each regime stay finite, without growth in tf.memory()`, async () => {
    const rng = seededRandom(17);
    const next = schedule(rng);
    // One gradient tensor per regime, made once, so the run measures the optimizer alone.
    const gradients = new Map(REGIME_NAMES.map((name) => [REGIMES[name], tf.tensor1d(Array.from({ length: 6 }, () => REGIMES[name](rng)))]));
    const variable = tf.variable(tf.zeros([6]), true, `extreme_long_${engine}_${Math.random()}`);
    const optimizer = new PilotOptimizer({ engine });
    optimizer.applyGradients({ [variable.name]: gradients.get(REGIMES.normal) });
    const tensors = tf.memory().numTensors;
    for (let t = 1; t <= 100_000; t++) {
      optimizer.applyGradients({ [variable.name]: gradients.get(next()) });
      if (t % 1000 === 0) {
        assert.ok(allFinite(Array.from(variable.dataSync())) && allFinite(policyOf(optimizer.state())), `step ${t}`);
      }
    }
    assert.is(tf.memory().numTensors, tensors);
    const weights = await optimizer.getWeights();
    for (const { name, tensor } of weights) assert.ok(allFinite(Array.from(await tensor.data())), `weight ${name}`);
    tf.dispose(weights.map((w) => w.tensor));
    optimizer.dispose();
    tf.dispose([variable, ...gradients.values()]);
  });
}

adapter('wasm engine: 2,000 steps of fresh gradients, checked every step: the variable and the policy stay finite, and no tensor leaks', async () => {
  const rng = seededRandom(15);
  const next = schedule(rng);
  const variable = tf.variable(tf.zeros([40]), true, `extreme_wasm_${Math.random()}`);
  const optimizer = new PilotOptimizer({ engine: 'wasm' });
  const tensors = tf.memory().numTensors;
  for (let t = 1; t <= 2000; t++) {
    const regime = next();
    const g = tf.tensor1d(Array.from({ length: 40 }, () => regime(rng)));
    optimizer.applyGradients({ [variable.name]: g });
    g.dispose();
    assert.ok(allFinite(Array.from(variable.dataSync())) && allFinite(policyOf(optimizer.state())), `step ${t}`);
  }
  assert.is(tf.memory().numTensors, tensors);
  optimizer.dispose();
  variable.dispose();
});

adapter.run();
