// The tfjs engine under extreme but finite gradients (1e30, 3.4e38, 1e-30, subnormals, exact
// zeros, in float32 on the device): no NaN or infinity ever reaches params, m, v, gPrev or the
// policy, over 2,000-step runs, and nothing leaks. A NaN or an infinity under nonFinite
// 'propagate' still spreads as the reference's does, on both CPU-side backends.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { PilotOptimizer } from '../dist/tfjs/index.js';
import { seededRandom } from './support/random.js';
import { ReferencePILOT } from './support/reference-port.js';
import { tf, useBackend } from './support/tfjs.js';

const STEPS = 2000;
const SHAPES = [[37], [4, 6], [3]];
const sizeOf = (s) => s.reduce((a, b) => a * b, 1);
const HUGE = [1e30, 3.4e38, 3.4028234663852886e38, 2e19];
const TINY = [1e-30, 1e-40, 1e-45, 0];
let unique = 0;

/** Each pattern gives element j of tensor i at step t; signs and magnitudes alternate. */
const PATTERNS = {
  'all huge': (t, i, j) => HUGE[(t + j + i) % HUGE.length] * ((t + j) % 2 ? 1 : -1),
  'all tiny': (t, i, j) => TINY[(t * 3 + j + i) % TINY.length] * ((t + j) % 2 ? 1 : -1),
  'mixed within a tensor': (t, i, j) => [...HUGE, ...TINY, 0.3, -1.7, 5e-3][(t * 7 + j * 3 + i) % 11] * ((t * 5 + j) % 3 ? 1 : -1),
  'a huge step after normal steps': (t, i, j, normal) => (t % 97 === 96 ? HUGE[(t + i) % HUGE.length] * (j % 2 ? 1 : -1) : normal()),
  'huge and tiny steps in turn': (t, i, j) => (t % 2 ? HUGE[(t >> 1) % HUGE.length] : TINY[(t >> 1) % TINY.length]) * (j % 3 ? -1 : 1),
};

const finite = (values) => Array.from(values).every(Number.isFinite);

const extremes = suite('tfjs engine: extreme but finite gradients (tfjs-backend-cpu)');
extremes.before(() => useBackend('cpu'));

for (const [label, options] of [['defaults', {}], ['lr 0.1, eps 0, no decay, degree 3', { lr: 0.1, eps: 0, weightDecay: 0, degree: 3, etaPhi: 0.05 }]]) {
  for (const [pattern, value] of Object.entries(PATTERNS)) {
    extremes(`${pattern}, ${label}: ${STEPS} steps, params, policy, m, v and gPrev stay finite, no tensor leaks`, async () => {
      const rng = seededRandom(17);
      const variables = SHAPES.map((s) => tf.variable(tf.tensor(rng.normals(sizeOf(s)), s), true, `extreme_${++unique}`));
      const optimizer = new PilotOptimizer({ ...options, engine: 'tfjs' });
      let tensors = 0;
      for (let t = 0; t < STEPS; t++) {
        // Now and then a tensor has no gradient, as with PyTorch's grad = None.
        const grads = Object.fromEntries(variables.flatMap((v, i) => (t % 13 === 5 && i === 1 ? [] : [[v.name,
          tf.tensor(Array.from({ length: v.size }, (_, j) => value(t, i, j, () => rng.normal())), v.shape)]])));
        optimizer.applyGradients(grads);
        tf.dispose(Object.values(grads));
        const s = optimizer.state();
        if (!variables.every((v) => finite(v.dataSync())) || !finite([s.r, s.rho, s.pm, s.pv, s.ps, ...s.phi])) {
          assert.unreachable(`step ${t + 1}: params ${variables.map((v) => Array.from(v.dataSync()).filter((x) => !Number.isFinite(x)).length)} non-finite, state ${JSON.stringify(s)}`);
        }
        if (t === 4) tensors = tf.memory().numTensors;
      }
      assert.is(tf.memory().numTensors, tensors, 'no tensor left behind');
      const weights = await optimizer.getWeights();
      for (const { name, tensor } of weights) assert.ok(finite(await tensor.data()), `optimizer weight ${name} has a non-finite value`);
      tf.dispose(weights.map((w) => w.tensor));
      optimizer.dispose();
      tf.dispose(variables);
    });
  }
}

extremes.run();

const propagate = suite("tfjs engine: nonFinite 'propagate' still spreads a NaN or an infinity as the reference does");

for (const backend of ['cpu', 'wasm']) {
  for (const bad of [NaN, Infinity, -Infinity]) {
    propagate(`${bad} on tfjs-backend-${backend}: params and rho non-finite exactly where the reference's are`, async () => {
      await useBackend(backend);
      const shapes = [[4, 3], [5]];
      const rng = seededRandom(3);
      const init = shapes.map((s) => rng.normals(sizeOf(s)));
      const variables = shapes.map((s, i) => tf.variable(tf.tensor(init[i], s), true, `propagate_${++unique}`));
      const optimizer = new PilotOptimizer({ engine: 'tfjs', nonFinite: 'propagate' });
      const reference = new ReferencePILOT(init, {});
      for (let t = 0; t < 3; t++) {
        const grads = shapes.map((s) => rng.normals(sizeOf(s)));
        if (t === 2) grads[1][2] = bad;
        const tensors = Object.fromEntries(variables.map((v, i) => [v.name, tf.tensor(grads[i], shapes[i])]));
        optimizer.applyGradients(tensors);
        tf.dispose(Object.values(tensors));
        reference.step(grads);
      }
      variables.forEach((v, i) => v.dataSync().forEach((x, j) => {
        const expected = reference.params[i][j];
        assert.is(Number.isFinite(x), Number.isFinite(expected), `tensor ${i}[${j}]: ${x} vs the reference's ${expected}`);
      }));
      assert.is(Number.isNaN(optimizer.state().rho), Number.isNaN(reference.rho));
      optimizer.dispose();
      tf.dispose(variables);
    });
  }
}

propagate.run();
