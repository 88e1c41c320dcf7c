import { z } from 'zod';
import { CwlObject, Id } from './common.schema';
import { TASKS_ROOT, defineTask } from './contract';

/** The executor pool used when a step names none (`saber: queue`). */
export const DEFAULT_POOL = 'default';

/**
 * One task for an executor: run `tool` (a self-contained CWL CommandLineTool or
 * ExpressionTool as JSON) on `inputs`. Published on `saber.tasks.<pool>`, once.
 *
 * Attempts are deliveries: attempt N is the N-th delivery of this message. A
 * retryable failure is retried by `nak` (redelivery, to any executor of the pool)
 * while attempts remain; a crashed executor's task is redelivered the same way. So
 * the planner never re-sends a task, and needs to keep no copy of it.
 */
export const StepTask = defineTask(
  'step',
  1,
  z
    .object({
      runId: Id,
      stepId: z.string().min(1),
      taskId: Id,
      /** Attempts (deliveries) allowed for retryable failures; capped by the consumer's max deliveries. */
      maxAttempts: z.number().int().min(1),
      tool: z.record(z.string(), z.unknown()),
      /** Content hash of the tool document (cache key part). */
      toolHash: z.string(),
      inputs: CwlObject,
      /** Directory (URI) of the task; attempt N writes its outputs under `attempt-N/` in it. */
      outputUri: z.string(),
      /** Reuse a cached result when one exists. */
      cache: z.boolean(),
      /** Parsed `saber:` hints of the step (score_format, file_path, use_cache...). */
      hints: z.record(z.string(), z.unknown()),
      /** W3C traceparent of the run, so executor spans join the run's trace. */
      traceparent: z.string().optional(),
    })
    .strict(),
);
export type StepTask = z.infer<typeof StepTask.schema>;

/** One scatter element of a {@link StepTaskBatch}: what differs between the elements. */
export const BatchElement = z
  .object({
    taskId: Id,
    inputs: CwlObject,
    /** Directory (URI) of the element's task; attempt N writes under `attempt-N/` in it. */
    outputUri: z.string(),
  })
  .strict();
export type BatchElement = z.infer<typeof BatchElement>;

/**
 * Several elements of one scatter step in one message, so that a 10,000-way scatter
 * of small blocks costs a few hundred bus round trips instead of 10,000. The fields
 * the elements share (tool, hints, ...) are sent once. Published on the same
 * `saber.tasks.<pool>` subject as {@link StepTask}; the `Saber-Schema` header
 * (`step-batch/v1`) and the `elements` field tell them apart.
 *
 * Each element is reported by its own step.started / step.completed / step.failed
 * events, exactly like a task of its own. The executor runs the elements of a batch
 * concurrently (within its concurrency limit) and acknowledges the message once
 * every element's result is published. A retryable failure of one element is
 * retried by the executor itself, with back-off, up to `maxAttempts` attempts
 * (a redelivery would rerun the elements that succeeded); a redelivery after a
 * crash reruns the batch, and its attempt numbers continue after the ones the
 * crashed delivery could have used: attempt = (delivery − 1) × maxAttempts + try.
 */
export const StepTaskBatch = defineTask(
  'step-batch',
  1,
  z
    .object({
      runId: Id,
      stepId: z.string().min(1),
      /** Dedupe id of the batch (its `Nats-Msg-Id`): the first element's task id and the element count. */
      batchId: z.string().min(1).max(250),
      maxAttempts: z.number().int().min(1),
      tool: z.record(z.string(), z.unknown()),
      toolHash: z.string(),
      cache: z.boolean(),
      hints: z.record(z.string(), z.unknown()),
      traceparent: z.string().optional(),
      elements: z.array(BatchElement).min(1),
    })
    .strict(),
);
export type StepTaskBatch = z.infer<typeof StepTaskBatch.schema>;

/** The single task of element `i` of a batch. */
export function batchElementTask(batch: StepTaskBatch, i: number): StepTask {
  const { elements, batchId: _batchId, ...shared } = batch;
  return { ...shared, ...elements[i]! };
}

/** Subject of the work queue of `pool`. Pool names are letters, digits, `-` and `_`. */
export function taskSubject(pool: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(pool)) throw new Error(`invalid executor pool name "${pool}": use letters, digits, - or _`);
  return `${TASKS_ROOT}.${pool}`;
}
