// Constants of the vector code, each stored as four equal lanes in static memory. V8 rebuilds an
// inline v128.const with four or five instructions at every use inside a loop, where a load from a
// fixed address is one; the scalar build reads the first lane.

export const ZERO_F: usize = memory.data<f32>([0, 0, 0, 0], 16);
export const ONE: usize = memory.data<f32>([1, 1, 1, 1], 16);
export const HALF: usize = memory.data<f32>([0.5, 0.5, 0.5, 0.5], 16);
export const INFINITY: usize = memory.data<f32>([Infinity, Infinity, Infinity, Infinity], 16);
export const NEG_INFINITY: usize = memory.data<f32>([-Infinity, -Infinity, -Infinity, -Infinity], 16);
export const NAN: usize = memory.data<f32>([NaN, NaN, NaN, NaN], 16);
export const TINY: usize = memory.data<f32>([1e-12, 1e-12, 1e-12, 1e-12], 16);
export const META_EPS: usize = memory.data<f32>([1e-8, 1e-8, 1e-8, 1e-8], 16);
export const EXP_LOWER: usize = memory.data<f32>([-104, -104, -104, -104], 16);
export const EXP_UPPER: usize = memory.data<f32>([89, 89, 89, 89], 16);
export const LOG2E: usize = memory.data<f32>([1.44269504088896341, 1.44269504088896341, 1.44269504088896341, 1.44269504088896341], 16);
export const ROUNDING_SHIFT: usize = memory.data<f32>([12582912.0, 12582912.0, 12582912.0, 12582912.0], 16);
export const LN2_HI: usize = memory.data<f32>([0.693359375, 0.693359375, 0.693359375, 0.693359375], 16);
export const LN2_LO: usize = memory.data<f32>([-2.12194440e-4, -2.12194440e-4, -2.12194440e-4, -2.12194440e-4], 16);
export const EXP_P0: usize = memory.data<f32>([1.9875691500e-4, 1.9875691500e-4, 1.9875691500e-4, 1.9875691500e-4], 16);
export const EXP_P1: usize = memory.data<f32>([1.3981999507e-3, 1.3981999507e-3, 1.3981999507e-3, 1.3981999507e-3], 16);
export const EXP_P2: usize = memory.data<f32>([8.3334519073e-3, 8.3334519073e-3, 8.3334519073e-3, 8.3334519073e-3], 16);
export const EXP_P3: usize = memory.data<f32>([4.1665795894e-2, 4.1665795894e-2, 4.1665795894e-2, 4.1665795894e-2], 16);
export const EXP_P4: usize = memory.data<f32>([1.6666665459e-1, 1.6666665459e-1, 1.6666665459e-1, 1.6666665459e-1], 16);
export const EXP_P5: usize = memory.data<f32>([5.0000001201e-1, 5.0000001201e-1, 5.0000001201e-1, 5.0000001201e-1], 16);
export const LN_P0: usize = memory.data<f32>([7.0376836292e-2, 7.0376836292e-2, 7.0376836292e-2, 7.0376836292e-2], 16);
export const LN_P1: usize = memory.data<f32>([-1.1514610310e-1, -1.1514610310e-1, -1.1514610310e-1, -1.1514610310e-1], 16);
export const LN_P2: usize = memory.data<f32>([1.1676998740e-1, 1.1676998740e-1, 1.1676998740e-1, 1.1676998740e-1], 16);
export const LN_P3: usize = memory.data<f32>([-1.2420140846e-1, -1.2420140846e-1, -1.2420140846e-1, -1.2420140846e-1], 16);
export const LN_P4: usize = memory.data<f32>([1.4249322787e-1, 1.4249322787e-1, 1.4249322787e-1, 1.4249322787e-1], 16);
export const LN_P5: usize = memory.data<f32>([-1.6668057665e-1, -1.6668057665e-1, -1.6668057665e-1, -1.6668057665e-1], 16);
export const LN_P6: usize = memory.data<f32>([2.0000714765e-1, 2.0000714765e-1, 2.0000714765e-1, 2.0000714765e-1], 16);
export const LN_P7: usize = memory.data<f32>([-2.4999993993e-1, -2.4999993993e-1, -2.4999993993e-1, -2.4999993993e-1], 16);
export const LN_P8: usize = memory.data<f32>([3.3333331174e-1, 3.3333331174e-1, 3.3333331174e-1, 3.3333331174e-1], 16);
export const SMALLEST_NORMAL: usize = memory.data<f32>([1.17549435e-38, 1.17549435e-38, 1.17549435e-38, 1.17549435e-38], 16);
export const TWO_POW_23: usize = memory.data<f32>([8388608.0, 8388608.0, 8388608.0, 8388608.0], 16);
export const MINUS_23: usize = memory.data<f32>([-23, -23, -23, -23], 16);

export const SIGN_MASK: usize = memory.data<i32>([-2147483648, -2147483648, -2147483648, -2147483648], 16);
export const MANTISSA_MASK: usize = memory.data<i32>([0x007fffff, 0x007fffff, 0x007fffff, 0x007fffff], 16);
export const SQRT_HALF_BITS: usize = memory.data<i32>([0x3f3504f3, 0x3f3504f3, 0x3f3504f3, 0x3f3504f3], 16);
export const ROUNDING_SHIFT_BITS: usize = memory.data<i32>([0x4b400000, 0x4b400000, 0x4b400000, 0x4b400000], 16);
export const EXPONENT_BIAS: usize = memory.data<i32>([127, 127, 127, 127], 16);
