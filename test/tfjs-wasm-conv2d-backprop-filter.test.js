// The wasm backend's Conv2DBackpropFilter: the same filter gradients as tfjs-backend-cpu's kernel
// over strides, paddings, channel counts, filter sizes and batch sizes; conv nets train with
// model.fit; no tensor or wasm buffer is left behind.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tfl from '@tensorflow/tfjs-layers';
import { registerWasmConv2DBackpropFilter } from '../dist/tfjs/wasm-conv2d-backprop-filter.js';
import { seededRandom } from './support/random.js';

const KERNEL = 'Conv2DBackpropFilter';
const sizeOf = (shape) => shape.reduce((a, b) => a * b, 1);

/** The filter gradient `backend` computes for x and dy given as plain arrays. */
async function filterGradient(backend, { x, xShape, dy, dyShape }, attrs) {
  await tf.setBackend(backend);
  const dw = tf.tidy(() => tf.engine().runKernel(KERNEL, { x: tf.tensor(x, xShape), dy: tf.tensor(dy, dyShape) }, attrs));
  const result = { values: await dw.data(), shape: dw.shape };
  dw.dispose();
  return result;
}

/** Random x of shape xShape (laid out as attrs.dataFormat says) and a dy of the shape conv2d gives. */
function randomCase(rng, xShape, attrs) {
  const dataFormat = attrs.dataFormat === 'NCHW' ? 'channelsFirst' : 'channelsLast';
  const { outShape } = tf.backend_util.computeConv2DInfo(
    xShape, attrs.filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, dataFormat);
  return { x: rng.normals(sizeOf(xShape)), xShape, dy: rng.normals(sizeOf(outShape)), dyShape: outShape };
}

/** Equal shapes, and values within 1e-4 of the largest |expected| (or of 1, if that is smaller). */
function assertClose(actual, expected, label) {
  assert.equal(actual.shape, expected.shape, `${label}: shape`);
  const scale = Math.max(1, ...Array.from(expected.values, Math.abs));
  let worst = 0;
  for (let i = 0; i < expected.values.length; i++) {
    worst = Math.max(worst, Math.abs(actual.values[i] - expected.values[i]) / scale);
  }
  assert.ok(worst <= 1e-4, `${label}: relative error ${worst}`);
}

async function assertMatchesCpu(rng, xShape, attrs) {
  const data = randomCase(rng, xShape, attrs);
  const label = `x [${xShape}] ${JSON.stringify(attrs)}`;
  assertClose(await filterGradient('wasm', data, attrs), await filterGradient('cpu', data, attrs), label);
}

/** Counts of engine tensors and of wasm data buffers. */
function wasmMemory() {
  return { tensors: tf.memory().numTensors, buffers: tf.engine().findBackend('wasm').numDataIds() };
}

const registration = suite('registration');

registration('registers the missing kernel once; a second call neither throws nor warns', async () => {
  await tf.setBackend('wasm');
  // Another suite in the same process may have registered it already: start from the backend as
  // shipped, which (as of 4.22) lacks the kernel.
  if (tf.getKernel(KERNEL, 'wasm')) tf.unregisterKernel(KERNEL, 'wasm');
  assert.is(tf.getKernel(KERNEL, 'wasm'), undefined, 'tfjs-backend-wasm still lacks the kernel');
  const warnings = [];
  const warn = console.warn;
  console.warn = (...message) => warnings.push(message.join(' '));
  try {
    registerWasmConv2DBackpropFilter();
    const registered = tf.getKernel(KERNEL, 'wasm');
    assert.ok(registered, 'registered');
    registerWasmConv2DBackpropFilter();
    assert.is(tf.getKernel(KERNEL, 'wasm'), registered, 'the first registration stays');
  } finally {
    console.warn = warn;
  }
  assert.equal(warnings, []);
  // Keeps tfjs-backend-cpu's one-time "install tfjs-node" hint out of the test output.
  tf.env().set('PROD', true);
});

registration.run();

const parity = suite('matches tfjs-backend-cpu');

