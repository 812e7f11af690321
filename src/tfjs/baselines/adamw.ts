// AdamW (Loshchilov & Hutter, "Decoupled Weight Decay Regularization", ICLR 2019), in PyTorch's
// form: p <- p - lr*wd*p, then the bias-corrected Adam step
// p <- p - lr * m_hat / (sqrt(v_hat) + eps).
import * as tf from '@tensorflow/tfjs-core';
import type { BaselineHyperparameters } from './options.js';
import { SlotOptimizer, type SlotResult, type SlotUpdate } from './slot-optimizer.js';

const DEFAULTS: Readonly<BaselineHyperparameters> = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2 };

export class AdamW extends SlotOptimizer {
  /** @nocollapse */
  static get className(): string {
    return 'AdamW';
  }

  constructor(config: Partial<BaselineHyperparameters> = {}) {
    super('AdamW', ['m', 'v'], DEFAULTS, true, config);
  }

  protected update({ param, gradient: g, slots, step }: SlotUpdate, h: Readonly<BaselineHyperparameters>): SlotResult {
    const [b1, b2] = h.betas;
    const m = tf.add(tf.mul(slots.m, b1), tf.mul(g, 1 - b1));
    const v = tf.add(tf.mul(slots.v, b2), tf.mul(tf.square(g), 1 - b2));
    const mHat = tf.div(m, 1 - b1 ** step);
    const vHat = tf.div(v, 1 - b2 ** step);
    const decayed = tf.mul(param, 1 - h.lr * h.weightDecay);
    return { param: tf.sub(decayed, tf.div(tf.mul(mHat, h.lr), tf.add(tf.sqrt(vHat), h.eps))), slots: { m, v } };
  }

  /** @nocollapse */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>, config: tf.serialization.ConfigDict,
  ): T {
    return new cls(config);
  }
}
