// The study's results per optimizer, over seeds: what the table shows.
import { OPTIMIZER_LABELS } from '../optimizers.js';
import { paperAccuracy } from '../paper.js';
import { meanAndStd } from './statistics.js';

/** One row per optimizer, in the order the optimizers were given. */
export function summarize(settings, runs) {
  return settings.optimizers.map((optimizer) => {
    const mine = runs.filter((r) => r.optimizer === optimizer);
    const last = mine.map((r) => r.epochs[r.epochs.length - 1]);
    return {
      optimizer,
      label: OPTIMIZER_LABELS[optimizer],
      seeds: mine.length,
      finalValAccuracy: meanAndStd(last.map((e) => e.valAccuracy)),
      bestValAccuracy: meanAndStd(mine.map((r) => Math.max(...r.epochs.map((e) => e.valAccuracy)))),
      finalValLoss: meanAndStd(last.map((e) => e.valLoss)),
      finalTrainLoss: meanAndStd(last.map((e) => e.trainLoss)),
      secondsPerEpoch: meanAndStd(mine.flatMap((r) => r.epochs.map((e) => e.wallSeconds))),
      paperAccuracy: paperAccuracy(settings.dataset, settings.model, optimizer),
    };
  });
}
