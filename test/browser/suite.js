// The checks test/browser.test.js runs inside headless Chromium. Each returns plain data; the Node
// side asserts on it.
import { PILOT, simdSupported } from 'pilot-optimizer';
import { PilotOptimizer } from 'pilot-optimizer/tfjs';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');

/** Replays one reference trace on the Wasm core; returns the worst deviations. */
async function replayTrace(name) {
  const trace = await (await fetch(`/test/fixtures/${name}`)).json();
  const c = trace.config;
  const opt = await PILOT.create(trace.shapes.map((shape, i) => ({ shape, init: trace.initial_params[i] })), {
    lr: c.lr, betas: c.betas, eps: c.eps, weightDecay: c.weight_decay, gamma: c.gamma, etaPhi: c.eta_phi,
    degree: c.degree, policyOverrides: c.policy_overrides,
  });
  const worst = { kernel: opt.kernel, param: 0, knob: 0, phi: 0, stepsMatched: 0, steps: trace.steps.length };
  for (const step of trace.steps) {
    const missing = [];
    step.grads.forEach((g, i) => (g === null ? missing.push(i) : opt.grads[i].set(g)));
    opt.step({ missing });
    const s = opt.state();
    step.params.forEach((ref, i) => ref.forEach((x, j) => { worst.param = Math.max(worst.param, Math.abs(opt.params[i][j] - x) / (1 + Math.abs(x))); }));
    for (const k of ['rho', 'pm', 'pv', 'ps']) worst.knob = Math.max(worst.knob, Math.abs(s[k] - step[k]));
    step.phi.forEach((x, j) => { worst.phi = Math.max(worst.phi, Math.abs(s.phi[j] - x)); });
    if (s.step === step.step) worst.stepsMatched += 1;
  }
  opt.dispose();
  return worst;
}

/** A 2-16-3 tanh net on a fixed batch, its weights from a seed. */
function tinyModel(seed) {
  const init = (shape, s) => tf.randomNormal(shape, 0, 0.5, 'float32', s);
  const W1 = tf.variable(init([2, 16], seed), true, `W1_${seed}_${Math.random()}`);
  const W2 = tf.variable(init([16, 3], seed + 1), true, `W2_${seed}_${Math.random()}`);
  // 48 points around the circle; the class is the third of the circle a point lies in.
  const angles = Array.from({ length: 48 }, (_, i) => (2 * Math.PI * (i + 0.5)) / 48);
  const X = tf.tensor2d(angles.map((a) => [Math.cos(a), Math.sin(a)]));
  const labels = tf.oneHot(tf.tensor1d(angles.map((a) => Math.floor((3 * a) / (2 * Math.PI))), 'int32'), 3);
  const loss = () => tf.losses.softmaxCrossEntropy(labels, tf.matMul(tf.tanh(tf.matMul(X, W1)), W2));
  return { weights: [W1, W2], loss, dispose: () => tf.dispose([W1, W2, X, labels]) };
}

function train(engine, steps) {
  const model = tinyModel(3);
  const optimizer = new PilotOptimizer({ lr: 0.05, ...(engine ? { engine } : {}) });
  const losses = [];
  const weights = [];
  for (let t = 0; t < steps; t++) {
    const loss = optimizer.minimize(model.loss, true);
    losses.push(loss.dataSync()[0]);
    loss.dispose();
    weights.push(model.weights.map((w) => Array.from(w.dataSync())));
  }
  const result = { engine: optimizer.engine, losses, weights, state: optimizer.state() };
  optimizer.dispose();
  model.dispose();
  return result;
}

/** WebGL (the GPU route): 'auto' must pick the tfjs engine; its first steps must match the Wasm
 *  engine's on the same model. */
async function webglTraining() {
  const switched = await tf.setBackend('webgl');
  await tf.ready();
  const backend = tf.getBackend();
  if (!switched || backend !== 'webgl') return { backend, switched };
  const gpu = train(undefined, 100);
  const wasmEngine = train('wasm', 5);
  let firstStepsDiff = 0;
  wasmEngine.weights.forEach((step, t) => step.forEach((w, i) => w.forEach((x, j) => {
    firstStepsDiff = Math.max(firstStepsDiff, Math.abs(x - gpu.weights[t][i][j]) / (1 + Math.abs(x)));
  })));
  const renderer = tf.backend().gpgpu?.gl?.getParameter(0x1f01) ?? 'unknown';
  return { backend, switched, renderer, engine: gpu.engine, firstLoss: gpu.losses[0], lastLoss: gpu.losses.at(-1), firstStepsDiff };
}

/** The Wasm engine on tfjs-backend-wasm. */
async function wasmBackendTraining() {
  const switched = await tf.setBackend('wasm');
  await tf.ready();
  const run = train(undefined, 100);
  return { backend: tf.getBackend(), switched, engine: run.engine, firstLoss: run.losses[0], lastLoss: run.losses.at(-1), step: run.state.step };
}

window.suite = { simdSupported, replayTrace, webglTraining, wasmBackendTraining };
window.suiteReady = true;
