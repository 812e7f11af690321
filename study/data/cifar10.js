// CIFAR-10 in its standard binary format (data_batch_1.bin ... data_batch_5.bin, test_batch.bin):
// records of one label byte and 3,072 pixel bytes, the red, green and blue 32x32 planes in turn.
// Images are returned as interleaved 32x32x3 bytes, the layout tfjs (NHWC) wants.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const SIDE = 32;
const PLANE = SIDE * SIDE;
const RECORD = 1 + 3 * PLANE;
export const CIFAR10_TRAIN_FILES = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
export const CIFAR10_TEST_FILE = 'test_batch.bin';
const CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

/** The records of one file as labels and interleaved pixels. */
export function readCifar10File(path) {
  const bytes = readFileSync(path);
  if (bytes.length % RECORD !== 0) throw new RangeError(`${path}: ${bytes.length} bytes is not a whole number of ${RECORD}-byte CIFAR-10 records`);
  const count = bytes.length / RECORD;
  const labels = new Uint8Array(count);
  const pixels = new Uint8Array(count * 3 * PLANE);
  for (let i = 0; i < count; i++) {
    const record = i * RECORD;
    labels[i] = bytes[record];
    if (labels[i] >= CLASSES.length) throw new RangeError(`${path}: record ${i} has label ${labels[i]}`);
    for (let p = 0; p < PLANE; p++) {
      for (let c = 0; c < 3; c++) pixels[(i * PLANE + p) * 3 + c] = bytes[record + 1 + c * PLANE + p];
    }
  }
  return { labels, pixels };
}

function concatenate(parts) {
  const labels = new Uint8Array(parts.reduce((n, p) => n + p.labels.length, 0));
  const pixels = new Uint8Array(labels.length * 3 * PLANE);
  let at = 0;
  for (const part of parts) {
    labels.set(part.labels, at);
    pixels.set(part.pixels, at * 3 * PLANE);
    at += part.labels.length;
  }
  return { labels, pixels };
}

/** CIFAR-10 from `dataDir`: the five training batches, then the test batch. */
export function loadCifar10(dataDir) {
  const missing = [...CIFAR10_TRAIN_FILES, CIFAR10_TEST_FILE].filter((f) => !existsSync(join(dataDir, f)));
  if (missing.length > 0) throw new Error(`CIFAR-10: ${dataDir} lacks ${missing.join(', ')} (the binary version, cifar-10-batches-bin)`);
  const train = concatenate(CIFAR10_TRAIN_FILES.map((f) => readCifar10File(join(dataDir, f))));
  const test = readCifar10File(join(dataDir, CIFAR10_TEST_FILE));
  const all = concatenate([train, test]);
  const index = (from, count) => Int32Array.from({ length: count }, (_, i) => from + i);
  return {
    name: 'cifar10',
    set: { labels: all.labels, pixels: all.pixels, pixelsPerImage: 3 * PLANE },
    classes: CLASSES,
    imageShape: [SIDE, SIDE, 3],
    train: index(0, train.labels.length),
    test: index(train.labels.length, test.labels.length),
  };
}
