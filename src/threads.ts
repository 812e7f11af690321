// Running a step on several threads over one shared WebAssembly.Memory. The calling thread is
// slice 0; `threads - 1` workers (node:worker_threads in Node, Web Workers elsewhere) each hold an
// instance of the same build over the same memory and run slice k of a phase when told. They
// synchronise through Int32 words in the memory's control block (MemoryPlan.controlByte) with
// Atomics: the caller writes a phase and its arguments, bumps GENERATION and notifies; each
// worker runs its slice and bumps DONE. This file only moves numbers and waits; the math is the
// core's (reduceSlice, combineSlices, updateSlice).
import type { CoreInstance, Kernel } from './wasm.js';

/** Int32 word indices in the control block. */
export const CONTROL = {
  GENERATION: 0,
  DONE: 1,
  PHASE: 2,
  GROUP: 3,
  TENSORS: 4,
  COUNT: 5,
  PARTIALS: 6,
  SLICES: 7,
  QUIT: 8,
  /** Set by a worker whose slice threw (1 + its slice index); the step then throws. */
  FAILED: 9,
} as const;

export const PHASE_REDUCE = 1;
export const PHASE_UPDATE = 2;

/** What a worker is sent to start (thread-worker.ts). */
export interface WorkerStart {
  kernel: Kernel;
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  controlByte: number;
  slice: number;
}

/** The little a worker needs of its host: post a message, hear one, stop. */
interface WorkerHandle {
  post(message: WorkerStart): void;
  /** Resolves on the worker's 'ready' message; rejects on its error. */
  ready: Promise<void>;
  terminate(): void;
}

const WORKER_URL = new URL('./thread-worker.js', import.meta.url);

/** The parts of node:worker_threads this file and thread-worker.ts use (declared here, so the
 *  package needs no Node types and bundlers for browsers see no static import of it). */
export interface NodeWorkerThreads {
  Worker: new (url: URL) => {
    unref(): void;
    postMessage(message: unknown): void;
    once(event: 'message' | 'error', listener: (value: never) => void): void;
    terminate(): Promise<number>;
  };
  parentPort: { postMessage(message: unknown): void; once(event: 'message', listener: (value: never) => void): void } | null;
}

const NODE_WORKER_THREADS = 'node:worker_threads';

export function nodeWorkerThreads(): Promise<NodeWorkerThreads> {
  return import(NODE_WORKER_THREADS) as Promise<NodeWorkerThreads>;
}

export function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

async function spawnWorker(): Promise<WorkerHandle> {
  if (isNode()) {
    const { Worker } = await nodeWorkerThreads();
    const worker = new Worker(WORKER_URL);
    worker.unref();
    const ready = new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', (error: Error) => reject(error));
    });
    return { post: (m) => worker.postMessage(m), ready, terminate: () => { void worker.terminate(); } };
  }
  const WebWorker = (globalThis as { Worker?: new (url: URL, options: { type: 'module' }) => Worker }).Worker;
  if (!WebWorker) throw new Error('this runtime has no Worker');
  const worker = new WebWorker(WORKER_URL, { type: 'module' });
  const ready = new Promise<void>((resolve, reject) => {
    worker.addEventListener('message', () => resolve(), { once: true });
    worker.addEventListener('error', (event) => reject(new Error(`thread worker failed: ${event.message}`)), { once: true });
  });
  return { post: (m) => worker.postMessage(m), ready, terminate: () => worker.terminate() };
}

/** True where this thread may block in Atomics.wait (not a browser's main thread). */
function canBlock(control: Int32Array): boolean {
  try {
    Atomics.wait(control, CONTROL.QUIT, 1, 0);
    return true;
  } catch {
    return false;
  }
}

export class ThreadPool {
  readonly threads: number;
  readonly #core: CoreInstance;
  readonly #control: Int32Array;
  readonly #workers: WorkerHandle[];
  readonly #block: boolean;

  private constructor(core: CoreInstance, control: Int32Array, workers: WorkerHandle[]) {
    this.#core = core;
    this.#control = control;
    this.#workers = workers;
    this.threads = workers.length + 1;
    this.#block = canBlock(control);
  }

  /** `threads - 1` workers over `core`'s shared memory, each with its own instance, started. */
  static async start(core: CoreInstance, controlByte: number, threads: number): Promise<ThreadPool> {
    const control = new Int32Array(core.memory.buffer, controlByte, 16);
    const workers: WorkerHandle[] = [];
    try {
      for (let slice = 1; slice < threads; slice++) {
        const worker = await spawnWorker();
        workers.push(worker);
        worker.post({ kernel: core.kernel, module: core.module, memory: core.memory, controlByte, slice });
      }
      await Promise.all(workers.map((w) => w.ready));
    } catch (error) {
      workers.forEach((w) => w.terminate());
      throw error;
    }
    return new ThreadPool(core, control, workers);
  }

  /** Runs `phase` on every thread, this one included, and returns when all have finished. */
  #run(phase: number, group: number, tensors: number, count: number, partials: number): void {
    const c = this.#control;
    Atomics.store(c, CONTROL.DONE, 0);
    Atomics.store(c, CONTROL.FAILED, 0);
    Atomics.store(c, CONTROL.PHASE, phase);
    Atomics.store(c, CONTROL.GROUP, group);
    Atomics.store(c, CONTROL.TENSORS, tensors);
    Atomics.store(c, CONTROL.COUNT, count);
    Atomics.store(c, CONTROL.PARTIALS, partials);
    Atomics.store(c, CONTROL.SLICES, this.threads);
    Atomics.add(c, CONTROL.GENERATION, 1);
    Atomics.notify(c, CONTROL.GENERATION);
    runPhase(this.#core, c, 0);
    const others = this.threads - 1;
    for (let done = Atomics.load(c, CONTROL.DONE); done < others; done = Atomics.load(c, CONTROL.DONE)) {
      if (this.#block) Atomics.wait(c, CONTROL.DONE, done);
    }
    const failed = Atomics.load(c, CONTROL.FAILED);
    if (failed !== 0) throw new Error(`step: the worker running slice ${failed - 1} failed; this optimizer's state is now undefined`);
  }

  /** One step of one group: reduce on every thread, combine here, update on every thread. */
  stepGroup(group: number, tensors: number, count: number, partials: number): void {
    this.#run(PHASE_REDUCE, group, tensors, count, partials);
    this.#core.exports.combineSlices(group, tensors, count, partials, this.threads);
    this.#run(PHASE_UPDATE, group, tensors, count, partials);
  }

  /** Stops the workers. */
  close(): void {
    Atomics.store(this.#control, CONTROL.QUIT, 1);
    Atomics.add(this.#control, CONTROL.GENERATION, 1);
    Atomics.notify(this.#control, CONTROL.GENERATION);
    this.#workers.forEach((w) => w.terminate());
  }
}

/** Runs slice `slice` of the phase the control block describes. */
export function runPhase(core: CoreInstance, c: Int32Array, slice: number): void {
  const group = c[CONTROL.GROUP], tensors = c[CONTROL.TENSORS], count = c[CONTROL.COUNT];
  const slices = c[CONTROL.SLICES];
  if (c[CONTROL.PHASE] === PHASE_REDUCE) core.exports.reduceSlice(tensors, count, c[CONTROL.PARTIALS], slice, slices);
  else core.exports.updateSlice(group, tensors, count, slice, slices);
}
