// Constants of the vector code, each stored as four equal lanes in static memory. V8 rebuilds an
// inline v128.const with four or five instructions at every use inside a loop, where a load from a
// fixed address is one; the scalar build reads the first lane.

export const ZERO_F: usize = memory.data<f32>([0, 0, 0, 0], 16);
export const ONE: usize = memory.data<f32>([1, 1, 1, 1], 16);
export const HALF: usize = memory.data<f32>([0.5, 0.5, 0.5, 0.5], 16);
export const INFINITY: usize = memory.data<f32>([Infinity, Infinity, Infinity, Infinity], 16);
export const NEG_INFINITY: usize = memory.data<f32>([-Infinity, -Infinity, -Infinity, -Infinity], 16);
export const NAN: usize = memory.data<f32>([NaN, NaN, NaN, NaN], 16);
export const LARGEST: usize = memory.data<f32>([3.4028234663852886e38, 3.4028234663852886e38, 3.4028234663852886e38, 3.4028234663852886e38], 16);
export const NEG_LARGEST: usize = memory.data<f32>([-3.4028234663852886e38, -3.4028234663852886e38, -3.4028234663852886e38, -3.4028234663852886e38], 16);
export const TINY: usize = memory.data<f32>([1e-12, 1e-12, 1e-12, 1e-12], 16);
export const META_EPS: usize = memory.data<f32>([1e-8, 1e-8, 1e-8, 1e-8], 16);
export const EXP_LOWER: usize = memory.data<f32>([-104, -104, -104, -104], 16);
export const EXP_UPPER: usize = memory.data<f32>([89, 89, 89, 89], 16);
// The largest float32 below ln(3.4028235e38): the step's exponentials clamp their argument here, so
// they saturate just under the largest float instead of overflowing.
export const EXP_FINITE_UPPER: usize = memory.data<f32>([88.72283, 88.72283, 88.72283, 88.72283], 16);
export const LOG2E: usize = memory.data<f32>([1.44269504088896341, 1.44269504088896341, 1.44269504088896341, 1.44269504088896341], 16);
export const ROUNDING_SHIFT: usize = memory.data<f32>([12582912.0, 12582912.0, 12582912.0, 12582912.0], 16);
export const LN2_HI: usize = memory.data<f32>([0.693359375, 0.693359375, 0.693359375, 0.693359375], 16);
export const LN2_LO: usize = memory.data<f32>([-2.12194440e-4, -2.12194440e-4, -2.12194440e-4, -2.12194440e-4], 16);
// exp(r) = 1 + r + r^2 (C0 + C1 r + C2 r^2 + C3 r^3 + C4 r^4) on |r| <= ln(2)/2, and
// ln(1+f) = f - f^2/2 + f^3 (C0 + C1 f + ... + C7 f^7) on sqrt(1/2)-1 <= f < sqrt(2)-1: near-minimax
// fits of relative error 2^-28.0 and 2^-26.9 with the float32 coefficients (scripts/fit-polynomials.py).
export const EXP_C0: usize = memory.data<f32>([0.4999999403953552, 0.4999999403953552, 0.4999999403953552, 0.4999999403953552], 16);
export const EXP_C1: usize = memory.data<f32>([0.1666652113199234, 0.1666652113199234, 0.1666652113199234, 0.1666652113199234], 16);
export const EXP_C2: usize = memory.data<f32>([0.04166838899254799, 0.04166838899254799, 0.04166838899254799, 0.04166838899254799], 16);
export const EXP_C3: usize = memory.data<f32>([0.008368710987269878, 0.008368710987269878, 0.008368710987269878, 0.008368710987269878], 16);
export const EXP_C4: usize = memory.data<f32>([0.0013814617414027452, 0.0013814617414027452, 0.0013814617414027452, 0.0013814617414027452], 16);
export const LN_C0: usize = memory.data<f32>([0.3333333134651184, 0.3333333134651184, 0.3333333134651184, 0.3333333134651184], 16);
export const LN_C1: usize = memory.data<f32>([-0.250008225440979, -0.250008225440979, -0.250008225440979, -0.250008225440979], 16);
export const LN_C2: usize = memory.data<f32>([0.20001226663589478, 0.20001226663589478, 0.20001226663589478, 0.20001226663589478], 16);
export const LN_C3: usize = memory.data<f32>([-0.16623355448246002, -0.16623355448246002, -0.16623355448246002, -0.16623355448246002], 16);
export const LN_C4: usize = memory.data<f32>([0.14201761782169342, 0.14201761782169342, 0.14201761782169342, 0.14201761782169342], 16);
export const LN_C5: usize = memory.data<f32>([-0.13160207867622375, -0.13160207867622375, -0.13160207867622375, -0.13160207867622375], 16);
export const LN_C6: usize = memory.data<f32>([0.1276155412197113, 0.1276155412197113, 0.1276155412197113, 0.1276155412197113], 16);
export const LN_C7: usize = memory.data<f32>([-0.07634399086236954, -0.07634399086236954, -0.07634399086236954, -0.07634399086236954], 16);
export const SMALLEST_NORMAL: usize = memory.data<f32>([1.17549435e-38, 1.17549435e-38, 1.17549435e-38, 1.17549435e-38], 16);
export const TWO_POW_23: usize = memory.data<f32>([8388608.0, 8388608.0, 8388608.0, 8388608.0], 16);
export const MINUS_23: usize = memory.data<f32>([-23, -23, -23, -23], 16);

export const SIGN_MASK: usize = memory.data<i32>([-2147483648, -2147483648, -2147483648, -2147483648], 16);
export const MANTISSA_MASK: usize = memory.data<i32>([0x007fffff, 0x007fffff, 0x007fffff, 0x007fffff], 16);
export const SQRT_HALF_BITS: usize = memory.data<i32>([0x3f3504f3, 0x3f3504f3, 0x3f3504f3, 0x3f3504f3], 16);
export const EXPONENT_BIAS: usize = memory.data<i32>([127, 127, 127, 127], 16);
