// The study's datasets by name, and how a run turns their bytes into batches.
import * as tf from '@tensorflow/tfjs';
import { loadFashionMnist } from './data/fashion-mnist.js';
import { loadMnist } from './data/mnist.js';
import { loadCifar10 } from './data/cifar10.js';

export const DATASET_NAMES = ['fashionmnist', 'mnist', 'cifar10'];

/** `{ name, set, classes, imageShape, train, test }` for a dataset source. */
export function loadDataset({ name, cacheDir, dataDir }) {
  switch (name) {
    case 'fashionmnist': return loadFashionMnist(cacheDir);
    case 'mnist': return loadMnist(cacheDir);
    case 'cifar10':
      if (!dataDir) throw new Error('CIFAR-10 needs --data-dir: the folder of data_batch_1.bin ... test_batch.bin');
      return loadCifar10(dataDir);
    default: throw new RangeError(`unknown dataset '${name}'; known: ${DATASET_NAMES.join(', ')}`);
  }
}

/** The first `size` training images taken round-robin over the classes, so every class is
 *  equally represented whatever the size; the whole training split when `size` is null. */
export function trainingSubset(dataset, size) {
  if (size === null || size >= dataset.train.length) return Array.from(dataset.train);
  const byClass = dataset.classes.map(() => []);
  for (const index of dataset.train) byClass[dataset.set.labels[index]].push(index);
  const subset = [];
  for (let k = 0; subset.length < size; k++) {
    for (const indices of byClass) if (k < indices.length && subset.length < size) subset.push(indices[k]);
  }
  return subset;
}

/** Images `indices` as a [n, ...imageShape] float tensor in [0, 1] and one-hot labels. */
export function batchTensors(dataset, indices) {
  const { set, imageShape, classes } = dataset;
  const size = set.pixelsPerImage;
  const pixels = new Float32Array(indices.length * size);
  const labels = new Int32Array(indices.length);
  indices.forEach((index, i) => {
    const image = set.pixels.subarray(index * size, (index + 1) * size);
    for (let p = 0; p < size; p++) pixels[i * size + p] = image[p] / 255;
    labels[i] = set.labels[index];
  });
  return tf.tidy(() => ({
    xs: tf.tensor(pixels, [indices.length, ...imageShape]),
    ys: tf.oneHot(tf.tensor1d(labels, 'int32'), classes.length),
  }));
}
