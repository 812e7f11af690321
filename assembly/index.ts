// The Wasm core's exports. One call runs a whole step of one parameter group; TypeScript only lays
// out memory, writes hyperparameters and presence flags, and reads results back.
import {
  GROUP_LR, GROUP_BETA1, GROUP_BETA2, GROUP_EPS, GROUP_WEIGHT_DECAY, GROUP_STEP, GROUP_RHO,
  GROUP_PM, GROUP_PV, GROUP_PS,
  TENSOR_PARAM, TENSOR_GRAD, TENSOR_M, TENSOR_V, TENSOR_GRAD_PREV, TENSOR_LENGTH, TENSOR_PRESENT,
  TENSOR_HAS_RECORD, TENSOR_RECORD_PM, TENSOR_RECORD_PV, TENSOR_RECORD_PS, TENSOR_RECORD_RHO,
  TENSOR_RECORD_BIAS1, TENSOR_RECORD_BIAS2, TENSOR_SLOTS, PARTIAL_SLOTS, TENSOR_CACHE,
} from '../src/layout';
import {
  slot, setSlot, agreementCosine, smoothAgreement, evaluatePolicy, clearMetaGradient,
  accumulateMetaGradient, updatePolicy,
} from './policy';
import {
  resetSums, agreement, agreementAndMeta, agreementAndCachedMeta, rebuildMetaFactors, update, streamFloor, CHUNK_ELEMENTS,
  sumDot, sumGradSquared, sumPrevSquared, metaSumM, metaSumV, metaSumS,
} from './passes';
import { exp, ln, lnNormal, pow } from './mathf';
import { width, zero, add, mul, sumLanes } from './lanes';

/** First byte the optimizer may lay out its records and tensors from. */
export function heapBase(): usize {
  return __heap_base;
}

/** Lanes per vector in this build: 4 with SIMD, 1 without. */
export function laneWidth(): i32 {
  return ASC_FEATURE_SIMD ? width<v128>() : width<f32>();
}

/** Sets pm, pv and ps from the group's phi and rho (for state() before the first step). */
export function refreshPolicy(group: usize): void {
  evaluatePolicy(group);
}

/** One PILOT step (SPEC.md steps 1-6) of a group whose `count` tensor records start at `tensors`,
 *  on one thread: the three phases below back to back, with one slice. `partials` is scratch for
 *  PARTIAL_SLOTS float64 per tensor. */
export function stepGroup(group: usize, tensors: usize, count: i32, partials: usize): void {
  reduceSlice(tensors, count, partials, 0, 1);
  combineSlices(group, tensors, count, partials, 1);
  updateSlice(group, tensors, count, 0, 1);
}

/** Index (among the `count` records at `tensors`) of the first tensor with a gradient this step
 *  that holds a NaN or an infinity, or -1: the check the non-finite policies run before a step. */
export function firstNonFiniteGradient(tensors: usize, count: i32): i32 {
  if (ASC_FEATURE_SIMD) {
    return firstNonFiniteGradientWith<v128>(tensors, count);
  } else {
    return firstNonFiniteGradientWith<f32>(tensors, count);
  }
}

function firstNonFiniteGradientWith<L>(tensors: usize, count: i32): i32 {
  const stride = <usize>width<L>() * 4;
  for (let i = 0; i < count; i++) {
    const tensor = tensorRecord(tensors, i);
    if (slot(tensor, TENSOR_PRESENT) == 0) continue;
    const grad = pointer(tensor, TENSOR_GRAD);
    const end = <usize>slot(tensor, TENSOR_LENGTH) * 4;
    // 0 * x is NaN exactly when x is NaN or an infinity, and a NaN stays in the sum.
    let poisoned = zero<L>();
    for (let at: usize = 0; at < end; at += stride) poisoned = add<L>(poisoned, mul<L>(load<L>(grad + at), zero<L>()));
    if (isNaN(sumLanes<L>(poisoned))) return i;
  }
  return -1;
}

// A multi-threaded step runs the same three phases: every thread reduces its slice of every tensor
// (steps 1 and 4's sums), one thread combines the slices' sums and runs the policy (steps 2-4 and
// 6), then every thread updates its slice (step 5). Slice k of n covers the k-th n-th of each
// tensor's 1024-element chunks, so the threads share the work evenly.

@inline function tensorRecord(tensors: usize, index: i32): usize {
  return tensors + <usize>(index * TENSOR_SLOTS) * 8;
}

