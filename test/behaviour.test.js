// What the authors' own test suite checks of PILOT's behaviour.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { PILOT } from '../dist/index.js';
import { KERNELS } from './support/core.js';
import { seededRandom } from './support/random.js';

const DIM = 10;

/** 0.5 * mean((W x)^2) over a fixed batch of DIM inputs, and its gradient in W. */
function quadratic(W, X) {
  const Y = new Float64Array(DIM * DIM);
  for (let i = 0; i < DIM; i++) for (let b = 0; b < DIM; b++) {
    let s = 0;
    for (let k = 0; k < DIM; k++) s += W[i * DIM + k] * X[k * DIM + b];
    Y[i * DIM + b] = s;
  }
  const loss = 0.5 * Y.reduce((acc, y) => acc + y * y, 0) / Y.length;
  const grad = new Float32Array(DIM * DIM);
  for (let i = 0; i < DIM; i++) for (let k = 0; k < DIM; k++) {
    let s = 0;
    for (let b = 0; b < DIM; b++) s += Y[i * DIM + b] * X[k * DIM + b];
    grad[i * DIM + k] = s / Y.length;
  }
  return { loss, grad };
}

for (const kernel of KERNELS) {
  const test = suite(`behaviour (${kernel})`);

  for (const degree of [1, 2, 3]) {
    test(`degree ${degree} converges on a 10x10 quadratic: loss below a tenth of its start in 100 steps at lr 0.1`, async () => {
      const rng = seededRandom(100 + degree);
      const X = Float64Array.from(rng.normals(DIM * DIM));
      const opt = await PILOT.create([{ shape: [DIM, DIM], init: rng.normals(DIM * DIM) }], { lr: 0.1, degree, kernel });
      const start = quadratic(opt.params[0], X).loss;
      for (let t = 0; t < 100; t++) {
        opt.grads[0].set(quadratic(opt.params[0], X).grad);
        opt.step();
      }
      const end = quadratic(opt.params[0], X).loss;
      assert.ok(end < start / 10, `loss ${start} -> ${end}`);
    });
  }

  test('phi moves after 20 steps at etaPhi 0.1', async () => {
    const rng = seededRandom(3);
    const opt = await PILOT.create([[DIM, DIM]], { etaPhi: 0.1, kernel });
    const phi0 = opt.state().phi;
    const drift = rng.normals(DIM * DIM);
    for (let t = 0; t < 20; t++) {
      opt.grads[0].set(rng.normals(DIM * DIM, 0.5).map((x, j) => x + drift[j]));
      opt.step();
    }
    const moved = Math.hypot(...opt.state().phi.map((c, j) => c - phi0[j]));
    assert.ok(moved > 1e-3, `phi moved by only ${moved}`);
  });

  test('weight decay shrinks the weights', async () => {
    const rng = seededRandom(4);
    const init = rng.normals(50);
    const opt = await PILOT.create([{ shape: [50], init }], { lr: 0.01, weightDecay: 0.5, kernel });
    for (let t = 0; t < 30; t++) opt.step();
    const norm = (x) => Math.hypot(...x);
    assert.ok(norm(opt.params[0]) < 0.9 * norm(init), `${norm(init)} -> ${norm(opt.params[0])}`);
    assert.ok(Math.abs(norm(opt.params[0]) / norm(init) - (1 - 0.005) ** 30) < 1e-5);
  });

  test('phi has 3(d+1) coefficients', async () => {
    for (const degree of [1, 2, 3, 4, 7]) {
      const opt = await PILOT.create([[3]], { degree, kernel });
      assert.is(opt.state().phi.length, 3 * (degree + 1), `degree ${degree}`);
    }
  });

  test('degree-1 initial phi is [0, 1.4, 0, 3, 0, -2]', async () => {
    const opt = await PILOT.create([[3]], { degree: 1, kernel });
    assert.equal(opt.state().phi, [0, 1.4, 0, 3, 0, -2]);
  });

  test('the initial policy is near Adam: 0.7 < pm < 0.9, 0.4 < pv < 0.5, 0.05 < ps < 0.2', async () => {
    const { pm, pv, ps } = (await PILOT.create([[3]], { kernel })).state();
    assert.ok(pm > 0.7 && pm < 0.9, `pm ${pm}`);
    assert.ok(pv > 0.4 && pv < 0.5, `pv ${pv}`);
    assert.ok(ps > 0.05 && ps < 0.2, `ps ${ps}`);
  });

  test.run();
}
