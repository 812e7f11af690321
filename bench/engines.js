// The things the benchmark measures, each behind the same interface: { step(), bytes, dispose() }
// over `parameters` parameters split into 4 equal tensors, with random parameters and gradients.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { PilotOptimizer } from '../dist/tfjs/index.js';
import { PILOT } from '../dist/index.js';
import { instantiateCore } from '../dist/wasm.js';
import { planMemory } from '../dist/memory-plan.js';
import { ScalarPilotPort } from './build/scalar-port.js';

export const TENSORS = 4;

function filler(seed) {
  return (array) => {
    for (let j = 0; j < array.length; j++) {
      seed = (seed * 16807) % 2147483647;
      array[j] = (seed / 2147483647) * 2 - 1;
    }
    return array;
  };
}

const sizesOf = (parameters) => Array.from({ length: TENSORS }, () => parameters / TENSORS);

/** The PILOT optimizer (the Wasm core), after one warm-up step so every pass runs. */
export async function pilot(parameters, options) {
  const shape = [parameters / TENSORS];
  const opt = await PILOT.create(Array.from({ length: TENSORS }, () => shape), options);
  const fill = filler(1);
  opt.params.forEach(fill);
  opt.grads.forEach(fill);
  opt.step();
  return {
    step: () => opt.step(),
    bytes: opt.memoryBytes,
    threads: opt.threads ?? 1,
    dispose: () => opt.dispose(),
  };
}

/** The plain scalar TypeScript port (bench/scalar-port.ts) over Float32Arrays. */
export async function port(parameters) {
  const opt = new ScalarPilotPort(sizesOf(parameters));
  const fill = filler(1);
  opt.params.forEach(fill);
  opt.grads.forEach(fill);
  opt.stepAll();
  return { step: () => opt.stepAll(), bytes: opt.memoryBytes, dispose: () => {} };
}

/** The streaming floor: the SIMD core's streamFloorPass over the memory a PILOT step touches. */
export async function floor(parameters) {
  const sizes = sizesOf(parameters);
  const probe = await instantiateCore('simd', 1);
  const plan = planMemory(probe.exports.heapBase(), [2], sizes);
  const core = await instantiateCore('simd', plan.pages);
  const fill = filler(1);
  for (const t of plan.tensors) {
    for (const at of [t.param, t.grad, t.m, t.v, t.gradPrev]) fill(new Float32Array(core.memory.buffer, at, t.size));
  }
  const step = () => {
    for (const t of plan.tensors) core.exports.streamFloorPass(t.param, t.grad, t.m, t.v, t.gradPrev, t.paddedSize);
  };
  step();
  return { step, bytes: core.memory.buffer.byteLength, dispose: () => {} };
}

/** A tf.train.Optimizer on a tfjs backend, fed pre-made gradient tensors through
 *  applyGradients; `check` throws when a step left tensors behind. */
async function tfjsOptimizer(parameters, backend, makeOptimizer) {
  await tf.setBackend(backend);
  await tf.ready();
  const before = tf.memory();
  const fill = filler(1);
  const name = `${backend}${parameters}_${Math.random().toString(36).slice(2)}`;
  const variables = sizesOf(parameters).map((n, i) => {
    const initial = tf.tensor1d(fill(new Float32Array(n)));
    const variable = tf.variable(initial, true, `${name}_${i}`);
    initial.dispose();
    return variable;
  });
  const grads = Object.fromEntries(sizesOf(parameters).map((n, i) => [`${name}_${i}`, tf.tensor1d(fill(new Float32Array(n)))]));
  const optimizer = makeOptimizer();
  optimizer.applyGradients(grads);
  const tensors = tf.memory().numTensors;
  const bytes = tf.memory().numBytes - before.numBytes + (optimizer.memoryBytes ?? 0);
  return {
    step: () => optimizer.applyGradients(grads),
    bytes,
    check: () => {
      if (tf.memory().numTensors !== tensors) throw new Error(`${optimizer.getClassName()} leaked ${tf.memory().numTensors - tensors} tensors`);
    },
    dispose: () => {
      optimizer.dispose();
      variables.forEach((v) => v.dispose());
      Object.values(grads).forEach((g) => g.dispose());
      if (tf.memory().numTensors !== before.numTensors) throw new Error(`tfjs benchmark leaked ${tf.memory().numTensors - before.numTensors} tensors`);
    },
  };
}

/** tf.train.adam on tfjs-backend-wasm: what users pick today. */
export const tfAdam = (parameters) => tfjsOptimizer(parameters, 'wasm', () => tf.train.adam(1e-3));

/** PilotOptimizer's tfjs-ops engine (the GPU route) on a CPU-side tfjs backend. */
export const tfjsEngine = (backend) => (parameters) => tfjsOptimizer(parameters, backend, () => new PilotOptimizer({ engine: 'tfjs', nonFinite: 'propagate' }));

/** PilotOptimizer's Wasm engine on tfjs-backend-wasm: the core plus reading and writing tensors. */
export const wasmEngine = (parameters) => tfjsOptimizer(parameters, 'wasm', () => new PilotOptimizer({ engine: 'wasm' }));