@inline function pointer(record: usize, index: i32): usize {
  return <usize>slot(record, index);
}

/** First element of slice `slice` of `slices` over `length` elements, on a chunk boundary. */
@inline function sliceStart(length: i32, slice: i32, slices: i32): i32 {
  const chunks = (<i64>length + CHUNK_ELEMENTS - 1) / CHUNK_ELEMENTS;
  const start = <i32>((chunks * slice) / slices) * CHUNK_ELEMENTS;
  return start < length ? start : length;
}

@inline function partialsOf(partials: usize, count: i32, index: i32, slice: i32): usize {
  return partials + <usize>((slice * count + index) * PARTIAL_SLOTS) * 8;
}

/** Phase 1 on one thread: steps 1 and 4's sums over slice `slice` of `slices` of every present
 *  tensor, into that slice's partials. */
export function reduceSlice(tensors: usize, count: i32, partials: usize, slice: i32, slices: i32): void {
  if (ASC_FEATURE_SIMD) {
    reduceSliceWith<v128>(tensors, count, partials, slice, slices);
  } else {
    reduceSliceWith<f32>(tensors, count, partials, slice, slices);
  }
}

/** Phase 2, once: steps 2-4 and 6 from the partial sums of `slices` slices, and each present
 *  tensor's record of the update phase 3 applies. */
export function combineSlices(group: usize, tensors: usize, count: i32, partials: usize, slices: i32): void {
  const t = slot(group, GROUP_STEP) + 1;
  setSlot(group, GROUP_STEP, t);
  const lr = slot(group, GROUP_LR);
  let dot: f64 = 0, gradSquared: f64 = 0, prevSquared: f64 = 0;
  clearMetaGradient(group);
  for (let i = 0; i < count; i++) {
    const tensor = tensorRecord(tensors, i);
    if (slot(tensor, TENSOR_PRESENT) == 0) continue;
    let tensorDot: f64 = 0, tensorGrad: f64 = 0, tensorPrev: f64 = 0, m: f64 = 0, v: f64 = 0, s: f64 = 0;
    for (let k = 0; k < slices; k++) {
      const at = partialsOf(partials, count, i, k);
      tensorDot += slot(at, 0);
      tensorGrad += slot(at, 1);
      tensorPrev += slot(at, 2);
      m += slot(at, 3);
      v += slot(at, 4);
      s += slot(at, 5);
    }
    dot += tensorDot;
    gradSquared += tensorGrad;
    prevSquared += tensorPrev;
    if (slot(tensor, TENSOR_HAS_RECORD) == 0) continue;
    const psOld = slot(tensor, TENSOR_RECORD_PS);
    accumulateMetaGradient(group, slot(tensor, TENSOR_RECORD_RHO), -lr * (1 - psOld) * m, lr * v, lr * s);
  }
  smoothAgreement(group, agreementCosine(dot, gradSquared, prevSquared));
  evaluatePolicy(group);

  // The record of this step's update, which phase 3 reads and the next step's meta-gradient uses.
  const bias1 = <f64><f32>(1 / (1 - Math.pow(slot(group, GROUP_BETA1), t)));
  const bias2 = <f64><f32>(1 / (1 - Math.pow(slot(group, GROUP_BETA2), t)));
  for (let i = 0; i < count; i++) {
    const tensor = tensorRecord(tensors, i);
    if (slot(tensor, TENSOR_PRESENT) == 0) continue;
    setSlot(tensor, TENSOR_HAS_RECORD, 1);
    setSlot(tensor, TENSOR_RECORD_PM, slot(group, GROUP_PM));
    setSlot(tensor, TENSOR_RECORD_PV, slot(group, GROUP_PV));
    setSlot(tensor, TENSOR_RECORD_PS, slot(group, GROUP_PS));
    setSlot(tensor, TENSOR_RECORD_RHO, slot(group, GROUP_RHO));
    setSlot(tensor, TENSOR_RECORD_BIAS1, bias1);
    setSlot(tensor, TENSOR_RECORD_BIAS2, bias2);
  }
  updatePolicy(group);
}

/** Phase 3 on one thread: step 5 over slice `slice` of `slices` of every present tensor. */
export function updateSlice(group: usize, tensors: usize, count: i32, slice: i32, slices: i32): void {
  if (ASC_FEATURE_SIMD) {
    updateSliceWith<v128>(group, tensors, count, slice, slices);
  } else {
    updateSliceWith<f32>(group, tensors, count, slice, slices);
  }
}

