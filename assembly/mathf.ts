// Natural logarithm, exponential and power over lanes (f32x4 or f32), for this core.
// Cephes-style: exp reduces x = k*ln2 + r with ln2 split in two parts and evaluates a degree-6
// polynomial; ln splits x into 2^e * m with m in [sqrt(1/2), sqrt(2)) and evaluates a degree-9
// polynomial in m - 1. Both stay within a few ulp of the exact result over the whole float32 range
// (test/mathf.test.js states and checks the bound).
import {
  add, sub, mul, min, max, splat, nearest, trunc, selectLess, selectEqual,
  exp2Integer, exponentOf, significandOf,
} from './lanes';

const LOG2E: f32 = 1.44269504088896341;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
const SQRT2: f32 = 1.41421356237;
const SMALLEST_NORMAL: f32 = 1.17549435e-38;
const TWO_POW_23: f32 = 8388608.0;

/** e^x. Overflows to +Infinity above ~88.72, underflows through subnormals to 0 below ~-103.97;
 *  NaN gives NaN. */
@inline export function exp<L>(x: L): L {
  // -104 and 89 are just past the points where e^x leaves the float32 range; clamping keeps 2^k
  // representable as the product of two normal powers of two below.
  const clamped = min<L>(max<L>(x, splat<L>(-104)), splat<L>(89));
  const k = nearest<L>(mul<L>(clamped, splat<L>(LOG2E)));
  let r = sub<L>(clamped, mul<L>(k, splat<L>(LN2_HI)));
  r = sub<L>(r, mul<L>(k, splat<L>(LN2_LO)));
  const r2 = mul<L>(r, r);
  let p = add<L>(mul<L>(splat<L>(1.9875691500e-4), r), splat<L>(1.3981999507e-3));
  p = add<L>(mul<L>(p, r), splat<L>(8.3334519073e-3));
  p = add<L>(mul<L>(p, r), splat<L>(4.1665795894e-2));
  p = add<L>(mul<L>(p, r), splat<L>(1.6666665459e-1));
  p = add<L>(mul<L>(p, r), splat<L>(5.0000001201e-1));
  p = add<L>(add<L>(mul<L>(p, r2), r), splat<L>(1));
  // 2^k as 2^k1 * 2^k2 so that results in the subnormal range and just below overflow come out right.
  const k1 = trunc<L>(mul<L>(k, splat<L>(0.5)));
  const k2 = sub<L>(k, k1);
  return mul<L>(mul<L>(p, exp2Integer<L>(k1)), exp2Integer<L>(k2));
}

/** ln(x) for x that is positive and normal, +Infinity or NaN (the clamped arguments of the step);
 *  cheaper than `ln`. */
@inline export function lnNormal<L>(x: L): L {
  return selectLess<L>(x, splat<L>(Infinity), lnKernel<L>(x, exponentOf<L>(x)), x);
}

/** ln(x) for every float32: 0 gives -Infinity, negatives give NaN, subnormals are exact to the
 *  same bound as normals. */
@inline export function ln<L>(x: L): L {
  const scaled = selectLess<L>(x, splat<L>(SMALLEST_NORMAL), mul<L>(x, splat<L>(TWO_POW_23)), x);
  const exponentShift = selectLess<L>(x, splat<L>(SMALLEST_NORMAL), splat<L>(-23), splat<L>(0));
  let result = lnKernel<L>(scaled, add<L>(exponentOf<L>(scaled), exponentShift));
  result = selectLess<L>(x, splat<L>(Infinity), result, x);
  result = selectEqual<L>(x, splat<L>(0), splat<L>(-Infinity), result);
  return selectLess<L>(x, splat<L>(0), splat<L>(NaN), result);
}

/** x^y for x >= 0 as e^(y ln x), with x^0 = 1 for every x (so 0^0 = 1, as torch.pow). */
@inline export function pow<L>(x: L, y: L): L {
  return selectEqual<L>(y, splat<L>(0), splat<L>(1), exp<L>(mul<L>(y, ln<L>(x))));
}

/** ln of 2^exponent * significand(x) for a positive normal x. */
@inline function lnKernel<L>(x: L, exponent: L): L {
  let m = significandOf<L>(x);
  let e = exponent;
  const above = selectLess<L>(splat<L>(SQRT2), m, splat<L>(1), splat<L>(0));
  m = sub<L>(m, mul<L>(above, mul<L>(m, splat<L>(0.5))));
  e = add<L>(e, above);
  const f = sub<L>(m, splat<L>(1));
  const f2 = mul<L>(f, f);
  let y = add<L>(mul<L>(splat<L>(7.0376836292e-2), f), splat<L>(-1.1514610310e-1));
  y = add<L>(mul<L>(y, f), splat<L>(1.1676998740e-1));
  y = add<L>(mul<L>(y, f), splat<L>(-1.2420140846e-1));
  y = add<L>(mul<L>(y, f), splat<L>(1.4249322787e-1));
  y = add<L>(mul<L>(y, f), splat<L>(-1.6668057665e-1));
  y = add<L>(mul<L>(y, f), splat<L>(2.0000714765e-1));
  y = add<L>(mul<L>(y, f), splat<L>(-2.4999993993e-1));
  y = add<L>(mul<L>(y, f), splat<L>(3.3333331174e-1));
  y = mul<L>(mul<L>(y, f), f2);
  y = add<L>(y, mul<L>(e, splat<L>(LN2_LO)));
  y = sub<L>(y, mul<L>(f2, splat<L>(0.5)));
  return add<L>(add<L>(f, y), mul<L>(e, splat<L>(LN2_HI)));
}
