// PilotOptimizer, the TensorFlow.js adapter: both engines replay the reference traces through
// applyGradients, agree with each other, leak nothing, train real models, route by backend, and
// save and restore exactly.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { tf, useBackend, replayThroughTfjs } from './support/tfjs.js';
import { TRACE_NAMES, TOLERANCE, loadTrace, optionsOf } from './support/traces.js';
import { seededRandom } from './support/random.js';
import { PilotOptimizer, engineForBackend, registerWasmConv2DBackpropFilter } from '../dist/tfjs/index.js';

const ENGINES = ['wasm', 'tfjs'];
let unique = 0;
const name = (base) => `${base}_${++unique}`;

function worstAgainstTrace(trace, optimizer) {
  const worst = { param: 0, knob: 0, phi: 0, steps: 0 };
  replayThroughTfjs(trace, optimizer, (step, params, state) => {
    step.params.forEach((ref, i) => ref.forEach((x, j) => {
      worst.param = Math.max(worst.param, Math.abs(params[i][j] - x) / (1 + Math.abs(x)));
    }));
    for (const k of ['rho', 'pm', 'pv', 'ps']) worst.knob = Math.max(worst.knob, Math.abs(state[k] - step[k]));
    step.phi.forEach((x, j) => { worst.phi = Math.max(worst.phi, Math.abs(state.phi[j] - x)); });
    if (state.step === step.step) worst.steps += 1;
  });
  return worst;
}

for (const backend of ['cpu', 'wasm']) {
  for (const engine of ENGINES) {
    const test = suite(`PilotOptimizer parity (${engine} engine on tfjs-backend-${backend})`);
    test.before(() => useBackend(backend));
    for (const traceName of TRACE_NAMES) {
      test(traceName, () => {
        const trace = loadTrace(traceName);
        const optimizer = new PilotOptimizer({ ...optionsOf(trace.config), engine });
        const worst = worstAgainstTrace(trace, optimizer);
        optimizer.dispose();
        assert.is(worst.steps, trace.steps.length, 'state().step follows every step');
        assert.ok(worst.param <= TOLERANCE.param, `params off by ${worst.param}`);
        assert.ok(worst.knob <= TOLERANCE.knob, `rho/pm/pv/ps off by ${worst.knob}`);
        assert.ok(worst.phi <= TOLERANCE.phi, `phi off by ${worst.phi}`);
      });
    }
    test.run();
  }
}

/** A small MLP on a fixed synthetic batch; `step` runs one minimize. */
function smallModel(engine, seed = 5, options = {}) {
  const rng = seededRandom(seed);
  const X = tf.tensor2d(rng.normals(64 * 8), [64, 8]);
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: 64 }, (_, i) => i % 3), 'int32'), 3);
  const weights = [
    tf.variable(tf.tensor2d(rng.normals(8 * 16, 0.3), [8, 16]), true, name('W1')),
    tf.variable(tf.zeros([16]), true, name('b1')),
    tf.variable(tf.tensor2d(rng.normals(16 * 3, 0.3), [16, 3]), true, name('W2')),
    tf.variable(tf.zeros([3]), true, name('b2')),
  ];
  const [W1, b1, W2, b2] = weights;
  const optimizer = new PilotOptimizer({ engine, lr: 0.01, ...options });
  const loss = () => tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(tf.tanh(tf.add(tf.matMul(X, W1), b1)), W2), b2));
  return {
    weights,
    optimizer,
    loss,
    step: () => optimizer.minimize(loss),
    values: () => weights.map((w) => Array.from(w.dataSync())),
    dispose: () => { optimizer.dispose(); tf.dispose([X, y, ...weights]); },
  };
}

const behaviour = suite('PilotOptimizer behaviour (tfjs-backend-cpu)');
behaviour.before(() => useBackend('cpu'));

