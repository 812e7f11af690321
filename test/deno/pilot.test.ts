// The package as a Deno user imports it: the Wasm core replays every reference trace, and
// PilotOptimizer trains a tiny tfjs model.
import { PILOT, simdSupported } from 'pilot-optimizer';
import { PilotOptimizer } from 'pilot-optimizer/tfjs';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

const FIXTURES = new URL('../fixtures/', import.meta.url);
const TOLERANCE = { param: 2e-5, knob: 1e-5, phi: 1e-4 };

function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

interface Trace {
  config: { lr: number; betas: [number, number]; eps: number; weight_decay: number; gamma: number; eta_phi: number; degree: number; policy_overrides: Record<string, number> };
  shapes: number[][];
  initial_params: number[][];
  steps: { step: number; grads: (number[] | null)[]; params: number[][]; rho: number; pm: number; pv: number; ps: number; phi: number[] }[];
}

const traceNames = [...Deno.readDirSync(FIXTURES)].map((e) => e.name).filter((n) => n.endsWith('.json')).sort();

Deno.test('the runtime validates the SIMD build', () => {
  assert(simdSupported(), 'Deno runs Wasm SIMD');
});

for (const kernel of ['simd', 'scalar'] as const) {
  for (const name of traceNames) {
    Deno.test(`parity (${kernel}): ${name}`, async () => {
      const trace: Trace = JSON.parse(await Deno.readTextFile(new URL(name, FIXTURES)));
      const c = trace.config;
      const opt = await PILOT.create(trace.shapes.map((shape, i) => ({ shape, init: trace.initial_params[i] })), {
        lr: c.lr, betas: c.betas, eps: c.eps, weightDecay: c.weight_decay, gamma: c.gamma, etaPhi: c.eta_phi, degree: c.degree,
        policyOverrides: c.policy_overrides, kernel,
      });
      assert(opt.kernel === kernel, `kernel ${opt.kernel}`);
      for (const step of trace.steps) {
        const missing: number[] = [];
        step.grads.forEach((g, i) => (g === null ? missing.push(i) : opt.grads[i].set(g)));
        opt.step({ missing });
        const state = opt.state();
        assert(state.step === step.step, `step ${state.step} vs ${step.step}`);
        step.params.forEach((ref, i) => ref.forEach((x, j) => {
          const err = Math.abs(opt.params[i][j] - x) / (1 + Math.abs(x));
          assert(err <= TOLERANCE.param, `step ${step.step} param ${i}[${j}] off by ${err}`);
        }));
        for (const k of ['rho', 'pm', 'pv', 'ps'] as const) {
          assert(Math.abs(state[k] - step[k]) <= TOLERANCE.knob, `step ${step.step} ${k} off by ${Math.abs(state[k] - step[k])}`);
        }
        step.phi.forEach((x, j) => assert(Math.abs(state.phi[j] - x) <= TOLERANCE.phi, `step ${step.step} phi[${j}]`));
      }
      opt.dispose();
    });
  }
}

for (const backend of ['wasm', 'cpu']) {
  Deno.test(`PilotOptimizer trains a tiny model on tfjs-backend-${backend}`, async () => {
    await tf.setBackend(backend);
    await tf.ready();
    const xs = tf.tensor2d([[0, 0], [0, 1], [1, 0], [1, 1]]);
    const ys = tf.tensor2d([[1, 0], [0, 1], [0, 1], [1, 0]]);
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [2], units: 16, activation: 'tanh', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
        tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
      ],
    });
    const optimizer = new PilotOptimizer({ lr: 0.05 });
    model.compile({ optimizer, loss: 'categoricalCrossentropy' });
    const history = await model.fit(xs, ys, { epochs: 150, batchSize: 4, verbose: 0 });
    const losses = history.history.loss as number[];
    assert(optimizer.engine === 'wasm', `engine ${optimizer.engine}`);
    assert(losses[losses.length - 1] < losses[0] / 4, `XOR loss ${losses[0]} -> ${losses[losses.length - 1]}`);
    assert(optimizer.state().step === 150, 'one step per batch');
    tf.dispose([xs, ys]);
    model.dispose();
    optimizer.dispose();
  });
}
