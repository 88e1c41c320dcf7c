import type { Bus, BusMessage } from '@saber/bus';
import {
  Filters, StudyAccepted, StudyCompleted, StudyFailed, StudyRejected, StudyTrialCompleted, StudyTrialStarted,
  type StudyCompleted as StudyCompletedT, type StudyFailed as StudyFailedT, type StudyRejected as StudyRejectedT,
} from '@saber/contracts';
import type { StudyProgressView } from './study-progress-view';

/** How a followed study ended. */
export type StudyEnd =
  | { kind: 'completed'; event: StudyCompletedT }
  | { kind: 'failed'; event: StudyFailedT }
  | { kind: 'rejected'; event: StudyRejectedT };

/**
 * Subscribes to every event (from now on) and resolves when every study of
 * `studyIds` ended, feeding the progress view meanwhile (acceptance, trial starts and
 * ends). Subscribe before publishing the requests, so that no event is missed.
 */
export async function followStudies(bus: Bus, studyIds: readonly string[], view: StudyProgressView): Promise<{ done: Promise<Map<string, StudyEnd>>; stop(): Promise<void> }> {
  const ends = new Map<string, StudyEnd>();
  const ours = new Set(studyIds);
  let resolve!: (ends: Map<string, StudyEnd>) => void;
  const done = new Promise<Map<string, StudyEnd>>((r) => (resolve = r));
  const end = (id: string, e: StudyEnd) => {
    if (!ours.has(id) || ends.has(id)) return;
    ends.set(id, e);
    view.ended(id, e);
    if (ends.size === ours.size) resolve(ends);
  };
  const sub = await bus.consume({ stream: 'events', filterSubject: Filters.allEvents, deliver: 'new', concurrency: 1 }, async (msg: BusMessage) => {
    try {
      handle(msg);
    } catch {
      // Not a message of ours, or malformed: someone else's concern.
    }
  });
  function handle(msg: BusMessage): void {
    const s = msg.subject;
    if (s === StudyAccepted.subject) {
      const e = StudyAccepted.parse(msg.json());
      if (ours.has(e.studyId)) view.accepted(e);
    } else if (s === StudyTrialStarted.subject) {
      const e = StudyTrialStarted.parse(msg.json());
      if (ours.has(e.studyId)) view.trialStarted(e);
    } else if (s === StudyTrialCompleted.subject) {
      const e = StudyTrialCompleted.parse(msg.json());
      if (ours.has(e.studyId)) view.trialCompleted(e);
    } else if (s === StudyCompleted.subject) {
      const e = StudyCompleted.parse(msg.json());
      end(e.studyId, { kind: 'completed', event: e });
    } else if (s === StudyFailed.subject) {
      const e = StudyFailed.parse(msg.json());
      end(e.studyId, { kind: 'failed', event: e });
    } else if (s === StudyRejected.subject) {
      const e = StudyRejected.parse(msg.json());
      end(e.requestId, { kind: 'rejected', event: e });
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