function reduceSliceWith<L>(tensors: usize, count: i32, partials: usize, slice: i32, slices: i32): void {
  for (let i = 0; i < count; i++) {
    const tensor = tensorRecord(tensors, i);
    if (slot(tensor, TENSOR_PRESENT) == 0) continue;
    const length = <i32>slot(tensor, TENSOR_LENGTH);
    const start = sliceStart(length, slice, slices);
    const offset = <usize>start * 4;
    const elements = sliceStart(length, slice + 1, slices) - start;
    resetSums();
    const cache = pointer(tensor, TENSOR_CACHE);
    const grad = pointer(tensor, TENSOR_GRAD) + offset;
    const gradPrev = pointer(tensor, TENSOR_GRAD_PREV) + offset;
    const moment1 = pointer(tensor, TENSOR_M) + offset;
    const moment2 = pointer(tensor, TENSOR_V) + offset;
    // The record's numbers as the float32 the update multiplied by (see agreementAndMeta).
    const pm = slot(tensor, TENSOR_RECORD_PM);
    const pmF = <f32>pm, oneMinusPm = <f32>(1 - pm), pv = <f32>slot(tensor, TENSOR_RECORD_PV);
    const negPs = <f32>-slot(tensor, TENSOR_RECORD_PS);
    const bias1 = <f32>slot(tensor, TENSOR_RECORD_BIAS1), bias2 = <f32>slot(tensor, TENSOR_RECORD_BIAS2);
    if (slot(tensor, TENSOR_HAS_RECORD) == 0) {
      agreement<L>(grad, gradPrev, elements);
    } else if (cache != 0) {
      const factors = <usize>length * 4;
      agreementAndCachedMeta<L>(
        grad, gradPrev, cache + offset, cache + factors + offset, cache + 2 * factors + offset, elements,
        moment1, moment2, pmF, oneMinusPm, pv, negPs, bias1, bias2,
      );
    } else {
      agreementAndMeta<L>(grad, gradPrev, moment1, moment2, elements, pmF, oneMinusPm, pv, negPs, bias1, bias2);
    }
    const at = partialsOf(partials, count, i, slice);
    setSlot(at, 0, sumDot);
    setSlot(at, 1, sumGradSquared);
    setSlot(at, 2, sumPrevSquared);
    setSlot(at, 3, metaSumM);
    setSlot(at, 4, metaSumV);
    setSlot(at, 5, metaSumS);
  }
}

function updateSliceWith<L>(group: usize, tensors: usize, count: i32, slice: i32, slices: i32): void {
  const lr = slot(group, GROUP_LR);
  const beta1 = slot(group, GROUP_BETA1);
  const beta2 = slot(group, GROUP_BETA2);
  const keep = 1 - lr * slot(group, GROUP_WEIGHT_DECAY);
  for (let i = 0; i < count; i++) {
    const tensor = tensorRecord(tensors, i);
    if (slot(tensor, TENSOR_PRESENT) == 0) continue;
    const length = <i32>slot(tensor, TENSOR_LENGTH);
    const start = sliceStart(length, slice, slices);
    const offset = <usize>start * 4;
    const pm = slot(tensor, TENSOR_RECORD_PM);
    const cache = pointer(tensor, TENSOR_CACHE);
    const factors = <usize>length * 4;
    update<L>(
      pointer(tensor, TENSOR_PARAM) + offset, pointer(tensor, TENSOR_GRAD) + offset, pointer(tensor, TENSOR_M) + offset,
      pointer(tensor, TENSOR_V) + offset, pointer(tensor, TENSOR_GRAD_PREV) + offset, sliceStart(length, slice + 1, slices) - start,
      <f32>beta1, <f32>(1 - beta1), <f32>beta2, <f32>(1 - beta2),
      <f32>slot(tensor, TENSOR_RECORD_BIAS1), <f32>slot(tensor, TENSOR_RECORD_BIAS2),
      <f32>pm, <f32>(1 - pm), <f32>slot(tensor, TENSOR_RECORD_PV), <f32>(1 - slot(tensor, TENSOR_RECORD_PS)),
      <f32>lr, <f32>slot(group, GROUP_EPS), <f32>keep,
      cache == 0 ? 0 : cache + offset, cache == 0 ? 0 : cache + factors + offset, cache == 0 ? 0 : cache + 2 * factors + offset,
      <f32>-slot(tensor, TENSOR_RECORD_PS),
    );
  }
}

