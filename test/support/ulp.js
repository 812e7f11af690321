// Measuring float32 results against exact (float64) ones in units in the last place.

const scratch = new Float32Array(1);
const bits = new Int32Array(scratch.buffer);

/** The spacing of float32 numbers at |x| (2^-149 in the subnormal range). */
export function ulpOf(x) {
  const a = Math.abs(Math.fround(x));
  if (a < 2 ** -126) return 2 ** -149;
  if (!Number.isFinite(a)) return Infinity;
  scratch[0] = a;
  const exponent = ((bits[0] >>> 23) & 0xff) - 127;
  return 2 ** (exponent - 23);
}

/** |got - exact| in ulps of exact; 0 when both are the same infinity or both NaN. */
export function ulpError(got, exact) {
  if (Number.isNaN(exact)) return Number.isNaN(got) ? 0 : Infinity;
  if (!Number.isFinite(exact) || Math.abs(exact) > 3.4028234663852886e38) {
    return got === Math.fround(exact) ? 0 : Infinity;
  }
  return Math.abs(got - exact) / ulpOf(exact);
}