behaviour('the two engines agree over a 200-step run of a small model', () => {
  const a = smallModel('wasm'), b = smallModel('tfjs');
  for (let t = 0; t < 200; t++) { a.step(); b.step(); }
  let worst = 0;
  const va = a.values(), vb = b.values();
  va.forEach((w, i) => w.forEach((x, j) => { worst = Math.max(worst, Math.abs(x - vb[i][j]) / (1 + Math.abs(x))); }));
  const sa = a.optimizer.state(), sb = b.optimizer.state();
  a.dispose();
  b.dispose();
  assert.ok(worst <= 1e-4, `weights differ by ${worst} (relative) after 200 closed-loop steps`);
  assert.is(sa.step, 200);
  assert.is(sb.step, 200);
  sa.phi.forEach((c, j) => assert.ok(Math.abs(c - sb.phi[j]) <= 1e-4, `phi[${j}] ${c} vs ${sb.phi[j]}`));
});

for (const engine of ENGINES) {
  behaviour(`${engine} engine: no tensor leaks over 1000 steps after warm-up`, () => {
    const model = smallModel(engine);
    for (let t = 0; t < 5; t++) model.step();
    const before = tf.memory().numTensors;
    for (let t = 0; t < 1000; t++) model.step();
    const after = tf.memory().numTensors;
    model.dispose();
    assert.is(after, before);
  });

  behaviour(`${engine} engine: a variable missing from the map keeps its value and state; a new one joins with zero state`, () => {
    const a = tf.variable(tf.tensor1d([1, 2, 3]), true, name('a'));
    const b = tf.variable(tf.tensor1d([4, 5]), true, name('b'));
    const optimizer = new PilotOptimizer({ engine, lr: 0.1 });
    optimizer.applyGradients({ [a.name]: tf.tensor1d([1, -1, 1]) });
    const bBefore = Array.from(b.dataSync());
    optimizer.applyGradients({ [a.name]: tf.tensor1d([1, 1, 1]), [b.name]: tf.tensor1d([1, 1]) });
    assert.ok(Array.from(b.dataSync()).every((x, j) => x < bBefore[j]), 'b moved once it had a gradient');
    const aBefore = Array.from(a.dataSync());
    optimizer.applyGradients({ [b.name]: tf.tensor1d([1, 1]) });
    assert.equal(Array.from(a.dataSync()), aBefore, 'a, missing, did not move');
    assert.is(optimizer.state().step, 3);
    assert.is(optimizer.iterations, 3);
    optimizer.dispose();
    tf.dispose([a, b]);
  });

  behaviour(`${engine} engine: an empty variable beside others steps like the others alone`, () => {
    const empty = tf.variable(tf.zeros([0]), true, name('empty'));
    const a = tf.variable(tf.tensor1d([1, 2, 3]), true, name('a'));
    const alone = tf.variable(tf.tensor1d([1, 2, 3]), true, name('alone'));
    const withEmpty = new PilotOptimizer({ engine });
    const without = new PilotOptimizer({ engine });
    const nothing = tf.zeros([0]);
    for (let t = 0; t < 3; t++) {
      const g = tf.tensor1d([0.1, -0.2, 0.3 * t]);
      withEmpty.applyGradients({ [empty.name]: nothing, [a.name]: g });
      without.applyGradients({ [alone.name]: g });
      g.dispose();
    }
    assert.equal(Array.from(a.dataSync()), Array.from(alone.dataSync()));
    assert.equal(withEmpty.state(), without.state());
    withEmpty.dispose();
    without.dispose();
    tf.dispose([empty, a, alone, nothing]);
  });

  behaviour(`${engine} engine: getWeights/setWeights at step 50 of 100, restored into a new optimizer: bit-identical to never stopping`, async () => {
    const straight = smallModel(engine, 9);
    const resumed = smallModel(engine, 9);
    for (let t = 0; t < 50; t++) { straight.step(); resumed.step(); }
    const saved = await resumed.optimizer.getWeights();
    assert.is(saved[0].name, 'iter');
    assert.is(saved.length, 2 + 4 * 4, 'iter, the group, then m, v, gPrev and record per variable');
    // The restored optimizer continues on the same variables (the names in the weights).
    const restored = new PilotOptimizer(resumed.optimizer.getConfig());
    await restored.setWeights(saved);
    tf.dispose(saved.map((w) => w.tensor));
    resumed.optimizer.dispose();
    assert.is(restored.iterations, 50);
    assert.equal(restored.state(), straight.optimizer.state());
    for (let t = 0; t < 50; t++) {
      straight.step();
      restored.minimize(resumed.loss);
    }
    assert.equal(resumed.values(), straight.values(), 'bit-identical weights');
    assert.equal(restored.state(), straight.optimizer.state());
    restored.dispose();
    straight.dispose();
    resumed.dispose();
  });

  behaviour(`${engine} engine: model weights set between steps are respected`, () => {
    const model = smallModel(engine);
    model.step();
    model.weights[1].assign(tf.fill([16], 7));
    model.step();
    assert.ok(model.values()[1].every((x) => Math.abs(x - 7) < 0.1), 'the step started from the assigned values');
    model.dispose();
  });

  behaviour(`${engine} engine: diagnostics record every step; state() matches the last`, () => {
    const model = smallModel(engine, 5, { diagnostics: true });
    for (let t = 0; t < 4; t++) model.step();
    const d = model.optimizer.diagnostics();
    const s = model.optimizer.state();
    model.dispose();
    assert.is(d.rho.length, 4);
    assert.is(d.rho[3], s.rho);
    assert.equal(d.phi[3], s.phi);
  });
}

