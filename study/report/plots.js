// The report's plots: Vega-Lite specs compiled by vega-lite and rendered to SVG by vega's
// headless view.
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';

export async function renderSvg(spec) {
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

/** `field` per epoch, one line per optimizer (mean over seeds) in a band of ± one std. */
export function perEpochSpec(points, field, title) {
  const encoding = {
    x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1 } },
    color: { field: 'optimizer', type: 'nominal', title: 'optimizer' },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    width: 520,
    height: 320,
    data: { values: points },
    layer: [
      { mark: { type: 'errorband', extent: 'stdev', opacity: 0.2 }, encoding: { ...encoding, y: { field, type: 'quantitative', title, scale: { zero: false } } } },
      { mark: { type: 'line', point: true }, encoding: { ...encoding, y: { field, type: 'quantitative', aggregate: 'mean', title } } },
    ],
  };
}

/** PILOT's rho, pm, pv and ps over the steps, one panel each, one line per seed. */
export function policySpec(points) {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: "PILOT's agreement signal and knobs over the steps",
    data: { values: points },
    facet: { row: { field: 'signal', type: 'nominal', title: null, sort: ['rho', 'pm', 'pv', 'ps'] } },
    spec: {
      width: 520,
      height: 110,
      mark: { type: 'line', strokeWidth: 1 },
      encoding: {
        x: { field: 'step', type: 'quantitative', title: 'step' },
        y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false } },
        color: { field: 'run', type: 'nominal', title: 'run' },
      },
    },
    resolve: { scale: { y: 'independent' } },
  };
}

/** The points of the per-epoch plots. */
export function epochPoints(runs) {
  return runs.flatMap((r) => r.epochs.map((e) => ({ optimizer: r.label, seed: r.seed, ...e })));
}

/** The points of the policy plot, from every run that recorded a policy trace. */
export function policyPoints(runs) {
  return runs.filter((r) => r.policyTrace).flatMap((r) => {
    const t = r.policyTrace;
    return t.step.flatMap((step, i) => ['rho', 'pm', 'pv', 'ps'].map((signal) => ({ run: `${r.label} seed ${r.seed}`, step, signal, value: t[signal][i] })));
  });
}
