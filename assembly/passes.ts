// The two passes over memory that make up a PILOT step, written once over a lane type L
// (lanes.ts). Tensors are padded to a multiple of 4 elements with zeros, which every pass leaves
// at zero and which add nothing to any sum, so there is no remainder loop.
//
// Sums are accumulated in float32 lanes over chunks of CHUNK_BYTES and the chunks are added in
// float64: as fast as plain float32 accumulation and about as accurate as float64.
import {
  constant as c, zero, add, sub, mul, div, atLeast, atMost, within, abs, splat, withSignOf, sumLanes, width, anyLess, selectLess,
} from './lanes';
import {
  ONE, TINY, META_EPS, EXP_LOWER, EXP_FINITE_UPPER, LOG2E, ROUNDING_SHIFT, LN2_HI, LN2_LO, EXPONENT_BIAS, HALF,
  EXP_C0, EXP_C1, EXP_C2, EXP_C3, EXP_C4, INFINITY, SQRT_HALF_BITS, MANTISSA_MASK,
  LN_C0, LN_C1, LN_C2, LN_C3, LN_C4, LN_C5, LN_C6, LN_C7, SMALLEST_NORMAL, LARGEST, NEG_LARGEST,
} from './constants';
import { exp, ln, lnNormal } from './mathf';

export const CHUNK_ELEMENTS = 1024;
const CHUNK_BYTES: usize = CHUNK_ELEMENTS * 4;

/** Step 1 (agreement): sum(g*gPrev), sum(g*g), sum(gPrev*gPrev) since the last resetSums(). */
export let sumDot: f64 = 0;
export let sumGradSquared: f64 = 0;
export let sumPrevSquared: f64 = 0;
/** Step 4 (meta-gradient) of one tensor, without its scalar factors:
 *  sum(g * A * (mHat - gOld) / den), sum(g * B*s * vHat^pv * ln(vHat) / den^2), sum(g * B*s * ln|n| / den). */
export let metaSumM: f64 = 0;
export let metaSumV: f64 = 0;
export let metaSumS: f64 = 0;

/** A chunk's lane sums of steps 1 and 4, added to the float64 totals; false, adding nothing, when
 *  one of them is not finite: a float32 product or sum overflowed (or a NaN came in), and the
 *  caller redoes the chunk in float64 (sumChunkInFloat64). */
@inline function addChunk<L>(dot: L, gg: L, pp: L, accM: L, accV: L, accS: L): bool {
  const chunkDot = sumLanes<L>(dot), chunkGrad = sumLanes<L>(gg), chunkPrev = sumLanes<L>(pp);
  const chunkM = sumLanes<L>(accM), chunkV = sumLanes<L>(accV), chunkS = sumLanes<L>(accS);
  // Sums of float32 values cannot overflow float64, so one test covers all six.
  if (!isFinite(chunkDot + chunkGrad + chunkPrev + chunkM + chunkV + chunkS)) return false;
  sumDot += chunkDot;
  sumGradSquared += chunkGrad;
  sumPrevSquared += chunkPrev;
  metaSumM += chunkM;
  metaSumV += chunkV;
  metaSumS += chunkS;
  return true;
}

/** Steps 1 and 4 over the `bytes` of one chunk in float64, for a chunk whose float32 sums did not
 *  stay finite; step 1 only without a record (`hasRecord` false). The record's update is rebuilt
 *  exactly as `update` computed it in float32 (the same saturated values), then every factor and
 *  product is taken in float64, where none can overflow. */
