// The study's data: the FashionMNIST and MNIST caches (counts per class, pixel range, a disjoint
// and deterministic split, damage detected) and the CIFAR-10 binary-format loader, on files in
// that format written here.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFashionMnist } from '../study/data/fashion-mnist.js';
import { loadMnist } from '../study/data/mnist.js';
import { readImageCache } from '../study/data/image-cache.js';
import { CIFAR10_TEST_FILE, CIFAR10_TRAIN_FILES, loadCifar10 } from '../study/data/cifar10.js';
import { trainingSubset } from '../study/datasets.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'pilot-study-cache-'));

function countsPerClass(labels, indices) {
  const counts = new Array(10).fill(0);
  for (const i of indices) counts[labels[i]] += 1;
  return counts;
}

function pixelRange(pixels) {
  let min = 255;
  let max = 0;
  for (const p of pixels) {
    if (p < min) min = p;
    if (p > max) max = p;
  }
  return [min, max];
}

const fashion = suite('FashionMNIST cache');
let built;
fashion.before(() => { built = loadFashionMnist(cacheDir); });
fashion.after(() => rmSync(cacheDir, { recursive: true, force: true }));

fashion('7,000 images per class, 784 bytes each, class-major', () => {
  assert.equal(built.set.perClass, new Array(10).fill(7000));
  assert.is(built.set.labels.length, 70000);
  assert.is(built.set.pixels.length, 70000 * 784);
  assert.equal(countsPerClass(built.set.labels, built.set.labels.keys()), new Array(10).fill(7000));
});

fashion('pixels span 0..255 and are not all one value per image', () => {
  assert.equal(pixelRange(built.set.pixels), [0, 255]);
  for (const i of [0, 6999, 35000, 69999]) {
    const [min, max] = pixelRange(built.set.pixels.subarray(i * 784, (i + 1) * 784));
    assert.ok(max > min, `image ${i} is blank`);
  }
});

fashion('split: 6,000 train and 1,000 test per class, disjoint, covering every image', () => {
  assert.equal(countsPerClass(built.set.labels, built.train), new Array(10).fill(6000));
  assert.equal(countsPerClass(built.set.labels, built.test), new Array(10).fill(1000));
  const train = new Set(built.train);
  assert.ok(built.test.every((i) => !train.has(i)), 'no test image is a training image');
  assert.is(new Set([...built.train, ...built.test]).size, 70000);
});

fashion('deterministic: loading again (from the cache) gives the same bytes and split', () => {
  const again = loadFashionMnist(cacheDir);
  assert.equal(again.train, built.train);
  assert.equal(again.test, built.test);
  assert.ok(Buffer.from(again.set.pixels).equals(Buffer.from(built.set.pixels)));
  assert.ok(Buffer.from(again.set.labels).equals(Buffer.from(built.set.labels)));
});

fashion('a damaged cache fails its checksum and is rebuilt', () => {
  const path = join(cacheDir, 'fashion-mnist.bin');
  const bytes = readFileSync(path);
  bytes[123456] ^= 0xff;
  writeFileSync(path, bytes);
  assert.is(readImageCache(cacheDir, 'fashion-mnist'), null);
  const rebuilt = loadFashionMnist(cacheDir);
  assert.ok(Buffer.from(rebuilt.set.pixels).equals(Buffer.from(built.set.pixels)));
});

fashion('a training subset is class-balanced and a prefix of the larger ones', () => {
  const small = trainingSubset(built, 1000);
  assert.equal(countsPerClass(built.set.labels, small), new Array(10).fill(100));
  assert.equal(trainingSubset(built, 2000).slice(0, 1000), small);
  assert.is(trainingSubset(built, null).length, 60000);
});

fashion.run();

const mnist = suite('MNIST cache');

mnist('750 train and 100 test digits per class, disjoint, pixels 0..255', () => {
  const digits = loadMnist(cacheDir);
  assert.is(digits.set.labels.length, digits.set.perClass.reduce((a, b) => a + b, 0));
  assert.equal(countsPerClass(digits.set.labels, digits.train), new Array(10).fill(750));
  assert.equal(countsPerClass(digits.set.labels, digits.test), new Array(10).fill(100));
  const train = new Set(digits.train);
  assert.ok(digits.test.every((i) => !train.has(i)));
  assert.equal(pixelRange(digits.set.pixels), [0, 255]);
  assert.equal(loadMnist(cacheDir).train, digits.train);
});

mnist.run();

const cifar = suite('CIFAR-10 binary format');
const cifarDir = mkdtempSync(join(tmpdir(), 'pilot-study-cifar-'));
cifar.after(() => rmSync(cifarDir, { recursive: true, force: true }));

/** A record: label, then the red, green and blue planes; pixel (p, c) holds (label*7 + p + 50c) mod 256. */
function record(label) {
  const bytes = new Uint8Array(3073);
  bytes[0] = label;
  for (let c = 0; c < 3; c++) for (let p = 0; p < 1024; p++) bytes[1 + c * 1024 + p] = (label * 7 + p + 50 * c) % 256;
  return bytes;
}

cifar('reads labels and planes into interleaved 32x32x3 images, train files then test', () => {
  CIFAR10_TRAIN_FILES.forEach((file, f) => writeFileSync(join(cifarDir, file), Buffer.concat([record(f), record(9 - f)])));
  writeFileSync(join(cifarDir, CIFAR10_TEST_FILE), Buffer.concat([record(3), record(5), record(7)]));
  const data = loadCifar10(cifarDir);
  assert.equal(Array.from(data.set.labels), [0, 9, 1, 8, 2, 7, 3, 6, 4, 5, 3, 5, 7]);
  assert.equal(Array.from(data.train), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(Array.from(data.test), [10, 11, 12]);
  assert.equal(data.imageShape, [32, 32, 3]);
  const image = 12;
  const label = 7;
  for (const p of [0, 1, 500, 1023]) {
    for (let c = 0; c < 3; c++) assert.is(data.set.pixels[(image * 1024 + p) * 3 + c], (label * 7 + p + 50 * c) % 256, `pixel ${p} channel ${c}`);
  }
});

cifar('a truncated file or a missing one is an error that says so', () => {
  writeFileSync(join(cifarDir, CIFAR10_TEST_FILE), record(1).subarray(0, 3000));
  assert.throws(() => loadCifar10(cifarDir), /test_batch\.bin: 3000 bytes is not a whole number of 3073-byte CIFAR-10 records/);
  rmSync(join(cifarDir, CIFAR10_TEST_FILE));
  assert.throws(() => loadCifar10(cifarDir), /lacks test_batch\.bin/);
});

cifar.run();
