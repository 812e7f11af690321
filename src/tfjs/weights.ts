// getWeights/setWeights's tensors, shared by both engines: float32 moments as they are, and the
// float64 policy state as the int32 pairs of its bits, so a save and restore is exact to the bit
// (a float32 tensor would round rho, phi and the knobs).
import * as tf from '@tensorflow/tfjs-core';
import type { EngineState, VariableState } from './engine.js';

/** tfjs-core's NamedTensor, which its index does not export. */
export interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

export const WEIGHTS_VERSION = 1;
const GROUP_NAME = 'pilot/group';
const SUFFIXES = ['m', 'v', 'gPrev', 'record'] as const;
const RECORD_LENGTH = 7;

function bitsOf(values: readonly number[]): tf.Tensor {
  return tf.tensor1d(new Int32Array(Float64Array.from(values).buffer), 'int32');
}

async function numbersOf(t: tf.Tensor, where: string): Promise<number[]> {
  if (t.dtype !== 'int32') throw new TypeError(`setWeights: ${where} must be int32 (float64 bits), got ${t.dtype}`);
  const ints = Int32Array.from(await t.data());
  if (ints.length % 2 !== 0) throw new RangeError(`setWeights: ${where} must hold float64 bit pairs, got ${ints.length} int32 values`);
  return Array.from(new Float64Array(ints.buffer));
}

/** The tensors getWeights returns after 'iter'. The caller owns (and disposes) them. */
export function encodeWeights(state: EngineState): NamedTensor[] {
  const { step, r, rho, pm, pv, ps, skipped, phi } = state.group;
  const weights: NamedTensor[] = [{ name: GROUP_NAME, tensor: bitsOf([WEIGHTS_VERSION, step, r, rho, pm, pv, ps, skipped, ...phi]) }];
  for (const v of state.variables) {
    const rec = v.record;
    weights.push(
      { name: `${v.name}/m`, tensor: tf.tensor(v.m, v.shape, 'float32') },
      { name: `${v.name}/v`, tensor: tf.tensor(v.v, v.shape, 'float32') },
      { name: `${v.name}/gPrev`, tensor: tf.tensor(v.gradPrev, v.shape, 'float32') },
      { name: `${v.name}/record`, tensor: bitsOf(rec ? [1, rec.pm, rec.pv, rec.ps, rec.rho, rec.bias1, rec.bias2] : [0, 0, 0, 0, 0, 0, 0]) },
    );
  }
  return weights;
}

/** Reads what encodeWeights wrote (after 'iter'), checking every part against `degree` and the
 *  registered variables' shapes; throws naming the first thing that is wrong. */
export async function decodeWeights(weights: readonly NamedTensor[], degree: number): Promise<EngineState> {
  const head = weights[0];
  if (!head || head.name !== GROUP_NAME) {
    throw new TypeError(`setWeights: expected '${GROUP_NAME}' after 'iter', got ${head ? `'${head.name}'` : 'nothing'} (weights not saved by PilotOptimizer?)`);
  }
  const [version, step, r, rho, pm, pv, ps, skipped, ...phi] = await numbersOf(head.tensor, GROUP_NAME);
  if (version !== WEIGHTS_VERSION) throw new RangeError(`setWeights: this build reads weights version ${WEIGHTS_VERSION}, got ${version}`);
  if (phi.length !== 3 * (degree + 1)) {
    throw new RangeError(`setWeights: phi has ${phi.length} coefficients; this optimizer's degree ${degree} needs ${3 * (degree + 1)}`);
  }
  const rest = weights.slice(1);
  if (rest.length % SUFFIXES.length !== 0) throw new RangeError(`setWeights: expected 4 tensors per variable (m, v, gPrev, record), got ${rest.length}`);
  const variables: VariableState[] = [];
  for (let i = 0; i < rest.length; i += SUFFIXES.length) {
    const group = rest.slice(i, i + SUFFIXES.length);
    const name = group[0].name.slice(0, -'/m'.length);
    group.forEach((w, k) => {
      if (w.name !== `${name}/${SUFFIXES[k]}`) throw new TypeError(`setWeights: expected '${name}/${SUFFIXES[k]}', got '${w.name}'`);
    });
    const [m, v, gradPrev, record] = group.map((w) => w.tensor);
    const shape = [...m.shape];
    for (const t of [v, gradPrev]) {
      if (!tf.util.arraysEqual(t.shape, shape)) throw new RangeError(`setWeights: the state of '${name}' has shapes [${shape}] and [${t.shape}]`);
    }
    const registered = tf.engine().registeredVariables[name];
    if (registered && !tf.util.arraysEqual(registered.shape, shape)) {
      throw new RangeError(`setWeights: the state of '${name}' has shape [${shape}], the variable has [${registered.shape}]`);
    }
    const [hasRecord, rpm, rpv, rps, rrho, bias1, bias2] = await numbersOf(record, `${name}/record`);
    if (hasRecord === undefined || (await record.data()).length !== 2 * RECORD_LENGTH) {
      throw new RangeError(`setWeights: ${name}/record must hold ${RECORD_LENGTH} float64 values`);
    }
    variables.push({
      name,
      shape,
      m: Float32Array.from(await m.data()),
      v: Float32Array.from(await v.data()),
      gradPrev: Float32Array.from(await gradPrev.data()),
      record: hasRecord ? { pm: rpm, pv: rpv, ps: rps, rho: rrho, bias1, bias2 } : null,
    });
  }
  return { group: { step, r, rho, pm, pv, ps, phi, skipped }, variables };
}