function sumChunkInFloat64(
  grad: usize, gradPrev: usize, moment1: usize, moment2: usize, bytes: usize,
  hasRecord: bool, pm: f32, oneMinusPm: f32, pv: f32, negPs: f32, bias1: f32, bias2: f32,
): void {
  let dot: f64 = 0, gg: f64 = 0, pp: f64 = 0, accM: f64 = 0, accV: f64 = 0, accS: f64 = 0;
  for (let i: usize = 0; i < bytes; i += 4) {
    const g = load<f32>(grad + i);
    const gOld = load<f32>(gradPrev + i);
    dot += <f64>g * <f64>gOld;
    gg += <f64>g * <f64>g;
    pp += <f64>gOld * <f64>gOld;
    if (!hasRecord) continue;
    const mHat = within<f32>(load<f32>(moment1 + i) * bias1, -F32.MAX_VALUE, F32.MAX_VALUE);
    const vHat = atMost<f32>(load<f32>(moment2 + i) * bias2, F32.MAX_VALUE);
    const n = pm * mHat + oneMinusPm * gOld;
    const nAbs = <f64>within<f32>(Mathf.abs(n), 1e-12, F32.MAX_VALUE);
    const lnV = Math.log(<f64>atLeast<f32>(vHat, 1e-12));
    const vPow = Math.exp(<f64>pv * lnV);
    const invDen = 1 / (vPow + 1e-8);
    const lnN = Math.log(nAbs);
    const a = Math.exp(<f64>negPs * lnN);
    const signedB = n < 0 ? -nAbs * a : (n > 0 ? nAbs * a : 0);
    const gOverDen = <f64>g * invDen;
    accM += gOverDen * a * (<f64>mHat - <f64>gOld);
    accV += gOverDen * signedB * (vPow * lnV * invDen);
    accS += gOverDen * signedB * lnN;
  }
  sumDot += dot;
  sumGradSquared += gg;
  sumPrevSquared += pp;
  metaSumM += accM;
  metaSumV += accV;
  metaSumS += accS;
}

export function resetSums(): void {
  sumDot = 0;
  sumGradSquared = 0;
  sumPrevSquared = 0;
  metaSumM = 0;
  metaSumV = 0;
  metaSumS = 0;
}

/** Step 1 over one tensor that has no record of an earlier update. */
export function agreement<L>(grad: usize, gradPrev: usize, length: i32): void {
  const stride = <usize>width<L>() * 4;
  const end = <usize>length * 4;
  for (let chunk: usize = 0; chunk < end; chunk += CHUNK_BYTES) {
    const stop = chunk + CHUNK_BYTES < end ? chunk + CHUNK_BYTES : end;
    let dot = zero<L>(), gg = zero<L>(), pp = zero<L>();
    for (let i = chunk; i < stop; i += stride) {
      const g = load<L>(grad + i);
      const gPrev = load<L>(gradPrev + i);
      dot = add<L>(dot, mul<L>(g, gPrev));
      gg = add<L>(gg, mul<L>(g, g));
      pp = add<L>(pp, mul<L>(gPrev, gPrev));
    }
    if (!addChunk<L>(dot, gg, pp, zero<L>(), zero<L>(), zero<L>())) {
      sumChunkInFloat64(grad + chunk, gradPrev + chunk, 0, 0, stop - chunk, false, 0, 0, 0, 0, 0, 0);
    }
  }
}

/** Steps 1 and 4 in one pass over a tensor with a record. The record's update is rebuilt from
 *  m, v and gPrev, which that update left behind: mHat = m*bias1, vHat = v*bias2,
 *  n = pm*mHat + (1-pm)*gPrev, exactly as `update` computed them. */
