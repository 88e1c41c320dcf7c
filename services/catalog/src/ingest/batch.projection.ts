import type { EntityManager } from 'typeorm';
import { attemptKey, type BatchPlan } from './batch-plan';
import * as run from './run.projection';
import * as step from './step.projection';

/**
 * Applies a batch's new events to the projection in a fixed number of statements
 * per plan, whatever the batch size (a batch has one plan unless an acceptance or
 * rejection arrives after progress of its run; see BatchPlan): runs (rejected,
 * accepted, touched by step events), then attempts (ready, started,
 * completed/failed, late starts, task metrics), then run ends (completed/failed,
 * outputs and run metrics); finally one recomputation of every touched step. The
 * result equals recording the events one at a time in arrival order, except that
 * step summaries are computed once, from the final rows.
 *
 * @param lock take the run advisory locks first (PostgreSQL, where batches run
 *   concurrently; PGlite has one session, so it needs none).
 */
export async function projectBatch(em: EntityManager, plans: BatchPlan[], lock: boolean): Promise<void> {
  const keys = [...new Set(plans.flatMap((p) => p.runLockKeys()))];
  // One run and no acceptance or rejection (the common small batch): the run's row,
  // locked by the first statement that writes the run, serializes it just as well,
  // and with no second run there is nothing to deadlock over.
  if (lock && (keys.length > 1 || plans.some((p) => p.writesRequests()))) await run.lockRuns(em, keys);
  const steps: Array<[string, string]> = [];
  for (const plan of plans) steps.push(...(await applyPlan(em, plan)));
  await step.recomputeSteps(em, steps);
}

/** Applies one plan; returns the steps to recompute. */
async function applyPlan(em: EntityManager, plan: BatchPlan): Promise<Array<[string, string]>> {
  const runs = plan.runs();
  const attempts = plan.attempts();

  await run.insertRejected(em, runs.rejected);
  await run.upsertAccepted(em, runs.accepted);
  await run.touchRuns(em, runs.touched);

  await step.upsertReady(em, attempts.ready);
  await step.upsertStarted(em, attempts.startedFirst);
  await step.upsertStarted(em, attempts.started);
  const completed = await step.upsertCompleted(em, attempts.terminal.completed);
  await step.upsertFailed(em, attempts.terminal.failed);
  for (const key of await step.upsertCompleted(em, attempts.terminal.completedAfterFailed)) completed.add(key);
  await step.upsertStarted(em, attempts.startedLate);
  await step.upsertTaskMetrics(
    em,
    attempts.completedAll.filter((a) => completed.has(attemptKey(a.e.taskId, a.e.attempt))),
  );

  const runsCompleted = await run.upsertCompleted(em, runs.terminal.completed);
  const runsFailed = await run.upsertFailed(em, runs.terminal.failed);
  for (const id of await run.upsertCompleted(em, runs.terminal.completedAfterFailed)) runsCompleted.add(id);
  await run.replaceRunResults(
    em,
    [...runs.terminal.completed, ...runs.terminal.completedAfterFailed].filter((e) => runsCompleted.has(e.runId)),
  );

  const steps = [...attempts.steps];
  for (const e of runs.failedAll) if (e.failedStep && runsFailed.has(e.runId)) steps.push([e.runId, e.failedStep]);
  return steps;
}
