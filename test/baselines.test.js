// AdamW, Lion and AdaBelief against their published update rules on small cases computed by hand,
// plus the conventions they share with PilotOptimizer: config round trip, stable weights order,
// exact save and restore, validation, no leaks.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { tf, useBackend } from './support/tfjs.js';
import { AdamW, Lion, AdaBelief } from '../dist/tfjs/baselines/index.js';

let unique = 0;
const variable = (values) => tf.variable(tf.tensor1d(values), true, `baseline_${++unique}`);

/** Applies `gradients` (one array per step) to a fresh variable; returns its values after each step. */
function trajectory(optimizer, initial, gradients) {
  const p = variable(initial);
  const values = gradients.map((g) => {
    const gradient = tf.tensor1d(g);
    optimizer.applyGradients({ [p.name]: gradient });
    gradient.dispose();
    return Array.from(p.dataSync());
  });
  p.dispose();
  optimizer.dispose();
  return values;
}

function close(actual, expected, what) {
  expected.forEach((x, i) => assert.ok(Math.abs(actual[i] - x) <= 2e-6 * (1 + Math.abs(x)), `${what}[${i}]: ${actual[i]}, expected ${x}`));
}

const rules = suite('baselines: published update rules, by hand');
rules.before(() => useBackend('cpu'));

rules('AdamW (Loshchilov & Hutter): decoupled decay, then the bias-corrected Adam step', () => {
  // lr 0.1, wd 0.1, p0 = 1. Step 1, g = 0.5: m = 0.05, v = 0.00025, m_hat = 0.5, v_hat = 0.25,
  // p = 1*(1 - 0.01) - 0.1*0.5/(0.5 + 1e-8) = 0.890000002.
  // Step 2, g = -1: m = -0.055, v = 0.00124975, m_hat = -0.055/0.19, v_hat = 0.00124975/0.001999,
  // p = 0.890000002*0.99 - 0.1*m_hat/(sqrt(v_hat) + 1e-8) = 0.91771035422.
  const [p1, p2] = trajectory(new AdamW({ lr: 0.1, weightDecay: 0.1 }), [1], [[0.5], [-1]]);
  close(p1, [0.890000002], 'step 1');
  close(p2, [0.9177103542205653], 'step 2');
});

rules('AdamW with weightDecay 0 is tf.train.adam with the same eps', () => {
  const grads = [[0.3, -2], [1, 0.5], [-0.2, 0.1]];
  const ours = trajectory(new AdamW({ lr: 0.05, weightDecay: 0, eps: 1e-7 }), [1, 2], grads);
  const adam = trajectory(tf.train.adam(0.05, 0.9, 0.999, 1e-7), [1, 2], grads);
  ours.forEach((p, t) => close(p, adam[t], `step ${t + 1}`));
});

rules('Lion (Chen et al. 2023): sign of the b1-interpolation, momentum tracked with b2', () => {
  // lr 0.1, wd 0.5, b = (0.9, 0.99), p0 = [1, -2]. Step 1, g = [0.5, 0.5]: c = 0.1*g > 0, so
  // p = p0*(1 - 0.05) - 0.1 = [0.85, -2.0]; m = 0.01*g = [0.005, 0.005].
  // Step 2, g = [-0.01, -1]: c = 0.9*0.005 + 0.1*g = [0.0035, -0.0955], signs [+, -], so
  // p = [0.85*0.95 - 0.1, -2.0*0.95 + 0.1] = [0.7075, -1.8].
  // Step 3, g = [0, 0]: m = [0.99*0.005 - 0.0001, 0.99*0.005 - 0.01] = [0.00485, -0.00505];
  // c = 0.9*m = [+, -], so p = [0.7075*0.95 - 0.1, -1.8*0.95 + 0.1] = [0.572125, -1.61].
  const [p1, p2, p3] = trajectory(new Lion({ lr: 0.1, weightDecay: 0.5 }), [1, -2], [[0.5, 0.5], [-0.01, -1], [0, 0]]);
  close(p1, [0.85, -2.0], 'step 1');
  close(p2, [0.7075, -1.8], 'step 2');
  close(p3, [0.572125, -1.61], 'step 3');
});

rules('Lion: sign(0) = 0, so a zero first gradient moves the weights by the decay alone', () => {
  const [p1] = trajectory(new Lion({ lr: 0.1, weightDecay: 0.5 }), [2], [[0]]);
  close(p1, [2 * 0.95], 'step 1');
});

rules('AdaBelief (Zhuang et al. 2020): s tracks (g - m)^2 plus eps, bias-corrected like Adam', () => {
  // lr 0.1, eps 1e-8, p0 = 1. Step 1, g = 0.5: m = 0.05, s = 0.001*(0.45)^2 + 1e-8 = 0.00020251,
  // p = 1 - 0.1*0.5/(sqrt(0.20251) + 1e-8) = 0.88889163474.
  // Step 2, g = 0.5 again: m = 0.095, s = 0.999*0.00020251 + 0.001*(0.405)^2 + 1e-8 = 0.00036634249,
  // m_hat = 0.5, s_hat = s/0.001999, p = 0.88889163474 - 0.1*0.5/(sqrt(s_hat) + 1e-8) = 0.77209435049.
  const [p1, p2] = trajectory(new AdaBelief({ lr: 0.1, eps: 1e-8 }), [1], [[0.5], [0.5]]);
  close(p1, [0.8888916347405214], 'step 1');
  close(p2, [0.772094350485552], 'step 2');
});