export function agreementAndMeta<L>(
  grad: usize, gradPrev: usize, moment1: usize, moment2: usize, length: i32,
  // The record's numbers as the float32 the update multiplied by (the caller converts them, so
  // that V8 has no conversion to sink into the loop).
  pm: f32, oneMinusPm: f32, pv: f32, negPs: f32, bias1: f32, bias2: f32,
): void {
  const stride = <usize>width<L>() * 4;
  const end = <usize>length * 4;
  const pmL = splat<L>(pm);
  const oneMinusPmL = splat<L>(oneMinusPm);
  const pvL = splat<L>(pv);
  const negPsL = splat<L>(negPs);
  const bias1L = splat<L>(bias1);
  const bias2L = splat<L>(bias2);
  // Every constant of the math in a local, loaded once before the loop: V8 would otherwise
  // reload each one from memory and spill it to the stack on every iteration (bench/NOTES.md).
  const kLower = c<L>(EXP_LOWER), kUpper = c<L>(EXP_FINITE_UPPER), kLog2e = c<L>(LOG2E), kShift = c<L>(ROUNDING_SHIFT);
  const kLn2Hi = c<L>(LN2_HI), kLn2Lo = c<L>(LN2_LO), kOne = c<L>(ONE), kBias = c<L>(EXPONENT_BIAS), kHalf = c<L>(HALF);
  const kE0 = c<L>(EXP_C0), kE1 = c<L>(EXP_C1), kE2 = c<L>(EXP_C2), kE3 = c<L>(EXP_C3), kE4 = c<L>(EXP_C4);
  const kInf = c<L>(INFINITY), kSqrtHalf = c<L>(SQRT_HALF_BITS), kMantissa = c<L>(MANTISSA_MASK);
  const kL0 = c<L>(LN_C0), kL1 = c<L>(LN_C1), kL2 = c<L>(LN_C2), kL3 = c<L>(LN_C3), kL4 = c<L>(LN_C4);
  const kL5 = c<L>(LN_C5), kL6 = c<L>(LN_C6), kL7 = c<L>(LN_C7), kTiny = c<L>(TINY);
  const kMetaEps = c<L>(META_EPS);
  for (let chunk: usize = 0; chunk < end; chunk += CHUNK_BYTES) {
    const stop = chunk + CHUNK_BYTES < end ? chunk + CHUNK_BYTES : end;
    let dot = zero<L>(), gg = zero<L>(), pp = zero<L>();
    let accM = zero<L>(), accV = zero<L>(), accS = zero<L>();
    for (let i = chunk; i < stop; i += stride) {
      const g = load<L>(grad + i);
      const gOld = load<L>(gradPrev + i);
      dot = add<L>(dot, mul<L>(g, gOld));
      gg = add<L>(gg, mul<L>(g, g));
      pp = add<L>(pp, mul<L>(gOld, gOld));

      // Without `update`'s saturation: where it would change a value, that value overflowed, and the
      // chunk's sums with it, which sends the chunk to sumChunkInFloat64.
      const mHat = mul<L>(load<L>(moment1 + i), bias1L);
      const vHat = mul<L>(load<L>(moment2 + i), bias2L);
      const n = add<L>(mul<L>(pmL, mHat), mul<L>(oneMinusPmL, gOld));
      const lnV = lnNormal<L>(atLeast<L>(vHat, kTiny), kInf, kSqrtHalf, kMantissa, kOne, kL0, kL1, kL2, kL3, kL4, kL5, kL6, kL7, kLn2Hi, kLn2Lo, kHalf);
      const vPow = exp<L>(mul<L>(pvL, lnV), kLower, kUpper, kLog2e, kShift, kLn2Hi, kLn2Lo, kE0, kE1, kE2, kE3, kE4, kOne, kBias);
      const invDen = div<L>(kOne, add<L>(vPow, kMetaEps));
      const nAbs = atLeast<L>(abs<L>(n), kTiny);
      const lnN = lnNormal<L>(nAbs, kInf, kSqrtHalf, kMantissa, kOne, kL0, kL1, kL2, kL3, kL4, kL5, kL6, kL7, kLn2Hi, kLn2Lo, kHalf);
      const a = exp<L>(mul<L>(negPsL, lnN), kLower, kUpper, kLog2e, kShift, kLn2Hi, kLn2Lo, kE0, kE1, kE2, kE3, kE4, kOne, kBias);
      const signedB = withSignOf<L>(mul<L>(nAbs, a), n);
      const gOverDen = mul<L>(g, invDen);
      accM = add<L>(accM, mul<L>(mul<L>(gOverDen, a), sub<L>(mHat, gOld)));
      accV = add<L>(accV, mul<L>(mul<L>(gOverDen, signedB), mul<L>(mul<L>(vPow, lnV), invDen)));
      accS = add<L>(accS, mul<L>(mul<L>(gOverDen, signedB), lnN));
    }
    if (!addChunk<L>(dot, gg, pp, accM, accV, accS)) {
      sumChunkInFloat64(grad + chunk, gradPrev + chunk, moment1 + chunk, moment2 + chunk, stop - chunk, true, pm, oneMinusPm, pv, negPs, bias1, bias2);
    }
  }
}

