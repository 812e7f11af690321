// The PILOT API of SPEC.md and its additions: creation forms, in-place views, parameter groups,
// diagnostics, state dicts, hyperparameters between steps, validation, lifecycle, memory.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { PILOT, simdSupported } from '../dist/index.js';
import { KERNELS } from './support/core.js';
import { seededRandom } from './support/random.js';
import { ReferencePILOT } from './support/reference-port.js';

const sizeOf = (s) => s.reduce((a, b) => a * b, 1);
const snapshot = (opt) => JSON.stringify(opt.stateDict());

function feed(opt, rng, scale = 1) {
  opt.shapes.forEach((s, i) => opt.grads[i].set(rng.normals(sizeOf(s), scale)));
}

const creation = suite('creation and views');

creation('bare shapes start at zero; { shape, init } starts at init', async () => {
  const opt = await PILOT.create([[2, 3], { shape: [4], init: [1, 2, 3, 4] }, []]);
  assert.equal(opt.shapes, [[2, 3], [4], []]);
  assert.equal(Array.from(opt.params[0]), [0, 0, 0, 0, 0, 0]);
  assert.equal(Array.from(opt.params[1]), [1, 2, 3, 4]);
  assert.is(opt.params[2].length, 1, 'a shape [] holds one value');
  assert.equal(opt.paramGroups.length, 1);
  assert.equal(opt.paramGroups[0].tensors, [0, 1, 2]);
});

creation('params and grads are views of Wasm memory: writes in place are what step() reads', async () => {
  const opt = await PILOT.create([[4]], { lr: 0.1, weightDecay: 0, policyOverrides: { ps: 1, pv: 0 } });
  assert.ok(opt.params[0].buffer === opt.grads[0].buffer, 'one buffer');
  assert.ok(opt.params[0] === opt.params[0] && opt.grads[0] === opt.grads[0], 'the same views every time');
  opt.params[0].set([1, 1, 1, 1]);
  opt.grads[0].set([1, -1, 0, 2]);
  opt.step();
  const moved = Array.from(opt.params[0], (x) => Math.round((x - 1) * 1e6) / 1e6);
  assert.equal(moved, [-0.1, 0.1, 0, -0.1]);
});

creation("kernel 'auto' picks SIMD where supported; 'scalar' can be forced; the choice is exposed", async () => {
  assert.is(simdSupported(), true, 'Node 20 validates Wasm SIMD');
  assert.is((await PILOT.create([[4]])).kernel, 'simd');
  assert.is((await PILOT.create([[4]], { kernel: 'scalar' })).kernel, 'scalar');
  try {
    await PILOT.create([[4]], { kernel: 'gpu' });
    assert.unreachable('no error');
  } catch (error) {
    assert.match(error.message, /kernel.*gpu/);
  }
});

creation('memory: at most 21 bytes per parameter at 16M parameters (params, grads, m, v, gPrev and records)', async () => {
  const shapes = [[2048, 2048], [2048, 2048], [2048, 2048], [4096, 1024]];
  const opt = await PILOT.create(shapes);
  const parameters = shapes.reduce((n, s) => n + sizeOf(s), 0);
  assert.is(parameters, 16 * 1024 * 1024);
  const perParameter = opt.memoryBytes / parameters;
  // params and grads are 8 bytes; a fourth float of state per parameter would already make 24.
  assert.ok(perParameter <= 21, `${perParameter} bytes per parameter`);
  opt.dispose();
});

