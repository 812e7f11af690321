// PILOT over flat Float32Arrays: the bookkeeping around the Wasm core. Parameters, gradients and
// optimizer state live in the core's linear memory; `params[i]` and `grads[i]` are views of it,
// so callers read and write them in place. All of the step's math runs in Wasm.
import * as L from './layout.js';
import {
  type Hyperparameters, type PolicyOverrides, HYPERPARAMETER_NAMES, checkHyperparameter, copyHyperparameters,
} from './options.js';
import { type GroupSpec, type TensorInput, resolveGroups } from './groups.js';
import { type MemoryPlan, planMemory } from './memory-plan.js';
import {
  type CoreInstance, type Kernel, type KernelChoice, coreHeapBase, instantiateCore, preloadCore, resolveKernel,
  threadsUnavailableReason,
} from './wasm.js';
import { ThreadPool } from './threads.js';
import {
  type PilotStateDict, type UpdateRecord, STATE_DICT_FORMAT, STATE_DICT_VERSION, parseStateDict,
} from './state-dict.js';
import { base64FromFloat32 } from './base64.js';
import { type PilotDiagnostics, copyDiagnostics, emptyDiagnostics, recordDiagnostics } from './diagnostics.js';

export type { PilotDiagnostics } from './diagnostics.js';

export interface PilotOptions extends Partial<Hyperparameters> {
  /** Which build of the core to run: 'auto' (SIMD where the runtime supports it), 'simd' or 'scalar'. */
  kernel?: KernelChoice;
  /** Record r, rho, pm, pv, ps and phi after every step, for `diagnostics()`. */
  diagnostics?: boolean;
  /** Threads a step runs on (default 1): the calling thread and `threads - 1` workers over one
   *  shared WebAssembly.Memory. Where memory cannot be shared (a browser page that is not
   *  cross-origin isolated), the optimizer runs on 1 thread and `threadsFallback` says why. */
  threads?: number;
  /** Keep three more floats per parameter (32 bytes per parameter in all instead of 20): the
   *  factors the next step's meta-gradient needs, computed by the update, so the next step's
   *  first pass reads them instead of recomputing two logarithms and two exponentials. Faster,
   *  same results within float rounding. Default false. */
  cache?: boolean;
  /** What a NaN or an infinity in a gradient does (default 'error'): 'error' throws a
   *  NonFiniteGradientError naming the tensor and the step, changing nothing; 'skip' changes
   *  nothing and counts the step in state().skipped, as mixed-precision loss scalers do;
   *  'propagate' steps anyway, as the reference does. */
  nonFinite?: NonFinitePolicy;
  /** The initial phi of every group (3(degree+1) finite numbers, e.g. `state().phi` of a policy
   *  learned elsewhere) instead of SPEC.md's. */
  policy?: readonly number[];
}

export type NonFinitePolicy = 'error' | 'skip' | 'propagate';

/** A step refused because a gradient held a NaN or an infinity (nonFinite: 'error'). */
export class NonFiniteGradientError extends Error {
  constructor(
    /** The tensor's index (or, from PilotOptimizer, the variable's name). */
    readonly tensor: number | string,
    /** The step that was refused (1 + the steps taken). */
    readonly step: number,
    /** The first offending element (row-major) and its value. */
    readonly element: number,
    readonly value: number,
  ) {
    super(`step ${step}: the gradient of ${typeof tensor === 'number' ? `tensor ${tensor}` : `'${tensor}'`} has ${value} at element ${element}; nothing was changed (nonFinite: 'error'; 'skip' skips such steps)`);
    this.name = 'NonFiniteGradientError';
  }
}

export interface StepOptions {
  /** Indices of tensors that have no gradient this step (PyTorch's `grad is None`). */
  missing?: readonly number[];
}

/** A group's policy after its last step. */
export interface PilotState {
  /** Steps taken (0 before the first). */
  step: number;
  /** The last step's gradient agreement (cosine of g and gPrev). */
  r: number;
  /** The smoothed agreement. */
  rho: number;
  /** The knobs the last step used (before the first step: the policy at rho = 0). */
  pm: number;
  pv: number;
  ps: number;
  /** 3(degree+1) coefficients: [m-block, v-block, s-block], each highest power first. */
  phi: number[];
  /** Steps skipped for a non-finite gradient (nonFinite: 'skip'). */
  skipped: number;
}

