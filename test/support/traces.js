// Reading the reference traces (test/fixtures, recorded from the authors' PyTorch code) and
// replaying them open-loop through the core: feed each step's recorded gradients, then compare.
import { readFileSync, readdirSync } from 'node:fs';
import * as assert from 'uvu/assert';
import { PILOT } from '../../dist/index.js';

const FIXTURES = new URL('../fixtures/', import.meta.url);

export const TRACE_NAMES = readdirSync(FIXTURES).filter((f) => f.endsWith('.json')).sort();

export function loadTrace(name) {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8'));
}

/** The options PILOT.create takes for a trace's PyTorch config. */
export function optionsOf(config) {
  return {
    lr: config.lr,
    betas: config.betas,
    eps: config.eps,
    weightDecay: config.weight_decay,
    gamma: config.gamma,
    etaPhi: config.eta_phi,
    degree: config.degree,
    policyOverrides: config.policy_overrides,
  };
}

/** The tolerances of the parity contract. */
export const TOLERANCE = { param: 2e-5, knob: 1e-5, phi: 1e-4 };

/** Worst deviations from the reference over a whole replay, and the first failure if any. */
export function compareStep(opt, expected, worst) {
  const state = opt.state();
  expected.params.forEach((ref, i) => {
    const got = opt.params[i];
    for (let j = 0; j < ref.length; j++) {
      worst.param = Math.max(worst.param, Math.abs(got[j] - ref[j]) / (1 + Math.abs(ref[j])));
    }
  });
  for (const k of ['rho', 'pm', 'pv', 'ps']) worst[k] = Math.max(worst[k], Math.abs(state[k] - expected[k]));
  expected.phi.forEach((ref, j) => { worst.phi = Math.max(worst.phi, Math.abs(state.phi[j] - ref)); });
  if (state.step !== expected.step) worst.stepMismatch ??= `step ${expected.step}: state().step = ${state.step}`;
}

/** Asserts a replay's worst deviations are within the parity contract, naming what is not. */
export function assertWithinTolerance(worst) {
  assert.is(worst.stepMismatch, undefined, worst.stepMismatch);
  assert.ok(worst.param <= TOLERANCE.param, `params off by ${worst.param} (relative)`);
  for (const knob of ['rho', 'pm', 'pv', 'ps']) assert.ok(worst[knob] <= TOLERANCE.knob, `${knob} off by ${worst[knob]}`);
  assert.ok(worst.phi <= TOLERANCE.phi, `phi off by ${worst.phi}`);
}

/** Writes a step's recorded gradients into `grads` and returns the `missing` indices. */
export function feedGradients(opt, grads) {
  const missing = [];
  grads.forEach((g, i) => {
    if (g === null) missing.push(i);
    else opt.grads[i].set(g);
  });
  return missing;
}

export async function replay(trace, createOptions = {}) {
  const opt = await PILOT.create(
    trace.shapes.map((shape, i) => ({ shape, init: trace.initial_params[i] })),
    { ...optionsOf(trace.config), ...createOptions },
  );
  const worst = { param: 0, rho: 0, pm: 0, pv: 0, ps: 0, phi: 0 };
  for (const step of trace.steps) {
    opt.step({ missing: feedGradients(opt, step.grads) });
    compareStep(opt, step, worst);
  }
  return { opt, worst };
}