rules.run();

const conventions = suite('baselines: the conventions of PilotOptimizer');
conventions.before(() => useBackend('wasm'));

const CLASSES = [
  [AdamW, { lr: 0.01, betas: [0.8, 0.99], eps: 1e-6, weightDecay: 0.05 }, ['m', 'v']],
  [Lion, { lr: 0.001, betas: [0.95, 0.98], weightDecay: 0.1 }, ['m']],
  [AdaBelief, { lr: 0.01, betas: [0.85, 0.995], eps: 1e-12, weightDecay: 0.01 }, ['m', 's']],
];

for (const [Optimizer, config, slots] of CLASSES) {
  const name = Optimizer.className;

  conventions(`${name}: registered; getConfig/fromConfig round-trips`, () => {
    const original = new Optimizer(config);
    const cls = tf.serialization.SerializationMap.getMap().classNameMap[name][0];
    const copy = cls.fromConfig(cls, original.getConfig());
    assert.equal(copy.getConfig(), original.getConfig());
    assert.equal(original.getConfig(), Object.fromEntries(Object.entries(config).map(([k, v]) => [k, v])));
  });

  conventions(`${name}: a bad or unknown option throws, naming it`, () => {
    assert.throws(() => new Optimizer({ lr: -1 }), /lr must be a number >= 0, got -1/);
    assert.throws(() => new Optimizer({ betas: [0.9, 1] }), /betas must be two numbers, each in \[0, 1\)/);
    assert.throws(() => new Optimizer({ momentum: 0.9 }), /unknown option 'momentum'/);
    const o = new Optimizer();
    assert.throws(() => o.setHyperparameters({ weightDecay: Infinity }), /weightDecay must be a finite number/);
    o.learningRate = 0.5;
    assert.is(o.hyperparameters.lr, 0.5);
  });

  conventions(`${name}: getWeights in a stable order; restoring into a new optimizer continues exactly`, async () => {
    const grads = [[[0.3, -1], [2]], [[0.1, 0.4], [-1]], [[-0.5, 0.2], [0.3]], [[1, 1], [1]]];
    const run = async (split) => {
      const a = variable([1, -1]);
      const b = variable([0.5]);
      let optimizer = new Optimizer(config);
      let names = null;
      for (const [t, [ga, gb]] of grads.entries()) {
        if (t === split) {
          const weights = await optimizer.getWeights();
          names = weights.map((w) => w.name);
          const restored = new Optimizer(config);
          await restored.setWeights(weights);
          tf.dispose(weights.map((w) => w.tensor));
          optimizer.dispose();
          optimizer = restored;
        }
        const map = { [a.name]: tf.tensor1d(ga), [b.name]: tf.tensor1d(gb) };
        optimizer.applyGradients(map);
        tf.dispose(Object.values(map));
      }
      const values = [...a.dataSync(), ...b.dataSync()];
      optimizer.dispose();
      tf.dispose([a, b]);
      return { values, names, aName: a.name, bName: b.name };
    };
    const straight = await run(-1);
    const resumed = await run(2);
    assert.equal(resumed.values, straight.values);
    assert.equal(resumed.names, ['iter', ...slots.map((s) => `${resumed.aName}/${s}`), ...slots.map((s) => `${resumed.bName}/${s}`)]);
  });

  conventions(`${name}: a variable without a gradient keeps its value; no tensors leak`, () => {
    const a = variable([1, 2]);
    const b = variable([3]);
    const optimizer = new Optimizer(config);
    const step = (withB) => {
      const map = { [a.name]: tf.tensor1d([0.5, -0.5]) };
      if (withB) map[b.name] = tf.tensor1d([1]);
      optimizer.applyGradients(map);
      tf.dispose(Object.values(map));
    };
    step(true);
    const before = tf.memory().numTensors;
    const bValue = b.dataSync()[0];
    for (let t = 0; t < 50; t++) step(false);
    assert.is(b.dataSync()[0], bValue);
    assert.is(tf.memory().numTensors, before);
    optimizer.dispose();
    tf.dispose([a, b]);
  });

  conventions(`${name}: setWeights with the wrong slots throws and changes nothing`, async () => {
    const optimizer = new Optimizer(config);
    const bad = [{ name: 'iter', tensor: tf.scalar(3) }, { name: 'x/q', tensor: tf.zeros([1]) }];
    let threw = false;
    try { await optimizer.setWeights(bad); } catch { threw = true; }
    assert.ok(threw);
    assert.is(optimizer.iterations, 0);
    tf.dispose(bad.map((w) => w.tensor));
    optimizer.dispose();
  });
}

conventions.run();