const OPTION_NAMES = new Set<string>([...HYPERPARAMETER_NAMES, 'kernel', 'diagnostics', 'threads', 'cache', 'nonFinite', 'policy']);
const RESTORE_OPTION_NAMES = new Set<string>(['kernel', 'threads', 'cache', 'nonFinite']);
const NON_FINITE_POLICIES: readonly NonFinitePolicy[] = ['error', 'skip', 'propagate'];

function checkPolicy(policy: unknown, degree: number, group: number): void {
  if (policy === undefined) return;
  const length = 3 * (degree + 1);
  if (!Array.isArray(policy) || policy.length !== length || !policy.every((c) => typeof c === 'number' && Number.isFinite(c))) {
    const got = Array.isArray(policy) ? `[${policy.map(String).join(', ')}]` : String(policy);
    throw new RangeError(`policy must be an array of 3(degree+1) = ${length} finite numbers for group ${group}'s degree ${degree}, got ${got}`);
  }
}

function checkNonFinite(policy: unknown): NonFinitePolicy {
  if (policy === undefined) return 'error';
  if (!NON_FINITE_POLICIES.includes(policy as NonFinitePolicy)) {
    throw new RangeError(`nonFinite must be 'error', 'skip' or 'propagate', got ${JSON.stringify(policy)}`);
  }
  return policy as NonFinitePolicy;
}
const GROUP_OPTION_NAMES = new Set<string>([...HYPERPARAMETER_NAMES, 'tensors']);
const INITIAL_PHI_CONSTANTS = [1.4, 3.0, -2.0];

function checkThreads(threads: unknown): number {
  if (threads === undefined) return 1;
  if (!Number.isInteger(threads) || (threads as number) < 1 || (threads as number) > 256) {
    throw new RangeError(`threads must be an integer in [1, 256], got ${String(threads)}`);
  }
  return threads as number;
}

/** Options of fromStateDict: how to run the restored optimizer. */
export interface RestoreOptions {
  kernel?: KernelChoice;
  threads?: number;
  cache?: boolean;
  nonFinite?: NonFinitePolicy;
}

function checkCache(cache: unknown): void {
  if (cache !== undefined && typeof cache !== 'boolean') throw new TypeError(`cache must be true or false, got ${String(cache)}`);
}

function rejectUnknown(object: object, known: Set<string>, where: string): void {
  for (const key of Object.keys(object)) {
    if (!known.has(key)) throw new TypeError(`${where}: unknown option '${key}'; known: ${[...known].join(', ')}`);
  }
}

function writeHyperparameters(slots: Float64Array, at: number, h: Hyperparameters): void {
  slots[at + L.GROUP_LR] = h.lr;
  slots[at + L.GROUP_BETA1] = h.betas[0];
  slots[at + L.GROUP_BETA2] = h.betas[1];
  slots[at + L.GROUP_EPS] = h.eps;
  slots[at + L.GROUP_WEIGHT_DECAY] = h.weightDecay;
  slots[at + L.GROUP_GAMMA] = h.gamma;
  slots[at + L.GROUP_ETA_PHI] = h.etaPhi;
  slots[at + L.GROUP_DEGREE] = h.degree;
  slots[at + L.GROUP_OVERRIDE_PM] = h.policyOverrides.pm ?? NaN;
  slots[at + L.GROUP_OVERRIDE_PV] = h.policyOverrides.pv ?? NaN;
  slots[at + L.GROUP_OVERRIDE_PS] = h.policyOverrides.ps ?? NaN;
}

/** One parameter group's hyperparameters, read and set between steps (a schedule sets `lr`).
 *  A value outside its range throws and leaves the group as it was. */
export class ParamGroup implements Hyperparameters {
  /** Indices into `params`/`grads` of this group's tensors. */
  readonly tensors: readonly number[];
  readonly #owner: PILOT;
  readonly #apply: (h: Hyperparameters) => void;
  #h: Hyperparameters;

