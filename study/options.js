// The command line of `npm start` and `npm run transfer`: flags, presets and their checks.
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { BACKEND_NAMES } from './backend.js';
import { DATASET_NAMES } from './datasets.js';
import { MODEL_NAMES } from './models.js';
import { OPTIMIZER_NAMES } from './optimizers.js';

/**
 * Budgets. The default fits 20 minutes on 2 cores: two runs at a time on tfjs-backend-wasm, where
 * a CNN epoch measured about 1.2-1.8 s per 1,000 training images per run plus 1.5 s of
 * validation, so 5 optimizers x 3 seeds x 5 epochs of 12,000 images take about 13 minutes.
 * --full is the paper's protocol; --quick is a first look of a minute or two.
 */
export const PRESETS = {
  default: { epochs: 5, trainSize: 12000, seeds: 3 },
  quick: { epochs: 2, trainSize: 2000, seeds: 1 },
  full: { epochs: 30, trainSize: null, seeds: 3 },
};

const FLAGS = {
  epochs: { type: 'string' },
  seeds: { type: 'string' },
  'train-size': { type: 'string' },
  model: { type: 'string', default: 'cnn' },
  'cache-dir': { type: 'string', default: '.cache' },
  'batch-size': { type: 'string', default: '64' },
  backend: { type: 'string', default: 'wasm' },
  jobs: { type: 'string' },
  out: { type: 'string', default: 'report' },
  quick: { type: 'boolean', default: false },
  full: { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
};

export const STUDY_USAGE = `npm start -- [flags]
  --optimizers LIST   comma-separated, from ${OPTIMIZER_NAMES.join(', ')} (default: all)
  --epochs N          epochs per run
  --seeds N|LIST      N seeds (0..N-1) or a comma-separated list
  --train-size N|full training images (a class-balanced subset), or the whole split
  --model NAME        ${MODEL_NAMES.join(' | ')} (default cnn)
  --dataset NAME      ${DATASET_NAMES.join(' | ')} (default fashionmnist)
  --data-dir DIR      CIFAR-10's binary files (data_batch_1.bin ... test_batch.bin)
  --cache-dir DIR     where the converted MNIST/FashionMNIST cache lives (default .cache)
  --batch-size N      (default 64)
  --backend NAME      ${BACKEND_NAMES.join(' | ')} (default wasm)
  --jobs N            runs at a time, one per core (default: the cores available)
  --out DIR           the report folder (default report)
  --quick             ${PRESETS.quick.epochs} epochs on ${PRESETS.quick.trainSize} images, ${PRESETS.quick.seeds} seed
  --full              the paper's protocol: ${PRESETS.full.epochs} epochs on the full split, ${PRESETS.full.seeds} seeds
Default: ${PRESETS.default.epochs} epochs on ${PRESETS.default.trainSize} images, ${PRESETS.default.seeds} seeds (20 minutes or less on 2 cores).`;

function positiveInteger(text, flag) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`--${flag} must be a whole number >= 1, got '${text}'`);
  return n;
}

function oneOf(value, known, flag) {
  if (!known.includes(value)) throw new RangeError(`--${flag} must be one of ${known.join(', ')}, got '${value}'`);
  return value;
}

function seedList(text) {
  if (text.includes(',')) {
    return text.split(',').map((s) => {
      const n = Number(s);
      if (!Number.isInteger(n) || n < 0) throw new RangeError(`--seeds: '${s}' is not a whole number >= 0`);
      return n;
    });
  }
  return Array.from({ length: positiveInteger(text, 'seeds') }, (_, i) => i);
}

/** Parses flags shared by the study and the transfer experiment; `extra` adds flags of its own. */
export function parseCommonOptions(argv, extra = {}) {
  const { values } = parseArgs({ args: argv, options: { ...FLAGS, ...extra }, strict: true });
  if (values.quick && values.full) throw new RangeError('--quick and --full cannot be combined');
  const presetName = values.quick ? 'quick' : values.full ? 'full' : 'default';
  const preset = PRESETS[presetName];
  const trainSizeText = values['train-size'];
  return {
    values,
    settings: {
      preset: presetName,
      epochs: values.epochs ? positiveInteger(values.epochs, 'epochs') : preset.epochs,
      seeds: values.seeds ? seedList(values.seeds) : seedList(String(preset.seeds)),
      trainSize: trainSizeText === undefined ? preset.trainSize : trainSizeText === 'full' ? null : positiveInteger(trainSizeText, 'train-size'),
      model: oneOf(values.model, MODEL_NAMES, 'model'),
      batchSize: positiveInteger(values['batch-size'], 'batch-size'),
      backend: oneOf(values.backend, BACKEND_NAMES, 'backend'),
      jobs: values.jobs ? positiveInteger(values.jobs, 'jobs') : Math.max(1, availableParallelism()),
      out: values.out,
      cacheDir: values['cache-dir'],
    },
  };
}

const STUDY_FLAGS = {
  optimizers: { type: 'string' },
  dataset: { type: 'string', default: 'fashionmnist' },
  'data-dir': { type: 'string' },
};

/** `npm start`'s settings. */
export function parseStudyOptions(argv) {
  const { values, settings } = parseCommonOptions(argv, STUDY_FLAGS);
  const optimizers = values.optimizers ? values.optimizers.split(',').map((o) => oneOf(o.trim(), OPTIMIZER_NAMES, 'optimizers')) : [...OPTIMIZER_NAMES];
  return {
    ...settings,
    optimizers,
    dataset: oneOf(values.dataset, DATASET_NAMES, 'dataset'),
    dataDir: values['data-dir'] ?? null,
  };
}