creation('policy: an initial phi, its knobs reported before the first step; a wrong length throws naming it', async () => {
  const policy = [0, 0.5, 1.0, 0, 0.1, 2.0, 0, -0.2, -1.0];
  const opt = await PILOT.create([[3]], { policy });
  const s = opt.state();
  assert.equal(s.phi, policy);
  assert.ok(Math.abs(s.pm - 1 / (1 + Math.exp(-1.0))) < 1e-12);
  assert.ok(Math.abs(s.pv - 0.5 / (1 + Math.exp(-2.0))) < 1e-12);
  try {
    await PILOT.create([[3]], { policy: [1, 2, 3], degree: 2 });
    assert.unreachable('no error');
  } catch (error) {
    assert.match(error.message, /policy must be an array of 3\(degree\+1\) = 9 finite numbers for group 0's degree 2, got \[1, 2, 3\]/);
  }
});

creation.run();

for (const kernel of KERNELS) {
  const groups = suite(`parameter groups (${kernel})`);

  groups('each group has its own hyperparameters, rho and phi, and runs as if it were alone', async () => {
    const rng = seededRandom(31);
    const initA = [rng.normals(12), rng.normals(3)], initB = [rng.normals(20)];
    const both = await PILOT.create([
      { tensors: [{ shape: [4, 3], init: initA[0] }, { shape: [3], init: initA[1] }], lr: 0.02 },
      { tensors: [{ shape: [20], init: initB[0] }], degree: 3, weightDecay: 0, etaPhi: 0.05 },
    ], { kernel, gamma: 0.9 });
    const a = await PILOT.create([{ shape: [4, 3], init: initA[0] }, { shape: [3], init: initA[1] }], { kernel, gamma: 0.9, lr: 0.02 });
    const b = await PILOT.create([{ shape: [20], init: initB[0] }], { kernel, gamma: 0.9, degree: 3, weightDecay: 0, etaPhi: 0.05 });
    assert.equal(both.paramGroups.map((g) => g.tensors), [[0, 1], [2]]);
    assert.is(both.paramGroups[0].lr, 0.02);
    assert.is(both.paramGroups[1].lr, 1e-3);
    assert.is(both.paramGroups[1].gamma, 0.9, 'optimizer-wide options reach every group');
    for (let t = 0; t < 15; t++) {
      feed(both, rng);
      a.grads[0].set(both.grads[0]);
      a.grads[1].set(both.grads[1]);
      b.grads[0].set(both.grads[2]);
      both.step();
      a.step();
      b.step();
    }
    assert.equal(both.state(0), a.state());
    assert.equal(both.state(1), b.state());
    assert.is(both.state(1).phi.length, 12);
    assert.equal(Array.from(both.params[2]), Array.from(b.params[0]));
    assert.equal(Array.from(both.params[1]), Array.from(a.params[1]));
  });

  groups('state(group) rejects a group that does not exist', async () => {
    const opt = await PILOT.create([[2]], { kernel });
    assert.throws(() => opt.state(1), /group 1 is not a group index in \[0, 1\)/);
  });

  groups.run();

  const features = suite(`diagnostics, state dicts, schedules (${kernel})`);

  features('diagnostics record r, rho, pm, pv, ps and phi after every step', async () => {
    const rng = seededRandom(32);
    const opt = await PILOT.create([[5, 5]], { kernel, diagnostics: true });
    const seen = [];
    for (let t = 0; t < 7; t++) {
      feed(opt, rng);
      opt.step();
      seen.push(opt.state());
    }
    const d = opt.diagnostics();
    for (const key of ['r', 'rho', 'pm', 'pv', 'ps', 'phi']) {
      assert.equal(d[key], seen.map((s) => s[key]), key);
    }
    d.rho.push(99);
    assert.is(opt.diagnostics().rho.length, 7, 'callers get copies');
    const plain = await PILOT.create([[2]], { kernel });
    assert.throws(() => plain.diagnostics(), /diagnostics: true/);
  });

  features('stateDict is plain JSON, and fromStateDict continues bit-exactly as the original', async () => {
    const rng = seededRandom(33);
    const make = () => PILOT.create([
      { tensors: [{ shape: [6, 5], init: seededRandom(1).normals(30) }, [5]], lr: 0.01 },
      { tensors: [[7]], degree: 1, policyOverrides: { pv: 0.5 } },
    ], { kernel });
    const original = await make();
    const grads = Array.from({ length: 40 }, () => original.shapes.map((s) => rng.normals(sizeOf(s))));
    const missing = (t) => (t % 4 === 3 ? [2] : []);
    let restored;
    for (let t = 0; t < 40; t++) {
      if (t === 17) {
        const json = JSON.stringify(original.stateDict());
        restored = await PILOT.fromStateDict(JSON.parse(json), { kernel });
      }
      for (const opt of restored ? [original, restored] : [original]) {
        grads[t].forEach((g, i) => opt.grads[i].set(g));
        opt.step({ missing: missing(t) });
      }
    }
    assert.is(snapshot(restored), snapshot(original));
    original.params.forEach((p, i) => assert.equal(Array.from(restored.params[i]), Array.from(p)));
    assert.equal(restored.paramGroups[1].policyOverrides, { pv: 0.5 });
  });

  features('an lr schedule between steps: the meta-gradient uses the current lr, as the reference does', async () => {
    const rng = seededRandom(34);
    const init = rng.normals(40);
    const options = { lr: 1e-3, etaPhi: 1e-3 };
    const opt = await PILOT.create([{ shape: [40], init }], { ...options, kernel });
    const reference = new ReferencePILOT([init], options);
    const drift = rng.normals(40);
    for (let t = 0; t < 12; t++) {
      const lr = t < 6 ? 1e-3 : 1e-2;
      opt.paramGroups[0].lr = lr;
      reference.lr = lr;
      const g = rng.normals(40, 0.5).map((x, j) => x + drift[j]);
      opt.grads[0].set(g);
      const phiBefore = opt.state().phi;
      opt.step();
      reference.step([Array.from(opt.grads[0])]);
      const G = opt.state().phi.map((c, j) => (phiBefore[j] - c) / options.etaPhi);
      const error = Math.hypot(...G.map((x, j) => x - reference.lastMetaGradient[j]));
      assert.ok(error <= 1e-4 * Math.hypot(...reference.lastMetaGradient) + 1e-12, `step ${t}: G off by ${error}`);
      opt.params[0].forEach((p, j) => assert.ok(Math.abs(p - reference.params[0][j]) <= 2e-5 * (1 + Math.abs(p))));
    }
    assert.is(opt.paramGroups[0].lr, 1e-2);
  });

  features.run();
}

const validation = suite('validation');

const BAD_OPTIONS = [
  [{ lr: -1 }, /lr must be a finite number >= 0, got -1/],
  [{ lr: NaN }, /lr .*got NaN/],
  [{ betas: [1, 0.999] }, /betas\[0\] \(beta1\) must be a number in \[0, 1\), got 1/],
  [{ betas: [0.9, -0.1] }, /betas\[1\] \(beta2\).*got -0.1/],
  [{ betas: [0.9] }, /betas must be a pair/],
  [{ eps: -1e-8 }, /eps .*got -1e-8/],
  [{ gamma: 1 }, /gamma must be a number in \[0, 1\), got 1/],
  [{ gamma: -0.5 }, /gamma .*got -0.5/],
  [{ degree: 1.5 }, /degree must be an integer >= 1, got 1.5/],
  [{ degree: 0 }, /degree .*got 0/],
  [{ weightDecay: Infinity }, /weightDecay must be a finite number, got Infinity/],
  [{ etaPhi: NaN }, /etaPhi .*got NaN/],
  [{ policyOverrides: { pm: NaN } }, /policyOverrides.pm must be a finite number, got NaN/],
  [{ policyOverrides: { ps: Infinity } }, /policyOverrides.ps .*got Infinity/],
  [{ policyOverrides: { px: 1 } }, /policyOverrides .*'pm', 'pv', 'ps'/],
  [{ learningRate: 0.1 }, /unknown option 'learningRate'/],
];

for (const [options, message] of BAD_OPTIONS) {
  validation(`rejects ${JSON.stringify(options, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v))}`, async () => {
    try {
      await PILOT.create([[3]], options);
      assert.unreachable('no error');
    } catch (error) {
      assert.match(error.message, message);
    }
  });
}

validation('rejects bad shapes, bad init, bad groups', async () => {
  const cases = [
    [[[-1]], /tensors\[0\]: dimension 0 of shape \[-1\] must be a non-negative integer, got -1/],
    [[[2, 2.5]], /dimension 1 .*got 2.5/],
    [['abc'], /tensors\[0\]: expected a shape or \{ shape, init \}/],
    [[{ shape: [3], init: [1, 2] }], /tensors\[0\]: init must hold 3 values for shape \[3\], got 2 values/],
    [[{ tensors: [[2]], lr: -1 }], /groups\[0\]: lr must be/],
    [[{ tensors: [[2]], lrr: 1 }], /groups\[0\]: unknown option 'lrr'/],
    [[{ tensors: [[2]] }, [3]], /not a mix/],
  ];
  for (const [tensors, message] of cases) {
    try {
      await PILOT.create(tensors);
      assert.unreachable(`no error for ${JSON.stringify(tensors)}`);
    } catch (error) {
      assert.match(error.message, message);
    }
  }
});

validation('a bad missing index throws and leaves the optimizer exactly as it was', async () => {
  const rng = seededRandom(35);
  const opt = await PILOT.create([[3, 3], [3]]);
  feed(opt, rng);
  opt.step();
  feed(opt, rng);
  const before = snapshot(opt);
  for (const bad of [2, -1, 0.5, '1', NaN]) {
    assert.throws(() => opt.step({ missing: [0, bad] }), /missing index .* is not a tensor index in \[0, 2\)/);
    assert.is(snapshot(opt), before);
  }
});

validation('a bad hyperparameter between steps throws and changes nothing; degree is fixed', async () => {
  const opt = await PILOT.create([[3]], { lr: 0.01 });
  const group = opt.paramGroups[0];
  assert.throws(() => { group.lr = -0.5; }, /lr must be a finite number >= 0, got -0.5/);
  assert.throws(() => { group.betas = [0.9, 1]; }, /betas\[1\]/);
  assert.throws(() => { group.degree = 3; }, /degree cannot change/);
  assert.is(group.lr, 0.01);
  assert.equal(group.betas, [0.9, 0.999]);
  group.weightDecay = 0;
  assert.is(opt.stateDict().groups[0].hyperparameters.weightDecay, 0);
});

validation('fromStateDict names what is wrong: format, version, shapes, degree, group count', async () => {
  const opt = await PILOT.create([[2, 2], [3]]);
  const good = () => JSON.parse(JSON.stringify(opt.stateDict()));
  const cases = [
    [(d) => { d.version = 2; }, /stateDict.version: this build reads version 1, got 2/],
    [(d) => { d.format = 'x'; }, /stateDict.format/],
    [(d) => { d.tensors[1].shape = [4]; }, /stateDict.tensors\[1\].param: expected 4 float32 values, got 3/],
    [(d) => { d.groups[0].hyperparameters.degree = 3; }, /stateDict.groups\[0\].phi: expected 12 coefficients for degree 3, got 9/],
    [(d) => { d.tensors[1].group = 1; }, /stateDict.tensors\[1\].group/],
    [(d) => { d.groups = []; }, /stateDict.groups: expected a non-empty array/],
    [(d) => { d.groups[0].hyperparameters.lr = -1; }, /stateDict.groups\[0\].hyperparameters: lr must be/],
    [(d) => { d.tensors[0].record = { pm: 1 }; }, /stateDict.tensors\[0\].record.pv: expected a number/],
  ];
  for (const [spoil, message] of cases) {
    const dict = good();
    spoil(dict);
    try {
      await PILOT.fromStateDict(dict);
      assert.unreachable('no error');
    } catch (error) {
      assert.match(error.message, message);
    }
  }
});

validation.run();

const lifecycle = suite('lifecycle');

lifecycle('after dispose() every method throws a clear error', async () => {
  const opt = await PILOT.create([[3]]);
  opt.dispose();
  assert.is(opt.disposed, true);
  for (const call of [() => opt.step(), () => opt.state(), () => opt.zeroGrad(), () => opt.stateDict(), () => opt.params, () => opt.grads, () => { opt.paramGroups[0].lr = 1; }]) {
    assert.throws(call, /has been disposed/);
  }
});

lifecycle('zeroGrad zeroes every gradient', async () => {
  const opt = await PILOT.create([[3], [2, 2]]);
  feed(opt, seededRandom(36));
  opt.zeroGrad();
  opt.grads.forEach((g) => assert.ok(g.every((x) => x === 0)));
});

lifecycle.run();
