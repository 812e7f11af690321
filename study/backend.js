// The tfjs backend a run trains on. tfjs-backend-wasm lacks the Conv2DBackpropFilter kernel,
// which training a conv net needs; the package registers its own before such a run.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

export const BACKEND_NAMES = ['wasm', 'cpu'];

export async function useBackend(name, { convolutions }) {
  if (!BACKEND_NAMES.includes(name)) throw new RangeError(`unknown backend '${name}'; known: ${BACKEND_NAMES.join(', ')}`);
  await tf.setBackend(name);
  await tf.ready();
  if (name === 'wasm' && convolutions) {
    const kernel = await import('../dist/tfjs/wasm-conv2d-backprop-filter.js').catch((error) => {
      throw new Error(`conv nets on tfjs-backend-wasm need this package's Conv2DBackpropFilter kernel (dist/tfjs/wasm-conv2d-backprop-filter.js), which could not be loaded (${error.code ?? error.message}); run npm run build, or use --backend cpu or --model mlp`);
    });
    kernel.registerWasmConv2DBackpropFilter();
  }
}
