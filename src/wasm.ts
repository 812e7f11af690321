// Loading the Wasm core: pick the SIMD build where the runtime validates it, else the scalar one,
// and give each optimizer its own instance over a memory sized for it.
import {
  SIMD_WASM_BASE64, SCALAR_WASM_BASE64, SIMD_SHARED_WASM_BASE64, SCALAR_SHARED_WASM_BASE64,
} from './generated/wasm-binaries.js';
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
  /** The first tensor (of `count` records) whose present gradient holds a NaN or infinity, or -1. */
  firstNonFiniteGradient(tensors: number, count: number): number;
  /** cache: true, after a restore: rebuilds the cached meta-gradient factors of a group's tensors. */
  rebuildCaches(tensors: number, count: number): void;
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
  /** The compiled build, which threads instantiate over the same (shared) memory. */
  readonly module: WebAssembly.Module;
  readonly shared: boolean;
}

export const WASM_PAGE_BYTES = 65536;
/** wasm32 addresses 4 GiB at most. */
export const MAX_WASM_PAGES = 65536;

const compiled = new Map<string, WebAssembly.Module>();
const compiling = new Map<string, Promise<WebAssembly.Module>>();
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

function buildName(kernel: Kernel, shared: boolean): string {
  return shared ? `${kernel}-shared` : kernel;
}

function binaryOf(kernel: Kernel, shared: boolean): Uint8Array<ArrayBuffer> {
  const base64 = kernel === 'simd'
    ? (shared ? SIMD_SHARED_WASM_BASE64 : SIMD_WASM_BASE64)
    : (shared ? SCALAR_SHARED_WASM_BASE64 : SCALAR_WASM_BASE64);
  return bytesFromBase64(base64);
}

/** Compiles a build in the background. Browsers may refuse to compile large modules
 *  synchronously on the main thread; after this resolves, creation is synchronous everywhere. */
export async function preloadCore(choice: KernelChoice = 'auto', shared = false): Promise<void> {
  const kernel = resolveKernel(choice);
  const name = buildName(kernel, shared);
  if (compiled.has(name)) return;
  let pending = compiling.get(name);
  if (!pending) {
    pending = WebAssembly.compile(binaryOf(kernel, shared));
    compiling.set(name, pending);
  }
  compiled.set(name, await pending);
}

function compiledModule(kernel: Kernel, shared: boolean): WebAssembly.Module {
  const name = buildName(kernel, shared);
  let module = compiled.get(name);
  if (!module) {
    module = new WebAssembly.Module(binaryOf(kernel, shared));
    compiled.set(name, module);
  }
  return module;
}

/** Why this runtime cannot run the core on several threads, or null when it can: threads need
 *  SharedArrayBuffer (in browsers, a cross-origin isolated page) and Atomics. */
export function threadsUnavailableReason(): string | null {
  if (typeof SharedArrayBuffer === 'undefined' || typeof Atomics === 'undefined') {
    return 'SharedArrayBuffer is not available (in a browser, the page must be cross-origin isolated)';
  }
  if ((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === false) {
    return 'the page is not cross-origin isolated, so WebAssembly memory cannot be shared';
  }
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  } catch (error) {
    return `shared WebAssembly memory is not supported (${(error as Error).message})`;
  }
  return null;
}

/** Where the core's own static data ends: layouts start at or after this byte. */
export function coreHeapBase(kernel: Kernel): number {
  let base = heapBases.get(kernel);
  if (base === undefined) {
    base = instantiateCore(kernel, 1).exports.heapBase();
    heapBases.set(kernel, base);
  }
  return base;
}

/** A fresh instance of the core over a new memory of `pages` 64 KiB pages; `shared`: the build
 *  over a shared memory, which other threads can instantiate too (instantiateOver). */
export function instantiateCore(kernel: Kernel, pages: number, shared = false): CoreInstance {
  if (pages > MAX_WASM_PAGES) {
    throw new Error(`the optimizer needs ${pages * WASM_PAGE_BYTES} bytes of Wasm memory, over the 4 GiB wasm32 can address`);
  }
  const memory = shared
    ? new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true })
    : new WebAssembly.Memory({ initial: pages });
  return instantiateOver(kernel, compiledModule(kernel, shared), memory, shared);
}

/** An instance of a compiled build over an existing memory (a thread's own instance). */
export function instantiateOver(kernel: Kernel, module: WebAssembly.Module, memory: WebAssembly.Memory, shared: boolean): CoreInstance {
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  return { kernel, memory, module, shared, exports: instance.exports as unknown as CoreExports };
}
