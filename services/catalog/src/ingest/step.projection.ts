import type { StepCompleted, StepFailed, StepReady, StepStarted } from '@saber/contracts';
import type { EntityManager } from 'typeorm';
import { json, laterAttemptStatus, laterRunStatus, text } from './sql-values';

/**
 * Creates the run row if no run event arrived yet, else advances its status; either
 * way the row is locked, which serializes concurrent events of one run on PostgreSQL.
 */
async function touchRun(em: EntityManager, runId: string, status: 'accepted' | 'running'): Promise<void> {
  await em.query(
    `INSERT INTO runs AS r (id, status) VALUES ($1, $2)
     ON CONFLICT (id) DO UPDATE SET status = ${laterRunStatus('r.status', 'EXCLUDED.status')}, updated_at = now()`,
    [runId, status],
  );
}

const TERMINAL = `a.status IN ('completed', 'failed')`;

/** step.ready: the attempt exists, with its pool, inputs and scatter index. */
export async function projectStepReady(em: EntityManager, e: StepReady, touches: StepTouches): Promise<void> {
  await touchRun(em, e.runId, 'accepted');
  await em.query(
    `INSERT INTO task_attempts AS a (run_id, step_id, task_id, attempt, status, pool, inputs, scatter_index, ready_at)
     VALUES ($1, $2, $3, $4, 'ready', $5, $6::jsonb, $7::jsonb, now())
     ON CONFLICT (task_id, attempt) DO UPDATE SET
       pool = EXCLUDED.pool, inputs = EXCLUDED.inputs, scatter_index = EXCLUDED.scatter_index,
       ready_at = COALESCE(a.ready_at, EXCLUDED.ready_at)`,
    [e.runId, text(e.stepId), e.taskId, e.attempt, text(e.pool), json(e.inputs), json(e.scatterIndex ?? null)],
  );
  touches.touch(e.runId, e.stepId);
}

/**
 * step.started: executor, backend and start time. A redelivered task may start
 * again on another executor; the latest start counts until the attempt finishes.
 */
export async function projectStepStarted(em: EntityManager, e: StepStarted, touches: StepTouches): Promise<void> {
  await touchRun(em, e.runId, 'running');
  await em.query(
    `INSERT INTO task_attempts AS a (run_id, step_id, task_id, attempt, status, executor_id, backend, started_at)
     VALUES ($1, $2, $3, $4, 'started', $5, $6, $7::timestamptz)
     ON CONFLICT (task_id, attempt) DO UPDATE SET
       status = ${laterAttemptStatus('a.status', 'EXCLUDED.status')},
       executor_id = CASE WHEN ${TERMINAL} THEN COALESCE(a.executor_id, EXCLUDED.executor_id) ELSE EXCLUDED.executor_id END,
       backend = CASE WHEN ${TERMINAL} THEN COALESCE(a.backend, EXCLUDED.backend) ELSE EXCLUDED.backend END,
       started_at = CASE WHEN ${TERMINAL} THEN COALESCE(a.started_at, EXCLUDED.started_at) ELSE EXCLUDED.started_at END`,
    [e.runId, text(e.stepId), e.taskId, e.attempt, text(e.executorId), text(e.backend), e.startedAt],
  );
  touches.touch(e.runId, e.stepId);
}

/**
 * step.completed: the attempt's result and its metrics (one row per metric name
 * and task; the latest finish wins). Ignored for an attempt already recorded as failed.
 */
export async function projectStepCompleted(em: EntityManager, e: StepCompleted, touches: StepTouches): Promise<void> {
  await touchRun(em, e.runId, 'running');
  const updated = (await em.query(
    `INSERT INTO task_attempts AS a (run_id, step_id, task_id, attempt, status, outputs, exit_code, cost_seconds,
       peak_memory_bytes, executor_id, cached, finished_at)
     VALUES ($1, $2, $3, $4, 'completed', $5::jsonb, $6, $7, $8, $9, $10, $11::timestamptz)
     ON CONFLICT (task_id, attempt) DO UPDATE SET
       status = 'completed', outputs = EXCLUDED.outputs, exit_code = EXCLUDED.exit_code,
       cost_seconds = EXCLUDED.cost_seconds, peak_memory_bytes = EXCLUDED.peak_memory_bytes,
       executor_id = EXCLUDED.executor_id, cached = EXCLUDED.cached, finished_at = EXCLUDED.finished_at
     WHERE a.status <> 'failed'
     RETURNING id`,
    [
      e.runId, text(e.stepId), e.taskId, e.attempt, json(e.outputs), e.exitCode, e.costSeconds,
      e.peakMemoryBytes, text(e.executorId), e.cached, e.finishedAt,
    ],
  )) as unknown[];
  if (updated.length > 0 && Object.keys(e.metrics).length > 0) {
    await em.query(
      `INSERT INTO metrics AS m (run_id, step_id, task_id, attempt, name, value, recorded_at)
       SELECT $1, $2, $3, $4, x.key, (x.value)::float8, $6::timestamptz FROM jsonb_each($5::jsonb) AS x
       ON CONFLICT (run_id, step_id, task_id, name) DO UPDATE SET
         value = EXCLUDED.value, attempt = EXCLUDED.attempt, recorded_at = EXCLUDED.recorded_at
       WHERE EXCLUDED.recorded_at >= m.recorded_at`,
      [e.runId, text(e.stepId), e.taskId, e.attempt, json(e.metrics), e.finishedAt],
    );
  }
  touches.touch(e.runId, e.stepId);
}

