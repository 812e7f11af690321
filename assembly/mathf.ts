// Natural logarithm, exponential and power over lanes (f32x4 or f32), for this core.
// Cephes-style reductions: exp reduces x = k*ln2 + r with ln2 split in two parts and evaluates
// 1 + r + r^2 Q(r), Q of degree 4; ln splits x into 2^e * m with m in [sqrt(1/2), sqrt(2)) and
// evaluates f - f^2/2 + f^3 P(f), f = m - 1, P of degree 7. Q and P are our own near-minimax fits
// (scripts/fit-polynomials.py), one degree lower than Cephes', evaluated by Estrin's scheme. Both
// functions stay within 1 ulp of the exact result over the whole float32 range (test/mathf.test.js
// checks the bound; the worst seen are 0.97 ulp for exp and 0.86 ulp for ln).
import {
  constant as c, add, sub, mul, atMost, atLeast, selectLess, selectEqual,
  scaleByPowerOfTwo, reducedSignificand, reducedExponent,
} from './lanes';
import {
  ZERO_F, ONE, HALF, INFINITY, NEG_INFINITY, NAN, EXP_LOWER, EXP_UPPER, LOG2E, ROUNDING_SHIFT, LN2_HI, LN2_LO,
  EXP_C0, EXP_C1, EXP_C2, EXP_C3, EXP_C4, LN_C0, LN_C1, LN_C2, LN_C3, LN_C4, LN_C5, LN_C6, LN_C7,
  SMALLEST_NORMAL, TWO_POW_23, MINUS_23, EXPONENT_BIAS, SQRT_HALF_BITS, MANTISSA_MASK,
} from './constants';

/** e^x. Overflows to +Infinity above ~88.72, underflows through subnormals to 0 below ~-103.97;
 *  NaN gives NaN. */
@inline export function exp<L>(
  x: L,
  // The constants, as parameters so a hot loop can load them into locals once, before the loop.
  lower: L = c<L>(EXP_LOWER), upper: L = c<L>(EXP_UPPER), log2e: L = c<L>(LOG2E), shift: L = c<L>(ROUNDING_SHIFT),
  ln2Hi: L = c<L>(LN2_HI), ln2Lo: L = c<L>(LN2_LO), c0: L = c<L>(EXP_C0), c1: L = c<L>(EXP_C1), c2: L = c<L>(EXP_C2),
  c3: L = c<L>(EXP_C3), c4: L = c<L>(EXP_C4), one: L = c<L>(ONE), bias: L = c<L>(EXPONENT_BIAS),
): L {
  // -104 and 89 are just past the points where e^x leaves the float32 range; clamping keeps k
  // within what scaleByPowerOfTwo applies exactly.
  const clamped = atMost<L>(atLeast<L>(x, lower), upper);
  const shifted = add<L>(mul<L>(clamped, log2e), shift);
  const k = sub<L>(shifted, shift);
  let r = sub<L>(clamped, mul<L>(k, ln2Hi));
  r = sub<L>(r, mul<L>(k, ln2Lo));
  // The polynomial by Estrin's scheme: two independent pairs, then one level, so the dependency
  // chain is half of Horner's and the CPU overlaps more of the loop.
  const r2 = mul<L>(r, r);
  const r4 = mul<L>(r2, r2);
  const low = add<L>(mul<L>(c1, r), c0);
  const high = add<L>(mul<L>(c3, r), c2);
  const p = add<L>(add<L>(low, mul<L>(high, r2)), mul<L>(c4, r4));
  const result = add<L>(add<L>(mul<L>(p, r2), r), one);
  return scaleByPowerOfTwo<L>(result, shifted, shift, bias);
}

/** ln(x) for x that is positive and normal, +Infinity or NaN (the clamped arguments of the step);
 *  cheaper than `ln`. */
@inline export function lnNormal<L>(
  x: L,
  infinity: L = c<L>(INFINITY), sqrtHalfBits: L = c<L>(SQRT_HALF_BITS), mantissa: L = c<L>(MANTISSA_MASK), one: L = c<L>(ONE),
  c0: L = c<L>(LN_C0), c1: L = c<L>(LN_C1), c2: L = c<L>(LN_C2), c3: L = c<L>(LN_C3), c4: L = c<L>(LN_C4),
  c5: L = c<L>(LN_C5), c6: L = c<L>(LN_C6), c7: L = c<L>(LN_C7),
  ln2Hi: L = c<L>(LN2_HI), ln2Lo: L = c<L>(LN2_LO), half: L = c<L>(HALF),
): L {
  const kernel = lnKernel<L>(
    x, reducedExponent<L>(x, sqrtHalfBits), sqrtHalfBits, mantissa, one, c0, c1, c2, c3, c4, c5, c6, c7, ln2Hi, ln2Lo, half,
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
    scaled, exponent, c<L>(SQRT_HALF_BITS), c<L>(MANTISSA_MASK), c<L>(ONE), c<L>(LN_C0), c<L>(LN_C1), c<L>(LN_C2),
    c<L>(LN_C3), c<L>(LN_C4), c<L>(LN_C5), c<L>(LN_C6), c<L>(LN_C7), c<L>(LN2_HI), c<L>(LN2_LO), c<L>(HALF),
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
  c0: L, c1: L, c2: L, c3: L, c4: L, c5: L, c6: L, c7: L, ln2Hi: L, ln2Lo: L, half: L,
): L {
  const f = sub<L>(reducedSignificand<L>(x, sqrtHalfBits, mantissa), one);
  // The degree-7 polynomial by Estrin's scheme (see exp).
  const f2 = mul<L>(f, f);
  const f4 = mul<L>(f2, f2);
  const e01 = add<L>(mul<L>(c1, f), c0);
  const e23 = add<L>(mul<L>(c3, f), c2);
  const e45 = add<L>(mul<L>(c5, f), c4);
  const e67 = add<L>(mul<L>(c7, f), c6);
  let y = add<L>(add<L>(e01, mul<L>(e23, f2)), mul<L>(add<L>(e45, mul<L>(e67, f2)), f4));
  // The small terms e*ln2Lo - f^2/2 and f^3 are ready before the polynomial is, so only three
  // additions and a product wait for it.
  const small = sub<L>(mul<L>(exponent, ln2Lo), mul<L>(f2, half));
  y = add<L>(mul<L>(y, mul<L>(f, f2)), small);
  return add<L>(add<L>(f, y), mul<L>(exponent, ln2Hi));
}
