// Element-wise operations over a "lane" type L: v128 (four f32 lanes) in the SIMD build, f32 in
// the scalar build. Every kernel and every math function is written once against these, so the two
// builds run the same algorithm and differ only in width. Each branch below is chosen at compile
// time (isVector is a constant), so neither build carries the other's code.

/** Elements of f32 held by one lane value. */
@inline export function width<L>(): i32 {
  return isVector<L>() ? 4 : 1;
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

/** Minimum; NaN in either operand gives NaN (WebAssembly's f32.min semantics). */
@inline export function min<L>(a: L, b: L): L {
  if (isVector<L>()) { return f32x4.min(a, b); } else { return Mathf.min(a, b); }
}

/** Maximum; NaN in either operand gives NaN (WebAssembly's f32.max semantics). */
@inline export function max<L>(a: L, b: L): L {
  if (isVector<L>()) { return f32x4.max(a, b); } else { return Mathf.max(a, b); }
}

@inline export function abs<L>(a: L): L {
  if (isVector<L>()) { return f32x4.abs(a); } else { return Mathf.abs(a); }
}

@inline export function nearest<L>(a: L): L {
  if (isVector<L>()) { return f32x4.nearest(a); } else { return f32.nearest(a); }
}

@inline export function trunc<L>(a: L): L {
  if (isVector<L>()) { return f32x4.trunc(a); } else { return f32.trunc(a); }
}

/** `a < b ? ifTrue : ifFalse`, lane by lane (false when either is NaN). */
@inline export function selectLess<L>(a: L, b: L, ifTrue: L, ifFalse: L): L {
  if (isVector<L>()) {
    return v128.bitselect(ifTrue, ifFalse, f32x4.lt(a, b));
  } else {
    return select<f32>(ifTrue, ifFalse, a < b);
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

/** `sign(s) * magnitude` with sign(0) = 0, as torch.sign: the magnitude takes the sign of s, and
 *  a zero s gives zero. */
@inline export function withSignOf<L>(magnitude: L, s: L): L {
  if (isVector<L>()) {
    const signBit = v128.and(s, i32x4.splat(0x80000000));
    const signed = v128.or(v128.and(magnitude, i32x4.splat(0x7fffffff)), signBit);
    return v128.andnot(signed, f32x4.eq(s, f32x4.splat(0)));
  } else {
    return select<f32>(copysign<f32>(magnitude, s), 0, s != 0);
  }
}

/** 2^k for integer-valued k in [-126, 127]. */
@inline export function exp2Integer<L>(k: L): L {
  if (isVector<L>()) {
    return i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(k), i32x4.splat(127)), 23);
  } else {
    return reinterpret<f32>((<i32>k + 127) << 23);
  }
}

/** The unbiased binary exponent of a positive normal x, as a float. */
@inline export function exponentOf<L>(x: L): L {
  if (isVector<L>()) {
    return f32x4.convert_i32x4_s(i32x4.sub(i32x4.shr_u(x, 23), i32x4.splat(127)));
  } else {
    return <f32>(<i32>(reinterpret<u32>(x) >>> 23) - 127);
  }
}

/** The significand of a positive normal x, scaled into [1, 2). */
@inline export function significandOf<L>(x: L): L {
  if (isVector<L>()) {
    return v128.or(v128.and(x, i32x4.splat(0x007fffff)), i32x4.splat(0x3f800000));
  } else {
    return reinterpret<f32>((reinterpret<u32>(x) & 0x007fffff) | 0x3f800000);
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
