// SPEC.md's special cases: fixed knobs that make PILOT AdamW or a sign update, an all-zero first
// gradient, sign(0) = 0, and tensors without a gradient on some steps.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { PILOT } from '../dist/index.js';
import { KERNELS } from './support/core.js';
import { seededRandom } from './support/random.js';

const SHAPES = [[6, 7], [7], [5]];
const sizeOf = (shape) => shape.reduce((a, b) => a * b, 1);

for (const kernel of KERNELS) {
  const test = suite(`special cases (${kernel})`);

  test('pm=1, pv=0.5, ps=0 is AdamW', async () => {
    const rng = seededRandom(7);
    const hyper = { lr: 0.01, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.05 };
    const init = SHAPES.map((s) => rng.normals(sizeOf(s)));
    const opt = await PILOT.create(SHAPES.map((shape, i) => ({ shape, init: init[i] })), {
      ...hyper, kernel, policyOverrides: { pm: 1, pv: 0.5, ps: 0 },
    });
    const p = init.map((x) => Float64Array.from(x));
    const m = init.map((x) => new Float64Array(x.length));
    const v = init.map((x) => new Float64Array(x.length));
    for (let t = 1; t <= 50; t++) {
      const grads = SHAPES.map((s) => rng.normals(sizeOf(s)));
      grads.forEach((g, i) => opt.grads[i].set(g));
      opt.step();
      grads.forEach((g, i) => g.forEach((x, j) => {
        m[i][j] = 0.9 * m[i][j] + 0.1 * x;
        v[i][j] = 0.999 * v[i][j] + 0.001 * x * x;
        const update = (m[i][j] / (1 - 0.9 ** t)) / (Math.sqrt(v[i][j] / (1 - 0.999 ** t)) + hyper.eps);
        p[i][j] = p[i][j] - hyper.lr * update - hyper.lr * hyper.weightDecay * p[i][j];
      }));
    }
    p.forEach((ref, i) => ref.forEach((x, j) => {
      const got = opt.params[i][j];
      if (Math.abs(got - x) > 1e-5 * (1 + Math.abs(x))) assert.unreachable(`tensor ${i}[${j}]: ${got} vs AdamW ${x}`);
    }));
    const { pm, pv, ps, phi } = opt.state();
    assert.equal([pm, pv, ps], [1, 0.5, 0]);
    assert.equal(phi, [0, 0, 1.4, 0, 0, 3, 0, 0, -2], 'fixed knobs do not learn');
  });

  test('ps=1, pv=0 is a sign update: each weight moves by exactly lr/(1+eps) against sign(n), or not at all where n = 0', async () => {
    const rng = seededRandom(8);
    const lr = 0.125, eps = 1e-8;
    // Each element's gradient keeps one sign (or stays 0), so m, mHat and n keep it too.
    const signs = Array.from({ length: 64 }, (_, j) => (j % 9 === 0 ? 0 : j % 2 ? 1 : -1));
    const opt = await PILOT.create([{ shape: [64], init: rng.normals(64) }], { lr, eps, weightDecay: 0, kernel, policyOverrides: { ps: 1, pv: 0 } });
    for (let t = 0; t < 5; t++) {
      const before = Float64Array.from(opt.params[0]);
      opt.grads[0].set(signs.map((s) => s * (0.01 + Math.abs(rng.normal()) * 10 ** (3 * rng.uniform()))));
      opt.step();
      signs.forEach((s, j) => {
        const moved = opt.params[0][j] - before[j];
        const expected = -s * lr / (1 + eps);
        if (Math.abs(moved - expected) > 1e-6) assert.unreachable(`step ${t} [${j}]: moved ${moved}, expected ${expected}`);
      });
    }
  });

  test('an all-zero first gradient: r = 0, weights only decay, and the policy does not move until a real update exists', async () => {
    const rng = seededRandom(9);
    const init = rng.normals(30);
    const lr = 0.01, weightDecay = 0.1;
    const opt = await PILOT.create([{ shape: [30], init }], { lr, weightDecay, kernel });
    const phi0 = opt.state().phi;
    opt.step();
    assert.is(opt.state().r, 0);
    init.forEach((x, j) => {
      const expected = Math.fround(Math.fround(x) * Math.fround(1 - lr * weightDecay));
      assert.ok(Math.abs(opt.params[0][j] - expected) <= 1e-7 * (1 + Math.abs(x)), `[${j}] ${opt.params[0][j]} vs ${expected}`);
    });
    assert.equal(opt.state().phi, phi0, 'no record yet: G = 0');
    opt.grads[0].set(rng.normals(30));
    opt.step();
    assert.is(opt.state().r, 0, 'gPrev is all zeros');
    assert.equal(opt.state().phi, phi0, 'the recorded update was zero: G = 0');
    opt.grads[0].set(rng.normals(30));
    opt.step();
    assert.not.equal(opt.state().phi, phi0, 'with a real update on record, phi moves');
  });

  test('a tensor without a gradient is skipped everywhere: its weights and state stay as they were', async () => {
    const rng = seededRandom(10);
    const init = SHAPES.map((s) => rng.normals(sizeOf(s)));
    const all = await PILOT.create(SHAPES.map((shape, i) => ({ shape, init: init[i] })), { kernel });
    const withoutLast = await PILOT.create(SHAPES.slice(0, 2).map((shape, i) => ({ shape, init: init[i] })), { kernel });
    for (let t = 0; t < 12; t++) {
      const grads = SHAPES.map((s) => rng.normals(sizeOf(s)));
      const lastBefore = all.stateDict().tensors[2];
      grads.forEach((g, i) => all.grads[i].set(g));
      grads.slice(0, 2).forEach((g, i) => withoutLast.grads[i].set(g));
      all.step({ missing: [2] });
      withoutLast.step();
      assert.equal(all.stateDict().tensors[2], lastBefore, `step ${t}: the missing tensor changed`);
      assert.equal(all.state(), withoutLast.state(), `step ${t}: policy differs from an optimizer without that tensor`);
      [0, 1].forEach((i) => assert.equal(Array.from(all.params[i]), Array.from(withoutLast.params[i])));
    }
    assert.is(all.state().step, 12, 'the step count counts every step');
  });

  test('sign(0) = 0: an element whose n is exactly zero gets only the decay', async () => {
    const lr = 0.5, weightDecay = 0.2;
    const opt = await PILOT.create([{ shape: [8], init: [1, -1, 2, -2, 3, -3, 4, -4] }], { lr, weightDecay, kernel });
    opt.grads[0].set([0, 0, 0, 0, 1, 1, 1, 1]);
    opt.step();
    [1, -1, 2, -2].forEach((x, j) => assert.is(opt.params[0][j], Math.fround(x * Math.fround(1 - lr * weightDecay))));
    [3, -3, 4, -4].forEach((x, j) => assert.ok(opt.params[0][j + 4] < x * (1 - lr * weightDecay) - 0.1));
  });

  test('eps = 0: an exactly-zero n still gives d = 0, and a gradient whose square underflows gives a finite update', async () => {
    const opt = await PILOT.create([{ shape: [4], init: [1, 1, 1, 1] }], { lr: 0.01, eps: 0, weightDecay: 0, betas: [0, 0], kernel });
    opt.grads[0].set([0, 5e-24, -1e-30, 1]);
    opt.step();
    const p = Array.from(opt.params[0]);
    assert.ok(p.every(Number.isFinite), `params ${p}`);
    assert.is(p[0], 1, 'g = 0: no move');
    assert.ok(p[1] < 1 && p[2] > 1 && p[3] < 1, `each moves against its gradient: ${p}`);
  });

  test.run();
}

