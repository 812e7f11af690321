// A plain scalar TypeScript port of the PILOT step (SPEC.md) over Float32Arrays: the baseline a
// user without the Wasm core would write. It is the same algorithm as the core, with the same
// memory (p, g, m, v, gPrev per parameter; the meta-gradient's n, m_hat and v_hat rebuilt from m,
// v and gPrev), one element at a time with Math.log/Math.exp/Math.pow. Benchmark code, not
// library code; one parameter group, default hyperparameters unless given.

export interface PortOptions {
  lr?: number; beta1?: number; beta2?: number; eps?: number; weightDecay?: number;
  gamma?: number; etaPhi?: number; degree?: number;
}

interface Record { pm: number; pv: number; ps: number; rho: number; bias1: number; bias2: number }

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const sign = (x: number) => (x > 0 ? 1 : x < 0 ? -1 : 0);

export class ScalarPilotPort {
  readonly params: Float32Array[];
  readonly grads: Float32Array[];
  readonly m: Float32Array[];
  readonly v: Float32Array[];
  readonly gradPrev: Float32Array[];
  readonly phi: number[];
  step = 0;
  rho = 0;
  r = 0;
  pm = 0;
  pv = 0;
  ps = 0;
  readonly #records: (Record | null)[];
  readonly #o: Required<PortOptions>;

  constructor(sizes: number[], options: PortOptions = {}) {
    this.#o = {
      lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, gamma: 0.95, etaPhi: 0.01, degree: 2,
      ...options,
    };
    const make = () => sizes.map((n) => new Float32Array(n));
    this.params = make();
    this.grads = make();
    this.m = make();
    this.v = make();
    this.gradPrev = make();
    this.#records = sizes.map(() => null);
    const d = this.#o.degree;
    this.phi = new Array(3 * (d + 1)).fill(0);
    this.phi[d] = 1.4;
    this.phi[2 * d + 1] = 3.0;
    this.phi[3 * d + 2] = -2.0;
  }

  /** The bytes the port's arrays hold. */
  get memoryBytes(): number {
    return [this.params, this.grads, this.m, this.v, this.gradPrev].flat().reduce((s, a) => s + a.byteLength, 0);
  }

  #poly(knob: number, rho: number): number {
    const d = this.#o.degree;
    let z = 0;
    for (let j = 0; j <= d; j++) z = z * rho + this.phi[knob * (d + 1) + j];
    return z;
  }

  stepAll(): void {
    const o = this.#o;
    const d = o.degree;
    const t = ++this.step;
    let dot = 0, gg = 0, pp = 0;
    const G = new Array(3 * (d + 1)).fill(0);
    for (let k = 0; k < this.params.length; k++) {
      const g = this.grads[k], gPrev = this.gradPrev[k], m = this.m[k], v = this.v[k];
      const rec = this.#records[k];
      let lm = 0, lv = 0, ls = 0;
      for (let i = 0; i < g.length; i++) {
        const gi = g[i], gOld = gPrev[i];
        dot += gi * gOld;
        gg += gi * gi;
        pp += gOld * gOld;
        if (rec === null) continue;
        const mHat = m[i] * rec.bias1;
        const vHat = Math.max(v[i] * rec.bias2, 1e-12);
        const n = rec.pm * mHat + (1 - rec.pm) * gOld;
        const nAbs = Math.max(Math.abs(n), 1e-12);
        const vPow = Math.pow(vHat, rec.pv);
        const den = vPow + 1e-8;
        const a = Math.pow(nAbs, -rec.ps);
        const sb = sign(n) * nAbs * a;
        lm += gi * a * (mHat - gOld) / den;
        lv += gi * sb * vPow * Math.log(vHat) / (den * den);
        ls += gi * sb * Math.log(nAbs) / den;
      }
      if (rec === null) continue;
      const slopes = [-o.lr * (1 - rec.ps) * lm, o.lr * lv, o.lr * ls];
      for (let knob = 0; knob < 3; knob++) {
        const s = sigmoid(this.#poly(knob, rec.rho));
        const slope = slopes[knob] * (knob === 1 ? 0.5 : 1) * s * (1 - s);
        for (let j = 0; j <= d; j++) G[knob * (d + 1) + j] += slope * rec.rho ** (d - j);
      }
    }
    const den = Math.sqrt(gg * pp);
    this.r = den > 1e-12 ? dot / Math.max(den, 1e-12) : 0;
    this.rho = o.gamma * this.rho + (1 - o.gamma) * this.r;
    this.pm = sigmoid(this.#poly(0, this.rho));
    this.pv = 0.5 * sigmoid(this.#poly(1, this.rho));
    this.ps = sigmoid(this.#poly(2, this.rho));
    const bias1 = Math.fround(1 / (1 - o.beta1 ** t));
    const bias2 = Math.fround(1 / (1 - o.beta2 ** t));
    const keep = 1 - o.lr * o.weightDecay;
    const { pm, pv, ps } = this;
    for (let k = 0; k < this.params.length; k++) {
      const p = this.params[k], g = this.grads[k], gPrev = this.gradPrev[k], m = this.m[k], v = this.v[k];
      for (let i = 0; i < g.length; i++) {
        const gi = g[i];
        const mi = (m[i] = o.beta1 * m[i] + (1 - o.beta1) * gi);
        const vi = (v[i] = o.beta2 * v[i] + (1 - o.beta2) * gi * gi);
        const n = pm * mi * bias1 + (1 - pm) * gi;
        const magnitude = Math.pow(Math.max(Math.abs(n), 1e-12), 1 - ps);
        p[i] = p[i] * keep - (o.lr * sign(n) * magnitude) / (Math.pow(vi * bias2, pv) + o.eps);
        gPrev[i] = gi;
      }
      this.#records[k] = { pm, pv, ps, rho: this.rho, bias1, bias2 };
    }
    let squared = 0;
    for (const x of G) squared += x * x;
    const rate = o.etaPhi * Math.min(1, 1 / (Math.sqrt(squared) + 1e-12));
    G.forEach((x, j) => { this.phi[j] -= rate * x; });
  }
}
