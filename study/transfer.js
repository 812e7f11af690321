// `npm run transfer`: the paper's transfer experiment on this machine's scale. PILOT learns a
// policy on MNIST digits; the policy is frozen and trains a fresh FashionMNIST model, compared
// with AdamW and a fresh PILOT on epochs to a target accuracy and final accuracy.
import { loadDataset, trainingSubset } from './datasets.js';
import { OPTIMIZER_LABELS } from './optimizers.js';
import { parseCommonOptions } from './options.js';
import { runAll } from './pool.js';
import { createProgress } from './progress.js';
import { settingsLine } from './report/markdown.js';
import { formatMeanStd } from './report/statistics.js';
import { writeTransferReport } from './report/write-transfer.js';

const EXTRA_FLAGS = {
  'source-epochs': { type: 'string' },
  'target-accuracy': { type: 'string', default: '0.85' },
};

const USAGE = `npm run transfer -- [flags]
  the flags of npm start (--epochs, --seeds, --train-size, --model, --out, --quick, --full, ...)
  apply to the FashionMNIST target runs, plus:
  --source-epochs N       epochs of PILOT on MNIST that learn the policy (default: --epochs)
  --target-accuracy X     the validation accuracy "epochs to reach" counts to (default 0.85)`;

if (process.argv.includes('--help')) {
  console.log(USAGE);
  process.exit(0);
}
const { values, settings: common } = parseCommonOptions(process.argv.slice(2), EXTRA_FLAGS);
const targetAccuracy = Number(values['target-accuracy']);
if (!(targetAccuracy > 0 && targetAccuracy <= 1)) throw new RangeError(`--target-accuracy must be in (0, 1], got '${values['target-accuracy']}'`);
const sourceEpochs = values['source-epochs'] ? Number(values['source-epochs']) : common.epochs;
if (!Number.isInteger(sourceEpochs) || sourceEpochs < 1) throw new RangeError(`--source-epochs must be a whole number >= 1, got '${values['source-epochs']}'`);

const started = performance.now();
const sourceData = { name: 'mnist', cacheDir: common.cacheDir };
const targetData = { name: 'fashionmnist', cacheDir: common.cacheDir };
const mnist = loadDataset(sourceData);
const fashion = loadDataset(targetData);
const settings = {
  ...common,
  dataset: 'fashionmnist',
  optimizers: ['pilot-frozen', 'adamw', 'pilot'],
  targetAccuracy,
  trainImages: trainingSubset(fashion, common.trainSize).length,
  testImages: fashion.test.length,
};
const runOf = (optimizer, seed, dataset, epochs, trainSize, extra = {}) => ({
  label: `${OPTIMIZER_LABELS[optimizer]} s${seed}`, optimizer, seed, model: settings.model, dataset, epochs, trainSize,
  batchSize: settings.batchSize, backend: settings.backend, ...extra,
});

const progress = createProgress();
const sourceSeed = settings.seeds[0];
progress.say(`Source: PILOT on MNIST (${trainingSubset(mnist, null).length} images), ${sourceEpochs} epochs, seed ${sourceSeed}.`);
const [sourceRun] = await runAll([{ ...runOf('pilot', sourceSeed, sourceData, sourceEpochs, null), label: 'PILOT on MNIST (source)' }], 1, progress.update);
const policy = sourceRun.finalState.phi;
const source = {
  seed: sourceSeed,
  epochs: sourceEpochs,
  trainImages: trainingSubset(mnist, null).length,
  finalValAccuracy: sourceRun.epochs[sourceRun.epochs.length - 1].valAccuracy,
  policy,
  history: sourceRun.epochs,
};
progress.say(`Learned policy phi = [${policy.map((c) => c.toFixed(4)).join(', ')}]`);
progress.say(`Target: ${settingsLine(settings)}; target accuracy ${(100 * targetAccuracy).toFixed(0)}%.`);

const runs = settings.seeds.flatMap((seed) => settings.optimizers.map((optimizer) => runOf(optimizer, seed, targetData, settings.epochs, settings.trainSize, optimizer === 'pilot-frozen' ? { policy } : {})));
const results = await runAll(runs, settings.jobs, progress.update);
progress.stop();
const wallSeconds = (performance.now() - started) / 1000;
const rows = await writeTransferReport(settings.out, settings, source, runs.map((run, i) => ({
  label: OPTIMIZER_LABELS[run.optimizer], optimizer: run.optimizer, seed: run.seed, ...results[i],
})), wallSeconds);
console.table(Object.fromEntries(rows.map((r) => [r.label, {
  'final val acc %': formatMeanStd(r.finalValAccuracy, 100),
  [`epochs to ${(100 * targetAccuracy).toFixed(0)}%`]: r.epochsToTarget ? formatMeanStd(r.epochsToTarget, 1, 1) : 'not reached',
  reached: r.reachedTarget,
}])));
console.log(`Done in ${(wallSeconds / 60).toFixed(1)} min; report in ${settings.out}/`);
