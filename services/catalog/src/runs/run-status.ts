/**
 * Life cycle of a run in the catalog. A run appears at `run.accepted` (or at
 * `run.rejected`, as `rejected`), becomes `running` when a task of it starts, and
 * ends `completed` or `failed`. Status never moves backwards, so events may arrive
 * in any order.
 */
export const RUN_STATUSES = ['accepted', 'running', 'completed', 'failed', 'rejected'] as const;

/** One of {@link RUN_STATUSES}. */
export type RunStatus = (typeof RUN_STATUSES)[number];

/** True when `value` is a {@link RunStatus}. */
export function isRunStatus(value: unknown): value is RunStatus {
  return typeof value === 'string' && (RUN_STATUSES as readonly string[]).includes(value);
}
