// A worker thread of a multi-threaded PILOT (src/threads.ts): it instantiates the shared build over
// the optimizer's memory, says it is ready, then runs its slice of each phase it is woken for
// until told to quit. Works as a node:worker_threads worker and as a module Web Worker.
import { CONTROL, type WorkerStart, isNode, nodeWorkerThreads, runPhase } from './threads.js';
import { instantiateOver } from './wasm.js';

interface Port {
  postMessage(message: unknown): void;
  once(listener: (message: WorkerStart) => void): void;
}

async function hostPort(): Promise<Port> {
  if (isNode()) {
    const { parentPort } = await nodeWorkerThreads();
    if (!parentPort) throw new Error('thread-worker.js must run as a worker');
    return { postMessage: (m) => parentPort.postMessage(m), once: (listener) => parentPort.once('message', (m: WorkerStart) => listener(m)) };
  }
  const scope = globalThis as unknown as {
    postMessage(message: unknown): void;
    addEventListener(type: 'message', listener: (event: MessageEvent<WorkerStart>) => void, options: { once: true }): void;
  };
  return {
    postMessage: (m) => scope.postMessage(m),
    once: (listener) => scope.addEventListener('message', (event) => listener(event.data), { once: true }),
  };
}

const port = await hostPort();
port.once((start) => {
  const core = instantiateOver(start.kernel, start.module, start.memory, true);
  const c = new Int32Array(start.memory.buffer, start.controlByte, 16);
  let generation = Atomics.load(c, CONTROL.GENERATION);
  port.postMessage('ready');
  for (;;) {
    Atomics.wait(c, CONTROL.GENERATION, generation);
    generation = Atomics.load(c, CONTROL.GENERATION);
    if (Atomics.load(c, CONTROL.QUIT) !== 0) return;
    try {
      runPhase(core, c, start.slice);
    } catch {
      Atomics.store(c, CONTROL.FAILED, 1 + start.slice);
    }
    Atomics.add(c, CONTROL.DONE, 1);
    Atomics.notify(c, CONTROL.DONE);
  }
});
