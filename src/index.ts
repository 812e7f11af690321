export { PILOT, ParamGroup, NonFiniteGradientError } from './pilot.js';
export type { PilotOptions, PilotState, PilotDiagnostics, StepOptions, RestoreOptions, NonFinitePolicy } from './pilot.js';
export type { Hyperparameters, PolicyOverrides } from './options.js';
export { DEFAULT_HYPERPARAMETERS } from './options.js';
export type { Shape, TensorSpec, TensorInput, GroupSpec } from './groups.js';
export type { PilotStateDict, GroupStateDict, TensorStateDict, UpdateRecord } from './state-dict.js';
export { simdSupported, preloadCore } from './wasm.js';
export type { Kernel, KernelChoice } from './wasm.js';
