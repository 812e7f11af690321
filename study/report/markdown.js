// results.md: the settings, the table (mean ± std over seeds, next to the paper's numbers) and
// the per-seed final accuracies.
import { formatMeanStd } from './statistics.js';

export function resultsTable(rows) {
  const lines = [
    '| optimizer | final val acc (%) | best val acc (%) | final val loss | final train loss | s/epoch | paper acc (%) |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    lines.push(`| ${r.label} | ${formatMeanStd(r.finalValAccuracy, 100)} | ${formatMeanStd(r.bestValAccuracy, 100)} | ${formatMeanStd(r.finalValLoss, 1, 4)} | ${formatMeanStd(r.finalTrainLoss, 1, 4)} | ${r.secondsPerEpoch.mean.toFixed(1)} | ${r.paperAccuracy ?? '—'} |`);
  }
  return lines.join('\n');
}

export function settingsLine(s) {
  return `${s.dataset}, ${s.model}, ${s.epochs} epochs on ${s.trainImages} training images, validation on the ${s.testImages} test images, batch ${s.batchSize}, seeds ${s.seeds.join(', ')}, tfjs-backend-${s.backend}, ${s.jobs} run(s) at a time`;
}

export function resultsMarkdown(settings, rows, runs, wallSeconds) {
  const perSeed = runs.map((r) => `| ${r.label} | ${r.seed} | ${(100 * r.epochs[r.epochs.length - 1].valAccuracy).toFixed(2)} |`);
  return `# Study results

${settingsLine(settings)}. Wall time ${(wallSeconds / 60).toFixed(1)} min.

Mean ± sample standard deviation over ${settings.seeds.length} seed(s). Every optimizer of a seed
starts from the same weights and sees the same data order; each uses its default
hyperparameters. The paper's numbers come from its own protocol (30 epochs on the full split),
so they are a reference, not a like-for-like comparison.

${resultsTable(rows)}

## Final validation accuracy per run

| optimizer | seed | final val acc (%) |
|---|---:|---:|
${perSeed.join('\n')}

Plots: \`val-accuracy.svg\`, \`train-loss.svg\`, \`pilot-policy.svg\`. Every epoch of every run: \`results.json\`.
`;
}
