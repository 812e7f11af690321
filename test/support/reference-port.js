// SPEC.md's step written out plainly in float64 JavaScript, independent of the Wasm core, storing
// what the authors' code stores (n, m_hat, v_hat and the knobs per tensor). Tests use it as a
// second opinion where no recorded trace covers a case (an lr schedule, long random runs).

const sigmoid = (z) => 1 / (1 + Math.exp(-z));
const horner = (coefficients, x) => coefficients.reduce((acc, c) => acc * x + c, 0);

export class ReferencePILOT {
  constructor(initialParams, { lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 0.01, gamma = 0.95, etaPhi = 0.01, degree = 2, policyOverrides = {} } = {}) {
    Object.assign(this, { lr, betas, eps, weightDecay, gamma, etaPhi, degree, policyOverrides });
    this.params = initialParams.map((p) => Float64Array.from(p));
    this.m = this.params.map((p) => new Float64Array(p.length));
    this.v = this.params.map((p) => new Float64Array(p.length));
    this.gradPrev = this.params.map((p) => new Float64Array(p.length));
    this.records = this.params.map(() => null);
    const k = degree + 1;
    this.phi = new Float64Array(3 * k);
    this.phi[k - 1] = 1.4;
    this.phi[2 * k - 1] = 3.0;
    this.phi[3 * k - 1] = -2.0;
    this.rho = 0;
    this.t = 0;
  }

  block(knob) {
    const k = this.degree + 1;
    return Array.from(this.phi.subarray(knob * k, knob * k + k));
  }

  knob(knob, rho) {
    return (knob === 1 ? 0.5 : 1) * sigmoid(horner(this.block(knob), rho));
  }

  /** grads[i] is an array, or null for a tensor without a gradient this step. */
  step(grads) {
    const { lr, betas: [b1, b2], eps, weightDecay, gamma, etaPhi, degree, policyOverrides: fixed } = this;
    this.t += 1;
    const present = grads.map((g) => g !== null);
    let dot = 0, a = 0, b = 0;
    grads.forEach((g, i) => {
      if (!g) return;
      g.forEach((x, j) => { const y = this.gradPrev[i][j]; dot += x * y; a += x * x; b += y * y; });
    });
    const den = Math.sqrt(a * b);
    this.r = den > 1e-12 ? dot / Math.max(den, 1e-12) : 0;
    this.rho = gamma * this.rho + (1 - gamma) * this.r;
    const knobs = [0, 1, 2].map((k) => this.knob(k, this.rho));
    ['pm', 'pv', 'ps'].forEach((name, k) => { if (fixed[name] !== undefined) knobs[k] = fixed[name]; });
    [this.pm, this.pv, this.ps] = knobs;

    const k1 = degree + 1;
    const G = new Float64Array(3 * k1);
    grads.forEach((g, i) => {
      const rec = this.records[i];
      if (!g || !rec) return;
      let lm = 0, lv = 0, ls = 0;
      g.forEach((gNew, j) => {
        const vh = Math.max(rec.vHat[j], 1e-12);
        const vp = vh ** rec.pv;
        const d = vp + 1e-8;
        const an = Math.max(Math.abs(rec.n[j]), 1e-12);
        const A = an ** -rec.ps, B = an ** (1 - rec.ps), s = Math.sign(rec.n[j]);
        lm += gNew * (-lr * (1 - rec.ps) * A * (rec.mHat[j] - this.gradPrev[i][j]) / d);
        lv += gNew * (lr * B * s * vp * Math.log(vh) / (d * d));
        ls += gNew * (lr * B * s * Math.log(an) / d);
      });
      [lm, lv, ls].forEach((slope, k) => {
        const s = sigmoid(horner(this.block(k), rec.rho));
        for (let j = 0; j <= degree; j++) G[k * k1 + j] += slope * (k === 1 ? 0.5 : 1) * s * (1 - s) * rec.rho ** (degree - j);
      });
    });

    grads.forEach((g, i) => {
      if (!present[i]) return;
      const p = this.params[i], m = this.m[i], v = this.v[i];
      const rec = { n: new Float64Array(g.length), mHat: new Float64Array(g.length), vHat: new Float64Array(g.length), pm: this.pm, pv: this.pv, ps: this.ps, rho: this.rho };
      g.forEach((x, j) => {
        m[j] = b1 * m[j] + (1 - b1) * x;
        v[j] = b2 * v[j] + (1 - b2) * x * x;
        const mHat = m[j] / (1 - b1 ** this.t), vHat = v[j] / (1 - b2 ** this.t);
        const n = this.pm * mHat + (1 - this.pm) * x;
        let d = -lr * Math.max(Math.abs(n), 1e-12) ** (1 - this.ps) * Math.sign(n) / (vHat ** this.pv + eps);
        if (weightDecay !== 0) d -= lr * weightDecay * p[j];
        p[j] += d;
        rec.n[j] = n; rec.mHat[j] = mHat; rec.vHat[j] = vHat;
        this.gradPrev[i][j] = x;
      });
      this.records[i] = rec;
    });

    ['pm', 'pv', 'ps'].forEach((name, k) => { if (fixed[name] !== undefined) G.fill(0, k * k1, k * k1 + k1); });
    const norm = Math.sqrt(G.reduce((s, x) => s + x * x, 0));
    const scale = Math.min(1, 1 / (norm + 1e-12));
    G.forEach((x, j) => { this.phi[j] -= etaPhi * scale * x; });
    this.lastMetaGradient = G;
  }
}
