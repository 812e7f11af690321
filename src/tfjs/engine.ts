// What the two engines behind PilotOptimizer share: the interface PilotOptimizer drives, and the
// engine-neutral form of their state that getWeights/setWeights carry.
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import type { Hyperparameters } from '../options.js';
import type { NonFinitePolicy, PilotState } from '../pilot.js';
import type { PilotDiagnostics } from '../diagnostics.js';
import type { UpdateRecord } from '../state-dict.js';

export type EngineName = 'wasm' | 'tfjs';

/** One variable the optimizer knows, in the stable order it was first seen: with its gradient
 *  this step, or without one ("missing" in SPEC.md's sense). */
export type EngineEntry =
  | { name: string; shape: readonly number[]; variable: Variable; gradient: Tensor }
  | { name: string; shape: readonly number[]; variable?: undefined; gradient: null };

/** A variable's optimizer state, host-side. */
export interface VariableState {
  name: string;
  shape: number[];
  m: Float32Array;
  v: Float32Array;
  gradPrev: Float32Array;
  record: UpdateRecord | null;
}

/** The whole optimizer state, host-side and engine-neutral. */
export interface EngineState {
  group: PilotState;
  variables: VariableState[];
}

export interface PilotEngine {
  readonly name: EngineName;
  /** One PILOT step over `entries` (every known variable; new ones join with zero state). False
   *  when the step was skipped for a non-finite gradient (nonFinite: 'skip'). */
  step(entries: readonly EngineEntry[]): boolean;
  setHyperparameters(hyperparameters: Hyperparameters): void;
  state(): PilotState;
  diagnostics(): PilotDiagnostics;
  exportState(): Promise<EngineState>;
  /** Bytes the engine holds outside tfjs's own tensors (the Wasm core's memory). */
  memoryBytes(): number;
  /** Replaces all state; `variables` are in the optimizer's order. */
  importState(state: EngineState): void;
  dispose(): void;
}

/** The options both engines are built from. */
export interface EngineOptions {
  hyperparameters: Hyperparameters;
  diagnostics: boolean;
  nonFinite: NonFinitePolicy;
  /** The initial phi (3(degree+1) coefficients); null for SPEC.md's initial policy. */
  policy: readonly number[] | null;
}
