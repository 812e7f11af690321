// Which engine 'auto' picks: the tfjs-ops engine where tensors live on a GPU (reading them into
// Wasm memory every step would cost more than the step), the Wasm core elsewhere.
import * as tf from '@tensorflow/tfjs-core';
import type { EngineName } from './engine.js';

export type EngineChoice = EngineName | 'auto';

const GPU_BACKENDS = new Set(['webgl', 'webgpu']);

/** The engine for a backend: 'tfjs' on webgl, webgpu and tfjs-node-gpu's 'tensorflow' when it
 *  runs on a GPU device; 'wasm' on cpu, wasm and 'tensorflow' on the CPU. */
export function engineForBackend(name: string, backend: unknown): EngineName {
  if (GPU_BACKENDS.has(name)) return 'tfjs';
  if (name === 'tensorflow' && (backend as { isUsingGpuDevice?: boolean } | null)?.isUsingGpuDevice === true) return 'tfjs';
  return 'wasm';
}

/** The engine for the backend active now. */
export function engineForActiveBackend(): EngineName {
  return engineForBackend(tf.getBackend(), tf.backend());
}

export function checkEngineChoice(choice: unknown): asserts choice is EngineChoice {
  if (choice !== 'auto' && choice !== 'wasm' && choice !== 'tfjs') {
    throw new RangeError(`engine must be 'auto', 'wasm' or 'tfjs', got ${JSON.stringify(choice)}`);
  }
}
