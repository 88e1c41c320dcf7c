import type { RunAccepted, RunCompleted, RunFailed, RunRejected, StepCompleted, StepFailed, StepReady, StepStarted } from '@saber/contracts';
import type { CatalogContract } from './event-contracts';
import { text } from './sql-values';

/** An event of a batch with its position among the batch's new events (arrival order). */
export interface Arrival<T> {
  readonly ord: number;
  readonly e: T;
}

/**
 * Rounds of two terminal kinds where the first one recorded wins (completed vs
 * failed). Per key, the kind whose first event arrived first in the batch is applied
 * first, so `completedAfterFailed` holds the completions of keys whose failure came first.
 * Each list holds the LAST event of its kind per key: a terminal event that applies
 * overwrites every column it sets.
 */
export interface TerminalRounds<C, F> {
  completed: C[];
  failed: F[];
  completedAfterFailed: C[];
}

/** The attempt upserts of a batch, one row per `(taskId, attempt)` in each round. */
export interface AttemptRounds {
  /** Last step.ready per attempt. */
  ready: StepReady[];
  /**
   * Starts that arrived before the attempt's first terminal event in the batch:
   * `startedFirst` (only where there are several) then `started` (the last one).
   * Applying first then last equals applying all of them in order: a start
   * overwrites a non-terminal attempt and only fills blanks of a terminal one.
   */
  startedFirst: StepStarted[];
  started: StepStarted[];
  terminal: TerminalRounds<StepCompleted, StepFailed>;
  /** First start that arrived after a terminal event, for attempts with no earlier start in the batch. */
  startedLate: StepStarted[];
  /** Every step.completed: the metrics of each completion that applied are upserted (the latest finish wins). */
  completedAll: Arrival<StepCompleted>[];
  /** Every step event's `(runId, stepId)`, for the step recomputation. */
  steps: Array<[string, string]>;
}

/** The run statements of a batch. */
export interface RunRounds {
  /** First run.rejected per request id (later ones conflict and change nothing). */
  rejected: RunRejected[];
  /** Every run.accepted in arrival order (workflows, rejected-record removal and planned steps use all of them). */
  accepted: Arrival<RunAccepted>[];
  /** Status each run reaches through its step events (step.ready: accepted; the others: running). */
  touched: Array<{ id: string; status: 'accepted' | 'running' }>;
  terminal: TerminalRounds<RunCompleted, RunFailed>;
  /** Every run.failed in arrival order (each applied one marks its failed step). */
  failedAll: RunFailed[];
}

type Groups<T> = Map<string, Arrival<T>[]>;

function add<T>(groups: Groups<T>, key: string, arrival: Arrival<T>): void {
  const group = groups.get(key);
  if (group) group.push(arrival);
  else groups.set(key, [arrival]);
}

const last = <T>(group: Arrival<T>[]): T => group[group.length - 1]!.e;

function terminalRounds<C, F>(completed: Groups<C>, failed: Groups<F>): TerminalRounds<C, F> {
  const rounds: TerminalRounds<C, F> = { completed: [], failed: [], completedAfterFailed: [] };
  for (const [key, group] of completed) {
    const failures = failed.get(key);
    (failures && failures[0]!.ord < group[0]!.ord ? rounds.completedAfterFailed : rounds.completed).push(last(group));
  }
  for (const group of failed.values()) rounds.failed.push(last(group));
  return rounds;
}

/** Key of a task attempt as stored (`task_id` text without NUL, `attempt`). */
export function attemptKey(taskId: string, attempt: number): string {
  return `${attempt}:${text(taskId)}`;
}

const RUN_RANK = { accepted: 1, running: 2 } as const;

/**
 * New events of a batch, grouped and collapsed into a fixed number of set-based
 * statements whose combined effect equals recording the events one at a time in
 * arrival order. Kinds are applied in lifecycle order (rejected, accepted, step
 * touches, ready, started, completed/failed, late starts, run end); where the
 * per-event SQL is not commutative (first terminal event wins; a start after a
 * terminal event only fills blanks) the rounds above keep arrival order per key.
 *
 * One case cannot be reordered: a run.accepted or run.rejected that arrives after a
 * step or run-end event of the same run id (it would see, or not see, a `rejected`
 * row). {@link BatchPlan.startsSegment} says so, and the caller then starts a new
 * plan, applied after this one.
 */
