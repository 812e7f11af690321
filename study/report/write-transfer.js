// Writes the transfer experiment's part of the report folder: transfer.json, transfer.md and
// transfer-val-accuracy.svg.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPTIMIZER_LABELS } from '../optimizers.js';
import { PAPER_TRANSFER } from '../paper.js';
import { epochPoints, perEpochSpec, renderSvg } from './plots.js';
import { formatMeanStd, meanAndStd } from './statistics.js';

export const TRANSFER_FILES = ['transfer.json', 'transfer.md', 'transfer-val-accuracy.svg'];

/** The first epoch whose validation accuracy reaches `target`, or null. */
export function epochsToReach(epochs, target) {
  return epochs.find((e) => e.valAccuracy >= target)?.epoch ?? null;
}

export function summarizeTransfer(settings, runs) {
  return settings.optimizers.map((optimizer) => {
    const mine = runs.filter((r) => r.optimizer === optimizer);
    const reached = mine.map((r) => epochsToReach(r.epochs, settings.targetAccuracy)).filter((e) => e !== null);
    return {
      optimizer,
      label: OPTIMIZER_LABELS[optimizer],
      finalValAccuracy: meanAndStd(mine.map((r) => r.epochs[r.epochs.length - 1].valAccuracy)),
      epochsToTarget: reached.length > 0 ? meanAndStd(reached) : null,
      reachedTarget: `${reached.length}/${mine.length}`,
      paper: PAPER_TRANSFER[optimizer],
    };
  });
}

function transferMarkdown(settings, source, rows, runs, wallSeconds) {
  const target = (100 * settings.targetAccuracy).toFixed(0);
  const table = rows.map((r) => `| ${r.label} | ${formatMeanStd(r.finalValAccuracy, 100)} | ${r.epochsToTarget ? formatMeanStd(r.epochsToTarget, 1, 1) : 'not reached'} | ${r.reachedTarget} | ${r.paper?.finalAccuracy ?? '—'} | ${r.paper?.epochsToTarget ?? '—'} |`);
  const perSeed = runs.map((r) => `| ${r.label} | ${r.seed} | ${(100 * r.epochs[r.epochs.length - 1].valAccuracy).toFixed(2)} | ${epochsToReach(r.epochs, settings.targetAccuracy) ?? '—'} |`);
  return `# Transfer: a policy learned on MNIST, frozen, on FashionMNIST

Source: PILOT trained a ${settings.model} on MNIST digits (the \`mnist\` package, ${source.trainImages}
training images) for ${source.epochs} epochs, seed ${source.seed}: final validation accuracy
${(100 * source.finalValAccuracy).toFixed(2)}%. Its phi, exported with \`optimizer.state().phi\`:

\`[${source.policy.map((c) => c.toFixed(4)).join(', ')}]\`

Target: a fresh ${settings.model} on FashionMNIST, ${settings.epochs} epochs on ${settings.trainImages} training
images, validation on the ${settings.testImages} test images, seeds ${settings.seeds.join(', ')}, trained with
\`new PilotOptimizer({ policy: phi, freezePolicy: true })\`, with AdamW, and with a fresh PILOT.
Target accuracy for "epochs to reach": ${target}%. Wall time ${(wallSeconds / 60).toFixed(1)} min.

The paper's source task is CIFAR-10 with ResNet-18 and its target protocol 30 epochs on the full
split with a 90% target, so its columns are a reference only.

| optimizer | final val acc (%) | epochs to ${target}% | runs reaching ${target}% | paper final acc (%) | paper epochs to 90% |
|---|---:|---:|---:|---:|---:|
${table.join('\n')}

| optimizer | seed | final val acc (%) | epochs to ${target}% |
|---|---:|---:|---:|
${perSeed.join('\n')}

Plot: \`transfer-val-accuracy.svg\`. Every epoch of every run: \`transfer.json\`.
`;
}

export async function writeTransferReport(out, settings, source, runs, wallSeconds) {
  mkdirSync(out, { recursive: true });
  const rows = summarizeTransfer(settings, runs);
  writeFileSync(join(out, 'transfer.json'), `${JSON.stringify({ settings, wallSeconds, source, summary: rows, runs }, null, 1)}\n`);
  writeFileSync(join(out, 'transfer.md'), transferMarkdown(settings, source, rows, runs, wallSeconds));
  const spec = perEpochSpec(epochPoints(runs), 'valAccuracy', 'validation accuracy on FashionMNIST');
  spec.layer.push({ mark: { type: 'rule', strokeDash: [4, 4] }, encoding: { y: { datum: settings.targetAccuracy } } });
  writeFileSync(join(out, 'transfer-val-accuracy.svg'), await renderSvg(spec));
  return rows;
}
