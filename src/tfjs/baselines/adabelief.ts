// AdaBelief (Zhuang et al., "AdaBelief Optimizer: Adapting Stepsizes by the Belief in Observed
// Gradients", NeurIPS 2020), Algorithm 2 with decoupled weight decay, as adabelief-pytorch 0.2:
// m <- b1*m + (1-b1)*g; s <- b2*s + (1-b2)*(g-m)^2 + eps; p <- p - lr*wd*p;
// p <- p - lr * m_hat / (sqrt(s_hat) + eps), hats bias-corrected. eps defaults to 1e-16 as there.
import * as tf from '@tensorflow/tfjs-core';
import type { BaselineHyperparameters } from './options.js';
import { SlotOptimizer, type SlotResult, type SlotUpdate } from './slot-optimizer.js';

const DEFAULTS: Readonly<BaselineHyperparameters> = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-16, weightDecay: 0 };

export class AdaBelief extends SlotOptimizer {
  /** @nocollapse */
  static get className(): string {
    return 'AdaBelief';
  }

  constructor(config: Partial<BaselineHyperparameters> = {}) {
    super('AdaBelief', ['m', 's'], DEFAULTS, true, config);
  }

  protected update({ param, gradient: g, slots, step }: SlotUpdate, h: Readonly<BaselineHyperparameters>): SlotResult {
    const [b1, b2] = h.betas;
    const m = tf.add(tf.mul(slots.m, b1), tf.mul(g, 1 - b1));
    const s = tf.add(tf.add(tf.mul(slots.s, b2), tf.mul(tf.square(tf.sub(g, m)), 1 - b2)), h.eps);
    const mHat = tf.div(m, 1 - b1 ** step);
    const sHat = tf.div(s, 1 - b2 ** step);
    const decayed = tf.mul(param, 1 - h.lr * h.weightDecay);
    return { param: tf.sub(decayed, tf.div(tf.mul(mHat, h.lr), tf.add(tf.sqrt(sHat), h.eps))), slots: { m, s } };
  }

  /** @nocollapse */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>, config: tf.serialization.ConfigDict,
  ): T {
    return new cls(config);
  }
}
