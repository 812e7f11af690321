// The 'wasm' engine: PilotOptimizer's step run by the Wasm core. Each step reads the gradients and
// the current parameter values once (so model.setWeights between steps is respected), runs the
// core, and writes the parameters back with assign.
import { type Variable, tensor } from '@tensorflow/tfjs-core';
import { NonFiniteGradientError, PILOT, type NonFinitePolicy } from '../pilot.js';
import type { KernelChoice } from '../wasm.js';
import type { Hyperparameters } from '../options.js';
import type { PilotStateDict } from '../state-dict.js';
import { base64FromFloat32, float32FromBase64 } from '../base64.js';
import { type PilotDiagnostics, copyDiagnostics, emptyDiagnostics, recordDiagnostics } from '../diagnostics.js';
import type { EngineEntry, EngineOptions, EngineState, PilotEngine } from './engine.js';

export class WasmEngine implements PilotEngine {
  readonly name = 'wasm';
  readonly #kernel: KernelChoice | undefined;
  readonly #nonFinite: NonFinitePolicy;
  #hyperparameters: Hyperparameters;
  #core: PILOT | null = null;
  #names: string[] = [];
  readonly #history: PilotDiagnostics | null;
  readonly #policy: readonly number[] | null;

  constructor(options: EngineOptions, kernel: KernelChoice | undefined) {
    this.#hyperparameters = options.hyperparameters;
    this.#kernel = kernel;
    this.#nonFinite = options.nonFinite;
    this.#history = options.diagnostics ? emptyDiagnostics() : null;
    this.#policy = options.policy;
  }

  /** A fresh core over `shapes`, starting from the given policy when there is one. */
  #freshCore(shapes: number[][]): PILOT {
    return PILOT.createSync(shapes, {
      ...this.#hyperparameters, kernel: this.#kernel, nonFinite: this.#nonFinite, ...(this.#policy ? { policy: this.#policy } : {}),
    });
  }

  /** The core over exactly these variables: the current one, or (when new variables join) a new
   *  one that carries the current state over, which `step` keeps only if the step succeeds. */
  #coreFor(entries: readonly EngineEntry[]): PILOT {
    const known = this.#names.length;
    if (this.#core && entries.length === known) return this.#core;
    const joining = entries.slice(known).map((e) => [...e.shape]);
    if (!this.#core) return this.#freshCore(joining);
    const dict = this.#core.stateDict();
    for (const shape of joining) {
      const zeros = base64FromFloat32(new Float32Array(shape.reduce((a, b) => a * b, 1)));
      dict.tensors.push({ group: 0, shape, param: zeros, m: zeros, v: zeros, gradPrev: zeros, record: null });
    }
    return PILOT.fromStateDictSync(dict, { kernel: this.#kernel, nonFinite: this.#nonFinite });
  }

  step(entries: readonly EngineEntry[]): boolean {
    const core = this.#coreFor(entries);
    const missing: number[] = [];
    entries.forEach((entry, i) => {
      if (entry.gradient === null) {
        missing.push(i);
        return;
      }
      core.params[i].set(entry.variable.dataSync() as Float32Array);
      core.grads[i].set(entry.gradient.dataSync() as Float32Array);
    });
    const skippedBefore = core.state().skipped;
    try {
      core.step({ missing });
    } catch (error) {
      if (core !== this.#core) core.dispose();
      if (!(error instanceof NonFiniteGradientError)) throw error;
      throw new NonFiniteGradientError(entries[error.tensor as number].name, error.step, error.element, error.value);
    }
    if (core !== this.#core) {
      this.#core?.dispose();
      this.#core = core;
      this.#names = entries.map((e) => e.name);
    }
    if (core.state().skipped !== skippedBefore) return false;
    entries.forEach((entry, i) => {
      if (entry.variable) assignCopy(entry.variable, core.params[i]);
    });
    if (this.#history) recordDiagnostics(this.#history, core.state());
    return true;
  }

  setHyperparameters(hyperparameters: Hyperparameters): void {
    this.#hyperparameters = hyperparameters;
    if (!this.#core) return;
    const group = this.#core.paramGroups[0];
    group.lr = hyperparameters.lr;
    group.betas = hyperparameters.betas;
    group.eps = hyperparameters.eps;
    group.weightDecay = hyperparameters.weightDecay;
    group.gamma = hyperparameters.gamma;
    group.etaPhi = hyperparameters.etaPhi;
    group.policyOverrides = hyperparameters.policyOverrides;
  }

  #stateless(): PILOT {
    // Before the first step there is no core; a throwaway one reports the initial policy.
    return this.#core ?? this.#freshCore([]);
  }

  state() {
    return this.#stateless().state();
  }

  diagnostics(): PilotDiagnostics {
    if (!this.#history) throw new Error('diagnostics: create the optimizer with { diagnostics: true } to record them');
    return copyDiagnostics(this.#history);
  }

  memoryBytes(): number {
    return this.#core?.memoryBytes ?? 0;
  }

  async exportState(): Promise<EngineState> {
    const dict = this.#stateless().stateDict();
    const { hyperparameters: _, ...group } = dict.groups[0];
    return {
      group,
      variables: dict.tensors.map((t, i) => ({
        name: this.#names[i],
        shape: t.shape,
        m: float32FromBase64(t.m),
        v: float32FromBase64(t.v),
        gradPrev: float32FromBase64(t.gradPrev),
        record: t.record,
      })),
    };
  }

  importState(state: EngineState): void {
    const dict: PilotStateDict = {
      format: 'pilot-optimizer/state-dict',
      version: 1,
      diagnostics: false,
      groups: [{ hyperparameters: this.#hyperparameters, ...state.group }],
      tensors: state.variables.map((v) => ({
        group: 0,
        shape: v.shape,
        param: base64FromFloat32(new Float32Array(v.m.length)),
        m: base64FromFloat32(v.m),
        v: base64FromFloat32(v.v),
        gradPrev: base64FromFloat32(v.gradPrev),
        record: v.record,
      })),
    };
    const core = PILOT.fromStateDictSync(dict, { kernel: this.#kernel, nonFinite: this.#nonFinite });
    this.#core?.dispose();
    this.#core = core;
    this.#names = state.variables.map((v) => v.name);
  }

  dispose(): void {
    this.#core?.dispose();
    this.#core = null;
  }
}

/** variable <- values. The values are copied: a view of Wasm memory changes on the next step,
 *  and some backends keep the array they are given. */
function assignCopy(variable: Variable, values: Float32Array): void {
  const next = tensor(values.slice(), variable.shape, 'float32');
  variable.assign(next);
  next.dispose();
}