parity('strides 1 and 2, same and valid, 1/3/8 in and 1/4/16 out channels, filters 1, 3 and 5', async () => {
  const rng = seededRandom(7);
  const channelPairs = [[1, 1], [3, 4], [8, 16]];
  // Non-square, with even and odd sides, so that 'same' pads unevenly and strides leave rows over.
  const inputs = [[1, 8, 11], [3, 7, 10], [2, 6, 5]];
  let n = 0;
  for (const strides of [1, 2]) for (const pad of ['same', 'valid']) for (const size of [1, 3, 5]) {
    for (const [inChannels, outChannels] of channelPairs) {
      const [batch, height, width] = inputs[n++ % inputs.length];
      await assertMatchesCpu(rng, [batch, height, width, inChannels], {
        strides, pad, dataFormat: 'NHWC', filterShape: [size, size, inChannels, outChannels],
      });
    }
  }
});

parity('non-square filters and strides', async () => {
  const rng = seededRandom(8);
  for (const pad of ['same', 'valid']) {
    await assertMatchesCpu(rng, [2, 9, 7, 3], { strides: [2, 1], pad, dataFormat: 'NHWC', filterShape: [3, 2, 3, 4] });
    await assertMatchesCpu(rng, [2, 9, 7, 3], { strides: [1, 3], pad, dataFormat: 'NHWC', filterShape: [1, 4, 3, 2] });
  }
});

parity('numeric and explicit padding, with every dimRoundingMode', async () => {
  const rng = seededRandom(9);
  const filterShape = [3, 3, 2, 3];
  for (const dimRoundingMode of [undefined, 'floor', 'round', 'ceil']) {
    for (const pad of [0, 1, 2]) {
      await assertMatchesCpu(rng, [2, 8, 7, 2], { strides: 2, pad, dataFormat: 'NHWC', dimRoundingMode, filterShape });
    }
    const explicit = [[0, 0], [1, 2], [0, 3], [0, 0]];
    await assertMatchesCpu(rng, [2, 8, 7, 2], { strides: 2, pad: explicit, dataFormat: 'NHWC', dimRoundingMode, filterShape });
  }
});

parity('NCHW, by transposing to NHWC', async () => {
  const rng = seededRandom(10);
  for (const strides of [1, 2]) {
    for (const pad of ['same', 'valid', 1, [[0, 0], [0, 0], [2, 1], [1, 0]]]) {
      await assertMatchesCpu(rng, [2, 3, 6, 9], { strides, pad, dataFormat: 'NCHW', filterShape: [3, 3, 3, 4] });
    }
  }
});

parity('the gradient of tf.conv2d in its filter, through tf.grad', async () => {
  const rng = seededRandom(11);
  const xValues = rng.normals(2 * 10 * 9 * 3);
  const filterValues = rng.normals(3 * 3 * 3 * 5);
  const gradientOn = async (backend) => {
    await tf.setBackend(backend);
    const x = tf.tensor4d(xValues, [2, 10, 9, 3]);
    const filter = tf.tensor4d(filterValues, [3, 3, 3, 5]);
    const dw = tf.grad((f) => tf.sum(tf.square(tf.conv2d(x, f, 2, 'same'))))(filter);
    const result = { values: await dw.data(), shape: dw.shape };
    tf.dispose([x, filter, dw]);
    return result;
  };
  assertClose(await gradientOn('wasm'), await gradientOn('cpu'), 'tf.grad');
});

parity.run();

const errors = suite('errors');

errors('a dy that does not fit x, the filter, strides and padding is refused', async () => {
  await tf.setBackend('wasm');
  const x = tf.zeros([1, 6, 6, 2]);
  const dy = tf.zeros([1, 5, 5, 3]);
  assert.throws(
    () => tf.engine().runKernel(KERNEL, { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 2, 3] }),
    /give dy \[1,6,6,3\], got \[1,5,5,3\]/);
  assert.throws(
    () => tf.engine().runKernel(KERNEL, { x, dy }, { strides: 1, pad: 'valid', dataFormat: 'NHWC', filterShape: [2, 2, 4, 3] }),
    /x \[1,6,6,2\] and filter \[2,2,4,3\]/);
  tf.dispose([x, dy]);
});