/** Step 5 over one tensor: the moments, the policy-shaped update with decoupled decay, and
 *  gPrev = g. `keep` is 1 - lr*weightDecay. */
export function update<L>(
  param: usize, grad: usize, moment1: usize, moment2: usize, gradPrev: usize, length: i32,
  // Every per-call number as the float32 the loop multiplies by (see agreementAndMeta).
  beta1: f32, oneMinusBeta1: f32, beta2: f32, oneMinusBeta2: f32, bias1: f32, bias2: f32,
  pm: f32, oneMinusPm: f32, pv: f32, oneMinusPs: f32, lr: f32, eps: f32, keep: f32,
  // cache: true only: where this update leaves the next step's meta-gradient factors, and -ps.
  cache1: usize, cache2: usize, cache3: usize, negPs: f32,
): void {
  // One loop per mode, each without a branch on it.
  if (cache1 == 0) {
    updateLoop<L>(
      param, grad, moment1, moment2, gradPrev, length, beta1, oneMinusBeta1, beta2, oneMinusBeta2, bias1, bias2,
      pm, oneMinusPm, pv, oneMinusPs, lr, eps, keep, 0, 0, 0, negPs, false,
    );
  } else {
    updateLoop<L>(
      param, grad, moment1, moment2, gradPrev, length, beta1, oneMinusBeta1, beta2, oneMinusBeta2, bias1, bias2,
      pm, oneMinusPm, pv, oneMinusPs, lr, eps, keep, cache1, cache2, cache3, negPs, true,
    );
  }
}

