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
  SMALLEST_NORMAL, TWO_POW_23, MINUS_23, EXPONENT_BIAS, SQRT_HALF_BITS, MANTISSA_MASK,
} from './constants';

/** e^x. Overflows to +Infinity above ~88.72, underflows through subnormals to 0 below ~-103.97;
 *  NaN gives NaN. */
@inline export function exp<L>(
  x: L,
  // The constants, as parameters so a hot loop can load them into locals once, before the loop.
  lower: L = c<L>(EXP_LOWER), upper: L = c<L>(EXP_UPPER), log2e: L = c<L>(LOG2E), shift: L = c<L>(ROUNDING_SHIFT),
  ln2Hi: L = c<L>(LN2_HI), ln2Lo: L = c<L>(LN2_LO), p0: L = c<L>(EXP_P0), p1: L = c<L>(EXP_P1), p2: L = c<L>(EXP_P2),
  p3: L = c<L>(EXP_P3), p4: L = c<L>(EXP_P4), p5: L = c<L>(EXP_P5), one: L = c<L>(ONE), bias: L = c<L>(EXPONENT_BIAS),
): L {
  // -104 and 89 are just past the points where e^x leaves the float32 range; clamping keeps k
  // within what scaleByPowerOfTwo applies exactly.
  const clamped = atMost<L>(atLeast<L>(x, lower), upper);
  const shifted = add<L>(mul<L>(clamped, log2e), shift);
  const k = sub<L>(shifted, shift);
  let r = sub<L>(clamped, mul<L>(k, ln2Hi));
  r = sub<L>(r, mul<L>(k, ln2Lo));
  // The polynomial by Estrin's scheme: three independent pairs, then two levels, so the
  // dependency chain is half of Horner's and the CPU overlaps more of the loop.
  const r2 = mul<L>(r, r);
  const r4 = mul<L>(r2, r2);
  const low = add<L>(mul<L>(p4, r), p5);
  const mid = add<L>(mul<L>(p2, r), p3);
  const high = add<L>(mul<L>(p0, r), p1);
  const p = add<L>(add<L>(low, mul<L>(mid, r2)), mul<L>(high, r4));
  const result = add<L>(add<L>(mul<L>(p, r2), r), one);
  return scaleByPowerOfTwo<L>(result, shifted, shift, bias);
}

/** ln(x) for x that is positive and normal, +Infinity or NaN (the clamped arguments of the step);
 *  cheaper than `ln`. */
@inline export function lnNormal<L>(
  x: L,
  infinity: L = c<L>(INFINITY), sqrtHalfBits: L = c<L>(SQRT_HALF_BITS), mantissa: L = c<L>(MANTISSA_MASK), one: L = c<L>(ONE),
  p0: L = c<L>(LN_P0), p1: L = c<L>(LN_P1), p2: L = c<L>(LN_P2), p3: L = c<L>(LN_P3), p4: L = c<L>(LN_P4),
  p5: L = c<L>(LN_P5), p6: L = c<L>(LN_P6), p7: L = c<L>(LN_P7), p8: L = c<L>(LN_P8),
  ln2Hi: L = c<L>(LN2_HI), ln2Lo: L = c<L>(LN2_LO), half: L = c<L>(HALF),
): L {
  const kernel = lnKernel<L>(
    x, reducedExponent<L>(x, sqrtHalfBits), sqrtHalfBits, mantissa, one, p0, p1, p2, p3, p4, p5, p6, p7, p8, ln2Hi, ln2Lo, half,
  );
  return selectLess<L>(x, infinity, kernel, x);
}

/** ln(x) for every float32: 0 gives -Infinity, negatives give NaN, subnormals are exact to the
 *  same bound as normals. */
@inline export function ln<L>(x: L): L {
  const subnormal = c<L>(SMALLEST_NORMAL);
  const scaled = selectLess<L>(x, subnormal, mul<L>(x, c<L>(TWO_POW_23)), x);
  const exponent = add<L>(reducedExponent<L>(scaled, c<L>(SQRT_HALF_BITS)), selectLess<L>(x, subnormal, c<L>(MINUS_23), c<L>(ZERO_F)));
  let result = lnKernel<L>(
    scaled, exponent, c<L>(SQRT_HALF_BITS), c<L>(MANTISSA_MASK), c<L>(ONE), c<L>(LN_P0), c<L>(LN_P1), c<L>(LN_P2),
    c<L>(LN_P3), c<L>(LN_P4), c<L>(LN_P5), c<L>(LN_P6), c<L>(LN_P7), c<L>(LN_P8), c<L>(LN2_HI), c<L>(LN2_LO), c<L>(HALF),
  );
  result = selectLess<L>(x, c<L>(INFINITY), result, x);
  result = selectEqual<L>(x, c<L>(ZERO_F), c<L>(NEG_INFINITY), result);
  return selectLess<L>(x, c<L>(ZERO_F), c<L>(NAN), result);
}

/** x^y for x >= 0 as e^(y ln x), with x^0 = 1 for every x (so 0^0 = 1, as torch.pow). */
@inline export function pow<L>(x: L, y: L): L {
  return selectEqual<L>(y, c<L>(ZERO_F), c<L>(ONE), exp<L>(mul<L>(y, ln<L>(x))));
}

/** ln(2^exponent * m) with m = reducedSignificand(x) in [sqrt(1/2), sqrt(2)). */
@inline function lnKernel<L>(
  x: L, exponent: L, sqrtHalfBits: L, mantissa: L, one: L,
  p0: L, p1: L, p2: L, p3: L, p4: L, p5: L, p6: L, p7: L, p8: L, ln2Hi: L, ln2Lo: L, half: L,
): L {
  const f = sub<L>(reducedSignificand<L>(x, sqrtHalfBits, mantissa), one);
  // The degree-8 polynomial by Estrin's scheme (see exp).
  const f2 = mul<L>(f, f);
  const f4 = mul<L>(f2, f2);
  const e01 = add<L>(mul<L>(p7, f), p8);
  const e23 = add<L>(mul<L>(p5, f), p6);
  const e45 = add<L>(mul<L>(p3, f), p4);
  const e67 = add<L>(mul<L>(p1, f), p2);
  const e0123 = add<L>(e01, mul<L>(e23, f2));
  const e4567 = add<L>(e45, mul<L>(e67, f2));
  const e8 = mul<L>(p0, mul<L>(f4, f4));
  let y = add<L>(add<L>(e0123, mul<L>(e4567, f4)), e8);
  y = mul<L>(mul<L>(y, f), f2);
  y = add<L>(y, mul<L>(exponent, ln2Lo));
  y = sub<L>(y, mul<L>(f2, half));
  return add<L>(add<L>(f, y), mul<L>(exponent, ln2Hi));
}
