import type { MultiBar, SingleBar } from 'cli-progress';
import { cliProgress } from './progress-bars';

/**
 * One progress bar per step on stderr (tasks completed / tasks dispatched; a
 * scatter step's total grows as its elements become ready). On a non-TTY stderr it
 * prints one line per finished step instead of redrawing.
 */
export class ProgressView {
  private readonly bars = new Map<string, { bar?: SingleBar; total: number; done: number; failed: number }>();
  private readonly multi?: MultiBar;
  private readonly tty: boolean;

  constructor(readonly enabled: boolean, private readonly stream: NodeJS.WriteStream = process.stderr) {
    this.tty = Boolean(stream.isTTY);
    if (enabled && this.tty) {
      const { MultiBar, Presets } = cliProgress();
      this.multi = new MultiBar(
        { stream, format: ' {step} |{bar}| {value}/{total} {status}', hideCursor: true, clearOnComplete: false, autopadding: true },
        Presets.shades_classic,
      );
    }
  }

  accepted(steps: string[]): void {
    for (const s of steps) this.entry(s);
  }

  ready(step: string): void {
    const e = this.entry(step);
    e.total++;
    e.bar?.setTotal(e.total);
  }

  completed(step: string): void {
    const e = this.entry(step);
    e.done++;
    e.bar?.update(e.done, { status: e.done === e.total ? 'done' : '' });
    if (this.enabled && !this.tty && e.done === e.total) this.stream.write(`step ${step}: ${e.done}/${e.total} done\n`);
  }

  failed(step: string, why: string): void {
    const e = this.entry(step);
    e.failed++;
    e.bar?.update(e.done, { status: `failed: ${why}` });
    if (this.enabled && !this.tty) this.stream.write(`step ${step}: attempt failed: ${why}\n`);
  }

  stop(): void {
    this.multi?.stop();
  }

  private entry(step: string) {
    let e = this.bars.get(step);
    if (!e) {
      e = { total: 0, done: 0, failed: 0 };
      e.bar = this.multi?.create(0, 0, { step, status: '' });
      this.bars.set(step, e);
    }
    return e;
  }
}