behaviour.run();

const api = suite('PilotOptimizer API');
api.before(() => useBackend('cpu'));

api('className, getConfig/fromConfig and the serialization registry', () => {
  const optimizer = new PilotOptimizer({ lr: 0.003, betas: [0.8, 0.99], degree: 3, policyOverrides: { pv: 0.5 }, engine: 'tfjs' });
  assert.is(PilotOptimizer.className, 'PILOT');
  assert.is(optimizer.getClassName(), 'PILOT');
  const config = optimizer.getConfig();
  assert.equal(config, { lr: 0.003, betas: [0.8, 0.99], eps: 1e-8, weightDecay: 0.01, gamma: 0.95, etaPhi: 0.01, degree: 3, policyOverrides: { pv: 0.5 }, engine: 'tfjs', diagnostics: false, nonFinite: 'error' });
  const registered = tf.serialization.SerializationMap.getMap().classNameMap.PILOT;
  assert.ok(registered, 'registered under PILOT');
  const [cls, fromConfig] = registered;
  const copy = fromConfig(cls, config);
  assert.equal(copy.getConfig(), config);
  assert.ok(copy instanceof PilotOptimizer);
});

api('invalid options throw naming the option and the value', () => {
  assert.throws(() => new PilotOptimizer({ lr: -1 }), /lr must be a finite number >= 0, got -1/);
  assert.throws(() => new PilotOptimizer({ gamma: 1 }), /gamma must be a number in \[0, 1\), got 1/);
  assert.throws(() => new PilotOptimizer({ engine: 'gpu' }), /engine must be 'auto', 'wasm' or 'tfjs', got "gpu"/);
  assert.throws(() => new PilotOptimizer({ learning_rate: 0.1 }), /unknown option 'learning_rate'/);
  const optimizer = new PilotOptimizer({ lr: 0.01 });
  assert.throws(() => { optimizer.lr = NaN; }, /lr .*got NaN/);
  assert.is(optimizer.lr, 0.01);
  optimizer.learningRate = 0.02;
  assert.is(optimizer.getConfig().lr, 0.02);
  assert.throws(() => optimizer.setHyperparameters({ degree: 5 }), /degree cannot change/);
});

