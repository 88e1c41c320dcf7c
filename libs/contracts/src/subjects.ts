import { EVENTS_ROOT, TASKS_ROOT } from './contract';

/** Subject filters for consumers. */
export const Filters = {
  /** Every SABER event (what the catalog records). */
  allEvents: `${EVENTS_ROOT}.>`,
  runRequested: `${EVENTS_ROOT}.run.requested.*`,
  /** step.ready/started/completed/failed of every version. */
  stepEvents: `${EVENTS_ROOT}.step.>`,
  /** step.completed of every version. */
  stepCompleted: `${EVENTS_ROOT}.step.completed.*`,
  /** step.failed of every version. */
  stepFailed: `${EVENTS_ROOT}.step.failed.*`,
  runEvents: `${EVENTS_ROOT}.run.>`,
  /** sweep.accepted/rejected/progress/completed/failed (and requests) of every version. */
  sweepEvents: `${EVENTS_ROOT}.sweep.>`,
  deadLetters: `${EVENTS_ROOT}.dlq.>`,
  /** Dead-lettered task messages (their original subject was `saber.tasks.<pool>`). */
  deadLetteredTasks: `${EVENTS_ROOT}.dlq.${TASKS_ROOT}.>`,
} as const;
