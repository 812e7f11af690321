// The optimizers of the study, each with its authors' (or library's) default hyperparameters:
// nothing here is tuned for this study.
import * as tf from '@tensorflow/tfjs';
import { PilotOptimizer } from '../dist/tfjs/index.js';
import { AdamW, Lion, AdaBelief } from '../dist/tfjs/baselines/index.js';

export const OPTIMIZER_NAMES = ['pilot', 'adam', 'adamw', 'lion', 'adabelief'];

export const OPTIMIZER_LABELS = {
  pilot: 'PILOT',
  'pilot-frozen': 'PILOT (frozen transferred policy)',
  adam: 'Adam',
  adamw: 'AdamW',
  lion: 'Lion',
  adabelief: 'AdaBelief',
};

/** A new optimizer by name. `policy` (phi) is for 'pilot-frozen'. */
export function createOptimizer(name, { policy } = {}) {
  switch (name) {
    case 'pilot': return new PilotOptimizer({ diagnostics: true });
    case 'pilot-frozen': return new PilotOptimizer({ diagnostics: true, policy, freezePolicy: true });
    // PyTorch's eps (tfjs defaults to 1e-7), as the paper's baselines used.
    case 'adam': return tf.train.adam(1e-3, 0.9, 0.999, 1e-8);
    case 'adamw': return new AdamW();
    case 'lion': return new Lion();
    case 'adabelief': return new AdaBelief();
    default: throw new RangeError(`unknown optimizer '${name}'; known: ${OPTIMIZER_NAMES.join(', ')}`);
  }
}
