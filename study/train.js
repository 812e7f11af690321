// One training run: a model, an optimizer and a seed, trained for some epochs with a validation
// pass after each. The seed fixes the initial weights and the data order, so runs with the same
// seed differ only in their optimizer.
import * as tf from '@tensorflow/tfjs';
import { batchTensors, trainingSubset } from './datasets.js';
import { buildModel } from './models.js';
import { createOptimizer } from './optimizers.js';
import { shuffled } from './random.js';

const EVAL_BATCH = 1000;
/** The most policy points a run keeps for the plot (every k-th step). */
const POLICY_POINTS = 500;

/** Mean loss and accuracy of `model` over the test split. */
function evaluate(model, dataset) {
  let lossSum = 0;
  let correct = 0;
  const test = Array.from(dataset.test);
  for (let start = 0; start < test.length; start += EVAL_BATCH) {
    const { xs, ys } = batchTensors(dataset, test.slice(start, start + EVAL_BATCH));
    const [loss, hits] = tf.tidy(() => {
      const probabilities = model.predict(xs);
      return [tf.sum(tf.metrics.categoricalCrossentropy(ys, probabilities)), tf.sum(tf.metrics.categoricalAccuracy(ys, probabilities))];
    });
    lossSum += loss.dataSync()[0];
    correct += hits.dataSync()[0];
    tf.dispose([xs, ys, loss, hits]);
  }
  return { valLoss: lossSum / test.length, valAccuracy: correct / test.length };
}

/** PILOT's recorded rho, pm, pv and ps, thinned to at most POLICY_POINTS steps. */
function policyTrace(optimizer) {
  const history = optimizer.diagnostics();
  const every = Math.max(1, Math.ceil(history.rho.length / POLICY_POINTS));
  const trace = { step: [], rho: [], pm: [], pv: [], ps: [] };
  for (let i = every - 1; i < history.rho.length; i += every) {
    trace.step.push(i + 1);
    for (const knob of ['rho', 'pm', 'pv', 'ps']) trace[knob].push(history[knob][i]);
  }
  return trace;
}

/**
 * Trains one run. `onBatch({ epoch, batch, batches, loss, accuracy })` follows every step;
 * `onEpoch(record)` each epoch's record `{ epoch, trainLoss, trainAccuracy, valLoss, valAccuracy, wallSeconds }`.
 */
export async function trainRun({ dataset, model: modelName, optimizer: optimizerName, policy, seed, epochs, trainSize, batchSize }, { onBatch = () => {}, onEpoch = () => {} } = {}) {
  const model = buildModel(modelName, dataset.imageShape, dataset.classes.length, seed);
  const optimizer = createOptimizer(optimizerName, { policy });
  model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const subset = trainingSubset(dataset, trainSize);
  const batches = Math.ceil(subset.length / batchSize);
  const history = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const started = performance.now();
    const order = shuffled(subset, seed * 100003 + epoch);
    let lossSum = 0;
    let accuracySum = 0;
    for (let batch = 0; batch < batches; batch++) {
      const { xs, ys } = batchTensors(dataset, order.slice(batch * batchSize, (batch + 1) * batchSize));
      const [loss, accuracy] = await model.trainOnBatch(xs, ys);
      tf.dispose([xs, ys]);
      lossSum += loss * xs.shape[0];
      accuracySum += accuracy * xs.shape[0];
      onBatch({ epoch, batch: batch + 1, batches, loss, accuracy });
    }
    const trainSeconds = (performance.now() - started) / 1000;
    const record = { epoch, trainLoss: lossSum / subset.length, trainAccuracy: accuracySum / subset.length, ...evaluate(model, dataset), trainSeconds, wallSeconds: (performance.now() - started) / 1000 };
    history.push(record);
    onEpoch(record);
  }
  const pilot = optimizerName.startsWith('pilot') ? { policyTrace: policyTrace(optimizer), finalState: optimizer.state() } : {};
  const parameters = model.countParams();
  optimizer.dispose();
  model.dispose();
  return { epochs: history, parameters, ...pilot };
}