/** step.failed: the attempt's failure. Ignored for an attempt already recorded as completed. */
export async function projectStepFailed(em: EntityManager, e: StepFailed, touches: StepTouches): Promise<void> {
  await touchRun(em, e.runId, 'running');
  await em.query(
    `INSERT INTO task_attempts AS a (run_id, step_id, task_id, attempt, status, failure_type, retryable, message,
       exit_code, stderr_tail, cost_seconds, executor_id, finished_at)
     VALUES ($1, $2, $3, $4, 'failed', $5, $6, $7, $8, $9, $10, $11, $12::timestamptz)
     ON CONFLICT (task_id, attempt) DO UPDATE SET
       status = 'failed', failure_type = EXCLUDED.failure_type, retryable = EXCLUDED.retryable,
       message = EXCLUDED.message, exit_code = EXCLUDED.exit_code, stderr_tail = EXCLUDED.stderr_tail,
       cost_seconds = EXCLUDED.cost_seconds, executor_id = EXCLUDED.executor_id, finished_at = EXCLUDED.finished_at
     WHERE a.status <> 'completed'`,
    [
      e.runId, text(e.stepId), e.taskId, e.attempt, e.failureType, e.retryable, text(e.message),
      e.exitCode ?? null, text(e.stderrTail), e.costSeconds, text(e.executorId), e.finishedAt,
    ],
  );
  touches.touch(e.runId, e.stepId);
}

/**
 * Rebuilds the step's summary row from its attempts (the latest attempt of each
 * task decides; see StepStatus), creating the row when needed. Idempotent and
 * independent of event order.
 */
export async function recomputeStep(em: EntityManager, runId: string, stepId: string): Promise<void> {
  await em.query(
    `WITH latest AS (
       SELECT DISTINCT ON (task_id) status, retryable
       FROM task_attempts WHERE run_id = $1 AND step_id = $2
       ORDER BY task_id, attempt DESC
     ), t AS (
       SELECT count(*)::int AS tasks,
              (count(*) FILTER (WHERE status = 'completed'))::int AS done,
              (count(*) FILTER (WHERE status = 'failed' AND retryable IS NOT TRUE))::int AS failed,
              (count(*) FILTER (WHERE status IN ('started', 'failed')))::int AS active
       FROM latest
     ), a AS (
       SELECT count(*)::int AS attempts, COALESCE(sum(cost_seconds), 0)::float8 AS cost,
              min(started_at) AS started_at, max(finished_at) AS finished_at
       FROM task_attempts WHERE run_id = $1 AND step_id = $2
     ), r AS (
       SELECT bool_or(status = 'failed' AND failed_step = $2) AS named FROM runs WHERE id = $1
     )
     INSERT INTO steps AS s (run_id, step_id, status, tasks, tasks_completed, tasks_failed, attempts, cost_seconds,
       started_at, finished_at, updated_at)
     SELECT $1, $2,
       CASE WHEN t.failed > 0 OR COALESCE(r.named, false) THEN 'failed'
            WHEN t.tasks = 0 THEN 'pending'
            WHEN t.done = t.tasks THEN 'completed'
            WHEN t.active > 0 OR t.done > 0 THEN 'running'
            ELSE 'ready' END,
       t.tasks, t.done, t.failed, a.attempts, a.cost, a.started_at, a.finished_at, now()
     FROM t, a, r
     ON CONFLICT (run_id, step_id) DO UPDATE SET
       status = EXCLUDED.status, tasks = EXCLUDED.tasks, tasks_completed = EXCLUDED.tasks_completed,
       tasks_failed = EXCLUDED.tasks_failed, attempts = EXCLUDED.attempts, cost_seconds = EXCLUDED.cost_seconds,
       started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at, updated_at = now()`,
    [runId, text(stepId)],
  );
}

/**
 * The steps a transaction changed. Their summaries are recomputed once, at the end
 * of the transaction, not once per event: a batch of 500 events of one 1,000-task
 * step costs one recount, not 500.
 */
export class StepTouches {
  private readonly keys = new Map<string, [string, string]>();

  touch(runId: string, stepId: string): void {
    this.keys.set(JSON.stringify([runId, stepId]), [runId, stepId]);
  }

  /** Recomputes every touched step (in a stable order, so concurrent transactions lock alike). */
  async flush(em: EntityManager): Promise<void> {
    for (const k of [...this.keys.keys()].sort()) {
      const [runId, stepId] = this.keys.get(k)!;
      await recomputeStep(em, runId, stepId);
    }
    this.keys.clear();
  }
}
