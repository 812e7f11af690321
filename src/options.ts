// PILOT's hyperparameters: defaults, and the checks SPEC.md's table sets for them.

/** Fixed values for some of the policy's knobs; a fixed knob's coefficients stop learning. */
export interface PolicyOverrides {
  pm?: number;
  pv?: number;
  ps?: number;
}

/** One parameter group's hyperparameters (SPEC.md, "Hyperparameters"). */
export interface Hyperparameters {
  /** Learning rate, >= 0. */
  lr: number;
  /** [beta1, beta2], each in [0, 1). */
  betas: [number, number];
  /** Added to the update's denominator, >= 0. */
  eps: number;
  /** Decoupled (AdamW-style) decay, any finite number. */
  weightDecay: number;
  /** Smoothing of the agreement signal rho, in [0, 1). */
  gamma: number;
  /** Learning rate of the policy phi, any finite number. */
  etaPhi: number;
  /** Degree d of the policy polynomials, an integer >= 1; phi has 3(d+1) coefficients. */
  degree: number;
  policyOverrides: PolicyOverrides;
}

export const DEFAULT_HYPERPARAMETERS: Readonly<Hyperparameters> = Object.freeze({
  lr: 1e-3,
  betas: [0.9, 0.999] as [number, number],
  eps: 1e-8,
  weightDecay: 0.01,
  gamma: 0.95,
  etaPhi: 0.01,
  degree: 2,
  policyOverrides: {},
});

export const HYPERPARAMETER_NAMES = Object.keys(DEFAULT_HYPERPARAMETERS) as (keyof Hyperparameters)[];

const KNOBS = ['pm', 'pv', 'ps'] as const;

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(describe).join(', ')}]`;
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function fail(name: string, value: unknown, expected: string): never {
  throw new RangeError(`${name} must be ${expected}, got ${describe(value)}`);
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number';
}

function checkUnitInterval(name: string, value: unknown): void {
  if (!isNumber(value) || !(value >= 0 && value < 1)) fail(name, value, 'a number in [0, 1)');
}

/** Throws a RangeError naming the hyperparameter and its value when `value` is outside its range. */
export function checkHyperparameter<K extends keyof Hyperparameters>(name: K, value: unknown): asserts value is Hyperparameters[K] {
  switch (name) {
    case 'lr':
      if (!isNumber(value) || !(value >= 0) || value === Infinity) fail('lr', value, 'a finite number >= 0');
      return;
    case 'betas':
      if (!Array.isArray(value) || value.length !== 2) fail('betas', value, 'a pair [beta1, beta2]');
      checkUnitInterval('betas[0] (beta1)', value[0]);
      checkUnitInterval('betas[1] (beta2)', value[1]);
      return;
    case 'eps':
      if (!isNumber(value) || !(value >= 0) || value === Infinity) fail('eps', value, 'a finite number >= 0');
      return;
    case 'weightDecay':
    case 'etaPhi':
      if (!isNumber(value) || !Number.isFinite(value)) fail(name, value, 'a finite number');
      return;
    case 'gamma':
      checkUnitInterval('gamma', value);
      return;
    case 'degree':
      if (!Number.isInteger(value) || (value as number) < 1) fail('degree', value, 'an integer >= 1');
      return;
    case 'policyOverrides': {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) fail('policyOverrides', value, 'an object {pm?, pv?, ps?}');
      for (const [knob, fixed] of Object.entries(value)) {
        if (!(KNOBS as readonly string[]).includes(knob)) fail('policyOverrides', value, "an object whose keys are among 'pm', 'pv', 'ps'");
        if (fixed !== undefined && (!isNumber(fixed) || !Number.isFinite(fixed))) fail(`policyOverrides.${knob}`, fixed, 'a finite number');
      }
      return;
    }
    default:
      throw new RangeError(`unknown hyperparameter ${describe(name)}; known: ${HYPERPARAMETER_NAMES.join(', ')}`);
  }
}

/** `defaults` with `given` laid over it, every value checked; copies, so later edits to `given`
 *  do not reach the optimizer. */
export function resolveHyperparameters(given: Partial<Hyperparameters>, defaults: Readonly<Hyperparameters> = DEFAULT_HYPERPARAMETERS): Hyperparameters {
  const resolved = { ...defaults } as Hyperparameters;
  for (const name of HYPERPARAMETER_NAMES) {
    const value = given[name];
    if (value === undefined) continue;
    checkHyperparameter(name, value);
    (resolved as unknown as Record<string, unknown>)[name] = value;
  }
  return copyHyperparameters(resolved);
}

export function copyHyperparameters(h: Readonly<Hyperparameters>): Hyperparameters {
  return { ...h, betas: [h.betas[0], h.betas[1]], policyOverrides: { ...h.policyOverrides } };
}
