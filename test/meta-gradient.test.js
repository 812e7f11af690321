// The analytic one-step meta-gradient (SPEC.md step 4) against finite differences. The loss it
// differentiates is the next gradient's view of the last update, F(phi) = sum(gNew * d(phi)),
// where d is that update rebuilt with the knobs sigmoid(poly(phi_k, rho_old)). F is computed
// here in float64 from the optimizer's own state dict; G is read off the phi the core moves to.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { PILOT } from '../dist/index.js';
import { float32FromBase64 } from '../dist/base64.js';
import { KERNELS } from './support/core.js';
import { seededRandom } from './support/random.js';

const sigmoid = (z) => 1 / (1 + Math.exp(-z));
const horner = (c, x) => c.reduce((acc, ci) => acc * x + ci, 0);
const SHAPES = [[5, 4], [4], [3, 3]];
const sizeOf = (s) => s.reduce((a, b) => a * b, 1);

function lossOfLastUpdate(dict, gNew, phi, lr) {
  const degree = dict.groups[0].hyperparameters.degree;
  const block = (k) => phi.slice(k * (degree + 1), (k + 1) * (degree + 1));
  let total = 0;
  dict.tensors.forEach((tensor, i) => {
    const { rho, bias1, bias2 } = tensor.record;
    const pm = sigmoid(horner(block(0), rho));
    const pv = 0.5 * sigmoid(horner(block(1), rho));
    const ps = sigmoid(horner(block(2), rho));
    const m = float32FromBase64(tensor.m), v = float32FromBase64(tensor.v), gOld = float32FromBase64(tensor.gradPrev);
    gNew[i].forEach((g, j) => {
      const n = pm * m[j] * bias1 + (1 - pm) * gOld[j];
      const den = Math.max(v[j] * bias2, 1e-12) ** pv + 1e-8;
      total += g * (-lr * Math.sign(n) * Math.max(Math.abs(n), 1e-12) ** (1 - ps) / den);
    });
  });
  return total;
}

for (const kernel of KERNELS) {
  const test = suite(`meta-gradient (${kernel})`);

  for (const degree of [1, 2, 3]) {
    test(`degree ${degree}: every coefficient of G matches a central difference of F`, async () => {
      const rng = seededRandom(20 + degree);
      const lr = 2e-3, etaPhi = 1e-3;
      const opt = await PILOT.create(SHAPES.map((shape) => ({ shape, init: rng.normals(sizeOf(shape)) })), { lr, etaPhi, degree, kernel });
      const drift = SHAPES.map((s) => rng.normals(sizeOf(s)));
      for (let t = 0; t < 6; t++) {
        SHAPES.forEach((s, i) => opt.grads[i].set(rng.normals(sizeOf(s), 0.7).map((x, j) => x + drift[i][j])));
        opt.step();
      }
      const dict = opt.stateDict();
      const phi = opt.state().phi;
      const gNew = SHAPES.map((s, i) => rng.normals(sizeOf(s), 0.7).map((x, j) => x + drift[i][j]));
      gNew.forEach((g, i) => opt.grads[i].set(g));
      opt.step();
      const G = opt.state().phi.map((after, j) => (phi[j] - after) / etaPhi);
      const norm = Math.hypot(...G);
      assert.ok(norm > 1e-6 && norm < 1, `G must be nonzero and below the clip (norm ${norm}) for G to be read off phi`);

      const h = 1e-5;
      const fd = phi.map((_, j) => {
        const plus = [...phi], minus = [...phi];
        plus[j] += h;
        minus[j] -= h;
        return (lossOfLastUpdate(dict, gNew, plus, lr) - lossOfLastUpdate(dict, gNew, minus, lr)) / (2 * h);
      });
      const error = Math.hypot(...G.map((g, j) => g - fd[j]));
      assert.ok(error <= 1e-4 * Math.hypot(...fd), `|G - FD| = ${error}, |FD| = ${Math.hypot(...fd)}\nG  = ${G}\nFD = ${fd}`);
    });
  }

  test.run();
}
