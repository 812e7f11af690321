// The baselines' hyperparameters: checked at construction and on every change, each error naming
// the option and the value, as PilotOptimizer does.
export interface BaselineHyperparameters {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
}

type Check = (value: unknown) => boolean;

const isFiniteNumber: Check = (x) => typeof x === 'number' && Number.isFinite(x);
const inUnitInterval: Check = (x) => isFiniteNumber(x) && (x as number) >= 0 && (x as number) < 1;

const CHECKS: Record<keyof BaselineHyperparameters, [Check, string]> = {
  lr: [(x) => isFiniteNumber(x) && (x as number) >= 0, 'a number >= 0'],
  betas: [(x) => Array.isArray(x) && x.length === 2 && x.every(inUnitInterval), 'two numbers, each in [0, 1)'],
  eps: [(x) => isFiniteNumber(x) && (x as number) >= 0, 'a number >= 0'],
  weightDecay: [isFiniteNumber, 'a finite number'],
};

/** The defaults overlaid with `given`; throws on an unknown option or a bad value. */
export function resolveBaselineHyperparameters(
  optimizer: string, defaults: Readonly<BaselineHyperparameters>, given: Partial<BaselineHyperparameters>,
  usesEps = true,
): BaselineHyperparameters {
  const known = Object.keys(CHECKS).filter((name) => usesEps || name !== 'eps');
  for (const [name, value] of Object.entries(given)) {
    if (!known.includes(name)) throw new TypeError(`${optimizer}: unknown option '${name}'; known: ${known.join(', ')}`);
    const [check, expected] = CHECKS[name as keyof BaselineHyperparameters];
    if (!check(value)) throw new RangeError(`${optimizer}: ${name} must be ${expected}, got ${JSON.stringify(value)}`);
  }
  const h = { ...defaults, ...given };
  return { ...h, betas: [h.betas[0], h.betas[1]] };
}
