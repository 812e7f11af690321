// Element-wise operations over a "lane" type L: v128 (four f32 lanes) in the SIMD build, f32 in
// the scalar build. Every kernel and every math function is written once against these, so the two
// builds run the same algorithm and differ only in width. Each branch below is chosen at compile
// time (isVector is a constant), so neither build carries the other's code.
import { SIGN_MASK } from './constants';

/** Elements of f32 held by one lane value. */
@inline export function width<L>(): i32 {
  return isVector<L>() ? 4 : 1;
}

/** A constant from assembly/constants.ts. */
@inline export function constant<L>(at: usize): L {
  return load<L>(at);
}

@inline export function zero<L>(): L {
  if (isVector<L>()) { return f32x4.splat(0); } else { return 0; }
}

@inline export function splat<L>(x: f32): L {
  if (isVector<L>()) { return f32x4.splat(x); } else { return x; }
}

@inline export function add<L>(a: L, b: L): L {
  if (isVector<L>()) { return f32x4.add(a, b); } else { return a + b; }
}

@inline export function sub<L>(a: L, b: L): L {
  if (isVector<L>()) { return f32x4.sub(a, b); } else { return a - b; }
}

@inline export function mul<L>(a: L, b: L): L {
  if (isVector<L>()) { return f32x4.mul(a, b); } else { return a * b; }
}

@inline export function div<L>(a: L, b: L): L {
  if (isVector<L>()) { return f32x4.div(a, b); } else { return a / b; }
}

@inline export function abs<L>(a: L): L {
  if (isVector<L>()) { return f32x4.abs(a); } else { return Mathf.abs(a); }
}

/** The smaller of x and a bound; a NaN x stays NaN. One instruction on x86 (minps), where
 *  WebAssembly's fully IEEE f32x4.min takes several. */
@inline export function atMost<L>(x: L, bound: L): L {
  if (isVector<L>()) { return f32x4.pmin(x, bound); } else { return select<f32>(bound, x, bound < x); }
}

/** The larger of x and a bound; a NaN x stays NaN (see atMost). */
@inline export function atLeast<L>(x: L, bound: L): L {
  if (isVector<L>()) { return f32x4.pmax(x, bound); } else { return select<f32>(bound, x, x < bound); }
}

/** x clamped to [low, high]; a NaN x stays NaN (see atMost). */
@inline export function within<L>(x: L, low: L, high: L): L {
  return atMost<L>(atLeast<L>(x, low), high);
}

/** `a < b ? ifTrue : ifFalse`, lane by lane (false when either is NaN). */
@inline export function selectLess<L>(a: L, b: L, ifTrue: L, ifFalse: L): L {
  if (isVector<L>()) {
    return v128.bitselect(ifTrue, ifFalse, f32x4.lt(a, b));
  } else {
    return select<f32>(ifTrue, ifFalse, a < b);
  }
}

/** True when a < b in any lane. */
@inline export function anyLess<L>(a: L, b: L): bool {
  if (isVector<L>()) {
    return v128.any_true(f32x4.lt(a, b));
  } else {
    return a < b;
  }
}

/** `a == b ? ifTrue : ifFalse`, lane by lane. */
@inline export function selectEqual<L>(a: L, b: L, ifTrue: L, ifFalse: L): L {
  if (isVector<L>()) {
    return v128.bitselect(ifTrue, ifFalse, f32x4.eq(a, b));
  } else {
    return select<f32>(ifTrue, ifFalse, a == b);
  }
}

/** `sign(s) * magnitude` for a magnitude >= 0 (or NaN), with sign(0) = 0 as torch.sign: the
 *  magnitude takes the sign bit of s, and a zero s gives zero. */
@inline export function withSignOf<L>(magnitude: L, s: L): L {
  if (isVector<L>()) {
    const signed = v128.or(magnitude, v128.and(s, load<v128>(SIGN_MASK)));
    return v128.andnot(signed, f32x4.eq(s, f32x4.splat(0)));
  } else {
    return select<f32>(copysign<f32>(magnitude, s), 0, s != 0);
  }
}

/** p * 2^k, where `shifted` = k + ROUNDING_SHIFT (constants.ts) holds the integer k in [-150, 128]. 2^k is
 *  applied as two normal powers of two, so results in the subnormal range and just below overflow
 *  come out right and larger ones overflow to Infinity. */
@inline export function scaleByPowerOfTwo<L>(p: L, shifted: L, shift: L, bias: L): L {
  if (isVector<L>()) {
    const k = i32x4.sub(shifted, shift);
    const half = i32x4.shr_s(k, 1);
    const first = i32x4.shl(i32x4.add(half, bias), 23);
    const second = i32x4.shl(i32x4.add(i32x4.sub(k, half), bias), 23);
    return f32x4.mul(f32x4.mul(p, first), second);
  } else {
    const k = reinterpret<i32>(shifted) - reinterpret<i32>(shift);
    const half = k >> 1;
    return p * reinterpret<f32>((half + 127) << 23) * reinterpret<f32>((k - half + 127) << 23);
  }
}

/** The m of x = 2^e * m with m in [sqrt(1/2), sqrt(2)), for a positive normal x. Integer
 *  arithmetic only: the bits of x minus those of sqrt(1/2) carry e in their top bits and m's
 *  mantissa (relative to sqrt(1/2)) in the rest. */
@inline export function reducedSignificand<L>(x: L, sqrtHalfBits: L, mantissa: L): L {
  if (isVector<L>()) {
    const offset = i32x4.sub(x, sqrtHalfBits);
    return i32x4.add(v128.and(offset, mantissa), sqrtHalfBits);
  } else {
    const offset = reinterpret<i32>(x) - reinterpret<i32>(sqrtHalfBits);
    return reinterpret<f32>((offset & reinterpret<i32>(mantissa)) + reinterpret<i32>(sqrtHalfBits));
  }
}

/** The e of reducedSignificand's split, as a float. */
@inline export function reducedExponent<L>(x: L, sqrtHalfBits: L): L {
  if (isVector<L>()) {
    return f32x4.convert_i32x4_s(i32x4.shr_s(i32x4.sub(x, sqrtHalfBits), 23));
  } else {
    return <f32>((reinterpret<i32>(x) - reinterpret<i32>(sqrtHalfBits)) >> 23);
  }
}

/** Sum of the lanes, in f64. */
@inline export function sumLanes<L>(a: L): f64 {
  if (isVector<L>()) {
    return (<f64>f32x4.extract_lane(a, 0) + <f64>f32x4.extract_lane(a, 1))
      + (<f64>f32x4.extract_lane(a, 2) + <f64>f32x4.extract_lane(a, 3));
  } else {
    return <f64>a;
  }
}
