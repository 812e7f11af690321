// Progress of the study's runs: on a terminal, one cli-progress bar per run (epoch, loss,
// accuracy, ETA); elsewhere (a log file, CI) one line per finished epoch.
import cliProgress from 'cli-progress';

const FORMAT = '{label} |{bar}| {percentage}% | epoch {epoch}/{epochs} | loss {loss} | acc {accuracy} | val {val} | ETA {eta_formatted}';

export function createProgress(stream = process.stderr) {
  const bars = stream.isTTY
    ? new cliProgress.MultiBar({ format: FORMAT, stream, hideCursor: true, clearOnComplete: false, etaBuffer: 50 }, cliProgress.Presets.shades_classic)
    : null;
  const byRun = new Map();
  let labelWidth = 0;
  const say = (line) => (bars ? bars.log(`${line}\n`) : stream.write(`${line}\n`));

  return {
    say,
    /** Hears a pool message about `run`. */
    update(run, message) {
      labelWidth = Math.max(labelWidth, run.label.length);
      const label = run.label.padEnd(labelWidth);
      const entry = byRun.get(run.label);
      if (message.type === 'start') {
        const payload = { label, epoch: 1, epochs: run.epochs, loss: '-', accuracy: '-', val: '-' };
        byRun.set(run.label, { payload, bar: bars?.create(1, 0, payload) ?? null });
      } else if (message.type === 'batch' && entry) {
        const { epoch, batch, batches, loss, accuracy } = message;
        Object.assign(entry.payload, { label, epoch, loss: loss.toFixed(4), accuracy: accuracy.toFixed(4) });
        if (entry.bar) {
          entry.bar.setTotal(run.epochs * batches);
          entry.bar.update((epoch - 1) * batches + batch, entry.payload);
        }
      } else if (message.type === 'epoch' && entry) {
        const r = message.record;
        entry.payload.val = `${(100 * r.valAccuracy).toFixed(2)}%`;
        entry.bar?.update(entry.payload);
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
