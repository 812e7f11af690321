// TensorFlow.js for the adapter's tests: both CPU-side backends, switched per test.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';

export { tf };

export async function useBackend(name) {
  await tf.setBackend(name);
  await tf.ready();
}

/** Replays a reference trace through PilotOptimizer.applyGradients on the active backend. */
export function replayThroughTfjs(trace, optimizer, compare) {
  const variables = trace.shapes.map((shape, i) => tf.variable(tf.tensor(trace.initial_params[i], shape), true, `trace_${Math.random().toString(36).slice(2)}_${i}`));
  for (const step of trace.steps) {
    const grads = {};
    step.grads.forEach((g, i) => { if (g !== null) grads[variables[i].name] = tf.tensor(g, trace.shapes[i]); });
    optimizer.applyGradients(grads);
    tf.dispose(Object.values(grads));
    compare(step, variables.map((v) => v.dataSync()), optimizer.state());
  }
  tf.dispose(variables);
}
