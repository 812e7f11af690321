// A worker thread that trains one run (its own tfjs instance, so runs on different cores do not
// share a backend) and reports progress and the result to the main thread.
import { parentPort, workerData } from 'node:worker_threads';
import { useBackend } from './backend.js';
import { loadDataset } from './datasets.js';
import { usesConvolutions } from './models.js';
import { trainRun } from './train.js';

const { run } = workerData;
await useBackend(run.backend, { convolutions: usesConvolutions(run.model) });
const dataset = loadDataset(run.dataset);
let lastReport = 0;
const result = await trainRun({ ...run, dataset }, {
  onBatch: (progress) => {
    // Throttled: a message per step would cost more than the bar is worth.
    const now = performance.now();
    if (now - lastReport < 200 && progress.batch !== progress.batches) return;
    lastReport = now;
    parentPort.postMessage({ type: 'batch', ...progress });
  },
  onEpoch: (record) => parentPort.postMessage({ type: 'epoch', record }),
});
parentPort.postMessage({ type: 'done', result });
