// pilot-optimizer/tfjs/baselines: the optimizers the paper compares PILOT with that tfjs lacks.
import * as tf from '@tensorflow/tfjs-core';
import { AdamW } from './adamw.js';
import { Lion } from './lion.js';
import { AdaBelief } from './adabelief.js';

tf.serialization.registerClass(AdamW);
tf.serialization.registerClass(Lion);
tf.serialization.registerClass(AdaBelief);

export { AdamW, Lion, AdaBelief };
export type { BaselineHyperparameters } from './options.js';
export type { LionHyperparameters } from './lion.js';
