import type { MultiBar, SingleBar } from 'cli-progress';
import type { StudyAccepted, StudyTrialCompleted, StudyTrialStarted } from '@saber/contracts';
import type { StudyEnd } from './follow-study';
import { cliProgress } from './progress-bars';

/** A number as the table shows it: up to 6 significant digits. */
function num(v: number | null | undefined): string {
  return v === null || v === undefined ? '-' : String(Number(v.toPrecision(6)));
}

/** `x=0.31, n=3`. */
function params(p: Record<string, unknown>): string {
  return Object.entries(p)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? num(v) : String(v)}`)
    .join(', ');
}

/**
 * The live view of one or more studies on stderr. On a TTY: one progress bar per study
 * over its trial budget, with the best score and the trials in flight. Otherwise a
 * table, one line per finished trial (trial, status, score, cost, best so far,
 * parameters).
 */
export class StudyProgressView {
  private readonly tty: boolean;
  private multi?: MultiBar;
  private readonly bars = new Map<string, SingleBar>();
  private readonly names = new Map<string, string>();
  private readonly running = new Map<string, Set<number>>();
  private readonly finished = new Map<string, number>();
  private readonly best = new Map<string, number | null>();
  private headerDone = false;

  constructor(private readonly enabled: boolean, private readonly stream: NodeJS.WriteStream = process.stderr) {
    this.tty = Boolean(stream.isTTY);
  }

  /** A study was accepted: its bar (TTY) or a line. */
  accepted(e: StudyAccepted): void {
    this.names.set(e.studyId, e.sampler.method);
    this.running.set(e.studyId, new Set());
    if (!this.enabled) return;
    for (const w of e.warnings) this.stream.write(`warning: ${w}\n`);
    const what = `${e.sampler.method} (seed ${e.sampler.seed}), ${e.budget.trials} trials${e.budget.seconds ? ` or ${e.budget.seconds} s` : ''}, ${e.parallel} at a time, ` +
      `${e.objective.direction} ${e.objective.metric ?? `output ${e.objective.output}`}${e.blocks ? `, ${e.blocks} blocks per trial` : ''}`;
    if (this.tty) {
      const { MultiBar, Presets } = cliProgress();
      this.multi ??= new MultiBar(
        { stream: this.stream, format: ' {name} |{bar}| {value}/{total} best {best} {status}', hideCursor: true, clearOnComplete: false, autopadding: true },
        Presets.shades_classic,
      );
      this.bars.set(e.studyId, this.multi.create(e.budget.trials, 0, { name: e.sampler.method.padEnd(10), best: '-', status: '' }));
    } else {
      this.stream.write(`study ${e.studyId}: ${what}\n`);
    }
  }

  /** The sampling method of an accepted study, if its acceptance was seen. */
  methodOf(studyId: string): string | undefined {
    return this.names.get(studyId);
  }

  /** A trial started. */
  trialStarted(e: StudyTrialStarted): void {
    this.running.get(e.studyId)?.add(e.trial);
    this.redraw(e.studyId);
  }

  /** A trial ended: the bar advances (TTY) or a table row is printed. */
  trialCompleted(e: StudyTrialCompleted): void {
    this.running.get(e.studyId)?.delete(e.trial);
    this.finished.set(e.studyId, (this.finished.get(e.studyId) ?? 0) + 1);
    this.best.set(e.studyId, e.best?.score ?? null);
    if (!this.enabled) return;
    if (this.tty) return this.redraw(e.studyId);
    if (!this.headerDone) {
      this.stream.write(`${['sampler', 'trial', 'status', 'score', 'cost_s', 'best', 'parameters'].join('\t')}\n`);
      this.headerDone = true;
    }
    const row = [this.names.get(e.studyId) ?? e.studyId, String(e.trial), e.status, num(e.score), e.costSeconds.toFixed(2), num(e.best?.score), params(e.parameters)];
    this.stream.write(`${row.join('\t')}${e.message && e.status !== 'succeeded' ? `\t(${e.message.split('\n')[0]})` : ''}\n`);
  }

  /** A study ended. */
  ended(studyId: string, end: StudyEnd): void {
    const bar = this.bars.get(studyId);
    if (bar && end.kind !== 'rejected') bar.setTotal(end.event.trials.length);
    this.redraw(studyId, end.kind === 'rejected' ? 'rejected' : end.kind);
  }

  /** Stops redrawing. */
  stop(): void {
    this.multi?.stop();
  }

  private redraw(studyId: string, status?: string): void {
    const bar = this.bars.get(studyId);
    if (!bar) return;
    const inFlight = this.running.get(studyId)?.size ?? 0;
    bar.update(this.finished.get(studyId) ?? 0, { best: num(this.best.get(studyId)), status: status ?? (inFlight ? `${inFlight} running` : '') });
  }
}