@inline function updateLoop<L>(
  param: usize, grad: usize, moment1: usize, moment2: usize, gradPrev: usize, length: i32,
  beta1: f32, oneMinusBeta1: f32, beta2: f32, oneMinusBeta2: f32, bias1: f32, bias2: f32,
  pm: f32, oneMinusPm: f32, pv: f32, oneMinusPs: f32, lr: f32, eps: f32, keep: f32,
  cache1: usize, cache2: usize, cache3: usize, negPs: f32, caching: bool,
): void {
  const stride = <usize>width<L>() * 4;
  const end = <usize>length * 4;
  const beta1L = splat<L>(beta1);
  const oneMinusBeta1L = splat<L>(oneMinusBeta1);
  const beta2L = splat<L>(beta2);
  const oneMinusBeta2L = splat<L>(oneMinusBeta2);
  const bias1L = splat<L>(bias1);
  const bias2L = splat<L>(bias2);
  const pmL = splat<L>(pm);
  const oneMinusPmL = splat<L>(oneMinusPm);
  const pvL = splat<L>(pv);
  const oneMinusPsL = splat<L>(oneMinusPs);
  const lrL = splat<L>(lr);
  const epsL = splat<L>(eps);
  const keepL = splat<L>(keep);
  const pvIsZero = pv == 0;
  // Every constant of the math in a local, loaded once before the loop: V8 would otherwise
  // reload each one from memory and spill it to the stack on every iteration (bench/NOTES.md).
  const kLower = c<L>(EXP_LOWER), kUpper = c<L>(EXP_FINITE_UPPER), kLog2e = c<L>(LOG2E), kShift = c<L>(ROUNDING_SHIFT);
  const kLn2Hi = c<L>(LN2_HI), kLn2Lo = c<L>(LN2_LO), kOne = c<L>(ONE), kBias = c<L>(EXPONENT_BIAS), kHalf = c<L>(HALF);
  const kE0 = c<L>(EXP_C0), kE1 = c<L>(EXP_C1), kE2 = c<L>(EXP_C2), kE3 = c<L>(EXP_C3), kE4 = c<L>(EXP_C4);
  const kInf = c<L>(INFINITY), kSqrtHalf = c<L>(SQRT_HALF_BITS), kMantissa = c<L>(MANTISSA_MASK);
  const kL0 = c<L>(LN_C0), kL1 = c<L>(LN_C1), kL2 = c<L>(LN_C2), kL3 = c<L>(LN_C3), kL4 = c<L>(LN_C4);
  const kL5 = c<L>(LN_C5), kL6 = c<L>(LN_C6), kL7 = c<L>(LN_C7), kTiny = c<L>(TINY);
  const kSmallestNormal = c<L>(SMALLEST_NORMAL), kLargest = c<L>(LARGEST), kNegLargest = c<L>(NEG_LARGEST);
  // cache: true: ln(1e-12) and (1e-12)^pv, what the meta-gradient's clamp of v_hat gives.
  const negPsL = splat<L>(negPs);
  const kMetaEps = c<L>(META_EPS);
  const lnTiny = lnNormal<L>(kTiny);
  const tinyPow = exp<L>(mul<L>(pvL, lnTiny));
  for (let i: usize = 0; i < end; i += stride) {
    // Every value that could leave the float32 range under a huge but finite gradient saturates at
    // the largest float instead (g*g overflows from |g| > 1.8e19): the state and the parameters
    // stay finite, and a NaN still passes through (atMost and atLeast keep it).
    // The hats come from the unsaturated moments (the same values: a moment that saturates has
    // a hat that saturates), which keeps the saturation off the chain that leads to the update.
    // The exponentials saturate by their own clamp (EXP_FINITE_UPPER).
    const g = load<L>(grad + i);
    const mRaw = add<L>(mul<L>(beta1L, load<L>(moment1 + i)), mul<L>(oneMinusBeta1L, g));
    const vRaw = add<L>(mul<L>(beta2L, load<L>(moment2 + i)), mul<L>(oneMinusBeta2L, mul<L>(g, g)));
    const mHat = within<L>(mul<L>(mRaw, bias1L), kNegLargest, kLargest);
    const vHat = atMost<L>(mul<L>(vRaw, bias2L), kLargest);
    const n = add<L>(mul<L>(pmL, mHat), mul<L>(oneMinusPmL, g));
    const nAbs = within<L>(abs<L>(n), kTiny, kLargest);
    const lnN = lnNormal<L>(nAbs, kInf, kSqrtHalf, kMantissa, kOne, kL0, kL1, kL2, kL3, kL4, kL5, kL6, kL7, kLn2Hi, kLn2Lo, kHalf);
    const magnitude = exp<L>(mul<L>(oneMinusPsL, lnN), kLower, kUpper, kLog2e, kShift, kLn2Hi, kLn2Lo, kE0, kE1, kE2, kE3, kE4, kOne, kBias);
    // v_hat is not clamped here: 0^pv is 0 for pv > 0, and x^0 is 1 for every x.
    // ln(vHat) takes the full `ln` only for a vector with a lane below the smallest normal float
    // (zero or subnormal: a gradient that has been exactly zero); every other vector takes lnNormal.
    const lnV = anyLess<L>(vHat, kSmallestNormal)
      ? ln<L>(vHat)
      : lnNormal<L>(vHat, kInf, kSqrtHalf, kMantissa, kOne, kL0, kL1, kL2, kL3, kL4, kL5, kL6, kL7, kLn2Hi, kLn2Lo, kHalf);
    const vPow = pvIsZero ? kOne : exp<L>(mul<L>(pvL, lnV), kLower, kUpper, kLog2e, kShift, kLn2Hi, kLn2Lo, kE0, kE1, kE2, kE3, kE4, kOne, kBias);
    // The denominator is floored at the smallest normal float: with eps = 0, a gradient whose
    // square underflows leaves v = 0 while n is not 0, and x/0 would be Infinity. lr multiplies
    // before the division, so lr = 0 never meets an infinite quotient. The sign goes on last, so
    // that sign(0) = 0 gives d = 0 for n = 0 (SPEC.md) whatever the quotient.
    const den = atLeast<L>(add<L>(vPow, epsL), kSmallestNormal);
    const step = withSignOf<L>(div<L>(mul<L>(magnitude, lrL), den), n);
    // The decayed parameter saturates too (keep can be far from 1), so that it and the step are
    // never two infinities whose difference would be NaN.
    const decayed = within<L>(mul<L>(load<L>(param + i), keepL), kNegLargest, kLargest);
    store<L>(param + i, within<L>(sub<L>(decayed, step), kNegLargest, kLargest));
    store<L>(moment1 + i, within<L>(mRaw, kNegLargest, kLargest));
    store<L>(moment2 + i, atMost<L>(vRaw, kLargest));
    store<L>(gradPrev + i, g);
    if (caching) {
      // The factors the next step's meta-gradient multiplies its gradient by, from this update's
      // n, m_hat, v_hat and knobs, computed as metaFactors does from the stored state.
      const lnVClamped = selectLess<L>(vHat, kTiny, lnTiny, lnV);
      const vPowClamped = selectLess<L>(vHat, kTiny, tinyPow, vPow);
      const a = exp<L>(mul<L>(negPsL, lnN), kLower, kUpper, kLog2e, kShift, kLn2Hi, kLn2Lo, kE0, kE1, kE2, kE3, kE4, kOne, kBias);
      storeMetaFactors<L>(cache1 + i, cache2 + i, cache3 + i, mHat, g, n, nAbs, lnN, lnVClamped, vPowClamped, a, kOne, kMetaEps);
    }
  }
}

