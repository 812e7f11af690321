// `npm start -- --quick` and `npm run transfer -- --quick` end to end on a tiny budget, each in a
// child process, with the caches built into a temporary folder: the report's files parse. The
// MLP keeps it fast and runs on tfjs-backend-wasm as shipped (conv nets need the package's
// Conv2DBackpropFilter kernel there).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { STUDY_FILES } from '../study/report/write-study.js';
import { TRANSFER_FILES } from '../study/report/write-transfer.js';

const work = mkdtempSync(join(tmpdir(), 'pilot-study-quick-'));
const out = join(work, 'report');
const common = ['--quick', '--model', 'mlp', '--train-size', '200', '--cache-dir', join(work, 'cache'), '--out', out, '--jobs', '2'];
const node = (script, args) => execFileSync(process.execPath, [script, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

const test = suite('study --quick, end to end');
test.after(() => rmSync(work, { recursive: true, force: true }));

function assertSvg(path) {
  const svg = readFileSync(path, 'utf8');
  assert.ok(svg.startsWith('<svg'), `${path} is an SVG`);
  assert.is(XMLValidator.validate(svg), true, `${path} is well-formed XML`);
}

test('npm start -- --quick writes results.json, results.md and the plots', () => {
  const stdout = node('study/main.js', [...common, '--epochs', '1', '--seeds', '2']);
  assert.match(stdout, /Study \(quick budget\): fashionmnist, mlp, 1 epochs on 200 training images/);
  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
  assert.is(results.runs.length, 10, '5 optimizers x 2 seeds');
  for (const run of results.runs) {
    assert.is(run.epochs.length, 1);
    const [e] = run.epochs;
    for (const key of ['trainLoss', 'valLoss', 'valAccuracy', 'wallSeconds']) assert.ok(Number.isFinite(e[key]), `${run.label} ${key}`);
  }
  assert.equal(results.summary.map((r) => r.optimizer), ['pilot', 'adam', 'adamw', 'lion', 'adabelief']);
  assert.ok(results.runs.find((r) => r.optimizer === 'pilot').policyTrace.rho.length > 0);
  const markdown = readFileSync(join(out, 'results.md'), 'utf8');
  for (const label of ['PILOT', 'Adam', 'AdamW', 'Lion', 'AdaBelief']) assert.match(markdown, new RegExp(`\\| ${label} \\| \\d+\\.\\d\\d ± \\d+\\.\\d\\d \\|`));
  for (const file of STUDY_FILES.filter((f) => f.endsWith('.svg'))) assertSvg(join(out, file));
});

test('npm run transfer -- --quick writes transfer.json, transfer.md and its plot into the same report', () => {
  node('study/transfer.js', [...common, '--epochs', '2', '--source-epochs', '1', '--seeds', '1']);
  const transfer = JSON.parse(readFileSync(join(out, 'transfer.json'), 'utf8'));
  assert.is(transfer.source.policy.length, 9);
  assert.equal(transfer.runs.map((r) => r.optimizer), ['pilot-frozen', 'adamw', 'pilot']);
  const frozen = transfer.runs[0];
  frozen.finalState.phi.forEach((c, j) => assert.ok(Math.abs(c - transfer.source.policy[j]) < 1e-6, 'the transferred policy stayed frozen'));
  assert.match(readFileSync(join(out, 'transfer.md'), 'utf8'), /\| PILOT \(frozen transferred policy\) \| \d+\.\d\d ± \d+\.\d\d \|/);
  assertSvg(join(out, TRANSFER_FILES[2]));
  JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
});

test.run();
