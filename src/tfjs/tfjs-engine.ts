// The 'tfjs' engine: SPEC.md's step as TensorFlow.js ops, so it runs wherever tfjs runs, GPU
// backends included, and all state stays on the device between steps. Each function below is one
// equation of SPEC.md, under its name there. It is also the reference the Wasm core is tested
// against inside tfjs.
import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor, Tensor1D, Variable } from '@tensorflow/tfjs-core';
import type { Hyperparameters } from '../options.js';
import { NonFiniteGradientError, type PilotState } from '../pilot.js';
import { type PilotDiagnostics, copyDiagnostics, emptyDiagnostics, recordDiagnostics } from '../diagnostics.js';
import type { EngineEntry, EngineOptions, EngineState, PilotEngine } from './engine.js';

const TINY = 1e-12;
const META_EPS = 1e-8;
const SMALLEST_NORMAL = 1.17549435e-38;
/** The largest finite float32. The update saturates there, as the Wasm core does, so that an
 *  extreme but finite gradient (g*g overflows from |g| ~ 2e19) never leaves an infinity behind. */
const FLT_MAX = 3.4028234663852886e38;
/** Scaling exponents stay within +-126: 2^e is then a normal float, and scaling by it is exact. */
const MAX_EXPONENT = 126;
const INITIAL_CONSTANTS = [1.4, 3.0, -2.0];
/** pv = 0.5 * sigmoid(z_v); pm and ps are plain sigmoids. */
const KNOB_SCALES = [1, 0.5, 1];
const KNOBS = ['pm', 'pv', 'ps'] as const;

/** A variable's state: m, v, gPrev, and its last update's [pm, pv, ps, rho, bias1, bias2]. */
interface SlotState {
  m: Variable;
  v: Variable;
  gradPrev: Variable;
  record: Variable;
  hasRecord: boolean;
}

const { add, sub, mul, div } = tf;

/** x clamped to [-limit, limit], a NaN kept: x goes first to minimum and maximum because
 *  tfjs-backend-wasm's keep a NaN only from their first operand (and its clipByValue none). */
function saturate(x: Tensor, limit = FLT_MAX): Tensor {
  return tf.minimum(tf.maximum(x, -limit), limit);
}

/** [rho^d, ..., rho^0] as a [d+1] tensor. */
function powersOf(rho: Tensor, degree: number): Tensor1D {
  return tf.pow(rho, tf.range(degree, -1, -1, 'float32')) as Tensor1D;
}

/** The three polynomials of phi at rho, as [z_m, z_v, z_s]. */
function logits(phi: Tensor, rho: Tensor, degree: number): Tensor1D {
  return tf.sum(mul(tf.reshape(phi, [3, degree + 1]), powersOf(rho, degree)), 1) as Tensor1D;
}

/** The integer e nearest log2 of the largest |x| over `tensors`, within +-MAX_EXPONENT: x * 2^-e
 *  is at most 4 in magnitude, and exact wherever it stays a normal float. 0 for a NaN, so that one
 *  NaN element ('propagate') spreads no further than it would unscaled. */
function scaleExponent(tensors: readonly Tensor[]): Scalar {
  // An empty tensor has no largest element (tf.max gives NaN on tfjs-backend-cpu, junk on -wasm).
  const extremes = tensors.filter((t) => t.size > 0).flatMap((t) => [tf.max(t), tf.min(t)]);
  const largest = tf.max(tf.abs(tf.stack([tf.scalar(0), ...extremes])));
  const e = saturate(tf.round(mul(tf.log(largest), Math.LOG2E)), MAX_EXPONENT);
  return tf.where(tf.isNaN(e), tf.zerosLike(e), e) as Scalar;
}

/** 1e-12 * 2^k for an integer k within +-2*MAX_EXPONENT: as two factors 2^(k/2), so that it is
 *  exact wherever it is a normal float, and overflows (or underflows) only where it truly does. */
function scaledTiny(k: Tensor): Scalar {
  const half = tf.floor(mul(k, 0.5));
  return mul(mul(TINY, tf.pow(2, half)), tf.pow(2, sub(k, half))) as Scalar;
}