/** Step 4's three factors of one element of the record's update, which the meta-gradient
 *  multiplies by the new gradient: A*(mHat - gOld)/den, B*s*vHat^pv*ln(vHat)/den^2 and
 *  B*s*ln|n|/den, with v_hat clamped (lnV, vPow) and |n| clamped (nAbs, lnN); a = nAbs^-ps. */
@inline function storeMetaFactors<L>(
  at1: usize, at2: usize, at3: usize, mHat: L, gOld: L, n: L, nAbs: L, lnN: L, lnV: L, vPow: L, a: L, one: L, metaEps: L,
): void {
  const invDen = div<L>(one, add<L>(vPow, metaEps));
  const signedBOverDen = mul<L>(withSignOf<L>(mul<L>(nAbs, a), n), invDen);
  store<L>(at1, mul<L>(mul<L>(invDen, a), sub<L>(mHat, gOld)));
  store<L>(at2, mul<L>(signedBOverDen, mul<L>(mul<L>(vPow, lnV), invDen)));
  store<L>(at3, mul<L>(signedBOverDen, lnN));
}

/** Steps 1 and 4 of a tensor whose last update cached its meta-gradient factors (cache: true):
 *  the agreement sums and sum(g * factor) for the three factors. */
export function agreementAndCachedMeta<L>(
  grad: usize, gradPrev: usize, cache1: usize, cache2: usize, cache3: usize, length: i32,
  // What a chunk whose sums overflow is redone from: the state and the record (see agreementAndMeta).
  moment1: usize, moment2: usize, pm: f32, oneMinusPm: f32, pv: f32, negPs: f32, bias1: f32, bias2: f32,
): void {
  const stride = <usize>width<L>() * 4;
  const end = <usize>length * 4;
  for (let chunk: usize = 0; chunk < end; chunk += CHUNK_BYTES) {
    const stop = chunk + CHUNK_BYTES < end ? chunk + CHUNK_BYTES : end;
    let dot = zero<L>(), gg = zero<L>(), pp = zero<L>();
    let accM = zero<L>(), accV = zero<L>(), accS = zero<L>();
    for (let i = chunk; i < stop; i += stride) {
      const g = load<L>(grad + i);
      const gOld = load<L>(gradPrev + i);
      dot = add<L>(dot, mul<L>(g, gOld));
      gg = add<L>(gg, mul<L>(g, g));
      pp = add<L>(pp, mul<L>(gOld, gOld));
      accM = add<L>(accM, mul<L>(g, load<L>(cache1 + i)));
      accV = add<L>(accV, mul<L>(g, load<L>(cache2 + i)));
      accS = add<L>(accS, mul<L>(g, load<L>(cache3 + i)));
    }
    if (!addChunk<L>(dot, gg, pp, accM, accV, accS)) {
      sumChunkInFloat64(grad + chunk, gradPrev + chunk, moment1 + chunk, moment2 + chunk, stop - chunk, true, pm, oneMinusPm, pv, negPs, bias1, bias2);
    }
  }
}

