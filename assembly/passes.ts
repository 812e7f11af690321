// The two passes over memory that make up a PILOT step, written once over a lane type L
// (lanes.ts). Tensors are padded to a multiple of 4 elements with zeros, which every pass leaves
// at zero and which add nothing to any sum, so there is no remainder loop.
//
// Sums are accumulated in float32 lanes over chunks of CHUNK_BYTES and the chunks are added in
// float64: as fast as plain float32 accumulation and about as accurate as float64.
import { constant as c, zero, add, sub, mul, div, atLeast, abs, splat, withSignOf, sumLanes, width } from './lanes';
import { ONE, TINY, META_EPS } from './constants';
import { exp, ln, lnNormal } from './mathf';

const CHUNK_BYTES: usize = 4096;

/** Step 1 (agreement): sum(g*gPrev), sum(g*g), sum(gPrev*gPrev), added up across tensors. */
export let sumDot: f64 = 0;
export let sumGradSquared: f64 = 0;
export let sumPrevSquared: f64 = 0;
/** Step 4 (meta-gradient) of one tensor, without its scalar factors:
 *  sum(g * A * (mHat - gOld) / den), sum(g * B*s * vHat^pv * ln(vHat) / den^2), sum(g * B*s * ln|n| / den). */
export let metaSumM: f64 = 0;
export let metaSumV: f64 = 0;
export let metaSumS: f64 = 0;

export function resetAgreement(): void {
  sumDot = 0;
  sumGradSquared = 0;
  sumPrevSquared = 0;
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
    sumDot += sumLanes<L>(dot);
    sumGradSquared += sumLanes<L>(gg);
    sumPrevSquared += sumLanes<L>(pp);
  }
}

/** Steps 1 and 4 in one pass over a tensor with a record. The record's update is rebuilt from
 *  m, v and gPrev, which that update left behind: mHat = m*bias1, vHat = v*bias2,
 *  n = pm*mHat + (1-pm)*gPrev, exactly as `update` computed them. */
export function agreementAndMeta<L>(
  grad: usize, gradPrev: usize, moment1: usize, moment2: usize, length: i32,
  pm: f64, pv: f64, ps: f64, bias1: f64, bias2: f64,
): void {
  const stride = <usize>width<L>() * 4;
  const end = <usize>length * 4;
  const pmL = splat<L>(<f32>pm);
  const oneMinusPmL = splat<L>(<f32>(1 - pm));
  const pvL = splat<L>(<f32>pv);
  const negPsL = splat<L>(<f32>-ps);
  const bias1L = splat<L>(<f32>bias1);
  const bias2L = splat<L>(<f32>bias2);
  metaSumM = 0;
  metaSumV = 0;
  metaSumS = 0;
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

      const mHat = mul<L>(load<L>(moment1 + i), bias1L);
      const vHat = mul<L>(load<L>(moment2 + i), bias2L);
      const n = add<L>(mul<L>(pmL, mHat), mul<L>(oneMinusPmL, gOld));
      const lnV = lnNormal<L>(atLeast<L>(vHat, c<L>(TINY)));
      const vPow = exp<L>(mul<L>(pvL, lnV));
      const invDen = div<L>(c<L>(ONE), add<L>(vPow, c<L>(META_EPS)));
      const nAbs = atLeast<L>(abs<L>(n), c<L>(TINY));
      const lnN = lnNormal<L>(nAbs);
      const a = exp<L>(mul<L>(negPsL, lnN));
      const signedB = withSignOf<L>(mul<L>(nAbs, a), n);
      const gOverDen = mul<L>(g, invDen);
      accM = add<L>(accM, mul<L>(mul<L>(gOverDen, a), sub<L>(mHat, gOld)));
      accV = add<L>(accV, mul<L>(mul<L>(gOverDen, signedB), mul<L>(mul<L>(vPow, lnV), invDen)));
      accS = add<L>(accS, mul<L>(mul<L>(gOverDen, signedB), lnN));
    }
    sumDot += sumLanes<L>(dot);
    sumGradSquared += sumLanes<L>(gg);
    sumPrevSquared += sumLanes<L>(pp);
    metaSumM += sumLanes<L>(accM);
    metaSumV += sumLanes<L>(accV);
    metaSumS += sumLanes<L>(accS);
  }
}

/** Step 5 over one tensor: the moments, the policy-shaped update with decoupled decay, and
 *  gPrev = g. `keep` is 1 - lr*weightDecay. */
export function update<L>(
  param: usize, grad: usize, moment1: usize, moment2: usize, gradPrev: usize, length: i32,
  beta1: f64, beta2: f64, bias1: f64, bias2: f64,
  pm: f64, pv: f64, ps: f64, lr: f64, eps: f64, keep: f64,
): void {
  const stride = <usize>width<L>() * 4;
  const end = <usize>length * 4;
  const beta1L = splat<L>(<f32>beta1);
  const oneMinusBeta1L = splat<L>(<f32>(1 - beta1));
  const beta2L = splat<L>(<f32>beta2);
  const oneMinusBeta2L = splat<L>(<f32>(1 - beta2));
  const bias1L = splat<L>(<f32>bias1);
  const bias2L = splat<L>(<f32>bias2);
  const pmL = splat<L>(<f32>pm);
  const oneMinusPmL = splat<L>(<f32>(1 - pm));
  const pvL = splat<L>(<f32>pv);
  const oneMinusPsL = splat<L>(<f32>(1 - ps));
  const negLrL = splat<L>(<f32>-lr);
  const epsL = splat<L>(<f32>eps);
  const keepL = splat<L>(<f32>keep);
  const pvIsZero = pv == 0;
  for (let i: usize = 0; i < end; i += stride) {
    const g = load<L>(grad + i);
    const m = add<L>(mul<L>(beta1L, load<L>(moment1 + i)), mul<L>(oneMinusBeta1L, g));
    const v = add<L>(mul<L>(beta2L, load<L>(moment2 + i)), mul<L>(oneMinusBeta2L, mul<L>(g, g)));
    const mHat = mul<L>(m, bias1L);
    const vHat = mul<L>(v, bias2L);
    const n = add<L>(mul<L>(pmL, mHat), mul<L>(oneMinusPmL, g));
    const nAbs = atLeast<L>(abs<L>(n), c<L>(TINY));
    const magnitude = exp<L>(mul<L>(oneMinusPsL, lnNormal<L>(nAbs)));
    // v_hat is not clamped here: 0^pv is 0 for pv > 0, and x^0 is 1 for every x.
    const vPow = pvIsZero ? c<L>(ONE) : exp<L>(mul<L>(pvL, ln<L>(vHat)));
    const step = div<L>(mul<L>(withSignOf<L>(magnitude, n), negLrL), add<L>(vPow, epsL));
    store<L>(param + i, add<L>(mul<L>(load<L>(param + i), keepL), step));
    store<L>(moment1 + i, m);
    store<L>(moment2 + i, v);
    store<L>(gradPrev + i, g);
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
