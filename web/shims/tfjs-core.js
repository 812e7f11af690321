// In a page without a bundler, '@tensorflow/tfjs-core' must be the very instance the
// '@tensorflow/tfjs' bundle carries (one engine, one kernel registry), so it is mapped here.
export * from '@tensorflow/tfjs';
