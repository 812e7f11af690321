// Property tests (fast-check) over random shapes, group layouts, hyperparameters across their
// valid ranges and finite gradients, extremes included: the core never throws on valid input,
// never leaves a non-finite value, and matches the tfjs-ops engine; invalid input always names
// the field.
// FUZZ_RUNS sets the number of cases (npm run fuzz runs many more).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { PILOT } from '../dist/index.js';
import { PilotOptimizer } from '../dist/tfjs/index.js';
import { tf, useBackend } from './support/tfjs.js';
import { TOLERANCE } from './support/traces.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 25);
const sizeOf = (shape) => shape.reduce((a, b) => a * b, 1);

const shapeArb = fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 0, maxLength: 3 });
const hyperparametersArb = fc.record({
  lr: fc.double({ min: 0, max: 0.1, noNaN: true }),
  betas: fc.tuple(fc.double({ min: 0, max: 0.99, noNaN: true }), fc.double({ min: 0, max: 0.9999, noNaN: true })),
  eps: fc.double({ min: 0, max: 1e-6, noNaN: true }),
  weightDecay: fc.double({ min: -0.1, max: 0.1, noNaN: true }),
  gamma: fc.double({ min: 0, max: 0.99, noNaN: true }),
  etaPhi: fc.double({ min: -0.1, max: 0.1, noNaN: true }),
  degree: fc.integer({ min: 1, max: 4 }),
  // Fixed knobs within the ranges the policy itself produces.
  policyOverrides: fc.record({ pm: fc.double({ min: 0, max: 1, noNaN: true }), pv: fc.double({ min: 0, max: 0.5, noNaN: true }), ps: fc.double({ min: 0, max: 1, noNaN: true }) }, { requiredKeys: [] }),
});
/** A finite gradient value: mostly normal, at scales from 1e-3 to 1e3, with exact zeros and
 *  extremes (1e30, the largest float, 1e-30, subnormals). */
const gradientValueArb = fc.oneof(
  { weight: 8, arbitrary: fc.double({ min: -1, max: 1, noNaN: true }).chain((x) => fc.integer({ min: -3, max: 3 }).map((e) => Math.fround(x * 10 ** e))) },
  { weight: 1, arbitrary: fc.constant(0) },
  { weight: 1, arbitrary: fc.constantFrom(1e30, -1e30, Math.fround(3.4028234663852886e38), -Math.fround(3.4028234663852886e38), Math.fround(1e-30), Math.fround(-1e-40), -1.401298464324817e-45) },
);

const layoutArb = fc.record({
  groups: fc.array(fc.record({ shapes: fc.array(shapeArb, { minLength: 1, maxLength: 3 }), hyperparameters: hyperparametersArb }), { minLength: 1, maxLength: 3 }),
  steps: fc.integer({ min: 1, max: 8 }),
  seed: fc.integer(),
});

function gradientsFor(shapes, steps, seed) {
  const gradients = fc.tuple(...shapes.map((s) => fc.array(gradientValueArb, { minLength: sizeOf(s), maxLength: sizeOf(s) })));
  const missing = fc.array(fc.boolean(), { minLength: shapes.length, maxLength: shapes.length });
  return fc.sample(fc.array(fc.tuple(gradients, missing), { minLength: steps, maxLength: steps }), { seed, numRuns: 1 })[0];
}

const property = suite('fuzz: the core against the tfjs-ops engine');
property.before(() => useBackend('cpu'));

