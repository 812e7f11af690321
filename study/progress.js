// Progress of the study's runs: on a terminal, one cli-progress bar per run (epoch, loss,
// accuracy, ETA); elsewhere (a log file, CI) one line per finished epoch.
import cliProgress from 'cli-progress';

const FORMAT = '{label} |{bar}| {percentage}% | epoch {epoch}/{epochs} | loss {loss} | acc {accuracy} | val {val} | ETA {eta_formatted}';

export function createProgress(stream = process.stderr) {
  const bars = stream.isTTY
    ? new cliProgress.MultiBar({ format: FORMAT, stream, hideCursor: true, clearOnComplete: false, etaBuffer: 50 }, cliProgress.Presets.shades_classic)
    : null;
  const byRun = new Map();
  const width = { label: 0 };
  const say = (line) => (bars ? bars.log(`${line}\n`) : stream.write(`${line}\n`));

  return {
    say,
    /** Hears a pool message about `run`. */
    update(run, message) {
      width.label = Math.max(width.label, run.label.length);
      const label = run.label.padEnd(width.label);
      const fields = byRun.get(run.label);
      if (message.type === 'start') {
        const payload = { label, epoch: 1, epochs: run.epochs, loss: '-', accuracy: '-', val: '-' };
        byRun.set(run.label, { payload, bar: bars?.create(1, 0, payload) ?? null, started: Date.now() });
      } else if (message.type === 'batch' && fields) {
        const { epoch, batch, batches, loss, accuracy } = message;
        Object.assign(fields.payload, { label, epoch, loss: loss.toFixed(4), accuracy: accuracy.toFixed(4) });
        if (fields.bar) {
          fields.bar.setTotal(run.epochs * batches);
          fields.bar.update((epoch - 1) * batches + batch, fields.payload);
        }
      } else if (message.type === 'epoch' && fields) {
        const r = message.record;
        fields.payload.val = `${(100 * r.valAccuracy).toFixed(2)}%`;
        fields.bar?.update(fields.payload);
        if (!bars) {
          say(`${run.label}: epoch ${r.epoch}/${run.epochs}  train loss ${r.trainLoss.toFixed(4)}  val loss ${r.valLoss.toFixed(4)}  val acc ${(100 * r.valAccuracy).toFixed(2)}%  ${r.wallSeconds.toFixed(1)} s`);
        }
      }
    },
    stop() {
      bars?.stop();
    },
  };
}
