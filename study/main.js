// `npm start`: trains the chosen model on the chosen dataset with PILOT and the paper's baselines,
// every optimizer from the same weights and data order per seed, and writes the report.
import { loadDataset, trainingSubset } from './datasets.js';
import { OPTIMIZER_LABELS } from './optimizers.js';
import { STUDY_USAGE, parseStudyOptions } from './options.js';
import { runAll } from './pool.js';
import { createProgress } from './progress.js';
import { formatMeanStd } from './report/statistics.js';
import { settingsLine } from './report/markdown.js';
import { writeStudyReport } from './report/write-study.js';

if (process.argv.includes('--help')) {
  console.log(STUDY_USAGE);
  process.exit(0);
}
const settings = parseStudyOptions(process.argv.slice(2));
const started = performance.now();
const source = { name: settings.dataset, cacheDir: settings.cacheDir, dataDir: settings.dataDir };
const dataset = loadDataset(source);
settings.trainImages = trainingSubset(dataset, settings.trainSize).length;
settings.testImages = dataset.test.length;
console.log(`Study (${settings.preset} budget): ${settingsLine(settings)}.`);
console.log(`Optimizers: ${settings.optimizers.map((o) => OPTIMIZER_LABELS[o]).join(', ')}. Report: ${settings.out}/`);

const runs = settings.seeds.flatMap((seed) => settings.optimizers.map((optimizer) => ({
  label: `${OPTIMIZER_LABELS[optimizer]} s${seed}`,
  optimizer,
  seed,
  model: settings.model,
  dataset: source,
  epochs: settings.epochs,
  trainSize: settings.trainSize,
  batchSize: settings.batchSize,
  backend: settings.backend,
})));
const progress = createProgress();
const results = await runAll(runs, settings.jobs, progress.update);
progress.stop();
const wallSeconds = (performance.now() - started) / 1000;
const rows = await writeStudyReport(settings.out, settings, runs.map((run, i) => ({
  label: OPTIMIZER_LABELS[run.optimizer], optimizer: run.optimizer, seed: run.seed, ...results[i],
})), wallSeconds);

console.table(Object.fromEntries(rows.map((r) => [r.label, {
  'final val acc %': formatMeanStd(r.finalValAccuracy, 100),
  'best val acc %': formatMeanStd(r.bestValAccuracy, 100),
  'final val loss': formatMeanStd(r.finalValLoss, 1, 4),
  's/epoch': Number(r.secondsPerEpoch.mean.toFixed(1)),
  'paper %': r.paperAccuracy ?? '—',
}])));
console.log(`Done in ${(wallSeconds / 60).toFixed(1)} min; report in ${settings.out}/`);