export class BatchPlan {
  private readonly rejected = new Map<string, RunRejected>();
  private readonly accepted: Arrival<RunAccepted>[] = [];
  private readonly touched = new Map<string, 'accepted' | 'running'>();
  private readonly runCompleted: Groups<RunCompleted> = new Map();
  private readonly runFailed: Groups<RunFailed> = new Map();
  private readonly failedAll: RunFailed[] = [];
  private readonly ready: Groups<StepReady> = new Map();
  private readonly started: Groups<StepStarted> = new Map();
  private readonly completed: Groups<StepCompleted> = new Map();
  private readonly failed: Groups<StepFailed> = new Map();
  private readonly completedAll: Arrival<StepCompleted>[] = [];
  private readonly steps: Array<[string, string]> = [];
  private readonly lockKeys = new Set<string>();
  /** Run ids of step and run-end events. */
  private readonly progressed = new Set<string>();
  private ord = 0;

  /** True when the event must not be reordered before this plan's events (see the class comment). */
  startsSegment(contract: CatalogContract['name'] | undefined, payload: unknown): boolean {
    if (contract === 'run.rejected') return this.progressed.has((payload as RunRejected).requestId);
    if (contract !== 'run.accepted') return false;
    const e = payload as RunAccepted;
    return this.progressed.has(e.runId) || this.progressed.has(e.requestId);
  }

  /** Adds the next new event (arrival order); `payload` is already validated against `contract`. */
  add(contract: CatalogContract['name'] | undefined, payload: unknown): void {
    const ord = this.ord++;
    switch (contract) {
      case 'run.rejected': {
        const e = payload as RunRejected;
        if (!this.rejected.has(e.requestId)) this.rejected.set(e.requestId, e);
        this.lockKeys.add(e.requestId);
        return;
      }
      case 'run.accepted': {
        const e = payload as RunAccepted;
        this.accepted.push({ ord, e });
        this.lockKeys.add(e.runId).add(e.requestId);
        return;
      }
      case 'run.completed': {
        const e = payload as RunCompleted;
        add(this.runCompleted, e.runId, { ord, e });
        this.lockKeys.add(e.runId);
        this.progressed.add(e.runId);
        return;
      }
      case 'run.failed': {
        const e = payload as RunFailed;
        add(this.runFailed, e.runId, { ord, e });
        this.failedAll.push(e);
        this.lockKeys.add(e.runId);
        this.progressed.add(e.runId);
        return;
      }
      case 'step.ready':
        this.step(this.ready, ord, payload as StepReady, 'accepted');
        return;
      case 'step.started':
        this.step(this.started, ord, payload as StepStarted, 'running');
        return;
      case 'step.completed':
        this.completedAll.push({ ord, e: payload as StepCompleted });
        this.step(this.completed, ord, payload as StepCompleted, 'running');
        return;
      case 'step.failed':
        this.step(this.failed, ord, payload as StepFailed, 'running');
        return;
      default:
        return; // run.requested and unknown subjects: logged only
    }
  }

  private step<T extends StepReady | StepStarted | StepCompleted | StepFailed>(
    groups: Groups<T>,
    ord: number,
    e: T,
    status: 'accepted' | 'running',
  ): void {
    add(groups, attemptKey(e.taskId, e.attempt), { ord, e });
    const current = this.touched.get(e.runId);
    if (!current || RUN_RANK[status] > RUN_RANK[current]) this.touched.set(e.runId, status);
    this.steps.push([e.runId, e.stepId]);
    this.lockKeys.add(e.runId);
    this.progressed.add(e.runId);
  }

  /** True when the plan has a run.accepted or run.rejected (which write rows by request id too). */
  writesRequests(): boolean {
    return this.accepted.length > 0 || this.rejected.size > 0;
  }

  /** Run ids and request ids whose `runs` rows the batch may write. */
  runLockKeys(): string[] {
    return [...this.lockKeys];
  }

  /** The run statements' rows. */
  runs(): RunRounds {
    return {
      rejected: [...this.rejected.values()],
      accepted: this.accepted,
      touched: [...this.touched].map(([id, status]) => ({ id, status })),
      terminal: terminalRounds(this.runCompleted, this.runFailed),
      failedAll: this.failedAll,
    };
  }

  /** The attempt statements' rows. */
  attempts(): AttemptRounds {
    const rounds: AttemptRounds = {
      ready: [...this.ready.values()].map(last),
      startedFirst: [],
      started: [],
      terminal: terminalRounds(this.completed, this.failed),
      startedLate: [],
      completedAll: this.completedAll,
      steps: this.steps,
    };
    for (const [key, group] of this.started) {
      const terminalOrd = Math.min(this.completed.get(key)?.[0]?.ord ?? Infinity, this.failed.get(key)?.[0]?.ord ?? Infinity);
      const early = group.filter((a) => a.ord < terminalOrd);
      if (early.length === 0) rounds.startedLate.push(group[0]!.e);
      else {
        if (early.length > 1) rounds.startedFirst.push(early[0]!.e);
        rounds.started.push(last(early));
      }
    }
    return rounds;
  }
}
