import type { Bus, BusMessage } from '@saber/bus';
import { Filters, RunCompleted, RunFailed, RunRejected, RunAccepted, StepReady, StepCompleted, StepFailed, type RunCompleted as RunCompletedT, type RunFailed as RunFailedT, type RunRejected as RunRejectedT } from '@saber/contracts';
import { ProgressView } from './progress-view';

/** How a followed run ended. */
export type RunEnd =
  | { kind: 'completed'; event: RunCompletedT }
  | { kind: 'failed'; event: RunFailedT }
  | { kind: 'rejected'; event: RunRejectedT };

/**
 * Subscribes to the events (from now on) and resolves when the run of `requestId`
 * ends, drawing a progress bar per step on stderr meanwhile. Without a progress
 * view only run events are followed (a 1,000-task run sends 3,000 step events).
 * Subscribe before publishing the request, so no event is missed.
 */
export async function followRun(bus: Bus, requestId: string, progress: ProgressView): Promise<{ done: Promise<RunEnd>; stop(): Promise<void> }> {
  let resolve!: (end: RunEnd) => void;
  const done = new Promise<RunEnd>((r) => (resolve = r));
  const filterSubject = progress.enabled ? Filters.allEvents : Filters.runEvents;
  const sub = await bus.consume({ stream: 'events', filterSubject, deliver: 'new', concurrency: 1 }, async (msg: BusMessage) => {
    const s = msg.subject;
    if (s === RunRejected.subject) {
      const e = RunRejected.parse(msg.json());
      if (e.requestId === requestId) resolve({ kind: 'rejected', event: e });
      return;
    }
    const body = msg.json<{ runId?: string }>();
    if (body?.runId !== requestId) return;
    if (s === RunAccepted.subject) progress.accepted(RunAccepted.parse(body).steps);
    else if (s === StepReady.subject) progress.ready(StepReady.parse(body).stepId);
    else if (s === StepCompleted.subject) progress.completed(StepCompleted.parse(body).stepId);
    else if (s === StepFailed.subject) {
      const e = StepFailed.parse(body);
      progress.failed(e.stepId, `${e.failureType}${e.retryable ? ' (will retry)' : ''}`);
    } else if (s === RunCompleted.subject) resolve({ kind: 'completed', event: RunCompleted.parse(body) });
    else if (s === RunFailed.subject) resolve({ kind: 'failed', event: RunFailed.parse(body) });
  });
  // In embedded mode every handle of the bus may be idle for a moment (a task between
  // two messages): keep the process alive until the run ends.
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