/** cache: true, after a restore: every tensor with a record gets its cached meta-gradient factors
 *  rebuilt from its m, v, gPrev and record. */
export function rebuildCaches(tensors: usize, count: i32): void {
  for (let i = 0; i < count; i++) {
    const tensor = tensorRecord(tensors, i);
    const cache = pointer(tensor, TENSOR_CACHE);
    if (cache == 0 || slot(tensor, TENSOR_HAS_RECORD) == 0) continue;
    const length = <i32>slot(tensor, TENSOR_LENGTH);
    const factors = <usize>length * 4;
    const pm = slot(tensor, TENSOR_RECORD_PM);
    const gradPrev = pointer(tensor, TENSOR_GRAD_PREV), moment1 = pointer(tensor, TENSOR_M), moment2 = pointer(tensor, TENSOR_V);
    const pmF = <f32>pm, oneMinusPm = <f32>(1 - pm), pv = <f32>slot(tensor, TENSOR_RECORD_PV);
    const negPs = <f32>-slot(tensor, TENSOR_RECORD_PS);
    const bias1 = <f32>slot(tensor, TENSOR_RECORD_BIAS1), bias2 = <f32>slot(tensor, TENSOR_RECORD_BIAS2);
    if (ASC_FEATURE_SIMD) {
      rebuildMetaFactors<v128>(
        gradPrev, moment1, moment2, cache, cache + factors, cache + 2 * factors, length, pmF, oneMinusPm, pv, negPs, bias1, bias2,
      );
    } else {
      rebuildMetaFactors<f32>(
        gradPrev, moment1, moment2, cache, cache + factors, cache + 2 * factors, length, pmF, oneMinusPm, pv, negPs, bias1, bias2,
      );
    }
  }
}

/** The benchmark's memory-bandwidth floor over one tensor (passes.ts, streamFloor): the bytes of
 *  a step's update, and no math. Not used by the optimizer. */
export function streamFloorPass(param: usize, grad: usize, moment1: usize, moment2: usize, gradPrev: usize, length: i32): void {
  if (ASC_FEATURE_SIMD) {
    streamFloor<v128>(param, grad, moment1, moment2, gradPrev, length);
  } else {
    streamFloor<f32>(param, grad, moment1, moment2, gradPrev, length);
  }
}

// Element-wise maps of the vector math over `length` floats (a multiple of 4) in place, so tests
// can sweep the exact code the step runs against Math.
export function mapLn(data: usize, length: i32): void {
  if (ASC_FEATURE_SIMD) { mapLnWith<v128>(data, length); } else { mapLnWith<f32>(data, length); }
}
export function mapLnNormal(data: usize, length: i32): void {
  if (ASC_FEATURE_SIMD) { mapLnNormalWith<v128>(data, length); } else { mapLnNormalWith<f32>(data, length); }
}
export function mapExp(data: usize, length: i32): void {
  if (ASC_FEATURE_SIMD) { mapExpWith<v128>(data, length); } else { mapExpWith<f32>(data, length); }
}
/** data[i] = data[i] ^ exponents[i]. */
export function mapPow(data: usize, exponents: usize, length: i32): void {
  if (ASC_FEATURE_SIMD) { mapPowWith<v128>(data, exponents, length); } else { mapPowWith<f32>(data, exponents, length); }
}

function mapLnWith<L>(data: usize, length: i32): void {
  for (let i: usize = 0; i < <usize>length * 4; i += <usize>width<L>() * 4) store<L>(data + i, ln<L>(load<L>(data + i)));
}
function mapLnNormalWith<L>(data: usize, length: i32): void {
  for (let i: usize = 0; i < <usize>length * 4; i += <usize>width<L>() * 4) store<L>(data + i, lnNormal<L>(load<L>(data + i)));
}
function mapExpWith<L>(data: usize, length: i32): void {
  for (let i: usize = 0; i < <usize>length * 4; i += <usize>width<L>() * 4) store<L>(data + i, exp<L>(load<L>(data + i)));
}
function mapPowWith<L>(data: usize, exponents: usize, length: i32): void {
  for (let i: usize = 0; i < <usize>length * 4; i += <usize>width<L>() * 4) {
    store<L>(data + i, pow<L>(load<L>(data + i), load<L>(exponents + i)));
  }
}
