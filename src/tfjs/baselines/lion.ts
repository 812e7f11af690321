// Lion (Chen et al., "Symbolic Discovery of Optimization Algorithms", NeurIPS 2023), Algorithm 2:
// c = b1*m + (1-b1)*g; p <- p - lr*(sign(c) + wd*p); m <- b2*m + (1-b2)*g.
// Defaults as the authors recommend: lr 1e-4 (3-10x below Adam's), betas (0.9, 0.99), no decay.
import * as tf from '@tensorflow/tfjs-core';
import type { BaselineHyperparameters } from './options.js';
import { SlotOptimizer, type SlotResult, type SlotUpdate } from './slot-optimizer.js';

const DEFAULTS: Readonly<BaselineHyperparameters> = { lr: 1e-4, betas: [0.9, 0.99], eps: 0, weightDecay: 0 };

export type LionHyperparameters = Omit<BaselineHyperparameters, 'eps'>;

export class Lion extends SlotOptimizer {
  /** @nocollapse */
  static get className(): string {
    return 'Lion';
  }

  constructor(config: Partial<LionHyperparameters> = {}) {
    super('Lion', ['m'], DEFAULTS, false, config);
  }

  protected update({ param, gradient: g, slots }: SlotUpdate, h: Readonly<BaselineHyperparameters>): SlotResult {
    const [b1, b2] = h.betas;
    const direction = tf.sign(tf.add(tf.mul(slots.m, b1), tf.mul(g, 1 - b1)));
    const decayed = tf.mul(param, 1 - h.lr * h.weightDecay);
    const m = tf.add(tf.mul(slots.m, b2), tf.mul(g, 1 - b2));
    return { param: tf.sub(decayed, tf.mul(direction, h.lr)), slots: { m } };
  }

  /** @nocollapse */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>, config: tf.serialization.ConfigDict,
  ): T {
    return new cls(config);
  }
}