  /** @internal */
  constructor(owner: PILOT, tensors: number[], h: Hyperparameters, apply: (h: Hyperparameters) => void) {
    this.#owner = owner;
    this.tensors = Object.freeze(tensors);
    this.#h = h;
    this.#apply = apply;
  }

  #set<K extends keyof Hyperparameters>(name: K, value: Hyperparameters[K]): void {
    this.#owner.assertLive(`paramGroups[].${name}`);
    checkHyperparameter(name, value);
    const next = copyHyperparameters({ ...this.#h, [name]: value });
    this.#apply(next);
    this.#h = next;
  }

  get lr(): number { return this.#h.lr; }
  set lr(value: number) { this.#set('lr', value); }
  get betas(): [number, number] { return [this.#h.betas[0], this.#h.betas[1]]; }
  set betas(value: [number, number]) { this.#set('betas', value); }
  get eps(): number { return this.#h.eps; }
  set eps(value: number) { this.#set('eps', value); }
  get weightDecay(): number { return this.#h.weightDecay; }
  set weightDecay(value: number) { this.#set('weightDecay', value); }
  get gamma(): number { return this.#h.gamma; }
  set gamma(value: number) { this.#set('gamma', value); }
  get etaPhi(): number { return this.#h.etaPhi; }
  set etaPhi(value: number) { this.#set('etaPhi', value); }
  get policyOverrides(): PolicyOverrides { return { ...this.#h.policyOverrides }; }
  set policyOverrides(value: PolicyOverrides) { this.#set('policyOverrides', value); }
  /** Fixed at creation: phi has 3(degree+1) coefficients. */
  get degree(): number { return this.#h.degree; }
  set degree(value: number) {
    throw new TypeError(`degree cannot change after creation (phi has 3(degree+1) coefficients); got ${value}`);
  }

  /** A copy of all hyperparameters. */
  hyperparameters(): Hyperparameters {
    return copyHyperparameters(this.#h);
  }
}

interface GroupLayout {
  hyperparameters: Hyperparameters;
  tensorShapes: number[][];
}

export class PILOT {
  /** The build of the core this optimizer runs on. */
  readonly kernel: Kernel;
  /** True when the optimizer keeps the meta-gradient's factors (option `cache`). */
  readonly cache: boolean;
  readonly shapes: readonly (readonly number[])[];
  readonly paramGroups: readonly ParamGroup[];
  #core: CoreInstance | null;
  #pool: ThreadPool | null = null;
  /** Threads the memory was laid out for; workers start after construction (#startThreads). */
  readonly #plannedThreads: number;
  #threadsFallback: string | null;
  #nonFinite: NonFinitePolicy = 'error';
  #skipped = 0;
  readonly #plan: MemoryPlan;
  readonly #slots: Float64Array;
  readonly #params: Float32Array[];
  readonly #grads: Float32Array[];
  readonly #tensorGroup: number[];
  readonly #history: PilotDiagnostics[] | null;

  private constructor(
    core: CoreInstance, plan: MemoryPlan, groups: GroupLayout[], diagnostics: boolean, threads: number, fallback: string | null,
  ) {
    this.kernel = core.kernel;
    this.#core = core;
    this.#plannedThreads = threads;
    this.#threadsFallback = fallback;
    this.cache = plan.tensors.some((t) => t.cache !== 0);
    this.#plan = plan;
    const buffer = core.memory.buffer;
    this.#slots = new Float64Array(buffer, plan.recordsByte, plan.recordSlots);
    this.#params = plan.tensors.map((t) => new Float32Array(buffer, t.param, t.size));
    this.#grads = plan.tensors.map((t) => new Float32Array(buffer, t.grad, t.size));
    this.#tensorGroup = groups.flatMap((g, index) => g.tensorShapes.map(() => index));
    this.shapes = Object.freeze(groups.flatMap((g) => g.tensorShapes.map((s) => Object.freeze([...s]))));
    this.#history = diagnostics ? groups.map(emptyDiagnostics) : null;

    let firstTensor = 0;
    this.paramGroups = Object.freeze(groups.map((group, g) => {
      const at = plan.groupSlot[g];
      const tensors = group.tensorShapes.map((_, k) => firstTensor + k);
      firstTensor += tensors.length;
      writeHyperparameters(this.#slots, at, group.hyperparameters);
      const apply = (h: Hyperparameters) => writeHyperparameters(this.#slots, at, h);
      return new ParamGroup(this, tensors, copyHyperparameters(group.hyperparameters), apply);
    }));
    plan.tensors.forEach((t, i) => {
      const at = plan.tensorSlot[i];
      this.#slots[at + L.TENSOR_PARAM] = t.param;
      this.#slots[at + L.TENSOR_GRAD] = t.grad;
      this.#slots[at + L.TENSOR_M] = t.m;
      this.#slots[at + L.TENSOR_V] = t.v;
      this.#slots[at + L.TENSOR_GRAD_PREV] = t.gradPrev;
      this.#slots[at + L.TENSOR_LENGTH] = t.paddedSize;
      this.#slots[at + L.TENSOR_CACHE] = t.cache;
    });
  }

  static #allocate(
    groups: GroupLayout[], kernelChoice: KernelChoice | undefined, diagnostics: boolean, threadsAsked: number, cache: boolean,
  ): PILOT {
    const kernel = resolveKernel(kernelChoice);
    const unavailable = threadsAsked > 1 ? threadsUnavailableReason() : null;
    const threads = unavailable === null ? threadsAsked : 1;
    const sizes = groups.flatMap((g) => g.tensorShapes.map((s) => s.reduce((a, b) => a * b, 1)));
    const plan = planMemory(coreHeapBase(kernel), groups.map((g) => g.hyperparameters.degree), sizes, threads, cache);
    // One thread takes the build over unshared memory, so it pays nothing for threading.
    const core = instantiateCore(kernel, plan.pages, threads > 1);
    return new PILOT(core, plan, groups, diagnostics, threads, unavailable);
  }

  /** Starts the workers the memory was laid out for; where they cannot start, runs on 1 thread
   *  and says why in threadsFallback. */
  async #startThreads(): Promise<void> {
    if (this.#plannedThreads === 1) return;
    try {
      this.#pool = await ThreadPool.start(this.#core!, this.#plan.controlByte, this.#plannedThreads);
    } catch (error) {
      this.#threadsFallback = `worker threads could not start (${(error as Error).message})`;
    }
  }

  /** Both builds a creation with `threads` may instantiate, compiled in the background. */
  static async #preload(kernel: KernelChoice | undefined, threads: unknown): Promise<void> {
    await preloadCore(kernel);
    if (typeof threads === 'number' && threads > 1 && threadsUnavailableReason() === null) await preloadCore(kernel, true);
  }

  static #refuseThreadsSync(threads: unknown, method: string): void {
    if (typeof threads === 'number' && threads > 1) {
      throw new TypeError(`PILOT.${method}: threads > 1 start workers, which takes time: use the async PILOT.${method.replace('Sync', '')}`);
    }
  }

  /**
   * An optimizer over new tensors. `tensors` is a list of shapes or `{ shape, init }`, or a list
   * of parameter groups `{ tensors, ...hyperparameters }`; `options` holds the hyperparameters
   * every group starts from (SPEC.md's table), `kernel` and `diagnostics`.
   */
  static async create(tensors: readonly (TensorInput | GroupSpec)[], options: PilotOptions = {}): Promise<PILOT> {
    await PILOT.#preload(options.kernel, options.threads);
    const pilot = PILOT.#createNow(tensors, options);
    await pilot.#startThreads();
    return pilot;
  }

  /** `create` without waiting (threads: 1 only): compiles the Wasm synchronously unless
   *  `preloadCore` (or an earlier `create`) already did. */
  static createSync(tensors: readonly (TensorInput | GroupSpec)[], options: PilotOptions = {}): PILOT {
    PILOT.#refuseThreadsSync(options.threads, 'createSync');
    return PILOT.#createNow(tensors, options);
  }

  static #createNow(tensors: readonly (TensorInput | GroupSpec)[], options: PilotOptions): PILOT {
    rejectUnknown(options, OPTION_NAMES, 'options');
    const { kernel, diagnostics, threads, cache, nonFinite, policy, ...defaults } = options;
    const nonFinitePolicy = checkNonFinite(nonFinite);
    const threadCount = checkThreads(threads);
    checkCache(cache);
    if (Array.isArray(tensors)) {
      tensors.forEach((group, g) => {
        if (group !== null && typeof group === 'object' && 'tensors' in group) rejectUnknown(group, GROUP_OPTION_NAMES, `groups[${g}]`);
      });
    }
    const groups = resolveGroups(tensors, defaults);
    groups.forEach((group, g) => checkPolicy(policy, group.hyperparameters.degree, g));
    const pilot = PILOT.#allocate(
      groups.map((g) => ({ hyperparameters: g.hyperparameters, tensorShapes: g.tensors.map((t) => t.shape) })),
      kernel,
      diagnostics === true,
      threadCount,
      cache === true,
    );
    groups.forEach((group, g) => pilot.#initialisePolicy(g, group.hyperparameters.degree, policy));
    groups.flatMap((g) => g.tensors).forEach((t, i) => {
      if (t.init !== undefined) pilot.#params[i].set(t.init);
    });
    pilot.#nonFinite = nonFinitePolicy;
    return pilot;
  }

  /** An optimizer restored from `stateDict()`'s output: it continues exactly as the original. */
  static async fromStateDict(dict: PilotStateDict, options: RestoreOptions = {}): Promise<PILOT> {
    await PILOT.#preload(options.kernel, options.threads);
    const pilot = PILOT.#restoreNow(dict, options);
    await pilot.#startThreads();
    return pilot;
  }

  /** `fromStateDict` without waiting (threads: 1 only; see createSync). */
  static fromStateDictSync(dict: PilotStateDict, options: RestoreOptions = {}): PILOT {
    PILOT.#refuseThreadsSync(options.threads, 'fromStateDictSync');
    return PILOT.#restoreNow(dict, options);
  }

  static #restoreNow(dict: PilotStateDict, options: RestoreOptions): PILOT {
    rejectUnknown(options, RESTORE_OPTION_NAMES, 'fromStateDict options');
    const threadCount = checkThreads(options.threads);
    checkCache(options.cache);
    const nonFinitePolicy = checkNonFinite(options.nonFinite);
    const parsed = parseStateDict(dict);
    const pilot = PILOT.#allocate(
      parsed.groups.map((g, index) => ({
        hyperparameters: g.hyperparameters,
        tensorShapes: parsed.tensors.filter((t) => t.group === index).map((t) => t.shape),
      })),
      options.kernel,
      parsed.diagnostics,
      threadCount,
      options.cache === true,
    );
    const slots = pilot.#slots;
    parsed.groups.forEach((group, g) => {
      const at = pilot.#plan.groupSlot[g];
      slots[at + L.GROUP_STEP] = group.step;
      slots[at + L.GROUP_R] = group.r;
      slots[at + L.GROUP_RHO] = group.rho;
      slots[at + L.GROUP_PM] = group.pm;
      slots[at + L.GROUP_PV] = group.pv;
      slots[at + L.GROUP_PS] = group.ps;
      slots.set(group.phi, at + L.GROUP_PHI);
    });
    parsed.tensors.forEach((tensor, i) => {
      const placement = pilot.#plan.tensors[i];
      const memory = pilot.#core!.memory.buffer;
      new Float32Array(memory, placement.param, tensor.size).set(tensor.param);
      new Float32Array(memory, placement.m, tensor.size).set(tensor.m);
      new Float32Array(memory, placement.v, tensor.size).set(tensor.v);
      new Float32Array(memory, placement.gradPrev, tensor.size).set(tensor.gradPrev);
      if (tensor.record) pilot.#writeRecord(i, tensor.record);
    });
    if (pilot.cache) {
      pilot.paramGroups.forEach((group) => {
        if (group.tensors.length) pilot.#core!.exports.rebuildCaches(pilot.#recordByte(pilot.#plan.tensorSlot[group.tensors[0]]), group.tensors.length);
      });
    }
    pilot.#nonFinite = nonFinitePolicy;
    pilot.#skipped = parsed.groups[0].skipped;
    return pilot;
  }

  #initialisePolicy(group: number, degree: number, policy: readonly number[] | undefined): void {
    const at = this.#plan.groupSlot[group] + L.GROUP_PHI;
    if (policy) {
      this.#slots.set(policy, at);
    } else {
      INITIAL_PHI_CONSTANTS.forEach((constant, knob) => {
        this.#slots[at + knob * (degree + 1) + degree] = constant;
      });
    }
    this.#core!.exports.refreshPolicy(this.#recordByte(this.#plan.groupSlot[group]));
  }

  #recordByte(slot: number): number {
    return this.#plan.recordsByte + slot * 8;
  }

  #writeRecord(tensor: number, record: UpdateRecord): void {
    const at = this.#plan.tensorSlot[tensor];
    this.#slots[at + L.TENSOR_HAS_RECORD] = 1;
    this.#slots[at + L.TENSOR_RECORD_PM] = record.pm;
    this.#slots[at + L.TENSOR_RECORD_PV] = record.pv;
    this.#slots[at + L.TENSOR_RECORD_PS] = record.ps;
    this.#slots[at + L.TENSOR_RECORD_RHO] = record.rho;
    this.#slots[at + L.TENSOR_RECORD_BIAS1] = record.bias1;
    this.#slots[at + L.TENSOR_RECORD_BIAS2] = record.bias2;
  }

  #readRecord(tensor: number): UpdateRecord | null {
    const at = this.#plan.tensorSlot[tensor];
    if (this.#slots[at + L.TENSOR_HAS_RECORD] === 0) return null;
    return {
      pm: this.#slots[at + L.TENSOR_RECORD_PM],
      pv: this.#slots[at + L.TENSOR_RECORD_PV],
      ps: this.#slots[at + L.TENSOR_RECORD_PS],
      rho: this.#slots[at + L.TENSOR_RECORD_RHO],
      bias1: this.#slots[at + L.TENSOR_RECORD_BIAS1],
      bias2: this.#slots[at + L.TENSOR_RECORD_BIAS2],
    };
  }

  /** @internal Throws when the optimizer has been disposed. */
  assertLive(method: string): CoreInstance {
    if (this.#core === null) throw new Error(`PILOT.${method}: this optimizer has been disposed`);
    return this.#core;
  }

  /** Views of each tensor's values in Wasm memory: write initial values here, read results. */
  get params(): readonly Float32Array[] {
    this.assertLive('params');
    return this.#params;
  }

  /** Views where each step's gradients are written, in place. */
  get grads(): readonly Float32Array[] {
    this.assertLive('grads');
    return this.#grads;
  }

  /** Threads each step runs on: `threads` as asked, or 1 where threads are unavailable. */
  get threads(): number {
    return this.#pool?.threads ?? 1;
  }

  /** Why the optimizer runs on fewer threads than `threads` asked for; null when it does not. */
  get threadsFallback(): string | null {
    return this.#threadsFallback;
  }

  /** Bytes of Wasm memory this optimizer holds: parameters, gradients, state and records. */
  get memoryBytes(): number {
    return this.assertLive('memoryBytes').memory.buffer.byteLength;
  }

  get disposed(): boolean {
    return this.#core === null;
  }

  /** One PILOT step over every group, from the gradients in `grads`. */
  step(options: StepOptions = {}): void {
    const core = this.assertLive('step');
    const missing = new Set<number>();
    for (const index of options.missing ?? []) {
      if (!Number.isInteger(index) || index < 0 || index >= this.#params.length) {
        throw new RangeError(`step: missing index ${String(index)} is not a tensor index in [0, ${this.#params.length})`);
      }
      missing.add(index);
    }
    this.#plan.tensorSlot.forEach((at, i) => {
      this.#slots[at + L.TENSOR_PRESENT] = missing.has(i) ? 0 : 1;
    });
    if (this.#nonFinite !== 'propagate') {
      const bad = this.#firstNonFiniteGradient(core);
      if (bad !== null) {
        if (this.#nonFinite === 'skip') {
          this.#skipped += 1;
          return;
        }
        throw new NonFiniteGradientError(bad.tensor, bad.step, bad.element, bad.value);
      }
    }
    this.paramGroups.forEach((group, g) => {
      const tensors = group.tensors.length ? this.#recordByte(this.#plan.tensorSlot[group.tensors[0]]) : 0;
      const record = this.#recordByte(this.#plan.groupSlot[g]);
      if (this.#pool) this.#pool.stepGroup(record, tensors, group.tensors.length, this.#plan.partialsByte);
      else core.exports.stepGroup(record, tensors, group.tensors.length, this.#plan.partialsByte);
    });
    this.#history?.forEach((history, g) => recordDiagnostics(history, this.state(g)));
  }

  /** The first present tensor whose gradient holds a NaN or an infinity, where, and the step. */
  #firstNonFiniteGradient(core: CoreInstance): { tensor: number; step: number; element: number; value: number } | null {
    for (const [g, group] of this.paramGroups.entries()) {
      if (!group.tensors.length) continue;
      const found = core.exports.firstNonFiniteGradient(this.#recordByte(this.#plan.tensorSlot[group.tensors[0]]), group.tensors.length);
      if (found < 0) continue;
      const tensor = group.tensors[found];
      const element = this.#grads[tensor].findIndex((x) => !Number.isFinite(x));
      return { tensor, step: this.state(g).step + 1, element, value: this.#grads[tensor][element] };
    }
    return null;
  }

  #checkGroup(group: number, method: string): number {
    if (!Number.isInteger(group) || group < 0 || group >= this.paramGroups.length) {
      throw new RangeError(`${method}: group ${String(group)} is not a group index in [0, ${this.paramGroups.length})`);
    }
    return this.#plan.groupSlot[group];
  }

  /** The policy state of `group` after its last step. */
  state(group = 0): PilotState {
    this.assertLive('state');
    const at = this.#checkGroup(group, 'state');
    const degree = this.paramGroups[group].degree;
    return {
      step: this.#slots[at + L.GROUP_STEP],
      r: this.#slots[at + L.GROUP_R],
      rho: this.#slots[at + L.GROUP_RHO],
      pm: this.#slots[at + L.GROUP_PM],
      pv: this.#slots[at + L.GROUP_PV],
      ps: this.#slots[at + L.GROUP_PS],
      phi: Array.from(this.#slots.subarray(at + L.GROUP_PHI, at + L.GROUP_PHI + 3 * (degree + 1))),
      skipped: this.#skipped,
    };
  }

  /** Every step's r, rho, pm, pv, ps and phi for `group` (needs `diagnostics: true`). */
  diagnostics(group = 0): PilotDiagnostics {
    this.assertLive('diagnostics');
    this.#checkGroup(group, 'diagnostics');
    if (!this.#history) throw new Error('diagnostics: create the optimizer with { diagnostics: true } to record them');
    return copyDiagnostics(this.#history[group]);
  }

  /** Sets every gradient to zero. */
  zeroGrad(): void {
    this.assertLive('zeroGrad');
    for (const grad of this.#grads) grad.fill(0);
  }

  /** The whole optimizer, parameters included, as a plain JSON-serialisable object. */
  stateDict(): PilotStateDict {
    const memory = this.assertLive('stateDict').memory.buffer;
    const encode = (byte: number, size: number) => base64FromFloat32(new Float32Array(memory, byte, size));
    return {
      format: STATE_DICT_FORMAT,
      version: STATE_DICT_VERSION,
      diagnostics: this.#history !== null,
      groups: this.paramGroups.map((group, g) => {
        return { hyperparameters: group.hyperparameters(), ...this.state(g) };
      }),
      tensors: this.#plan.tensors.map((t, i) => ({
        group: this.#tensorGroup[i],
        shape: [...this.shapes[i]],
        param: encode(t.param, t.size),
        m: encode(t.m, t.size),
        v: encode(t.v, t.size),
        gradPrev: encode(t.gradPrev, t.size),
        record: this.#readRecord(i),
      })),
    };
  }

  /** Releases the Wasm instance and its memory; every later call throws. */
  dispose(): void {
    this.#pool?.close();
    this.#pool = null;
    this.#core = null;
  }
}
