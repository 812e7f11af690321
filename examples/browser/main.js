// Trains a small classifier on three spirals with PilotOptimizer and plots, while it trains, the
// loss and the policy's knobs: the smoothed gradient agreement rho and pm, pv, ps.
import * as tf from '@tensorflow/tfjs';
import uPlot from 'uplot';
import { PilotOptimizer } from 'pilot-optimizer/tfjs';

const STEPS = 600;
const BATCH = 32;
const status = document.getElementById('status');

function spirals(perClass = 100) {
  const xs = [], labels = [];
  for (let i = 0; i < perClass * 3; i++) {
    const label = i % 3;
    const radius = (Math.floor(i / 3) + 1) / perClass;
    const angle = (label * 2 * Math.PI) / 3 + radius * 4 + 0.2 * Math.sin(i * 12.9898);
    xs.push([radius * Math.cos(angle), radius * Math.sin(angle)]);
    labels.push(label);
  }
  return { X: tf.tensor2d(xs), Y: tf.oneHot(tf.tensor1d(labels, 'int32'), 3) };
}

function chart(element, title, series, yRange) {
  return new uPlot({
    title, width: 520, height: 300,
    scales: { x: { time: false }, ...(yRange ? { y: { range: yRange } } : {}) },
    series: [{ label: 'step' }, ...series.map(([label, stroke]) => ({ label, stroke, width: 2 }))],
  }, [[], ...series.map(() => [])], element);
}

async function main() {
  await tf.ready();
  const { X, Y } = spirals();
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [2], units: 48, activation: 'relu' }),
      tf.layers.dense({ units: 48, activation: 'relu' }),
      tf.layers.dense({ units: 3, activation: 'softmax' }),
    ],
  });
  // A livelier policy than the default etaPhi, so the knobs visibly move within a few hundred steps.
  const optimizer = new PilotOptimizer({ lr: 0.005, etaPhi: 0.05 });
  const lossChart = chart(document.getElementById('loss'), 'training loss', [['loss', '#d62728']]);
  const knobChart = chart(document.getElementById('knobs'), 'policy', [['rho', '#1f77b4'], ['pm', '#2ca02c'], ['pv', '#ff7f0e'], ['ps', '#9467bd']], [-1, 1]);
  const history = { step: [], loss: [], rho: [], pm: [], pv: [], ps: [] };

  const count = X.shape[0];
  for (let step = 1; step <= STEPS; step++) {
    // A fresh minibatch each step: the gradients' agreement, and so the policy, follow the noise.
    const batch = tf.tensor1d(Array.from({ length: BATCH }, () => Math.floor(Math.random() * count)), 'int32');
    const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(tf.gather(Y, batch), model.apply(tf.gather(X, batch))), true);
    batch.dispose();
    const state = optimizer.state();
    history.step.push(step);
    history.loss.push((await loss.data())[0]);
    loss.dispose();
    for (const k of ['rho', 'pm', 'pv', 'ps']) history[k].push(state[k]);
    if (step % 10 === 0 || step === STEPS) {
      lossChart.setData([history.step, history.loss]);
      knobChart.setData([history.step, history.rho, history.pm, history.pv, history.ps]);
      status.textContent = `backend ${tf.getBackend()}, engine ${optimizer.engine}: step ${step} of ${STEPS}, loss ${history.loss.at(-1).toFixed(4)}`;
      window.exampleProgress = { steps: step, loss: history.loss.at(-1), engine: optimizer.engine, backend: tf.getBackend() };
      await new Promise(requestAnimationFrame);
    }
  }
  status.textContent += ' — done';
  window.exampleProgress.done = true;
}

main().catch((error) => {
  status.textContent = `failed: ${error.message}`;
  throw error;
});