/** Step 1's sums over every tensor with a gradient, [sum(g*gPrev), sum(g*g), sum(gPrev*gPrev)],
 *  `sums` plus one tensor's, from its g scaled by 2^-eg and its gPrev by 2^-ep (the step's
 *  scaleExponent), so that no square and no sum overflows (|g| > 1.8e19 would). */
function agreementSums(sums: Tensor[], gScaled: Tensor, prevScaled: Tensor): Tensor[] {
  const [dot, a, b] = sums;
  return [add(dot, tf.sum(mul(gScaled, prevScaled))), add(a, tf.sum(tf.square(gScaled))), add(b, tf.sum(tf.square(prevScaled)))];
}

/** Step 1: r = cosine(g, gPrev) from the scaled sums, 0 when either is ~zero. The cosine is the
 *  unscaled one to the bit, the threshold den > 1e-12 scales with den, and den > threshold makes
 *  max(den, 1e-12) = den. */
function agreement([dot, a, b]: Tensor[], eg: Scalar, ep: Scalar): Scalar {
  const den = tf.sqrt(mul(a, b));
  return tf.where(tf.greater(den, scaledTiny(tf.neg(add(eg, ep)))), div(dot, den), tf.scalar(0)) as Scalar;
}

/** Step 2: rho <- gamma*rho + (1-gamma)*r. */
function smoothedAgreement(rho: Tensor, r: Tensor, gamma: number): Scalar {
  return add(mul(rho, gamma), mul(r, 1 - gamma)) as Scalar;
}

/** Step 3: [pm, pv, ps] = scaled sigmoids of the three polynomials at rho; overrides replace. */
function policy(phi: Tensor, rho: Tensor, h: Hyperparameters): Tensor1D {
  const knobs = mul(tf.sigmoid(logits(phi, rho, h.degree)), tf.tensor1d(KNOB_SCALES)) as Tensor1D;
  const fixed = KNOBS.map((k) => h.policyOverrides[k]);
  if (fixed.every((v) => v === undefined)) return knobs;
  return tf.where(tf.tensor1d(fixed.map((v) => v !== undefined), 'bool'), tf.tensor1d(fixed.map((v) => v ?? 0)), knobs) as Tensor1D;
}

/** Step 5's m_hat = m/(1-b1^t) and v_hat = v/(1-b2^t) (bias1, bias2 the reciprocals), saturated
 *  at FLT_MAX; step 4 recomputes the old ones through here, so they are the update's to the bit. */
function biasCorrected(m: Tensor, v: Tensor, bias1: Tensor | number, bias2: Tensor | number): { mHat: Tensor; vHat: Tensor } {
  return { mHat: saturate(mul(m, bias1)), vHat: tf.minimum(mul(v, bias2), FLT_MAX) };
}

/** max(|n|, 1e-12), saturated at FLT_MAX: n = pm*m_hat + (1-pm)*g can round past it. */
function clampedMagnitude(n: Tensor): Tensor {
  return tf.minimum(tf.maximum(tf.abs(n), TINY), FLT_MAX);
}

/** Step 4 for one tensor: [dL/dpm, dL/dpv, dL/dps] of its last update, seen by the new gradient,
 *  in units of 2^(eg + margin), since L can lie far beyond the float range. gScaled is g * 2^-eg
 *  (at most 4, see scaleExponent); each factor dpk is saturated at FLT_MAX and carries 2^-margin,
 *  with 2^margin at least 8 times the elements of all tensors, so that no product with g, no sum
 *  and no sum over tensors (G) can overflow. */
function lossSlopes(gScaled: Tensor, slot: SlotState, lr: number, margin: number): Tensor1D {
  const [pm, pv, ps, , bias1, bias2] = tf.unstack(slot.record);
  const gOld = slot.gradPrev;
  const { mHat, vHat: vHatUpdate } = biasCorrected(slot.m, slot.v, bias1, bias2);
  const vHat = tf.maximum(vHatUpdate, TINY);
  const n = add(mul(pm, mHat), mul(sub(1, pm), gOld));
  const vPow = tf.pow(vHat, pv);
  const den = add(vPow, META_EPS);
  const nAbs = clampedMagnitude(n);
  const aOverDen = div(tf.pow(nAbs, tf.neg(ps)), den);
  const unit = 2 ** -margin;
  const limit = FLT_MAX * unit;
  // Ordered so that no partial product overflows where the factor does not (knobs within the
  // policy's ranges): lr*2^-margin first (m_hat - gOld as the difference of two such products,
  // which cannot overflow), then A/den <= 1e18; B = |n|*A as in the Wasm core; vPow/den <= 1.
  const c = mul(sub(1, ps), -lr * unit);
  const dpm = saturate(mul(sub(mul(mHat, c), mul(gOld, c)), aOverDen), limit);
  const bOverDen = mul(mul(mul(nAbs, lr * unit), aOverDen), tf.sign(n));
  const dpv = saturate(mul(bOverDen, mul(div(vPow, den), tf.log(vHat))), limit);
  const dps = saturate(mul(bOverDen, tf.log(nAbs)), limit);
  return tf.stack([tf.sum(mul(gScaled, dpm)), tf.sum(mul(gScaled, dpv)), tf.sum(mul(gScaled, dps))]) as Tensor1D;
}

