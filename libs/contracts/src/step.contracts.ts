import { z } from 'zod';
import { CwlObject, Id, Metrics, Timestamp } from './common.schema';
import { defineEvent } from './contract';

const StepKey = {
  runId: Id,
  stepId: z.string().min(1),
  taskId: Id,
  attempt: z.number().int().min(1),
};

/** A step (or one scatter element) has its inputs and was queued for an executor pool. */
export const StepReady = defineEvent(
  'step.ready',
  1,
  z
    .object({
      ...StepKey,
      scatterIndex: z.array(z.number().int().nonnegative()).optional(),
      pool: z.string(),
      inputs: CwlObject,
    })
    .strict(),
);
export type StepReady = z.infer<typeof StepReady.schema>;

/** An executor began a task attempt. */
export const StepStarted = defineEvent(
  'step.started',
  1,
  z
    .object({
      ...StepKey,
      executorId: z.string(),
      backend: z.string(),
      startedAt: Timestamp,
    })
    .strict(),
);
export type StepStarted = z.infer<typeof StepStarted.schema>;

/** A task attempt succeeded. */
export const StepCompleted = defineEvent(
  'step.completed',
  1,
  z
    .object({
      ...StepKey,
      outputs: CwlObject,
      exitCode: z.number().int(),
      /** Wall-clock seconds of the tool process. */
      costSeconds: z.number().nonnegative(),
      /** Peak resident memory of the tool process, bytes (0 when unknown). */
      peakMemoryBytes: z.number().int().nonnegative(),
      metrics: Metrics,
      executorId: z.string(),
      /** True when the result came from the step cache. */
      cached: z.boolean(),
      finishedAt: Timestamp,
    })
    .strict(),
);
export type StepCompleted = z.infer<typeof StepCompleted.schema>;

/** Kinds of failure; whether to retry is data on the event, not a guess from the kind. */
export const FailureType = z.enum([
  /** The tool exited with a code that is not a success code. */
  'tool-exit',
  /** The tool exceeded its memory and was killed. */
  'out-of-memory',
  /** The tool ran past its time limit. */
  'timeout',
  /** The worker running the task disappeared (redelivery exhausted). */
  'lost-worker',
  /** The task's inputs are invalid (a missing file, a wrong type). */
  'bad-input',
  /** The tool document cannot run here (an unsupported requirement). */
  'unsupported',
  /** A bug or an infrastructure error in SABER itself. */
  'internal',
]);
export type FailureType = z.infer<typeof FailureType>;

/** A task attempt failed. */
export const StepFailed = defineEvent(
  'step.failed',
  1,
  z
    .object({
      ...StepKey,
      failureType: FailureType,
      retryable: z.boolean(),
      message: z.string(),
      exitCode: z.number().int().optional(),
      /** Last lines of the tool's stderr (at most 4 KiB). */
      stderrTail: z.string(),
      costSeconds: z.number().nonnegative(),
      executorId: z.string(),
      finishedAt: Timestamp,
    })
    .strict(),
);
export type StepFailed = z.infer<typeof StepFailed.schema>;
