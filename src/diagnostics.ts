// The per-step history that `diagnostics: true` keeps: what the reference's diagnostics tracker
// records after every step.
import type { PilotState } from './pilot.js';

/** Per-step history of a group, one entry per step since creation (or restore). */
export interface PilotDiagnostics {
  r: number[];
  rho: number[];
  pm: number[];
  pv: number[];
  ps: number[];
  phi: number[][];
}

export function emptyDiagnostics(): PilotDiagnostics {
  return { r: [], rho: [], pm: [], pv: [], ps: [], phi: [] };
}

export function recordDiagnostics(history: PilotDiagnostics, state: PilotState): void {
  history.r.push(state.r);
  history.rho.push(state.rho);
  history.pm.push(state.pm);
  history.pv.push(state.pv);
  history.ps.push(state.ps);
  history.phi.push([...state.phi]);
}

/** A copy callers may change freely. */
export function copyDiagnostics(h: PilotDiagnostics): PilotDiagnostics {
  return { r: [...h.r], rho: [...h.rho], pm: [...h.pm], pv: [...h.pv], ps: [...h.ps], phi: h.phi.map((p) => [...p]) };
}
