// PilotOptimizer: PILOT as a TensorFlow.js optimizer. It keeps the bookkeeping (which variables
// exist, which have a gradient this step, iterations, config, weights) and hands each step to an
// engine: the Wasm core, or the same step in tfjs ops for GPU backends.
import * as tf from '@tensorflow/tfjs-core';
import type { NamedTensorMap, Tensor } from '@tensorflow/tfjs-core';
import { type Hyperparameters, HYPERPARAMETER_NAMES, checkHyperparameter, copyHyperparameters, resolveHyperparameters } from '../options.js';
import type { NonFinitePolicy, PilotState } from '../pilot.js';
import type { PilotDiagnostics } from '../diagnostics.js';
import type { KernelChoice } from '../wasm.js';
import { resolveKernel } from '../wasm.js';
import type { EngineEntry, EngineName, PilotEngine } from './engine.js';
import { type EngineChoice, checkEngineChoice, engineForActiveBackend } from './routing.js';
import { WasmEngine } from './wasm-engine.js';
import { TfjsEngine } from './tfjs-engine.js';
import { type NamedTensor, decodeWeights, encodeWeights } from './weights.js';

export interface PilotOptimizerConfig extends Partial<Hyperparameters> {
  /** 'auto' (default): 'tfjs' on GPU backends, 'wasm' elsewhere. */
  engine?: EngineChoice;
  /** The Wasm build for the 'wasm' engine: 'auto', 'simd' or 'scalar'. */
  kernel?: KernelChoice;
  /** Record r, rho, pm, pv, ps and phi after every step (the tfjs engine reads them back each step). */
  diagnostics?: boolean;
  /** What a NaN or an infinity in a gradient does: 'error' (default), 'skip' or 'propagate'
   *  (see PilotOptions.nonFinite). The tfjs engine checks with one read back per step. */
  nonFinite?: NonFinitePolicy;
  /** The initial phi: 3(degree+1) coefficients, e.g. `state().phi` of a policy learned elsewhere. */
  policy?: readonly number[];
  /** Keep phi as it starts (a transferred policy): the meta-gradient step is skipped, as with
   *  etaPhi 0. */
  freezePolicy?: boolean;
}

const CONFIG_NAMES = new Set<string>([...HYPERPARAMETER_NAMES, 'engine', 'kernel', 'diagnostics', 'nonFinite', 'policy', 'freezePolicy']);
const NON_FINITE_POLICIES = new Set<unknown>(['error', 'skip', 'propagate']);

function checkPolicy(policy: unknown, degree: number): asserts policy is readonly number[] {
  const length = 3 * (degree + 1);
  if (!Array.isArray(policy) || policy.length !== length || !policy.every((c) => typeof c === 'number' && Number.isFinite(c))) {
    const got = Array.isArray(policy) ? `[${policy.map(String).join(', ')}]` : String(policy);
    throw new RangeError(`policy must be an array of 3(degree+1) = ${length} finite numbers for degree ${degree}, got ${got}`);
  }
}

export class PilotOptimizer extends tf.Optimizer {
  /** @nocollapse */
  static get className(): string {
    return 'PILOT';
  }

  readonly #engineChoice: EngineChoice;
  readonly #kernel: KernelChoice | undefined;
  readonly #diagnostics: boolean;
  readonly #nonFinite: NonFinitePolicy;
  #disposed = false;
  readonly #policy: readonly number[] | null;
  readonly #freezePolicy: boolean;
  #hyperparameters: Hyperparameters;
  #engine: PilotEngine | null = null;
  /** The shape of every variable seen, in the order first seen: the order of the state and of
   *  getWeights. */
  readonly #shapes = new Map<string, readonly number[]>();

