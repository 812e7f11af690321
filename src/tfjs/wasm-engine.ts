// The 'wasm' engine: PilotOptimizer's step run by the Wasm core. Each step reads the gradients and
// the current parameter values once (so model.setWeights between steps is respected), runs the
// core, and writes the parameters back with assign.
import { type Variable, tensor } from '@tensorflow/tfjs-core';
import { PILOT } from '../pilot.js';
import type { KernelChoice } from '../wasm.js';
import type { Hyperparameters } from '../options.js';
import type { PilotStateDict } from '../state-dict.js';
import { base64FromFloat32, float32FromBase64 } from '../base64.js';
import { type PilotDiagnostics, copyDiagnostics, emptyDiagnostics, recordDiagnostics } from '../diagnostics.js';
import type { EngineEntry, EngineOptions, EngineState, PilotEngine } from './engine.js';

export class WasmEngine implements PilotEngine {
  readonly name = 'wasm';
  readonly #kernel: KernelChoice | undefined;
  #hyperparameters: Hyperparameters;
  #core: PILOT | null = null;
  #names: string[] = [];
  readonly #history: PilotDiagnostics | null;
  readonly #policy: readonly number[] | null;

  constructor(options: EngineOptions, kernel: KernelChoice | undefined) {
    this.#hyperparameters = options.hyperparameters;
    this.#kernel = kernel;
    this.#history = options.diagnostics ? emptyDiagnostics() : null;
    this.#policy = options.policy;
  }

  /** A fresh core over `shapes`, starting from the given policy when there is one (the core
   *  takes an initial phi only through a state dict). */
  #freshCore(shapes: number[][]): PILOT {
    const core = PILOT.createSync(shapes, { ...this.#hyperparameters, kernel: this.#kernel });
    if (!this.#policy) return core;
    const dict = core.stateDict();
    core.dispose();
    const group = dict.groups[0];
    group.phi = [...this.#policy];
    // The knobs state() reports before the first step: the policy at rho = 0, i.e. each block's
    // constant term through its squashing, unless overridden.
    const { degree, policyOverrides } = this.#hyperparameters;
    const atZero = (block: number) => 1 / (1 + Math.exp(-this.#policy![block * (degree + 1) + degree]));
    group.pm = policyOverrides.pm ?? atZero(0);
    group.pv = policyOverrides.pv ?? 0.5 * atZero(1);
    group.ps = policyOverrides.ps ?? atZero(2);
    return PILOT.fromStateDictSync(dict, { kernel: this.#kernel });
  }

  /** The core over exactly these variables: built on first use, rebuilt (state carried over) when
   *  new variables join. */
  #coreFor(entries: readonly EngineEntry[]): PILOT {
    const known = this.#names.length;
    if (this.#core && entries.length === known) return this.#core;
    const joining = entries.slice(known).map((e) => [...e.shape]);
    if (!this.#core) {
      this.#core = this.#freshCore(joining);
    } else {
      const dict = this.#core.stateDict();
      for (const shape of joining) {
        const zeros = base64FromFloat32(new Float32Array(shape.reduce((a, b) => a * b, 1)));
        dict.tensors.push({ group: 0, shape, param: zeros, m: zeros, v: zeros, gradPrev: zeros, record: null });
      }
      this.#core.dispose();
      this.#core = PILOT.fromStateDictSync(dict, { kernel: this.#kernel });
    }
    this.#names = entries.map((e) => e.name);
    return this.#core;
  }

  step(entries: readonly EngineEntry[]): void {
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
    core.step({ missing });
    entries.forEach((entry, i) => {
      if (entry.variable) assignCopy(entry.variable, core.params[i]);
    });
    if (this.#history) recordDiagnostics(this.#history, core.state());
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
    const core = PILOT.fromStateDictSync(dict, { kernel: this.#kernel });
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