/** Step 4's chain rule: dL/dphi with the current phi evaluated at the old rho. */
function metaGradient(slopes: Tensor1D, phi: Tensor, rhoOld: Tensor, degree: number): Tensor {
  const s = tf.sigmoid(logits(phi, rhoOld, degree));
  const dKnobDz = mul(mul(s, sub(1, s)), tf.tensor1d(KNOB_SCALES));
  return tf.reshape(mul(tf.reshape(mul(slopes, dKnobDz), [3, 1]), powersOf(rhoOld, degree)), [3 * (degree + 1)]);
}

/** Step 5 for one tensor: the new m, v and parameter value. */
function update(
  p: Tensor, g: Tensor, slot: SlotState, knobs: Tensor1D, bias1: number, bias2: number, h: Hyperparameters,
): { m: Tensor; v: Tensor; p: Tensor } {
  const [b1, b2] = h.betas;
  const [pm, pv, ps] = tf.unstack(knobs);
  const m = saturate(add(mul(slot.m, b1), mul(g, 1 - b1)));
  const v = tf.minimum(add(mul(slot.v, b2), mul(tf.square(g), 1 - b2)), FLT_MAX);
  const { mHat, vHat } = biasCorrected(m, v, bias1, bias2);
  const n = add(mul(pm, mHat), mul(sub(1, pm), g));
  const magnitude = tf.minimum(tf.pow(clampedMagnitude(n), sub(1, ps)), FLT_MAX);
  // As the Wasm core: the denominator floored at the smallest normal float (eps = 0 with a
  // gradient whose square underflows). The sign goes on the magnitude, finite now that it is
  // saturated, so that sign(0) = 0 gives d = 0/den = 0 for n = 0 with no select; lr goes on before
  // the division, so that lr = 0 never meets an infinite quotient.
  let d = div(mul(mul(magnitude, tf.sign(n)), -h.lr), tf.maximum(add(tf.pow(vHat, pv), h.eps), SMALLEST_NORMAL));
  if (h.weightDecay !== 0) d = sub(d, mul(p, h.lr * h.weightDecay));
  return { m, v, p: saturate(add(p, d)) };
}

/** Step 6: drop overridden blocks, clip to norm 1, phi -= etaPhi * G, for G = G' * 2^E (E an
 *  integer, beyond the float range under extreme gradients). G' is rescaled to u * 2^s with its
 *  largest entry near 1; with e = E + s, scale * G = u * min(2^e, 1/(norm(u) + 1e-12 * 2^-e)),
 *  bit for bit the unscaled result wherever both powers are normal floats. 2^e is capped at 2^127
 *  and 2^-e at 2^126: beyond, the other term decides, and u = 0 meets no infinity. */
function policyUpdate(phi: Tensor, G: Tensor, exponent: Scalar, h: Hyperparameters): Tensor {
  const keep = KNOBS.flatMap((k) => new Array<number>(h.degree + 1).fill(h.policyOverrides[k] === undefined ? 1 : 0));
  const kept = mul(G, tf.tensor1d(keep));
  const shift = scaleExponent([kept]);
  const u = mul(kept, tf.pow(2, tf.neg(shift)));
  const e = add(exponent, shift);
  const tiny = mul(TINY, tf.pow(2, tf.minimum(tf.neg(e), MAX_EXPONENT)));
  const scale = tf.minimum(tf.pow(2, tf.minimum(e, MAX_EXPONENT + 1)), div(1, add(tf.norm(u), tiny)));
  return sub(phi, mul(mul(u, scale), h.etaPhi));
}