property('random layouts, hyperparameters and finite gradients: no throw, all finite, matches the tfjs engine', async () => {
  await fc.assert(fc.asyncProperty(layoutArb, async ({ groups, steps, seed }) => {
    const shapes = groups.flatMap((g) => g.shapes);
    const core = await PILOT.create(groups.map((g) => ({ tensors: g.shapes, ...g.hyperparameters })));
    // Each group runs as if alone (tested elsewhere), so each gets its own tfjs-engine optimizer.
    let first = 0;
    const mirrors = groups.map((g) => {
      const variables = g.shapes.map((s, k) => tf.variable(tf.zeros(s), true, `fuzz_${seed}_${first + k}_${Math.random()}`));
      first += g.shapes.length;
      return { variables, optimizer: new PilotOptimizer({ ...g.hyperparameters, engine: 'tfjs' }) };
    });
    try {
      for (const [values, missingFlags] of gradientsFor(shapes, steps, seed)) {
        values.forEach((v, i) => core.grads[i].set(v));
        const missing = missingFlags.flatMap((m, i) => (m ? [i] : []));
        core.step({ missing });
        let index = 0;
        for (const { variables, optimizer } of mirrors) {
          const map = {};
          for (const variable of variables) {
            if (!missingFlags[index]) map[variable.name] = tf.tensor(values[index], variable.shape);
            index += 1;
          }
          optimizer.applyGradients(map);
          tf.dispose(Object.values(map));
        }
      }
      let index = 0;
      mirrors.forEach(({ variables, optimizer }, g) => {
        const mine = core.state(g), theirs = optimizer.state();
        for (const k of ['rho', 'pm', 'pv', 'ps']) {
          if (!Number.isFinite(mine[k])) throw new Error(`group ${g}: ${k} = ${mine[k]}`);
          if (Math.abs(mine[k] - theirs[k]) > TOLERANCE.knob) throw new Error(`group ${g}: ${k} ${mine[k]} vs tfjs engine ${theirs[k]}`);
        }
        mine.phi.forEach((c, j) => {
          if (!Number.isFinite(c)) throw new Error(`group ${g}: phi[${j}] = ${c}`);
          if (Math.abs(c - theirs.phi[j]) > TOLERANCE.phi) throw new Error(`group ${g}: phi[${j}] ${c} vs tfjs engine ${theirs.phi[j]}`);
        });
        for (const variable of variables) {
          const expected = variable.dataSync();
          core.params[index].forEach((p, j) => {
            if (!Number.isFinite(p)) throw new Error(`tensor ${index}[${j}] = ${p}`);
            if (Math.abs(p - expected[j]) > TOLERANCE.param * (1 + Math.abs(expected[j]))) {
              throw new Error(`tensor ${index}[${j}]: ${p} vs tfjs engine ${expected[j]}`);
            }
          });
          index += 1;
        }
      });
    } catch (e) { if (process.env.FUZZ_DEBUG) console.log('DEBUG', e.message); throw e; } finally {
      core.dispose();
      mirrors.forEach(({ variables, optimizer }) => { optimizer.dispose(); tf.dispose(variables); });
    }
  }), { numRuns: RUNS, seed: 42 });
});

property.run();

const invalid = suite('fuzz: invalid input names the field');

const INVALID = {
  lr: fc.oneof(fc.double({ max: -Number.MIN_VALUE, noNaN: true }), fc.constant(NaN), fc.constant(Infinity), fc.string()),
  betas: fc.oneof(fc.tuple(fc.double({ min: 1, noNaN: true }), fc.constant(0.9)), fc.tuple(fc.constant(0.9), fc.double({ max: -Number.MIN_VALUE, noNaN: true })), fc.constant([0.9])),
  eps: fc.oneof(fc.double({ max: -Number.MIN_VALUE, noNaN: true }), fc.constant(NaN)),
  weightDecay: fc.constantFrom(NaN, Infinity, -Infinity, '0.1'),
  gamma: fc.oneof(fc.double({ min: 1, noNaN: true }), fc.double({ max: -Number.MIN_VALUE, noNaN: true }), fc.constant(NaN)),
  etaPhi: fc.constantFrom(NaN, Infinity, null),
  degree: fc.oneof(fc.integer({ max: 0 }), fc.double({ min: 1.01, max: 9.99, noNaN: true }).filter((x) => !Number.isInteger(x))),
  policyOverrides: fc.record({ pv: fc.constantFrom(NaN, Infinity, -Infinity) }),
};

invalid('PILOT.create and new PilotOptimizer reject every invalid value with its field in the message', async () => {
  await fc.assert(fc.asyncProperty(fc.constantFrom(...Object.keys(INVALID)).chain((field) => INVALID[field].map((value) => [field, value])), async ([field, value]) => {
    const options = { [field]: value };
    let coreError, tfjsError;
    try { await PILOT.create([[2]], options); } catch (error) { coreError = error; }
    try { new PilotOptimizer(options); } catch (error) { tfjsError = error; }
    const name = field === 'betas' ? 'betas' : field;
    for (const error of [coreError, tfjsError]) {
      if (!error) throw new Error(`${field} = ${String(value)} was accepted`);
      if (!error.message.includes(name)) throw new Error(`the message "${error.message}" does not name ${name}`);
    }
  }), { numRuns: RUNS * 4, seed: 7 });
});

invalid('bad shapes and missing indices name what is wrong and change nothing', async () => {
  await fc.assert(fc.asyncProperty(fc.oneof(fc.constant(-1), fc.double({ min: 0.1, max: 5, noNaN: true }).filter((x) => !Number.isInteger(x)), fc.constant(NaN)), async (bad) => {
    try {
      await PILOT.create([[2, bad]]);
      throw new Error(`dimension ${bad} was accepted`);
    } catch (error) {
      if (!/tensors\[0\]: dimension 1/.test(error.message)) throw error;
    }
    const opt = await PILOT.create([[3], [2]]);
    const before = JSON.stringify(opt.stateDict());
    try {
      opt.step({ missing: [bad] });
      throw new Error(`missing index ${bad} was accepted`);
    } catch (error) {
      if (!/missing index/.test(error.message)) throw error;
    }
    if (JSON.stringify(opt.stateDict()) !== before) throw new Error('a rejected step changed the optimizer');
    opt.dispose();
  }), { numRuns: RUNS, seed: 8 });
});

invalid.run();
