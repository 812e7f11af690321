// pilot-optimizer/tfjs: PILOT as a TensorFlow.js optimizer.
import * as tf from '@tensorflow/tfjs-core';
import { PilotOptimizer } from './pilot-optimizer.js';

tf.serialization.registerClass(PilotOptimizer);

export { PilotOptimizer };
export type { PilotOptimizerConfig } from './pilot-optimizer.js';
export type { EngineName } from './engine.js';
export type { EngineChoice } from './routing.js';
export { engineForBackend } from './routing.js';
export { registerWasmConv2DBackpropFilter } from './wasm-conv2d-backprop-filter.js';
export { AdamW, Lion, AdaBelief } from './baselines/index.js';
export type { BaselineHyperparameters, LionHyperparameters } from './baselines/index.js';
