// Loading the Wasm core: pick the SIMD build where the runtime validates it, else the scalar one,
// and give each optimizer its own instance over a memory sized for it.
import { SIMD_WASM_BASE64, SCALAR_WASM_BASE64 } from './generated/wasm-binaries.js';
import { bytesFromBase64 } from './base64.js';

/** Which build of the core runs: four f32 lanes per instruction, or one. */
export type Kernel = 'simd' | 'scalar';
export type KernelChoice = Kernel | 'auto';

/** The functions the core exports (assembly/index.ts). Pointers are byte offsets. */
export interface CoreExports {
  heapBase(): number;
  laneWidth(): number;
  refreshPolicy(group: number): void;
  /** A whole step of one group on this thread; `partials`: the plan's partial-sum area. */
  stepGroup(group: number, tensors: number, count: number, partials: number): void;
  /** The three phases of a step, for threads (assembly/index.ts). */
  reduceSlice(tensors: number, count: number, partials: number, slice: number, slices: number): void;
  combineSlices(group: number, tensors: number, count: number, partials: number, slices: number): void;
  updateSlice(group: number, tensors: number, count: number, slice: number, slices: number): void;
  mapLn(data: number, length: number): void;
  mapLnNormal(data: number, length: number): void;
  mapExp(data: number, length: number): void;
  mapPow(data: number, exponents: number, length: number): void;
  /** The benchmark's memory-bandwidth floor over one tensor (no optimizer math). */
  streamFloorPass(param: number, grad: number, m: number, v: number, gradPrev: number, length: number): void;
}

export interface CoreInstance {
  readonly kernel: Kernel;
  readonly memory: WebAssembly.Memory;
  readonly exports: CoreExports;
}

export const WASM_PAGE_BYTES = 65536;
/** wasm32 addresses 4 GiB at most. */
export const MAX_WASM_PAGES = 65536;

const modules = new Map<Kernel, Promise<WebAssembly.Module>>();
const heapBases = new Map<Kernel, number>();
let simdSupport: boolean | undefined;

/** True when this runtime validates the SIMD build (WebAssembly fixed-width SIMD). */
export function simdSupported(): boolean {
  simdSupport ??= WebAssembly.validate(bytesFromBase64(SIMD_WASM_BASE64));
  return simdSupport;
}

/** The build `choice` names; 'auto' is SIMD where supported. */
export function resolveKernel(choice: KernelChoice = 'auto'): Kernel {
  if (choice === 'auto') return simdSupported() ? 'simd' : 'scalar';
  if (choice === 'simd') {
    if (!simdSupported()) throw new Error("kernel: 'simd' was asked for, but this runtime does not support WebAssembly SIMD");
    return 'simd';
  }
  if (choice === 'scalar') return 'scalar';
  throw new Error(`kernel: expected 'auto', 'simd' or 'scalar', got ${String(choice)}`);
}

function compiledModule(kernel: Kernel): Promise<WebAssembly.Module> {
  let module = modules.get(kernel);
  if (!module) {
    module = WebAssembly.compile(bytesFromBase64(kernel === 'simd' ? SIMD_WASM_BASE64 : SCALAR_WASM_BASE64));
    modules.set(kernel, module);
  }
  return module;
}

/** Where the core's own static data ends: layouts start at or after this byte. */
export async function coreHeapBase(kernel: Kernel): Promise<number> {
  let base = heapBases.get(kernel);
  if (base === undefined) {
    base = (await instantiateCore(kernel, 1)).exports.heapBase();
    heapBases.set(kernel, base);
  }
  return base;
}

/** A fresh instance of the core over a new memory of `pages` 64 KiB pages. */
export async function instantiateCore(kernel: Kernel, pages: number): Promise<CoreInstance> {
  if (pages > MAX_WASM_PAGES) {
    throw new Error(`the optimizer needs ${pages * WASM_PAGE_BYTES} bytes of Wasm memory, over the 4 GiB wasm32 can address`);
  }
  const memory = new WebAssembly.Memory({ initial: pages });
  const instance = await WebAssembly.instantiate(await compiledModule(kernel), { env: { memory } });
  return { kernel, memory, exports: instance.exports as unknown as CoreExports };
}
