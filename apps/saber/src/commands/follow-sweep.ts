import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Bus, BusMessage } from '@saber/bus';
import {
  Filters, MergeCompleted, MergeFailed, RunFailed, RunRejected, SweepAccepted, SweepCompleted, SweepFailed, SweepIterationResult, SweepProgress, SweepRejected,
  type MergeCompleted as MergeCompletedT, type MergeFailed as MergeFailedT,
  type SweepCompleted as SweepCompletedT, type SweepFailed as SweepFailedT, type SweepRejected as SweepRejectedT,
} from '@saber/contracts';
import type { SweepProgressView } from './sweep-progress-view';

/** How a followed sweep ended. */
export type SweepEnd =
  | { kind: 'completed'; event: SweepCompletedT; merges: MergeEnd[] }
  | { kind: 'failed'; event: SweepFailedT }
  | { kind: 'rejected'; event: SweepRejectedT };

/** The iterations of a sweep.completed that lists them in a file (`iterationsFile`, a `file://` URL). */
async function readIterations(url: string): Promise<SweepCompletedT['iterations']> {
  const list: unknown = JSON.parse(await readFile(fileURLToPath(url), 'utf8'));
  return SweepIterationResult.array().parse(list);
}

/** How one merge the sweep requested ended. */
export type MergeEnd = { kind: 'completed'; event: MergeCompletedT } | { kind: 'failed'; event: MergeFailedT };

/**
 * Subscribes to every event (from now on) and resolves when the sweep `sweepId`
 * ends, feeding the progress view meanwhile (sweep counts, failures of its child
 * runs `<sweepId>.i…`). A completed sweep that requested merges ends when every merge
 * has ended too (`merges`, in the sweep's order). Subscribe before publishing the
 * request, so no event is missed.
 */
export async function followSweep(
  bus: Bus,
  sweepId: string,
  view: SweepProgressView,
  options: { waitForMerges?: boolean } = {},
): Promise<{ done: Promise<SweepEnd>; stop(): Promise<void> }> {
  const waitForMerges = options.waitForMerges ?? true;
  let resolve!: (end: SweepEnd) => void;
  const done = new Promise<SweepEnd>((r) => (resolve = r));
  const child = (id: string) => id.startsWith(`${sweepId}.i`);
  const merges = new Map<string, MergeEnd>();
  let completed: SweepCompletedT | undefined;
  const settle = (): void => {
    if (completed && (!waitForMerges || completed.merges.every((m) => merges.has(m)))) {
      resolve({ kind: 'completed', event: completed, merges: completed.merges.flatMap((m) => (merges.has(m) ? [merges.get(m)!] : [])) });
    }
  };
  const sub = await bus.consume({ stream: 'events', filterSubject: Filters.allEvents, deliver: 'new', concurrency: 1 }, async (msg: BusMessage) => {
    const s = msg.subject;
    try {
      await handle(s, msg);
    } catch {
      // Not a message of ours, or malformed: someone else's concern.
    }
  });
  async function handle(s: string, msg: BusMessage): Promise<void> {
    if (s === SweepRejected.subject) {
      const e = SweepRejected.parse(msg.json());
      if (e.requestId === sweepId) resolve({ kind: 'rejected', event: e });
    } else if (s === SweepAccepted.subject) {
      const e = SweepAccepted.parse(msg.json());
      if (e.sweepId === sweepId) view.accepted(e);
    } else if (s === SweepProgress.subject) {
      const e = SweepProgress.parse(msg.json());
      if (e.sweepId === sweepId) view.progress(e);
    } else if (s === SweepCompleted.subject) {
      const e = SweepCompleted.parse(msg.json());
      if (e.sweepId === sweepId) {
        let iterations = e.iterations;
        if (e.iterationsFile) {
          try {
            iterations = await readIterations(e.iterationsFile);
          } catch (err) {
            // On another machine than the blocker the file may not be reachable: say so, go on.
            process.stderr.write(`saber: the sweep's iterations are in ${e.iterationsFile}, which cannot be read here: ${(err as Error).message}\n`);
          }
        }
        completed = { ...e, iterations };
        if (e.merges.length && waitForMerges) view.merging(e.merges.length);
        settle();
      }
    } else if (s === MergeCompleted.subject) {
      const e = MergeCompleted.parse(msg.json());
      if (e.sweepId === sweepId) {
        merges.set(e.requestId, { kind: 'completed', event: e });
        settle();
      }
    } else if (s === MergeFailed.subject) {
      const e = MergeFailed.parse(msg.json());
      if (e.sweepId === sweepId || e.requestId.startsWith(`${sweepId}.m`)) {
        merges.set(e.requestId, { kind: 'failed', event: e });
        settle();
      }
    } else if (s === SweepFailed.subject) {
      const e = SweepFailed.parse(msg.json());
      if (e.sweepId === sweepId) resolve({ kind: 'failed', event: e });
    } else if (s === RunFailed.subject) {
      const e = RunFailed.parse(msg.json());
      if (child(e.runId)) view.childFailed(e.runId, e.reason, e.message);
    } else if (s === RunRejected.subject) {
      const e = RunRejected.parse(msg.json());
      if (child(e.requestId)) view.childFailed(e.requestId, `rejected: ${e.reason}`, e.message);
    }
  }
  // In embedded mode every handle may be idle between two messages: keep the process alive.
  const keepAlive = setInterval(() => undefined, 60_000);
  void done.finally(() => clearInterval(keepAlive));
  return {
    done,
    stop: () => {
      clearInterval(keepAlive);
      return sub.stop();
    },
  };
}
