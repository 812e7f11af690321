// Runs training runs on worker threads, `jobs` at a time, relaying their progress.
import { Worker } from 'node:worker_threads';

const WORKER = new URL('./worker.js', import.meta.url);

function runInWorker(run, listener) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { workerData: { run } });
    let result = null;
    worker.on('message', (message) => {
      if (message.type === 'done') result = message.result;
      else listener(message);
    });
    worker.on('error', reject);
    worker.on('exit', (code) => (result ? resolve(result) : reject(new Error(`the run ${run.label} ended (exit code ${code}) without a result`))));
  });
}

/**
 * Runs every run, at most `jobs` at once, in the given order. `listener(run, message)` hears each
 * run's 'start', 'batch' and 'epoch' messages. Resolves to the results in the runs' order.
 */
export async function runAll(runs, jobs, listener) {
  const results = new Array(runs.length);
  let next = 0;
  async function lane() {
    while (next < runs.length) {
      const index = next++;
      const run = runs[index];
      listener(run, { type: 'start' });
      results[index] = await runInWorker(run, (message) => listener(run, message));
      listener(run, { type: 'finish' });
    }
  }
  await Promise.all(Array.from({ length: Math.min(jobs, runs.length) }, lane));
  return results;
}
