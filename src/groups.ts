// What PILOT.create accepts, checked and put in one form: parameter groups of tensors.
import { type Hyperparameters, resolveHyperparameters } from './options.js';

export type Shape = readonly number[];

/** A tensor given with its starting values. */
export interface TensorSpec {
  shape: Shape;
  /** Starting values, row-major, exactly as many as the shape holds. Zeros when absent. */
  init?: ArrayLike<number>;
}

export type TensorInput = Shape | TensorSpec;

/** A parameter group as in PyTorch: its tensors, and hyperparameters that override the
 *  optimizer-wide ones. */
export interface GroupSpec extends Partial<Hyperparameters> {
  tensors: readonly TensorInput[];
}

export interface ResolvedTensor {
  shape: number[];
  size: number;
  init: ArrayLike<number> | undefined;
}

export interface ResolvedGroup {
  hyperparameters: Hyperparameters;
  tensors: ResolvedTensor[];
}

function isGroupSpec(input: unknown): input is GroupSpec {
  return input !== null && typeof input === 'object' && !Array.isArray(input) && 'tensors' in input;
}

/** Checks a shape: an array of non-negative integers. Returns a copy and its element count. */
export function resolveShape(shape: unknown, where: string): { shape: number[]; size: number } {
  if (!Array.isArray(shape)) throw new TypeError(`${where}: a shape must be an array of dimensions, got ${String(shape)}`);
  let size = 1;
  shape.forEach((dim, axis) => {
    if (!Number.isInteger(dim) || dim < 0) {
      throw new RangeError(`${where}: dimension ${axis} of shape [${shape.join(', ')}] must be a non-negative integer, got ${String(dim)}`);
    }
    size *= dim;
  });
  return { shape: [...shape], size };
}

function resolveTensor(input: TensorInput, where: string): ResolvedTensor {
  if (Array.isArray(input)) return { ...resolveShape(input, where), init: undefined };
  if (input === null || typeof input !== 'object' || !('shape' in input)) {
    throw new TypeError(`${where}: expected a shape or { shape, init }, got ${String(input)}`);
  }
  const spec = input as TensorSpec;
  const { shape, size } = resolveShape(spec.shape, where);
  if (spec.init !== undefined && (typeof spec.init !== 'object' || spec.init === null || spec.init.length !== size)) {
    const got = spec.init !== null && typeof spec.init === 'object' ? `${spec.init.length} values` : String(spec.init);
    throw new RangeError(`${where}: init must hold ${size} values for shape [${shape.join(', ')}], got ${got}`);
  }
  return { shape, size, init: spec.init };
}

/** One group of bare tensors, or several GroupSpecs; tensors are numbered across groups in order. */
export function resolveGroups(input: readonly (TensorInput | GroupSpec)[], defaults: Partial<Hyperparameters>): ResolvedGroup[] {
  if (!Array.isArray(input)) throw new TypeError(`tensors: expected an array of shapes, { shape, init } or groups, got ${String(input)}`);
  const shared = resolveHyperparameters(defaults);
  const groupCount = input.filter(isGroupSpec).length;
  if (groupCount === 0) {
    return [{ hyperparameters: shared, tensors: input.map((t, i) => resolveTensor(t as TensorInput, `tensors[${i}]`)) }];
  }
  if (groupCount !== input.length) {
    throw new TypeError('tensors: give either tensors (shapes or { shape, init }) or groups ({ tensors, ...hyperparameters }), not a mix');
  }
  return (input as GroupSpec[]).map((group, g) => {
    if (!Array.isArray(group.tensors)) throw new TypeError(`groups[${g}].tensors: expected an array, got ${String(group.tensors)}`);
    const { tensors, ...own } = group;
    let hyperparameters: Hyperparameters;
    try {
      hyperparameters = resolveHyperparameters(own, shared);
    } catch (error) {
      throw new RangeError(`groups[${g}]: ${(error as Error).message}`);
    }
    return { hyperparameters, tensors: tensors.map((t, i) => resolveTensor(t, `groups[${g}].tensors[${i}]`)) };
  });
}