api('applyGradients rejects an unknown variable or a wrong-shaped gradient, changing nothing', async () => {
  for (const engine of ENGINES) {
    const v = tf.variable(tf.tensor1d([1, 2]), true, name('v'));
    const optimizer = new PilotOptimizer({ engine });
    optimizer.applyGradients({ [v.name]: tf.tensor1d([1, 1]) });
    const before = { value: Array.from(v.dataSync()), state: optimizer.state(), iterations: optimizer.iterations };
    assert.throws(() => optimizer.applyGradients({ nope: tf.tensor1d([1]) }), /no variable named 'nope' is registered/);
    assert.throws(() => optimizer.applyGradients({ [v.name]: tf.tensor1d([1, 2, 3]) }), /gradient of '.*' has shape \[3\], the variable has \[2\]/);
    assert.equal({ value: Array.from(v.dataSync()), state: optimizer.state(), iterations: optimizer.iterations }, before);
    optimizer.dispose();
    v.dispose();
  }
});

api('setWeights rejects weights that do not fit, naming what is wrong', async () => {
  const model = smallModel('wasm');
  model.step();
  const saved = await model.optimizer.getWeights();
  const other = new PilotOptimizer({ degree: 3 });
  try {
    await other.setWeights(saved);
    assert.unreachable('no error');
  } catch (error) {
    assert.match(error.message, /phi has 9 coefficients; this optimizer's degree 3 needs 12/);
  }
  await assert.not.throws(async () => {});
  try {
    await new PilotOptimizer().setWeights(saved.slice(1));
    assert.unreachable('no error');
  } catch (error) {
    assert.match(error.message, /expected 'iter' first/);
  }
  tf.dispose(saved.map((w) => w.tensor));
  model.dispose();
});

api.run();

const routing = suite('engine routing');

routing("'auto' picks 'wasm' on tfjs-backend-cpu and tfjs-backend-wasm", async () => {
  for (const backend of ['cpu', 'wasm']) {
    await useBackend(backend);
    assert.is(new PilotOptimizer().engine, 'wasm', backend);
  }
});

routing("'auto' picks 'tfjs' on a GPU backend (stand-ins registered as 'webgpu', and as tfjs-node-gpu's 'tensorflow' on a GPU)", async () => {
  const cpu = tf.findBackend('cpu');
  const kernels = tf.getKernelsForBackend('cpu');
  for (const [fake, extra] of [['webgpu', {}], ['tensorflow', { isUsingGpuDevice: true }]]) {
    tf.registerBackend(fake, () => Object.assign(Object.create(Object.getPrototypeOf(cpu)), cpu, extra), 100);
    for (const kernel of kernels) tf.registerKernel({ ...kernel, backendName: fake });
    await useBackend(fake);
    const optimizer = new PilotOptimizer();
    assert.is(optimizer.engine, 'tfjs', fake);
    const v = tf.variable(tf.tensor1d([1, 2]), true, name('gpu'));
    optimizer.applyGradients({ [v.name]: tf.tensor1d([1, -1]) });
    assert.ok(v.dataSync()[0] < 1, 'the tfjs engine stepped on the stand-in backend');
    optimizer.dispose();
    v.dispose();
    await useBackend('cpu');
    for (const kernel of kernels) tf.unregisterKernel(kernel.kernelName, fake);
    tf.removeBackend(fake);
  }
  assert.is(engineForBackend('webgl', null), 'tfjs');
  assert.is(engineForBackend('tensorflow', { isUsingGpuDevice: false }), 'wasm');
});

routing('@tensorflow/tfjs-node-gpu on a real GPU', async () => {
  let gpu = null;
  try {
    gpu = await import('@tensorflow/tfjs-node-gpu');
  } catch (error) {
    console.log(`  skipped: @tensorflow/tfjs-node-gpu is not installed (${error.code ?? error.message}); its install script downloads libtensorflow from a host this machine cannot reach`);
    return;
  }
  await useBackend('tensorflow');
  const expected = tf.backend().isUsingGpuDevice ? 'tfjs' : 'wasm';
  assert.is(new PilotOptimizer().engine, expected);
  void gpu;
});

routing.run();

/** Three interleaved noisy spirals in 2-D, shuffled with a seed: a task a linear model cannot fit. */
function spirals(seed, perClass = 200) {
  const rng = seededRandom(seed);
  const points = [];
  for (let i = 0; i < perClass * 3; i++) {
    const label = i % 3;
    const radius = (Math.floor(i / 3) + 1) / perClass;
    const angle = (label * 2 * Math.PI) / 3 + radius * 4 + 0.15 * rng.normal();
    points.push({ x: [radius * Math.cos(angle), radius * Math.sin(angle)], label });
  }
  for (let i = points.length - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    [points[i], points[j]] = [points[j], points[i]];
  }
  return { X: tf.tensor2d(points.map((p) => p.x)), Y: tf.oneHot(tf.tensor1d(points.map((p) => p.label), 'int32'), 3) };
}

const training = suite('PilotOptimizer trains with model.fit');

for (const [backend, engine] of [['wasm', 'wasm'], ['cpu', 'tfjs']]) {
  training(`a dense net reaches > 95% training accuracy on three spirals (${engine} engine on tfjs-backend-${backend})`, async () => {
    await useBackend(backend);
    const { X, Y } = spirals(11);
    const glorot = (seed) => tf.initializers.glorotUniform({ seed });
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [2], units: 64, activation: 'relu', kernelInitializer: glorot(1) }),
        tf.layers.dense({ units: 64, activation: 'relu', kernelInitializer: glorot(2) }),
        tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: glorot(3) }),
      ],
    });
    const optimizer = new PilotOptimizer({ lr: 0.005, engine });
    model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const history = await model.fit(X, Y, { epochs: 15, batchSize: 32, shuffle: false, verbose: 0 });
    const [, accuracy] = model.evaluate(X, Y);
    const trained = accuracy.dataSync()[0];
    assert.ok(trained > 0.95, `training accuracy ${trained}`);
    assert.ok(history.history.loss.at(-1) < history.history.loss[0] / 5, `loss ${history.history.loss[0]} -> ${history.history.loss.at(-1)}`);
    tf.dispose([X, Y, accuracy]);
    model.dispose();
    optimizer.dispose();
  });
}

