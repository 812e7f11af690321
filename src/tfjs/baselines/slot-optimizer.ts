// What AdamW, Lion and AdaBelief share: per-variable state tensors ("slots") created on first use,
// kept in the order variables were first seen, and saved by getWeights in that stable order:
// 'iter', then `<variable>/<slot>` for each variable and slot. A subclass gives its slot names and
// one update rule; everything else (bookkeeping, tidy, serialization) lives here.
import * as tf from '@tensorflow/tfjs-core';
import type { NamedTensorMap, Tensor, Variable } from '@tensorflow/tfjs-core';
import type { NamedTensor } from '../weights.js';
import { type BaselineHyperparameters, resolveBaselineHyperparameters } from './options.js';

/** One variable's update inputs, all tensors alive only inside the step's tidy. */
export interface SlotUpdate {
  param: Tensor;
  gradient: Tensor;
  /** The current slot values, by slot name. */
  slots: Record<string, Tensor>;
  /** The step number, counting from 1. */
  step: number;
}

/** The new parameter value and new slot values. */
export interface SlotResult {
  param: Tensor;
  slots: Record<string, Tensor>;
}

export abstract class SlotOptimizer extends tf.Optimizer {
  #hyperparameters: BaselineHyperparameters;
  readonly #slots = new Map<string, Record<string, Variable>>();

  protected constructor(
    private readonly displayName: string,
    private readonly slotNames: readonly string[],
    defaults: Readonly<BaselineHyperparameters>,
    private readonly usesEps: boolean,
    config: Partial<BaselineHyperparameters>,
  ) {
    super();
    this.#hyperparameters = resolveBaselineHyperparameters(displayName, defaults, config, usesEps);
  }

  /** The update rule for one variable. */
  protected abstract update(input: SlotUpdate, h: Readonly<BaselineHyperparameters>): SlotResult;

  get hyperparameters(): BaselineHyperparameters {
    const h = this.#hyperparameters;
    return { ...h, betas: [h.betas[0], h.betas[1]] };
  }

  /** Changes hyperparameters between steps (a schedule sets `lr`); a bad value throws and changes nothing. */
  setHyperparameters(changes: Partial<BaselineHyperparameters>): void {
    this.#hyperparameters = resolveBaselineHyperparameters(this.displayName, this.#hyperparameters, changes, this.usesEps);
  }

  get learningRate(): number {
    return this.#hyperparameters.lr;
  }

  set learningRate(value: number) {
    this.setHyperparameters({ lr: value });
  }

  #slotsOf(name: string, variable: Variable): Record<string, Variable> {
    let slots = this.#slots.get(name);
    if (!slots) {
      slots = Object.fromEntries(this.slotNames.map((slot) => [slot, tf.variable(tf.zerosLike(variable), false)]));
      this.#slots.set(name, slots);
    }
    return slots;
  }

  /** One step. Variables absent from the map (or with a null gradient) keep their value and state. */
  applyGradients(variableGradients: NamedTensorMap | NamedTensor[]): void {
    const entries: [string, Tensor | null][] = Array.isArray(variableGradients)
      ? variableGradients.map((g) => [g.name, g.tensor ?? null])
      : Object.entries(variableGradients).map(([name, t]) => [name, t ?? null]);
    const registered = tf.engine().registeredVariables;
    for (const [name] of entries) {
      if (!registered[name]) throw new Error(`applyGradients: no variable named '${name}' is registered`);
    }
    const step = this.iterations + 1;
    const h = this.#hyperparameters;
    tf.tidy(() => {
      for (const [name, gradient] of entries) {
        if (!gradient) continue;
        const variable = registered[name];
        const slots = this.#slotsOf(name, variable);
        const next = this.update({ param: variable, gradient, slots, step }, h);
        for (const slot of this.slotNames) slots[slot].assign(next.slots[slot]);
        variable.assign(next.param);
      }
    });
    this.incrementIterations();
  }

  override getConfig(): tf.serialization.ConfigDict {
    const h = this.#hyperparameters;
    const config: tf.serialization.ConfigDict = { lr: h.lr, betas: [...h.betas], weightDecay: h.weightDecay };
    if (this.usesEps) config.eps = h.eps;
    return config;
  }

  /** [iter, then `<variable>/<slot>` for each variable in the order first seen, slots in order]. */
  override async getWeights(): Promise<NamedTensor[]> {
    const weights = [await this.saveIterations()];
    for (const [name, slots] of this.#slots) {
      for (const slot of this.slotNames) weights.push({ name: `${name}/${slot}`, tensor: slots[slot].clone() });
    }
    return weights;
  }

  /** Restores getWeights's output; throws (changing nothing) when it does not fit this optimizer. */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const [iterations, ...rest] = weightValues;
    if (!iterations || iterations.name !== 'iter') {
      throw new TypeError(`setWeights: expected 'iter' first, got ${iterations ? `'${iterations.name}'` : 'nothing'}`);
    }
    const width = this.slotNames.length;
    if (rest.length % width !== 0) throw new RangeError(`setWeights: expected ${width} tensors per variable (${this.slotNames.join(', ')}), got ${rest.length}`);
    const restored: [string, Tensor[]][] = [];
    for (let i = 0; i < rest.length; i += width) {
      const group = rest.slice(i, i + width);
      const name = group[0].name.slice(0, -(this.slotNames[0].length + 1));
      group.forEach((w, k) => {
        if (w.name !== `${name}/${this.slotNames[k]}`) throw new TypeError(`setWeights: expected '${name}/${this.slotNames[k]}', got '${w.name}'`);
        const variable = tf.engine().registeredVariables[name];
        if (variable && !tf.util.arraysEqual(variable.shape, w.tensor.shape)) {
          throw new RangeError(`setWeights: '${w.name}' has shape [${w.tensor.shape}], the variable has [${variable.shape}]`);
        }
      });
      restored.push([name, group.map((w) => w.tensor)]);
    }
    await this.extractIterations(weightValues);
    this.#disposeSlots();
    for (const [name, tensors] of restored) {
      this.#slots.set(name, Object.fromEntries(this.slotNames.map((slot, k) => [slot, tf.variable(tensors[k].clone(), false)])));
    }
  }

  #disposeSlots(): void {
    for (const slots of this.#slots.values()) tf.dispose(Object.values(slots));
    this.#slots.clear();
  }

  override dispose(): void {
    this.#disposeSlots();
    super.dispose();
  }
}
