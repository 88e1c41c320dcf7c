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

/** Subject of the work queue of `pool`. Pool names are letters, digits, `-` and `_`. */
export function taskSubject(pool: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(pool)) throw new Error(`invalid executor pool name "${pool}": use letters, digits, - or _`);
  return `${TASKS_ROOT}.${pool}`;
}
