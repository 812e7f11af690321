// Direct access to a bare core instance, for tests of the exported math.
import { instantiateCore, coreHeapBase, WASM_PAGE_BYTES } from '../../dist/wasm.js';

export const KERNELS = ['simd', 'scalar'];

/** Runs `map` of the core over `xs` (and `ys` for pow) and returns the float32 results. */
export async function mapWithCore(kernel, name, xs, ys) {
  const base = Math.ceil(coreHeapBase(kernel) / 16) * 16;
  const padded = Math.ceil(xs.length / 4) * 4;
  const core = instantiateCore(kernel, Math.ceil((base + 8 * padded + 16) / WASM_PAGE_BYTES));
  const data = new Float32Array(core.memory.buffer, base, padded);
  const second = base + 4 * padded;
  data.set(xs);
  if (ys) {
    new Float32Array(core.memory.buffer, second, padded).set(ys);
    core.exports.mapPow(base, second, padded);
  } else {
    core.exports[name](base, padded);
  }
  return Array.from(data.subarray(0, xs.length));
}
