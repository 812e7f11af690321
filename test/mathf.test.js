// The core's own f32x4/f32 ln, exp and pow (assembly/mathf.ts) against Math, on both builds.
// Stated bounds: ln and exp within 1 ulp of the exact result everywhere in float32 (subnormals
// included); pow(x, y) = exp(y ln x) within 2 + 2|y ln x| ulp, the rounding of y ln x amplified by
// exp; and the special values exactly as IEEE and torch give them.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { KERNELS, mapWithCore } from './support/core.js';
import { ulpError } from './support/ulp.js';

const f = Math.fround;
const logSpaced = (lo, hi, n) => Array.from({ length: n }, (_, i) => f(lo * (hi / lo) ** (i / (n - 1))));
const linSpaced = (lo, hi, n) => Array.from({ length: n }, (_, i) => f(lo + ((hi - lo) * i) / (n - 1)));
const MAX_FLOAT = 3.4028234663852886e38;
const SUBNORMALS = [2 ** -149, 3 * 2 ** -149, 2 ** -140, 2 ** -130, 1.1754942e-38].map(f);
const NAMED = [0, 1e-30, 1e-12, 1e-8, 0.5, 1, 2, 1e12, MAX_FLOAT].map(f);

function worstUlp(got, exact, inputs) {
  let worst = { ulp: 0, at: undefined };
  got.forEach((g, i) => {
    const e = ulpError(g, exact[i]);
    if (e > worst.ulp) worst = { ulp: e, at: inputs[i] };
  });
  return worst;
}

for (const kernel of KERNELS) {
  const test = suite(`mathf (${kernel})`);

  test('ln is within 1 ulp over every positive float32 magnitude, subnormals included', async () => {
    const xs = [...logSpaced(2 ** -149, MAX_FLOAT, 200_000), ...SUBNORMALS, ...NAMED.filter((x) => x > 0)];
    const worst = worstUlp(await mapWithCore(kernel, 'mapLn', xs), xs.map(Math.log), xs);
    assert.ok(worst.ulp <= 1, `ln: ${worst.ulp} ulp at ${worst.at}`);
  });

  test('ln gives -Infinity at 0, NaN below 0 and for NaN, Infinity at Infinity', async () => {
    const got = await mapWithCore(kernel, 'mapLn', [0, -0, -1, -1e-40, NaN, Infinity, -Infinity]);
    assert.equal(got.slice(0, 2), [-Infinity, -Infinity]);
    assert.ok(got.slice(2, 5).every(Number.isNaN), `expected NaN, got ${got.slice(2, 5)}`);
    assert.is(got[5], Infinity);
    assert.ok(Number.isNaN(got[6]));
  });

  test('lnNormal (for clamped arguments >= 1e-12) is within 1 ulp, and passes Infinity and NaN on', async () => {
    const xs = [...logSpaced(1e-12, MAX_FLOAT, 200_000), 1e-12, 1].map(f);
    const worst = worstUlp(await mapWithCore(kernel, 'mapLnNormal', xs), xs.map(Math.log), xs);
    assert.ok(worst.ulp <= 1, `lnNormal: ${worst.ulp} ulp at ${worst.at}`);
    const special = await mapWithCore(kernel, 'mapLnNormal', [Infinity, NaN]);
    assert.is(special[0], Infinity);
    assert.ok(Number.isNaN(special[1]));
  });

  test('exp is within 1 ulp from underflow through overflow, subnormal results included', async () => {
    const xs = [...linSpaced(-110, 100, 200_000), 0, -87.33655, 88.72283, -103.2789, 1e-12, -1e-12].map(f);
    const worst = worstUlp(await mapWithCore(kernel, 'mapExp', xs), xs.map(Math.exp), xs);
    assert.ok(worst.ulp <= 1, `exp: ${worst.ulp} ulp at ${worst.at}`);
    const special = await mapWithCore(kernel, 'mapExp', [-Infinity, Infinity, NaN, 89, -104]);
    assert.equal(special.slice(0, 2), [0, Infinity]);
    assert.ok(Number.isNaN(special[2]));
    assert.is(special[3], Infinity);
    assert.is(special[4], 0);
  });

  test('pow(x, y) is within 2 + 2|y ln x| ulp for x in [1e-12, 1e12] and y in [-1, 1.5]', async () => {
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const xs = Array.from({ length: 100_000 }, () => f(10 ** (-12 + 24 * random())));
    const ys = Array.from({ length: 100_000 }, () => f(-1 + 2.5 * random()));
    const got = await mapWithCore(kernel, 'mapPow', xs, ys);
    got.forEach((g, i) => {
      const bound = 2 + 2 * Math.abs(ys[i] * Math.log(xs[i]));
      const e = ulpError(g, xs[i] ** ys[i]);
      if (e > bound) assert.unreachable(`pow(${xs[i]}, ${ys[i]}) = ${g}: ${e} ulp, bound ${bound}`);
    });
  });

  test('pow: x^0 = 1 for every x (0^0 included), 0^y = 0 for y > 0, 0^y = Infinity for y < 0', async () => {
    const got = await mapWithCore(kernel, 'mapPow', [0, 1e-30, Infinity, 5, 0, 0, 2 ** -149], [0, 0, 0, 0, 0.5, -0.5, 0]);
    assert.equal(got, [1, 1, 1, 1, 0, Infinity, 1]);
  });

  test.run();
}
