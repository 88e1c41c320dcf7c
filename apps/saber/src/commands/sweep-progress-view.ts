import type { SingleBar } from 'cli-progress';
import type { SweepAccepted, SweepProgress } from '@saber/contracts';
import { cliProgress } from './progress-bars';

/**
 * One progress bar over a sweep's iterations on stderr (done / total, with the runs in
 * flight, failed and retried). On a non-TTY stderr it prints a line when the sweep is
 * accepted, for each failed child run and at the end instead of redrawing.
 */
export class SweepProgressView {
  private bar?: SingleBar;
  private readonly tty: boolean;
  private last?: SweepProgress;

  constructor(private readonly enabled: boolean, private readonly stream: NodeJS.WriteStream = process.stderr) {
    this.tty = Boolean(stream.isTTY);
  }

  /** The sweep was accepted: draws the bar. */
  accepted(e: SweepAccepted): void {
    if (!this.enabled) return;
    const unit = e.groups > 1 || e.blocks === 0 ? 'iterations' : 'blocks';
    if (this.tty) {
      const { SingleBar, Presets } = cliProgress();
      this.bar = new SingleBar(
        { stream: this.stream, format: ` ${unit} |{bar}| {value}/{total} {status}`, hideCursor: true, clearOnComplete: false, autopadding: true },
        Presets.shades_classic,
      );
      this.bar.start(e.total, 0, { status: '' });
    } else {
      const grid = e.geometry ? `, grid ${e.geometry.counts.join('×')} (z×y×x)` : '';
      this.stream.write(`sweep ${e.sweepId}: ${e.total} iterations (${e.blocks} blocks${grid}), ${e.policy.maxInFlight} at a time\n`);
    }
    for (const w of e.warnings) this.stream.write(`warning: ${w}\n`);
  }

  /** New counts. */
  progress(e: SweepProgress): void {
    this.last = e;
    this.bar?.update(e.done, { status: this.status(e) });
  }

  /** A child run failed (the blocker retries it if the policy allows). */
  childFailed(runId: string, reason: string, message: string): void {
    if (!this.enabled) return;
    if (this.tty) this.bar?.update(this.last?.done ?? 0, { status: `${this.last ? this.status(this.last) : ''} (run ${runId}: ${reason})` });
    else this.stream.write(`run ${runId} failed (${reason}): ${message.split('\n')[0]}\n`);
  }

  /** Every block is done and `n` merges were requested: says so while the merger works. */
  merging(n: number): void {
    if (!this.enabled) return;
    if (this.tty) this.bar?.update(this.last?.total ?? 0, { status: `merging ${n} result${n > 1 ? 's' : ''}…` });
    else this.stream.write(`merging ${n} result${n > 1 ? 's' : ''}\n`);
  }

  /** Stops redrawing; on a non-TTY prints the final counts. */
  stop(): void {
    this.bar?.stop();
    if (this.enabled && !this.tty && this.last) {
      this.stream.write(`sweep ${this.last.sweepId}: ${this.last.done}/${this.last.total} done, ${this.last.failed} failed, ${this.last.retries} retried\n`);
    }
  }

  private status(e: SweepProgress): string {
    return [`${e.running} running`, e.failed ? `${e.failed} failed` : '', e.retries ? `${e.retries} retried` : ''].filter(Boolean).join(', ');
  }
}