export class TfjsEngine implements PilotEngine {
  readonly name = 'tfjs';
  #h: Hyperparameters;
  #step = 0;
  #skipped = 0;
  readonly #nonFinite: EngineOptions['nonFinite'];
  readonly #phi: Variable;
  /** [r, rho, pm, pv, ps] after the last step. */
  readonly #scalars: Variable;
  readonly #slots = new Map<string, SlotState>();
  readonly #history: PilotDiagnostics | null;

  constructor(options: EngineOptions) {
    this.#h = options.hyperparameters;
    this.#history = options.diagnostics ? emptyDiagnostics() : null;
    this.#nonFinite = options.nonFinite;
    const d = this.#h.degree;
    const phi = new Float32Array(3 * (d + 1));
    if (options.policy) phi.set(options.policy);
    else INITIAL_CONSTANTS.forEach((c, k) => { phi[k * (d + 1) + d] = c; });
    this.#phi = tf.tidy(() => tf.variable(tf.tensor1d(phi), false));
    this.#scalars = tf.tidy(() => tf.variable(tf.concat([tf.zeros([2]), policy(this.#phi, tf.scalar(0), this.#h)]), false));
  }

  #slot(entry: EngineEntry): SlotState {
    let slot = this.#slots.get(entry.name);
    if (!slot) {
      slot = tf.tidy(() => ({
        m: tf.variable(tf.zeros([...entry.shape]), false),
        v: tf.variable(tf.zeros([...entry.shape]), false),
        gradPrev: tf.variable(tf.zeros([...entry.shape]), false),
        record: tf.variable(tf.zeros([6]), false),
        hasRecord: false,
      }));
      this.#slots.set(entry.name, slot);
    }
    return slot;
  }

  /** The first entry with a NaN or an infinity in its gradient; one read back from the device. */
  #firstNonFinite(gradients: { name: string; g: Tensor }[]): NonFiniteGradientError | null {
    // An empty gradient holds nothing non-finite, but tf.all of one is false on some backends.
    const present = gradients.filter(({ g }) => g.size > 0);
    if (present.length === 0) return null;
    const finite = tf.tidy(() => tf.stack(present.map(({ g }) => tf.all(tf.isFinite(g)))).dataSync());
    const bad = finite.findIndex((ok) => ok === 0);
    if (bad < 0) return null;
    const values = present[bad].g.dataSync();
    const element = values.findIndex((x) => !Number.isFinite(x));
    return new NonFiniteGradientError(present[bad].name, this.#step + 1, element, values[element]);
  }

  step(entries: readonly EngineEntry[]): boolean {
    const h = this.#h;
    if (this.#nonFinite !== 'propagate') {
      const error = this.#firstNonFinite(entries.flatMap((e) => (e.gradient === null ? [] : [{ name: e.name, g: e.gradient }])));
      if (error && this.#nonFinite === 'skip') {
        this.#skipped += 1;
        return false;
      }
      if (error) throw error;
    }
    this.#step += 1;
    const bias1 = 1 / (1 - h.betas[0] ** this.#step);
    const bias2 = 1 / (1 - h.betas[1] ** this.#step);
    const present = entries.flatMap((e) => (e.gradient === null ? [] : [{ variable: e.variable, g: e.gradient, slot: this.#slot(e) }]));
    tf.tidy(() => {
      const eg = scaleExponent(present.map(({ g }) => g));
      const ep = scaleExponent(present.map(({ slot }) => slot.gradPrev));
      const gScale = tf.pow(2, tf.neg(eg));
      const prevScale = tf.pow(2, tf.neg(ep));
      // lossSlopes's unit 2^-margin: 2^margin is at least 8 times the elements.
      const margin = Math.ceil(Math.log2(1 + present.reduce((size, { g }) => size + g.size, 0))) + 3;
      // Steps 1 and 4 need only the old rho, so one pass over the tensors takes both. Every
      // per-tensor computation runs in its own tidy, so that only one tensor's temporaries are alive
      // at a time: the peak memory of a step is that of its largest tensor, not of the whole model
      // (a model of 16M parameters would exhaust tfjs-backend-wasm's heap).
      let sums: Tensor[] = [tf.scalar(0), tf.scalar(0), tf.scalar(0)];
      let G: Tensor = tf.zeros([3 * (h.degree + 1)]);
      for (const { g, slot } of present) {
        [G, ...sums] = tf.tidy(() => {
          const gScaled = mul(g, gScale);
          const nextSums = agreementSums(sums, gScaled, mul(slot.gradPrev, prevScale));
          if (!slot.hasRecord) return [G, ...nextSums];
          const rhoOld = tf.reshape(tf.slice(slot.record, [3], [1]), []);
          return [add(G, metaGradient(lossSlopes(gScaled, slot, h.lr, margin), this.#phi, rhoOld, h.degree)), ...nextSums];
        });
      }
      const r = agreement(sums, eg, ep);
      const rho = smoothedAgreement(tf.reshape(tf.slice(this.#scalars, [1], [1]), []), r, h.gamma);
      const knobs = policy(this.#phi, rho, h);
      const record = tf.concat([knobs, tf.reshape(rho, [1]), tf.tensor1d([bias1, bias2])]);
      for (const { variable, g, slot } of present) {
        tf.tidy(() => {
          const next = update(variable, g, slot, knobs, bias1, bias2, h);
          slot.m.assign(next.m);
          slot.v.assign(next.v);
          slot.gradPrev.assign(g);
          slot.record.assign(record);
          slot.hasRecord = true;
          variable.assign(next.p);
        });
      }
      this.#phi.assign(policyUpdate(this.#phi, G, add(eg, margin), h));
      this.#scalars.assign(tf.concat([tf.reshape(r, [1]), tf.reshape(rho, [1]), knobs]));
    });
    if (this.#history) recordDiagnostics(this.#history, this.state());
    return true;
  }

  setHyperparameters(hyperparameters: Hyperparameters): void {
    this.#h = hyperparameters;
  }

  state(): PilotState {
    const [r, rho, pm, pv, ps] = Array.from(this.#scalars.dataSync());
    return { step: this.#step, r, rho, pm, pv, ps, phi: Array.from(this.#phi.dataSync()), skipped: this.#skipped };
  }

  diagnostics(): PilotDiagnostics {
    if (!this.#history) throw new Error('diagnostics: create the optimizer with { diagnostics: true } to record them');
    return copyDiagnostics(this.#history);
  }

  memoryBytes(): number {
    return 0;
  }

  async exportState(): Promise<EngineState> {
    const variables = await Promise.all([...this.#slots].map(async ([name, slot]) => ({
      name,
      shape: [...slot.m.shape],
      m: (await slot.m.data()) as Float32Array,
      v: (await slot.v.data()) as Float32Array,
      gradPrev: (await slot.gradPrev.data()) as Float32Array,
      record: slot.hasRecord ? recordFrom(await slot.record.data()) : null,
    })));
    return { group: this.state(), variables };
  }

  importState(state: EngineState): void {
    this.#disposeSlots();
    const { group } = state;
    this.#step = group.step;
    this.#skipped = group.skipped;
    tf.tidy(() => {
      this.#phi.assign(tf.tensor1d(group.phi));
      this.#scalars.assign(tf.tensor1d([group.r, group.rho, group.pm, group.pv, group.ps]));
    });
    for (const v of state.variables) {
      const r = v.record;
      this.#slots.set(v.name, tf.tidy(() => ({
        m: tf.variable(tf.tensor(v.m, v.shape), false),
        v: tf.variable(tf.tensor(v.v, v.shape), false),
        gradPrev: tf.variable(tf.tensor(v.gradPrev, v.shape), false),
        record: tf.variable(tf.tensor1d(r ? [r.pm, r.pv, r.ps, r.rho, r.bias1, r.bias2] : [0, 0, 0, 0, 0, 0]), false),
        hasRecord: r !== null,
      })));
    }
  }

  #disposeSlots(): void {
    for (const slot of this.#slots.values()) tf.dispose([slot.m, slot.v, slot.gradPrev, slot.record]);
    this.#slots.clear();
  }

  dispose(): void {
    this.#disposeSlots();
    tf.dispose([this.#phi, this.#scalars]);
  }
}

function recordFrom(values: ArrayLike<number>) {
  const [pm, pv, ps, rho, bias1, bias2] = Array.from(values);
  return { pm, pv, ps, rho, bias1, bias2 };
}
