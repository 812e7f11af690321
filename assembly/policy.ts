// The policy of one parameter group, in float64: steps 2, 3, 4's chain rule and 6 of SPEC.md.
// A group record (src/layout.ts) holds phi as three blocks [m, v, s] of degree+1 coefficients,
// highest power first, followed by as many slots where the meta-gradient G is gathered.
import {
  GROUP_DEGREE, GROUP_GAMMA, GROUP_RHO, GROUP_R, GROUP_PM, GROUP_PV, GROUP_PS, GROUP_PHI,
  GROUP_OVERRIDE_PM, GROUP_ETA_PHI,
} from '../src/layout';

export const KNOB_M = 0;
export const KNOB_V = 1;
export const KNOB_S = 2;

@inline export function slot(record: usize, index: i32): f64 {
  return load<f64>(record + (<usize>index << 3));
}

@inline export function setSlot(record: usize, index: i32, value: f64): void {
  store<f64>(record + (<usize>index << 3), value);
}

@inline function degreeOf(group: usize): i32 {
  return <i32>slot(group, GROUP_DEGREE);
}

@inline function phiIndex(group: usize, knob: i32, power: i32): i32 {
  const degree = degreeOf(group);
  return GROUP_PHI + knob * (degree + 1) + (degree - power);
}

@inline function metaGradientIndex(group: usize, knob: i32, power: i32): i32 {
  return phiIndex(group, knob, power) + 3 * (degreeOf(group) + 1);
}

export function sigmoid(z: f64): f64 {
  return 1 / (1 + Math.exp(-z));
}

/** Step 1's r: the cosine of g and gPrev, 0 when either is (numerically) zero. */
export function agreementCosine(dot: f64, gradSquared: f64, prevSquared: f64): f64 {
  const den = Math.sqrt(gradSquared * prevSquared);
  return den > 1e-12 ? dot / Math.max(den, 1e-12) : 0;
}

/** Step 2: rho <- gamma*rho + (1-gamma)*r. */
export function smoothAgreement(group: usize, r: f64): void {
  const gamma = slot(group, GROUP_GAMMA);
  setSlot(group, GROUP_R, r);
  setSlot(group, GROUP_RHO, gamma * slot(group, GROUP_RHO) + (1 - gamma) * r);
}

/** z_k = poly(phi_k, rho) by Horner. */
export function policyLogit(group: usize, knob: i32, rho: f64): f64 {
  const degree = degreeOf(group);
  let z: f64 = 0;
  for (let power = degree; power >= 0; power--) {
    z = z * rho + slot(group, phiIndex(group, knob, power));
  }
  return z;
}

/** The knob's scale on its sigmoid: pv = 0.5*sigmoid(z_v), the others sigmoid(z). */
@inline function knobScale(knob: i32): f64 {
  return knob == KNOB_V ? 0.5 : 1;
}

/** Step 3: pm, pv, ps at the group's rho; a finite override replaces the policy's value. */
export function evaluatePolicy(group: usize): void {
  const rho = slot(group, GROUP_RHO);
  for (let knob = KNOB_M; knob <= KNOB_S; knob++) {
    const fixedValue = slot(group, GROUP_OVERRIDE_PM + knob);
    const value = isNaN(fixedValue) ? knobScale(knob) * sigmoid(policyLogit(group, knob, rho)) : fixedValue;
    setSlot(group, GROUP_PM + knob, value);
  }
}

export function clearMetaGradient(group: usize): void {
  const degree = degreeOf(group);
  for (let knob = KNOB_M; knob <= KNOB_S; knob++) {
    for (let power = 0; power <= degree; power++) setSlot(group, metaGradientIndex(group, knob, power), 0);
  }
}

/** Step 4's chain rule for one tensor: dL/dknob times dknob/dphi, with the current phi at the
 *  rho of the tensor's previous update. The slopes are dL/dpm, dL/dpv and dL/dps. */
export function accumulateMetaGradient(group: usize, rhoOld: f64, slopeM: f64, slopeV: f64, slopeS: f64): void {
  const degree = degreeOf(group);
  for (let knob = KNOB_M; knob <= KNOB_S; knob++) {
    const s = sigmoid(policyLogit(group, knob, rhoOld));
    const lossSlope = knob == KNOB_M ? slopeM : knob == KNOB_V ? slopeV : slopeS;
    const slope = lossSlope * knobScale(knob) * s * (1 - s);
    let rhoPower: f64 = 1;
    for (let power = 0; power <= degree; power++) {
      const index = metaGradientIndex(group, knob, power);
      setSlot(group, index, slot(group, index) + slope * rhoPower);
      rhoPower *= rhoOld;
    }
  }
}

/** Step 6: drop the blocks of overridden knobs, clip G to norm 1, phi -= etaPhi * G. */
export function updatePolicy(group: usize): void {
  const degree = degreeOf(group);
  let squared: f64 = 0;
  for (let knob = KNOB_M; knob <= KNOB_S; knob++) {
    const overridden = !isNaN(slot(group, GROUP_OVERRIDE_PM + knob));
    for (let power = 0; power <= degree; power++) {
      const index = metaGradientIndex(group, knob, power);
      if (overridden) setSlot(group, index, 0);
      const g = slot(group, index);
      squared += g * g;
    }
  }
  const scale = Math.min(1, 1 / (Math.sqrt(squared) + 1e-12));
  const rate = slot(group, GROUP_ETA_PHI) * scale;
  for (let knob = KNOB_M; knob <= KNOB_S; knob++) {
    for (let power = 0; power <= degree; power++) {
      const index = phiIndex(group, knob, power);
      setSlot(group, index, slot(group, index) - rate * slot(group, metaGradientIndex(group, knob, power)));
    }
  }
}
