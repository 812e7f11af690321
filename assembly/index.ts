// The Wasm core's exports. One call runs a whole step of one parameter group; TypeScript only lays
// out memory, writes hyperparameters and presence flags, and reads results back.
import {
  GROUP_LR, GROUP_BETA1, GROUP_BETA2, GROUP_EPS, GROUP_WEIGHT_DECAY, GROUP_STEP, GROUP_RHO,
  GROUP_PM, GROUP_PV, GROUP_PS,
  TENSOR_PARAM, TENSOR_GRAD, TENSOR_M, TENSOR_V, TENSOR_GRAD_PREV, TENSOR_LENGTH, TENSOR_PRESENT,
  TENSOR_HAS_RECORD, TENSOR_RECORD_PM, TENSOR_RECORD_PV, TENSOR_RECORD_PS, TENSOR_RECORD_RHO,
  TENSOR_RECORD_BIAS1, TENSOR_RECORD_BIAS2, TENSOR_SLOTS,
} from '../src/layout';
import {
  slot, setSlot, agreementCosine, smoothAgreement, evaluatePolicy, clearMetaGradient,
  accumulateMetaGradient, updatePolicy,
} from './policy';
import {
  resetAgreement, agreement, agreementAndMeta, update, streamFloor,
  sumDot, sumGradSquared, sumPrevSquared, metaSumM, metaSumV, metaSumS,
} from './passes';
import { exp, ln, lnNormal, pow } from './mathf';
import { width } from './lanes';

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

/** One PILOT step (SPEC.md steps 1-6) of a group whose `count` tensor records start at `tensors`. */
export function stepGroup(group: usize, tensors: usize, count: i32): void {
  if (ASC_FEATURE_SIMD) {
    stepGroupWith<v128>(group, tensors, count);
  } else {
    stepGroupWith<f32>(group, tensors, count);
  }
}

@inline function tensorRecord(tensors: usize, index: i32): usize {
  return tensors + <usize>(index * TENSOR_SLOTS) * 8;
}

@inline function pointer(record: usize, index: i32): usize {
  return <usize>slot(record, index);
}

function stepGroupWith<L>(group: usize, tensors: usize, count: i32): void {
  const t = slot(group, GROUP_STEP) + 1;
  setSlot(group, GROUP_STEP, t);
  const lr = slot(group, GROUP_LR);

  resetAgreement();
  clearMetaGradient(group);
  for (let i = 0; i < count; i++) {
    const tensor = tensorRecord(tensors, i);
    if (slot(tensor, TENSOR_PRESENT) == 0) continue;
    const length = <i32>slot(tensor, TENSOR_LENGTH);
    if (slot(tensor, TENSOR_HAS_RECORD) == 0) {
      agreement<L>(pointer(tensor, TENSOR_GRAD), pointer(tensor, TENSOR_GRAD_PREV), length);
      continue;
    }
    const psOld = slot(tensor, TENSOR_RECORD_PS);
    agreementAndMeta<L>(
      pointer(tensor, TENSOR_GRAD), pointer(tensor, TENSOR_GRAD_PREV),
      pointer(tensor, TENSOR_M), pointer(tensor, TENSOR_V), length,
      <f32>slot(tensor, TENSOR_RECORD_PM), <f32>(1 - slot(tensor, TENSOR_RECORD_PM)),
      <f32>slot(tensor, TENSOR_RECORD_PV), <f32>-psOld,
      <f32>slot(tensor, TENSOR_RECORD_BIAS1), <f32>slot(tensor, TENSOR_RECORD_BIAS2),
    );
    accumulateMetaGradient(
      group, slot(tensor, TENSOR_RECORD_RHO),
      -lr * (1 - psOld) * metaSumM, lr * metaSumV, lr * metaSumS,
    );
  }
  smoothAgreement(group, agreementCosine(sumDot, sumGradSquared, sumPrevSquared));
  evaluatePolicy(group);

  const beta1 = slot(group, GROUP_BETA1);
  const beta2 = slot(group, GROUP_BETA2);
  const bias1 = <f64><f32>(1 / (1 - Math.pow(beta1, t)));
  const bias2 = <f64><f32>(1 / (1 - Math.pow(beta2, t)));
  const pm = slot(group, GROUP_PM);
  const pv = slot(group, GROUP_PV);
  const ps = slot(group, GROUP_PS);
  const rho = slot(group, GROUP_RHO);
  const keep = 1 - lr * slot(group, GROUP_WEIGHT_DECAY);
  for (let i = 0; i < count; i++) {
    const tensor = tensorRecord(tensors, i);
    if (slot(tensor, TENSOR_PRESENT) == 0) continue;
    update<L>(
      pointer(tensor, TENSOR_PARAM), pointer(tensor, TENSOR_GRAD), pointer(tensor, TENSOR_M),
      pointer(tensor, TENSOR_V), pointer(tensor, TENSOR_GRAD_PREV), <i32>slot(tensor, TENSOR_LENGTH),
      <f32>beta1, <f32>(1 - beta1), <f32>beta2, <f32>(1 - beta2), <f32>bias1, <f32>bias2,
      <f32>pm, <f32>(1 - pm), <f32>pv, <f32>(1 - ps), <f32>-lr, <f32>slot(group, GROUP_EPS), <f32>keep,
    );
    setSlot(tensor, TENSOR_HAS_RECORD, 1);
    setSlot(tensor, TENSOR_RECORD_PM, pm);
    setSlot(tensor, TENSOR_RECORD_PV, pv);
    setSlot(tensor, TENSOR_RECORD_PS, ps);
    setSlot(tensor, TENSOR_RECORD_RHO, rho);
    setSlot(tensor, TENSOR_RECORD_BIAS1, bias1);
    setSlot(tensor, TENSOR_RECORD_BIAS2, bias2);
  }
  updatePolicy(group);
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