  constructor(config: PilotOptimizerConfig = {}) {
    super();
    for (const key of Object.keys(config)) {
      if (!CONFIG_NAMES.has(key)) throw new TypeError(`PilotOptimizer: unknown option '${key}'; known: ${[...CONFIG_NAMES].join(', ')}`);
    }
    const { engine = 'auto', kernel, diagnostics = false, nonFinite = 'error', policy, freezePolicy = false, ...hyperparameters } = config;
    checkEngineChoice(engine);
    if (!NON_FINITE_POLICIES.has(nonFinite)) throw new RangeError(`nonFinite must be 'error', 'skip' or 'propagate', got ${JSON.stringify(nonFinite)}`);
    this.#nonFinite = nonFinite;
    if (kernel !== undefined) resolveKernel(kernel);
    if (typeof freezePolicy !== 'boolean') throw new TypeError(`freezePolicy must be true or false, got ${String(freezePolicy)}`);
    this.#hyperparameters = resolveHyperparameters(hyperparameters);
    if (policy !== undefined) checkPolicy(policy, this.#hyperparameters.degree);
    this.#engineChoice = engine;
    this.#kernel = kernel;
    this.#diagnostics = diagnostics;
    this.#policy = policy === undefined ? null : [...policy];
    this.#freezePolicy = freezePolicy;
  }

  /** What the engine runs with: a frozen policy is one that takes no meta-gradient steps. */
  #engineHyperparameters(h: Hyperparameters): Hyperparameters {
    return this.#freezePolicy ? { ...copyHyperparameters(h), etaPhi: 0 } : copyHyperparameters(h);
  }

  #activeEngine(): PilotEngine {
    if (this.#disposed) throw new Error('PilotOptimizer: this optimizer has been disposed');
    if (!this.#engine) {
      const name = this.#engineChoice === 'auto' ? engineForActiveBackend() : this.#engineChoice;
      const options = {
        hyperparameters: this.#engineHyperparameters(this.#hyperparameters), diagnostics: this.#diagnostics, nonFinite: this.#nonFinite, policy: this.#policy,
      };
      this.#engine = name === 'wasm' ? new WasmEngine(options, this.#kernel) : new TfjsEngine(options);
    }
    return this.#engine;
  }

  /** The engine in use: 'wasm' or 'tfjs' ('auto' decides on first use, by the active backend). */
  get engine(): EngineName {
    return this.#activeEngine().name;
  }

  /** Bytes held outside tfjs's own tensors: the Wasm engine's memory (parameters, gradients and
   *  state, 20 bytes per parameter); 0 for the tfjs engine, whose state is tfjs variables. */
  get memoryBytes(): number {
    return this.#activeEngine().memoryBytes();
  }