errors('negative explicit padding and non-float32 inputs are refused by name', async () => {
  await tf.setBackend('wasm');
  const attrs = { strides: 1, dataFormat: 'NHWC', filterShape: [3, 3, 2, 3] };
  const x = tf.zeros([1, 6, 6, 2]);
  const dyCropped = tf.zeros([1, 3, 4, 3]);
  assert.throws(
    () => tf.engine().runKernel(KERNEL, { x, dy: dyCropped }, { ...attrs, pad: [[0, 0], [-1, 0], [0, 0], [0, 0]] }),
    /negative padding is not supported, got top -1, left 0/);
  const xInt = tf.zeros([1, 6, 6, 2], 'int32');
  const dy = tf.zeros([1, 6, 6, 3]);
  assert.throws(() => tf.engine().runKernel(KERNEL, { x: xInt, dy }, { ...attrs, pad: 'same' }), /x must be float32, got int32/);
  tf.dispose([x, dyCropped, xInt, dy]);
});

errors.run();

const training = suite('training and memory');

training('a conv net trains with model.fit and adam on wasm; its loss falls', async () => {
  await tf.setBackend('wasm');
  // Class 1: the top half of an 8x8 image is brighter than the bottom; class 0: the reverse.
  const rng = seededRandom(12);
  const count = 64;
  const images = new Float32Array(count * 64);
  const labels = new Float32Array(count * 2);
  for (let i = 0; i < count; i++) {
    const label = i % 2;
    labels[i * 2 + label] = 1;
    for (let p = 0; p < 64; p++) {
      const topHalf = p < 32;
      images[i * 64 + p] = 0.5 * rng.normal() + (topHalf === (label === 1) ? 1 : 0);
    }
  }
  const seeded = (seed) => tfl.initializers.glorotUniform({ seed });
  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: seeded(1) }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: seeded(2) }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
  const xs = tf.tensor4d(images, [count, 8, 8, 1]);
  const ys = tf.tensor2d(labels, [count, 2]);
  const convKernelBefore = model.layers[0].getWeights()[0].dataSync().slice();
  const { history } = await model.fit(xs, ys, { epochs: 6, batchSize: 16, shuffle: false, verbose: 0 });
  const convKernelAfter = model.layers[0].getWeights()[0].dataSync();
  const losses = history.loss;
  assert.ok(losses.every(Number.isFinite), `finite losses ${losses}`);
  assert.ok(losses.at(-1) < 0.7 * losses[0], `loss falls: ${losses.map((l) => l.toFixed(4))}`);
  assert.ok(convKernelAfter.some((v, i) => v !== convKernelBefore[i]), 'the conv kernel itself was trained');
  tf.dispose([xs, ys]);
  model.dispose();
});

training('repeated kernel calls leave no tensor and no wasm buffer behind', async () => {
  await tf.setBackend('wasm');
  const rng = seededRandom(13);
  // Stride 1 unpadded, stride 2 padded and split into phases, and NCHW transposed to NHWC.
  const calls = [
    { xShape: [2, 7, 6, 3], attrs: { strides: 1, pad: 'valid', dataFormat: 'NHWC', filterShape: [3, 3, 3, 4] } },
    { xShape: [2, 7, 6, 3], attrs: { strides: 2, pad: 1, dataFormat: 'NHWC', dimRoundingMode: 'ceil', filterShape: [3, 3, 3, 4] } },
    { xShape: [2, 3, 7, 6], attrs: { strides: 2, pad: 'valid', dataFormat: 'NCHW', filterShape: [3, 3, 3, 4] } },
  ].map(({ xShape, attrs }) => {
    const data = randomCase(rng, xShape, attrs);
    return { x: tf.tensor(data.x, data.xShape), dy: tf.tensor(data.dy, data.dyShape), attrs };
  });
  const runAll = () => calls.forEach(({ x, dy, attrs }) => tf.dispose(tf.engine().runKernel(KERNEL, { x, dy }, attrs)));
  runAll();
  const before = wasmMemory();
  for (let i = 0; i < 5; i++) runAll();
  assert.equal(wasmMemory(), before);
  calls.forEach(({ x, dy }) => tf.dispose([x, dy]));
});

training.run();
