// Natural logarithm, exponential and power over lanes (f32x4 or f32), for this core.
// Cephes-style: exp reduces x = k*ln2 + r with ln2 split in two parts and evaluates a degree-6
// polynomial; ln splits x into 2^e * m with m in [sqrt(1/2), sqrt(2)) and evaluates a degree-9
// polynomial in m - 1. Both stay within 1 ulp of the exact result over the whole float32 range
// (test/mathf.test.js checks the bound).
import {
  constant as c, add, sub, mul, atMost, atLeast, selectLess, selectEqual,
  scaleByPowerOfTwo, reducedSignificand, reducedExponent,
} from './lanes';
import {
  ZERO_F, ONE, HALF, INFINITY, NEG_INFINITY, NAN, EXP_LOWER, EXP_UPPER, LOG2E, ROUNDING_SHIFT, LN2_HI, LN2_LO,
  EXP_P0, EXP_P1, EXP_P2, EXP_P3, EXP_P4, EXP_P5,
  LN_P0, LN_P1, LN_P2, LN_P3, LN_P4, LN_P5, LN_P6, LN_P7, LN_P8,
  SMALLEST_NORMAL, TWO_POW_23, MINUS_23,
} from './constants';

/** e^x. Overflows to +Infinity above ~88.72, underflows through subnormals to 0 below ~-103.97;
 *  NaN gives NaN. */
@inline export function exp<L>(x: L): L {
  // -104 and 89 are just past the points where e^x leaves the float32 range; clamping keeps k
  // within what scaleByPowerOfTwo applies exactly.
  const clamped = atMost<L>(atLeast<L>(x, c<L>(EXP_LOWER)), c<L>(EXP_UPPER));
  const shifted = add<L>(mul<L>(clamped, c<L>(LOG2E)), c<L>(ROUNDING_SHIFT));
  const k = sub<L>(shifted, c<L>(ROUNDING_SHIFT));
  let r = sub<L>(clamped, mul<L>(k, c<L>(LN2_HI)));
  r = sub<L>(r, mul<L>(k, c<L>(LN2_LO)));
  const r2 = mul<L>(r, r);
  let p = add<L>(mul<L>(c<L>(EXP_P0), r), c<L>(EXP_P1));
  p = add<L>(mul<L>(p, r), c<L>(EXP_P2));
  p = add<L>(mul<L>(p, r), c<L>(EXP_P3));
  p = add<L>(mul<L>(p, r), c<L>(EXP_P4));
  p = add<L>(mul<L>(p, r), c<L>(EXP_P5));
  p = add<L>(add<L>(mul<L>(p, r2), r), c<L>(ONE));
  return scaleByPowerOfTwo<L>(p, shifted);
}

/** ln(x) for x that is positive and normal, +Infinity or NaN (the clamped arguments of the step);
 *  cheaper than `ln`. */
@inline export function lnNormal<L>(x: L): L {
  return selectLess<L>(x, c<L>(INFINITY), lnKernel<L>(x, reducedExponent<L>(x)), x);
}

/** ln(x) for every float32: 0 gives -Infinity, negatives give NaN, subnormals are exact to the
 *  same bound as normals. */
@inline export function ln<L>(x: L): L {
  const subnormal = c<L>(SMALLEST_NORMAL);
  const scaled = selectLess<L>(x, subnormal, mul<L>(x, c<L>(TWO_POW_23)), x);
  const exponent = add<L>(reducedExponent<L>(scaled), selectLess<L>(x, subnormal, c<L>(MINUS_23), c<L>(ZERO_F)));
  let result = lnKernel<L>(scaled, exponent);
  result = selectLess<L>(x, c<L>(INFINITY), result, x);
  result = selectEqual<L>(x, c<L>(ZERO_F), c<L>(NEG_INFINITY), result);
  return selectLess<L>(x, c<L>(ZERO_F), c<L>(NAN), result);
}

/** x^y for x >= 0 as e^(y ln x), with x^0 = 1 for every x (so 0^0 = 1, as torch.pow). */
@inline export function pow<L>(x: L, y: L): L {
  return selectEqual<L>(y, c<L>(ZERO_F), c<L>(ONE), exp<L>(mul<L>(y, ln<L>(x))));
}

/** ln(2^exponent * m) with m = reducedSignificand(x) in [sqrt(1/2), sqrt(2)). */
@inline function lnKernel<L>(x: L, exponent: L): L {
  const f = sub<L>(reducedSignificand<L>(x), c<L>(ONE));
  const f2 = mul<L>(f, f);
  let y = add<L>(mul<L>(c<L>(LN_P0), f), c<L>(LN_P1));
  y = add<L>(mul<L>(y, f), c<L>(LN_P2));
  y = add<L>(mul<L>(y, f), c<L>(LN_P3));
  y = add<L>(mul<L>(y, f), c<L>(LN_P4));
  y = add<L>(mul<L>(y, f), c<L>(LN_P5));
  y = add<L>(mul<L>(y, f), c<L>(LN_P6));
  y = add<L>(mul<L>(y, f), c<L>(LN_P7));
  y = add<L>(mul<L>(y, f), c<L>(LN_P8));
  y = mul<L>(mul<L>(y, f), f2);
  y = add<L>(y, mul<L>(exponent, c<L>(LN2_LO)));
  y = sub<L>(y, mul<L>(f2, c<L>(HALF)));
  return add<L>(add<L>(f, y), mul<L>(exponent, c<L>(LN2_HI)));
}
