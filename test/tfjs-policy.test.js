// PilotOptimizer's policy and freezePolicy options: a given initial phi, validated; a frozen
// policy that never moves and trains exactly as etaPhi 0 would; both engines.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { tf, useBackend } from './support/tfjs.js';
import { seededRandom } from './support/random.js';
import { PilotOptimizer } from '../dist/tfjs/index.js';

const ENGINES = ['wasm', 'tfjs'];
const POLICY = [0.3, -0.2, 1.1, 0.5, 0.4, 2.5, -0.1, 0.2, -1.5];
const sigmoid = (z) => 1 / (1 + Math.exp(-z));
let unique = 0;

/** Runs `steps` minimize steps of a small MLP; returns the weights and the optimizer's state. */
function train(options, steps = 30) {
  const rng = seededRandom(11);
  const X = tf.tensor2d(rng.normals(32 * 6), [32, 6]);
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: 32 }, (_, i) => i % 3), 'int32'), 3);
  const W1 = tf.variable(tf.tensor2d(rng.normals(6 * 8, 0.3), [6, 8]), true, `policy_W1_${++unique}`);
  const W2 = tf.variable(tf.tensor2d(rng.normals(8 * 3, 0.3), [8, 3]), true, `policy_W2_${unique}`);
  const optimizer = new PilotOptimizer({ lr: 0.01, ...options });
  for (let t = 0; t < steps; t++) {
    optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, tf.matMul(tf.tanh(tf.matMul(X, W1)), W2)));
  }
  const result = { weights: [...W1.dataSync(), ...W2.dataSync()], state: optimizer.state() };
  optimizer.dispose();
  tf.dispose([X, y, W1, W2]);
  return result;
}

const test = suite('PilotOptimizer policy / freezePolicy');
test.before(() => useBackend('cpu'));

test('policy is validated: 3(degree+1) finite numbers, the error naming it', () => {
  assert.throws(() => new PilotOptimizer({ policy: [1, 2, 3] }), /policy must be an array of 3\(degree\+1\) = 9 finite numbers for degree 2, got \[1, 2, 3\]/);
  assert.throws(() => new PilotOptimizer({ policy: [...POLICY.slice(0, 8), NaN] }), /policy must be an array of .* finite numbers/);
  assert.throws(() => new PilotOptimizer({ policy: 'phi' }), /policy must be an array/);
  assert.throws(() => new PilotOptimizer({ degree: 1, policy: POLICY }), /= 6 finite numbers for degree 1/);
  assert.throws(() => new PilotOptimizer({ freezePolicy: 'yes' }), /freezePolicy must be true or false/);
  new PilotOptimizer({ degree: 1, policy: POLICY.slice(0, 6) }).dispose();
});

test('getConfig carries policy and freezePolicy; fromConfig round-trips them', () => {
  const original = new PilotOptimizer({ policy: POLICY, freezePolicy: true });
  const config = original.getConfig();
  assert.equal(config.policy, POLICY);
  assert.is(config.freezePolicy, true);
  assert.equal(PilotOptimizer.fromConfig(PilotOptimizer, config).getConfig(), config);
  const plain = new PilotOptimizer().getConfig();
  assert.is(plain.policy, undefined);
  assert.is(plain.freezePolicy, undefined);
});

for (const engine of ENGINES) {
  test(`${engine} engine: the optimizer starts from the given phi`, () => {
    const state = new PilotOptimizer({ engine, policy: POLICY }).state();
    state.phi.forEach((c, j) => assert.ok(Math.abs(c - POLICY[j]) < 1e-6, `phi[${j}] ${c}`));
    // rho = 0 before any step, so each knob is its block's constant term through its sigmoid.
    assert.ok(Math.abs(state.pm - sigmoid(POLICY[2])) < 1e-6);
    assert.ok(Math.abs(state.pv - 0.5 * sigmoid(POLICY[5])) < 1e-6);
    assert.ok(Math.abs(state.ps - sigmoid(POLICY[8])) < 1e-6);
  });

  test(`${engine} engine: a frozen policy keeps phi exactly and trains as etaPhi 0 does`, () => {
    const frozen = train({ engine, policy: POLICY, freezePolicy: true });
    const zeroRate = train({ engine, policy: POLICY, etaPhi: 0 });
    const learning = train({ engine, policy: POLICY });
    assert.equal(frozen.state.phi, zeroRate.state.phi);
    frozen.state.phi.forEach((c, j) => assert.ok(Math.abs(c - POLICY[j]) < 1e-6, `phi[${j}] moved to ${c}`));
    assert.equal(frozen.weights, zeroRate.weights);
    assert.ok(learning.state.phi.some((c, j) => Math.abs(c - POLICY[j]) > 1e-4), 'an unfrozen policy learns');
  });

  test(`${engine} engine: a frozen policy stays frozen when hyperparameters change`, () => {
    const optimizer = new PilotOptimizer({ engine, policy: POLICY, freezePolicy: true });
    optimizer.setHyperparameters({ etaPhi: 0.5 });
    const v = tf.variable(tf.tensor1d([1, -2, 3]), true, `policy_v_${++unique}`);
    for (let t = 0; t < 5; t++) optimizer.minimize(() => tf.sum(tf.square(tf.sub(v, tf.tensor1d([t, 1, -t])))));
    optimizer.state().phi.forEach((c, j) => assert.ok(Math.abs(c - POLICY[j]) < 1e-6, `phi[${j}] moved to ${c}`));
    assert.is(optimizer.hyperparameters.etaPhi, 0.5);
    optimizer.dispose();
    v.dispose();
  });
}

test('the two engines agree when started from a given policy', () => {
  const a = train({ engine: 'wasm', policy: POLICY }, 100);
  const b = train({ engine: 'tfjs', policy: POLICY }, 100);
  a.weights.forEach((x, i) => assert.ok(Math.abs(x - b.weights[i]) <= 1e-4 * (1 + Math.abs(x)), `weight ${i}: ${x} vs ${b.weights[i]}`));
  a.state.phi.forEach((c, j) => assert.ok(Math.abs(c - b.state.phi[j]) <= 1e-4, `phi[${j}]`));
});

test.run();
