// The study's models in tfjs-layers. Every kernel initializer is seeded, so one seed gives every
// optimizer the same initial weights.
import * as tf from '@tensorflow/tfjs';

export const MODEL_NAMES = ['cnn', 'mlp', 'resnet18'];

/** Seeded initializers, a different stream per layer. */
function initializers(seed) {
  let layer = 0;
  return {
    glorot: () => tf.initializers.glorotUniform({ seed: seed * 1000 + layer++ }),
    he: () => tf.initializers.heNormal({ seed: seed * 1000 + layer++ }),
  };
}

/** Two conv blocks (conv 3x3, ReLU, 2x2 max-pool; 16 then 32 filters) and a dense head. */
function cnn(inputShape, classes, init) {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape, filters: 16, kernelSize: 3, activation: 'relu', kernelInitializer: init.glorot() }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', kernelInitializer: init.glorot() }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 64, activation: 'relu', kernelInitializer: init.glorot() }));
  model.add(tf.layers.dense({ units: classes, activation: 'softmax', kernelInitializer: init.glorot() }));
  return model;
}

/** A dense net: 256 and 128 ReLU units. */
function mlp(inputShape, classes, init) {
  const model = tf.sequential();
  model.add(tf.layers.flatten({ inputShape }));
  model.add(tf.layers.dense({ units: 256, activation: 'relu', kernelInitializer: init.glorot() }));
  model.add(tf.layers.dense({ units: 128, activation: 'relu', kernelInitializer: init.glorot() }));
  model.add(tf.layers.dense({ units: classes, activation: 'softmax', kernelInitializer: init.glorot() }));
  return model;
}

function convBn(x, filters, kernelSize, strides, init) {
  const conv = tf.layers.conv2d({ filters, kernelSize, strides, padding: 'same', useBias: false, kernelInitializer: init.he() }).apply(x);
  return tf.layers.batchNormalization().apply(conv);
}

/** A basic residual block: two 3x3 conv-BN, with a 1x1 conv-BN shortcut where the shape changes. */
function basicBlock(x, filters, strides, init) {
  const inChannels = x.shape[x.shape.length - 1];
  const branch = convBn(tf.layers.reLU().apply(convBn(x, filters, 3, strides, init)), filters, 3, 1, init);
  const shortcut = strides !== 1 || inChannels !== filters ? convBn(x, filters, 1, strides, init) : x;
  return tf.layers.reLU().apply(tf.layers.add().apply([branch, shortcut]));
}

/** ResNet-18, CIFAR variant (He et al. 2016): a 3x3 stem without max-pool, four stages of two
 *  basic blocks (64, 128, 256, 512 filters; stride 2 entering stages 2-4), global average pool. */
export function resnet18(inputShape, classes, init) {
  const input = tf.input({ shape: inputShape });
  let x = tf.layers.reLU().apply(convBn(input, 64, 3, 1, init));
  for (const [stage, filters] of [64, 128, 256, 512].entries()) {
    x = basicBlock(x, filters, stage === 0 ? 1 : 2, init);
    x = basicBlock(x, filters, 1, init);
  }
  x = tf.layers.globalAveragePooling2d({}).apply(x);
  const output = tf.layers.dense({ units: classes, activation: 'softmax', kernelInitializer: init.glorot() }).apply(x);
  return tf.model({ inputs: input, outputs: output });
}

const BUILDERS = { cnn, mlp, resnet18 };

/** A fresh model; the same `seed` gives the same initial weights. */
export function buildModel(name, inputShape, classes, seed) {
  const build = BUILDERS[name];
  if (!build) throw new RangeError(`unknown model '${name}'; known: ${MODEL_NAMES.join(', ')}`);
  return build(inputShape, classes, initializers(seed));
}

/** Whether training `name` needs convolution gradients. */
export const usesConvolutions = (name) => name !== 'mlp';
