// The tfjs backend a run trains on. tfjs-backend-wasm lacks the Conv2DBackpropFilter kernel,
// which training a conv net needs; the package registers its own before such a run.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmConv2DBackpropFilter } from '../dist/tfjs/index.js';

export const BACKEND_NAMES = ['wasm', 'cpu'];

export async function useBackend(name, { convolutions }) {
  if (!BACKEND_NAMES.includes(name)) throw new RangeError(`unknown backend '${name}'; known: ${BACKEND_NAMES.join(', ')}`);
  await tf.setBackend(name);
  await tf.ready();
  if (name === 'wasm' && convolutions) registerWasmConv2DBackpropFilter();
}