  /** A copy of the hyperparameters. */
  get hyperparameters(): Hyperparameters {
    return copyHyperparameters(this.#hyperparameters);
  }

  /** Changes hyperparameters between steps (a schedule sets `lr`). A bad value throws and changes
   *  nothing; `degree` is fixed. */
  setHyperparameters(changes: Partial<Hyperparameters>): void {
    if (this.#disposed) throw new Error('PilotOptimizer: this optimizer has been disposed');
    for (const [name, value] of Object.entries(changes)) {
      if (name === 'degree' && value !== this.#hyperparameters.degree) {
        throw new TypeError(`degree cannot change after creation (phi has 3(degree+1) coefficients); got ${String(value)}`);
      }
      checkHyperparameter(name as keyof Hyperparameters, value);
    }
    const next = copyHyperparameters({ ...this.#hyperparameters, ...changes });
    this.#engine?.setHyperparameters(this.#engineHyperparameters(next));
    this.#hyperparameters = next;
  }

  get lr(): number {
    return this.#hyperparameters.lr;
  }

  set lr(value: number) {
    this.setHyperparameters({ lr: value });
  }

  /** The name tfjs optimizers use for the learning rate. */
  get learningRate(): number {
    return this.lr;
  }

  set learningRate(value: number) {
    this.lr = value;
  }

  /**
   * One PILOT step. Variables absent from the map (or with a null gradient) have no gradient this
   * step; a variable seen for the first time joins with zero state.
   */
  applyGradients(variableGradients: NamedTensorMap | NamedTensor[]): void {
    const gradients = new Map<string, Tensor | null>(Array.isArray(variableGradients)
      ? variableGradients.map((g) => [g.name, g.tensor ?? null])
      : Object.entries(variableGradients).map(([name, t]) => [name, t ?? null]));
    const registered = tf.engine().registeredVariables;
    for (const [name, gradient] of gradients) {
      const variable = registered[name];
      if (!variable) throw new Error(`applyGradients: no variable named '${name}' is registered`);
      if (gradient && !tf.util.arraysEqual(gradient.shape, variable.shape)) {
        throw new RangeError(`applyGradients: the gradient of '${name}' has shape [${gradient.shape}], the variable has [${variable.shape}]`);
      }
    }
    const engine = this.#activeEngine();
    const joining = [...gradients.keys()].filter((name) => !this.#shapes.has(name));
    const shapes = new Map([...this.#shapes, ...joining.map((name): [string, readonly number[]] => [name, registered[name].shape])]);
    const entries = [...shapes].map(([name, shape]): EngineEntry => {
      const gradient = gradients.get(name);
      return gradient ? { name, shape, variable: registered[name], gradient } : { name, shape, gradient: null };
    });
    // The engines change nothing when they throw; the new variables join only once a step went through.
    const stepped = engine.step(entries);
    for (const name of joining) this.#shapes.set(name, shapes.get(name)!);
    if (stepped) this.incrementIterations();
  }

  /** The policy state after the last step: { step, r, rho, pm, pv, ps, phi }. */
  state(): PilotState {
    return this.#activeEngine().state();
  }

  /** Every step's r, rho, pm, pv, ps and phi (needs `diagnostics: true`). */
  diagnostics(): PilotDiagnostics {
    return this.#activeEngine().diagnostics();
  }

  override getConfig(): tf.serialization.ConfigDict {
    const h = this.#hyperparameters;
    const config: tf.serialization.ConfigDict = {
      lr: h.lr,
      betas: [...h.betas],
      eps: h.eps,
      weightDecay: h.weightDecay,
      gamma: h.gamma,
      etaPhi: h.etaPhi,
      degree: h.degree,
      policyOverrides: { ...h.policyOverrides },
      engine: this.#engineChoice,
      diagnostics: this.#diagnostics,
      nonFinite: this.#nonFinite,
    };
    if (this.#kernel !== undefined) config.kernel = this.#kernel;
    if (this.#policy) config.policy = [...this.#policy];
    if (this.#freezePolicy) config.freezePolicy = true;
    return config;
  }

  /** @nocollapse */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>, config: tf.serialization.ConfigDict,
  ): T {
    return new cls(config);
  }

  /** [iter, pilot/group, then m, v, gPrev and record of each variable in the order first seen]. */
  override async getWeights(): Promise<NamedTensor[]> {
    const state = await this.#activeEngine().exportState();
    return [await this.saveIterations(), ...encodeWeights(state)];
  }

  /** Restores getWeights's output; throws (changing nothing) when it does not fit this optimizer. */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const iterations = weightValues[0];
    if (!iterations || iterations.name !== 'iter') {
      throw new TypeError(`setWeights: expected 'iter' first, got ${iterations ? `'${iterations.name}'` : 'nothing'}`);
    }
    const state = await decodeWeights(weightValues.slice(1), this.#hyperparameters.degree);
    await this.extractIterations(weightValues);
    this.#activeEngine().importState(state);
    this.#shapes.clear();
    for (const v of state.variables) this.#shapes.set(v.name, v.shape);
  }

  override dispose(): void {
    this.#engine?.dispose();
    this.#engine = null;
    this.#disposed = true;
    super.dispose();
  }
}
