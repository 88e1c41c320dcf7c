/**
 * Status of a step, derived from its task attempts (the latest attempt of each task):
 * - `pending`: planned, no task ready yet;
 * - `ready`: tasks queued, none started;
 * - `running`: some task started, or failed and awaits a retry, or some but not all completed;
 * - `completed`: every known task's latest attempt completed;
 * - `failed`: a task failed for good (not retryable), or `run.failed` named this step.
 */
export const STEP_STATUSES = ['pending', 'ready', 'running', 'completed', 'failed'] as const;

/** One of {@link STEP_STATUSES}. */
export type StepStatus = (typeof STEP_STATUSES)[number];
