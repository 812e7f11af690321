// A labelled image set in one compact binary file: a fixed header, one label byte per image, then
// the pixels as bytes, images in class-major order. A JSON sidecar records the counts and the
// SHA-256 of the binary, so a truncated or altered cache is detected and rebuilt rather than used.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const FORMAT = 'pilot-study/image-cache';
const VERSION = 1;

/**
 * @typedef {object} ImageSet
 * @property {Uint8Array} labels   one class index per image
 * @property {Uint8Array} pixels   images * pixelsPerImage bytes, 0..255
 * @property {number} pixelsPerImage
 * @property {number[]} perClass   how many images of each class, in file order
 */

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** Writes `set` as `<name>.bin` and `<name>.json` in `dir`, atomically. */
export function writeImageCache(dir, name, set) {
  mkdirSync(dir, { recursive: true });
  const bytes = new Uint8Array(set.labels.length + set.pixels.length);
  bytes.set(set.labels, 0);
  bytes.set(set.pixels, set.labels.length);
  const meta = { format: FORMAT, version: VERSION, images: set.labels.length, pixelsPerImage: set.pixelsPerImage, perClass: set.perClass, sha256: sha256(bytes) };
  writeFileSync(join(dir, `${name}.bin.tmp`), bytes);
  renameSync(join(dir, `${name}.bin.tmp`), join(dir, `${name}.bin`));
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(meta, null, 2)}\n`);
}

/** The cached set, or null when it is absent, of another format, or fails its checksum. */
export function readImageCache(dir, name) {
  const metaPath = join(dir, `${name}.json`);
  const binPath = join(dir, `${name}.bin`);
  if (!existsSync(metaPath) || !existsSync(binPath)) return null;
  const meta = JSON.parse(readFileSync(metaPath, 'utf8'));
  if (meta.format !== FORMAT || meta.version !== VERSION) return null;
  const bytes = new Uint8Array(readFileSync(binPath));
  if (bytes.length !== meta.images * (1 + meta.pixelsPerImage) || sha256(bytes) !== meta.sha256) return null;
  return {
    labels: bytes.subarray(0, meta.images),
    pixels: bytes.subarray(meta.images),
    pixelsPerImage: meta.pixelsPerImage,
    perClass: meta.perClass,
  };
}

/** The cached set, built with `build()` and cached first when it is missing or damaged. */
export function cachedImageSet(dir, name, build) {
  const cached = readImageCache(dir, name);
  if (cached) return cached;
  writeImageCache(dir, name, build());
  return readImageCache(dir, name);
}

/** An ImageSet from per-class lists of images, each image given as `pixelsPerImage` bytes. */
export function imageSetFromClasses(classes, pixelsPerImage) {
  const perClass = classes.map((images) => images.length);
  const total = perClass.reduce((a, b) => a + b, 0);
  const labels = new Uint8Array(total);
  const pixels = new Uint8Array(total * pixelsPerImage);
  let at = 0;
  classes.forEach((images, label) => {
    for (const image of images) {
      labels[at] = label;
      pixels.set(image, at * pixelsPerImage);
      at += 1;
    }
  });
  return { labels, pixels, pixelsPerImage, perClass };
}

/**
 * Splits a class-major set deterministically: the first `trainPerClass` images of each class
 * train, the next `testPerClass` test. Returns image indices into the set.
 */
export function splitPerClass(set, trainPerClass, testPerClass) {
  const train = [];
  const test = [];
  let start = 0;
  for (const count of set.perClass) {
    if (count < trainPerClass + testPerClass) {
      throw new RangeError(`a class has ${count} images; the split needs ${trainPerClass} + ${testPerClass}`);
    }
    for (let i = 0; i < trainPerClass; i++) train.push(start + i);
    for (let i = 0; i < testPerClass; i++) test.push(start + trainPerClass + i);
    start += count;
  }
  return { train: Int32Array.from(train), test: Int32Array.from(test) };
}
