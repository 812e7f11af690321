// Writes the study's part of the report folder: results.json, results.md and the plots.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resultsMarkdown } from './markdown.js';
import { epochPoints, perEpochSpec, policyPoints, policySpec, renderSvg } from './plots.js';
import { summarize } from './summary.js';

export const STUDY_FILES = ['results.json', 'results.md', 'val-accuracy.svg', 'train-loss.svg', 'pilot-policy.svg'];

/** Writes the report and returns the summary rows. */
export async function writeStudyReport(out, settings, runs, wallSeconds) {
  mkdirSync(out, { recursive: true });
  const rows = summarize(settings, runs);
  const json = { settings, wallSeconds, summary: rows, runs };
  writeFileSync(join(out, 'results.json'), `${JSON.stringify(json, null, 1)}\n`);
  writeFileSync(join(out, 'results.md'), resultsMarkdown(settings, rows, runs, wallSeconds));
  const points = epochPoints(runs);
  writeFileSync(join(out, 'val-accuracy.svg'), await renderSvg(perEpochSpec(points, 'valAccuracy', 'validation accuracy')));
  writeFileSync(join(out, 'train-loss.svg'), await renderSvg(perEpochSpec(points, 'trainLoss', 'training loss')));
  const policy = policyPoints(runs);
  if (policy.length > 0) writeFileSync(join(out, 'pilot-policy.svg'), await renderSvg(policySpec(policy)));
  return rows;
}
