// The plain, JSON-serialisable form of a PILOT optimizer, and its checks on the way back in.
import { type Hyperparameters, resolveHyperparameters } from './options.js';
import { resolveShape } from './groups.js';
import { float32FromBase64 } from './base64.js';
import type { PilotState } from './pilot.js';

export const STATE_DICT_FORMAT = 'pilot-optimizer/state-dict';
export const STATE_DICT_VERSION = 1;

/** What the meta-gradient needs of a tensor's last update. */
export interface UpdateRecord {
  pm: number;
  pv: number;
  ps: number;
  rho: number;
  /** 1/(1-beta1^t) and 1/(1-beta2^t) of that update. */
  bias1: number;
  bias2: number;
}

export interface GroupStateDict extends PilotState {
  hyperparameters: Hyperparameters;
}

export interface TensorStateDict {
  group: number;
  shape: number[];
  /** float32 values, little-endian, base64. */
  param: string;
  m: string;
  v: string;
  gradPrev: string;
  record: UpdateRecord | null;
}

export interface PilotStateDict {
  format: typeof STATE_DICT_FORMAT;
  version: typeof STATE_DICT_VERSION;
  diagnostics: boolean;
  groups: GroupStateDict[];
  tensors: TensorStateDict[];
}

/** A checked state dict, its arrays decoded. */
export interface ParsedStateDict {
  diagnostics: boolean;
  groups: GroupStateDict[];
  tensors: (Omit<TensorStateDict, 'param' | 'm' | 'v' | 'gradPrev'> & {
    size: number;
    param: Float32Array;
    m: Float32Array;
    v: Float32Array;
    gradPrev: Float32Array;
  })[];
}

const RECORD_FIELDS = ['pm', 'pv', 'ps', 'rho', 'bias1', 'bias2'] as const;
const GROUP_NUMBERS = ['r', 'rho', 'pm', 'pv', 'ps', 'skipped'] as const;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function requireNumber(value: unknown, where: string): number {
  if (typeof value !== 'number') throw new TypeError(`${where}: expected a number, got ${String(value)}`);
  return value;
}

function decodeArray(value: unknown, size: number, where: string): Float32Array {
  if (typeof value !== 'string') throw new TypeError(`${where}: expected base64 float32 data, got ${typeof value}`);
  let values: Float32Array;
  try {
    values = float32FromBase64(value);
  } catch (error) {
    throw new TypeError(`${where}: ${(error as Error).message}`);
  }
  if (values.length !== size) throw new RangeError(`${where}: expected ${size} float32 values, got ${values.length}`);
  return values;
}

/** Checks every field of `dict`; throws naming the first one that is wrong. */
export function parseStateDict(dict: unknown): ParsedStateDict {
  if (!isObject(dict)) throw new TypeError(`stateDict: expected an object, got ${String(dict)}`);
  if (dict.format !== STATE_DICT_FORMAT) throw new TypeError(`stateDict.format: expected '${STATE_DICT_FORMAT}', got ${String(dict.format)}`);
  if (dict.version !== STATE_DICT_VERSION) {
    throw new RangeError(`stateDict.version: this build reads version ${STATE_DICT_VERSION}, got ${String(dict.version)}`);
  }
  if (!Array.isArray(dict.groups) || dict.groups.length === 0) throw new TypeError('stateDict.groups: expected a non-empty array');
  if (!Array.isArray(dict.tensors)) throw new TypeError('stateDict.tensors: expected an array');

  const groups = dict.groups.map((group: unknown, g: number): GroupStateDict => {
    const where = `stateDict.groups[${g}]`;
    if (!isObject(group)) throw new TypeError(`${where}: expected an object`);
    if (!isObject(group.hyperparameters)) throw new TypeError(`${where}.hyperparameters: expected an object`);
    let hyperparameters: Hyperparameters;
    try {
      hyperparameters = resolveHyperparameters(group.hyperparameters as Partial<Hyperparameters>);
    } catch (error) {
      throw new RangeError(`${where}.hyperparameters: ${(error as Error).message}`);
    }
    const step = requireNumber(group.step, `${where}.step`);
    if (!Number.isInteger(step) || step < 0) throw new RangeError(`${where}.step: expected an integer >= 0, got ${step}`);
    const phiLength = 3 * (hyperparameters.degree + 1);
    if (!Array.isArray(group.phi) || group.phi.length !== phiLength) {
      throw new RangeError(`${where}.phi: expected ${phiLength} coefficients for degree ${hyperparameters.degree}, got ${Array.isArray(group.phi) ? group.phi.length : String(group.phi)}`);
    }
    const phi = group.phi.map((c: unknown, j: number) => requireNumber(c, `${where}.phi[${j}]`));
    const numbers = Object.fromEntries(GROUP_NUMBERS.map((k) => [k, requireNumber(group[k], `${where}.${k}`)]));
    return { hyperparameters, step, phi, ...numbers } as GroupStateDict;
  });

  let lastGroup = 0;
  const tensors = dict.tensors.map((tensor: unknown, i: number) => {
    const where = `stateDict.tensors[${i}]`;
    if (!isObject(tensor)) throw new TypeError(`${where}: expected an object`);
    const group = tensor.group;
    if (!Number.isInteger(group) || (group as number) < lastGroup || (group as number) >= groups.length) {
      throw new RangeError(`${where}.group: expected a group index in [${lastGroup}, ${groups.length}) (tensors ordered by group), got ${String(group)}`);
    }
    lastGroup = group as number;
    const { shape, size } = resolveShape(tensor.shape, `${where}.shape`);
    let record: UpdateRecord | null = null;
    if (tensor.record !== null) {
      if (!isObject(tensor.record)) throw new TypeError(`${where}.record: expected an object or null`);
      const fields = tensor.record;
      record = Object.fromEntries(RECORD_FIELDS.map((k) => [k, requireNumber(fields[k], `${where}.record.${k}`)])) as unknown as UpdateRecord;
    }
    return {
      group: group as number, shape, size, record,
      param: decodeArray(tensor.param, size, `${where}.param`),
      m: decodeArray(tensor.m, size, `${where}.m`),
      v: decodeArray(tensor.v, size, `${where}.v`),
      gradPrev: decodeArray(tensor.gradPrev, size, `${where}.gradPrev`),
    };
  });
  return { diagnostics: dict.diagnostics === true, groups, tensors };
}