// The update takes a cheaper ln for vectors whose v_hat lanes are all normal floats; vectors with
// a zero or subnormal v_hat (gradients that have been exactly zero, or tiny) take the full one.
for (const kernel of KERNELS) {
  const mixed = suite(`zero and subnormal second moments beside normal ones (${kernel})`);
  mixed('elements whose gradient is always 0 or subnormal, beside ordinary ones, follow the reference', async () => {
    const { ReferencePILOT } = await import('./support/reference-port.js');
    const n = 61;
    const init = Array.from({ length: n }, (_, j) => Math.fround(Math.sin(j + 1)));
    const opt = await PILOT.create([{ shape: [n], init }], { kernel, eps: 1e-8 });
    const reference = new ReferencePILOT([init]);
    let worst = 0;
    for (let t = 0; t < 8; t++) {
      const g = init.map((_, j) => (j % 3 === 0 ? 0 : j % 5 === 0 ? Math.fround(1e-39 * (j + t)) : Math.fround(Math.cos(j * (t + 2)))));
      opt.grads[0].set(g);
      opt.step();
      reference.step([Array.from(opt.grads[0])]);
      opt.params[0].forEach((p, j) => { worst = Math.max(worst, Math.abs(p - reference.params[0][j]) / (1 + Math.abs(reference.params[0][j]))); });
    }
    assert.ok(worst > 0 && worst <= 2e-5, `params off by ${worst}`);
  });
  mixed.run();
}