training('a small conv net trains with model.fit on tfjs-backend-wasm (with the shipped Conv2DBackpropFilter)', async () => {
  await useBackend('wasm');
  registerWasmConv2DBackpropFilter();
  const rng = seededRandom(12);
  // 8x8 images: class 0 has a bright vertical bar, class 1 a horizontal one, at random places.
  const images = [], labels = [];
  for (let i = 0; i < 64; i++) {
    const label = i % 2, at = 1 + Math.floor(rng.uniform() * 6);
    const image = Array.from({ length: 64 }, () => 0.1 * rng.normal());
    for (let k = 0; k < 8; k++) image[label ? at * 8 + k : k * 8 + at] += 1;
    images.push(...image);
    labels.push(label);
  }
  const X = tf.tensor4d(images, [64, 8, 8, 1]);
  const Y = tf.oneHot(tf.tensor1d(labels, 'int32'), 2);
  const glorot = (seed) => tf.initializers.glorotUniform({ seed });
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, strides: 1, padding: 'same', activation: 'relu', kernelInitializer: glorot(1) }),
      tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, activation: 'relu', kernelInitializer: glorot(2) }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: glorot(3) }),
    ],
  });
  const optimizer = new PilotOptimizer({ lr: 0.01 });
  model.compile({ optimizer, loss: 'categoricalCrossentropy' });
  const history = await model.fit(X, Y, { epochs: 8, batchSize: 16, shuffle: false, verbose: 0 });
  const losses = history.history.loss;
  assert.is(optimizer.engine, 'wasm');
  assert.ok(losses.at(-1) < 0.5 * losses[0], `loss ${losses[0]} -> ${losses.at(-1)}`);
  tf.dispose([X, Y]);
  model.dispose();
  optimizer.dispose();
});

training.run();
