// The study's models: seeded initial weights, and a ResNet-18 (CIFAR variant) smoke test of one
// PilotOptimizer training step on two 32x32 images. That step runs on tfjs-backend-wasm with the
// package's Conv2DBackpropFilter kernel (about 2 s; tfjs-backend-cpu's kernel needs over ten
// minutes for it).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { tf, useBackend } from './support/tfjs.js';
import { buildModel } from '../study/models.js';
import { PilotOptimizer, registerWasmConv2DBackpropFilter } from '../dist/tfjs/index.js';

const test = suite('study models');
test.before(() => useBackend('cpu'));

const weightsOf = (model) => model.getWeights().map((w) => Array.from(w.dataSync()));

test('a seed fixes the initial weights; another seed changes them', () => {
  for (const name of ['cnn', 'mlp']) {
    const [a, b, c] = [1, 1, 2].map((seed) => buildModel(name, [28, 28, 1], 10, seed));
    assert.equal(weightsOf(a), weightsOf(b), `${name}: same seed`);
    assert.not.equal(weightsOf(a), weightsOf(c), `${name}: other seed`);
    [a, b, c].forEach((m) => m.dispose());
  }
});

test('the CNN has two conv blocks and a dense head', () => {
  const model = buildModel('cnn', [28, 28, 1], 10, 0);
  assert.equal(model.layers.map((l) => l.getClassName()), ['Conv2D', 'MaxPooling2D', 'Conv2D', 'MaxPooling2D', 'Flatten', 'Dense', 'Dense']);
  assert.equal(model.outputs[0].shape, [null, 10]);
  model.dispose();
});

test('ResNet-18 (CIFAR variant): 11.17M parameters, 20 conv layers, one PILOT step on two images', async () => {
  const model = buildModel('resnet18', [32, 32, 3], 10, 0);
  // The trainable count of the usual CIFAR ResNet-18; batch norm's moving statistics add 9,600.
  assert.is(model.trainableWeights.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0), 11173962);
  assert.is(model.countParams(), 11173962 + 9600);
  // 1 stem + 8 blocks x 2 + 3 projection shortcuts.
  assert.is(model.layers.filter((l) => l.getClassName() === 'Conv2D').length, 20);
  await useBackend('wasm');
  registerWasmConv2DBackpropFilter();
  const optimizer = new PilotOptimizer();
  model.compile({ optimizer, loss: 'categoricalCrossentropy' });
  const xs = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 7);
  const ys = tf.oneHot(tf.tensor1d([3, 8], 'int32'), 10);
  const before = weightsOf(model)[0];
  const loss = await model.trainOnBatch(xs, ys);
  assert.ok(Number.isFinite(loss), `loss ${loss}`);
  assert.not.equal(weightsOf(model)[0], before, 'the stem moved');
  assert.is(optimizer.state().step, 1);
  optimizer.dispose();
  model.dispose();
  tf.dispose([xs, ys]);
  await useBackend('cpu');
});

test.run();