/** The cached factors rebuilt from a tensor's stored m, v and gPrev and its record (after a
 *  restore from a state dict), exactly as the update that made the record caches them. */
export function rebuildMetaFactors<L>(
  gradPrev: usize, moment1: usize, moment2: usize, cache1: usize, cache2: usize, cache3: usize, length: i32,
  pm: f32, oneMinusPm: f32, pv: f32, negPs: f32, bias1: f32, bias2: f32,
): void {
  const stride = <usize>width<L>() * 4;
  const end = <usize>length * 4;
  const pmL = splat<L>(pm);
  const oneMinusPmL = splat<L>(oneMinusPm);
  const pvL = splat<L>(pv);
  const negPsL = splat<L>(negPs);
  const bias1L = splat<L>(bias1);
  const bias2L = splat<L>(bias2);
  const kTiny = c<L>(TINY), kOne = c<L>(ONE), kMetaEps = c<L>(META_EPS);
  const kLargest = c<L>(LARGEST), kNegLargest = c<L>(NEG_LARGEST);
  const lnTiny = lnNormal<L>(kTiny);
  const tinyPow = exp<L>(mul<L>(pvL, lnTiny));
  for (let i: usize = 0; i < end; i += stride) {
    const gOld = load<L>(gradPrev + i);
    const mHat = within<L>(mul<L>(load<L>(moment1 + i), bias1L), kNegLargest, kLargest);
    const vHat = atMost<L>(mul<L>(load<L>(moment2 + i), bias2L), kLargest);
    const n = add<L>(mul<L>(pmL, mHat), mul<L>(oneMinusPmL, gOld));
    const nAbs = within<L>(abs<L>(n), kTiny, kLargest);
    const lnN = lnNormal<L>(nAbs);
    // As the update: ln(v_hat) (all lanes normal or not), then the clamp at 1e-12 applied to it.
    const lnV = anyLess<L>(vHat, c<L>(SMALLEST_NORMAL)) ? ln<L>(vHat) : lnNormal<L>(vHat);
    const vPow = pv == 0 ? kOne : exp<L>(mul<L>(pvL, lnV), c<L>(EXP_LOWER), c<L>(EXP_FINITE_UPPER));
    const lnVClamped = selectLess<L>(vHat, kTiny, lnTiny, lnV);
    const vPowClamped = selectLess<L>(vHat, kTiny, tinyPow, vPow);
    const a = exp<L>(mul<L>(negPsL, lnN), c<L>(EXP_LOWER), c<L>(EXP_FINITE_UPPER));
    storeMetaFactors<L>(cache1 + i, cache2 + i, cache3 + i, mHat, gOld, n, nAbs, lnN, lnVClamped, vPowClamped, a, kOne, kMetaEps);
  }
}

/** The memory-bandwidth floor of a step, for the benchmark: reads p, g, m, v and gPrev and writes
 *  p, m, v and gPrev, exactly the bytes `update` moves, with one add per stored value and no other
 *  arithmetic. */
export function streamFloor<L>(param: usize, grad: usize, moment1: usize, moment2: usize, gradPrev: usize, length: i32): void {
  const stride = <usize>width<L>() * 4;
  const end = <usize>length * 4;
  for (let i: usize = 0; i < end; i += stride) {
    const g = load<L>(grad + i);
    store<L>(param + i, add<L>(load<L>(param + i), g));
    store<L>(moment1 + i, add<L>(load<L>(moment1 + i), g));
    store<L>(moment2 + i, add<L>(load<L>(moment2 + i), load<L>(gradPrev + i)));
    store<L>(gradPrev + i, g);
  }
}
