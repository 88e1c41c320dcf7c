import type { StepCompleted, StepFailed, StepReady, StepStarted } from '@saber/contracts';
import type { EntityManager } from 'typeorm';
import { type Arrival, attemptKey } from './batch-plan';
import { json, laterAttemptStatus, sortedBy, text } from './sql-values';

/**
 * Set-based attempt upserts: each function writes many attempts in ONE statement,
 * from rows passed as a single jsonb array (`jsonb_to_recordset`). A statement may
 * touch a `(task_id, attempt)` row once only, so callers pass at most one row per
 * attempt (see BatchPlan). Rows are written in key order, so the surrogate ids are
 * deterministic. An empty list issues no statement.
 */

const KEY_COLUMNS = `run_id text, step_id text, task_id text, attempt int`;
const TERMINAL = `a.status IN ('completed', 'failed')`;

const byAttempt = <T extends { taskId: string; attempt: number }>(rows: T[]) => sortedBy(rows, (e) => attemptKey(e.taskId, e.attempt));

/** step.ready: the attempt exists, with its pool, inputs and scatter index. */
export async function upsertReady(em: EntityManager, rows: StepReady[]): Promise<void> {
  if (rows.length === 0) return;
  await em.query(
    `INSERT INTO task_attempts AS a (run_id, step_id, task_id, attempt, status, pool, inputs, scatter_index, ready_at)
     SELECT x.run_id, x.step_id, x.task_id, x.attempt, 'ready', x.pool, x.inputs, COALESCE(x.scatter_index, 'null'::jsonb), now()
     FROM jsonb_to_recordset($1::jsonb) AS x(${KEY_COLUMNS}, pool text, inputs jsonb, scatter_index jsonb)
     ON CONFLICT (task_id, attempt) DO UPDATE SET
       pool = EXCLUDED.pool, inputs = EXCLUDED.inputs, scatter_index = EXCLUDED.scatter_index,
       ready_at = COALESCE(a.ready_at, EXCLUDED.ready_at)`,
    [
      json(
        byAttempt(rows).map((e) => ({
          run_id: e.runId, step_id: e.stepId, task_id: e.taskId, attempt: e.attempt,
          pool: e.pool, inputs: e.inputs, scatter_index: e.scatterIndex ?? null,
        })),
      ),
    ],
  );
}

/**
 * step.started: executor, backend and start time. A redelivered task may start
 * again on another executor; the latest start counts until the attempt finishes,
 * after which a start only fills blanks.
 */
export async function upsertStarted(em: EntityManager, rows: StepStarted[]): Promise<void> {
  if (rows.length === 0) return;
  await em.query(
    `INSERT INTO task_attempts AS a (run_id, step_id, task_id, attempt, status, executor_id, backend, started_at)
     SELECT x.run_id, x.step_id, x.task_id, x.attempt, 'started', x.executor_id, x.backend, x.started_at
     FROM jsonb_to_recordset($1::jsonb) AS x(${KEY_COLUMNS}, executor_id text, backend text, started_at timestamptz)
     ON CONFLICT (task_id, attempt) DO UPDATE SET
       status = ${laterAttemptStatus('a.status', 'EXCLUDED.status')},
       executor_id = CASE WHEN ${TERMINAL} THEN COALESCE(a.executor_id, EXCLUDED.executor_id) ELSE EXCLUDED.executor_id END,
       backend = CASE WHEN ${TERMINAL} THEN COALESCE(a.backend, EXCLUDED.backend) ELSE EXCLUDED.backend END,
       started_at = CASE WHEN ${TERMINAL} THEN COALESCE(a.started_at, EXCLUDED.started_at) ELSE EXCLUDED.started_at END`,
    [
      json(
        byAttempt(rows).map((e) => ({
          run_id: e.runId, step_id: e.stepId, task_id: e.taskId, attempt: e.attempt,
          executor_id: e.executorId, backend: e.backend, started_at: e.startedAt,
        })),
      ),
    ],
  );
}

/**
 * step.completed: the attempt's result. Ignored for an attempt already recorded as
 * failed. Returns the attempts it wrote ({@link attemptKey}); their metrics are
 * written by {@link upsertTaskMetrics}.
 */
export async function upsertCompleted(em: EntityManager, rows: StepCompleted[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const written = (await em.query(
    `INSERT INTO task_attempts AS a (run_id, step_id, task_id, attempt, status, outputs, exit_code, cost_seconds,
       peak_memory_bytes, executor_id, cached, finished_at)
     SELECT x.run_id, x.step_id, x.task_id, x.attempt, 'completed', x.outputs, x.exit_code, x.cost_seconds,
       x.peak_memory_bytes, x.executor_id, x.cached, x.finished_at
     FROM jsonb_to_recordset($1::jsonb) AS x(${KEY_COLUMNS}, outputs jsonb, exit_code int, cost_seconds float8,
       peak_memory_bytes bigint, executor_id text, cached boolean, finished_at timestamptz)
     ON CONFLICT (task_id, attempt) DO UPDATE SET
       status = 'completed', outputs = EXCLUDED.outputs, exit_code = EXCLUDED.exit_code,
       cost_seconds = EXCLUDED.cost_seconds, peak_memory_bytes = EXCLUDED.peak_memory_bytes,
       executor_id = EXCLUDED.executor_id, cached = EXCLUDED.cached, finished_at = EXCLUDED.finished_at
     WHERE a.status <> 'failed'
     RETURNING task_id, attempt`,
    [
      json(
        byAttempt(rows).map((e) => ({
          run_id: e.runId, step_id: e.stepId, task_id: e.taskId, attempt: e.attempt,
          outputs: e.outputs, exit_code: e.exitCode, cost_seconds: e.costSeconds, peak_memory_bytes: e.peakMemoryBytes,
          executor_id: e.executorId, cached: e.cached, finished_at: e.finishedAt,
        })),
      ),
    ],
  )) as { task_id: string; attempt: number }[];
  return new Set(written.map((r) => attemptKey(r.task_id, r.attempt)));
}

/** step.failed: the attempt's failure. Ignored for an attempt already recorded as completed. */
export async function upsertFailed(em: EntityManager, rows: StepFailed[]): Promise<void> {
  if (rows.length === 0) return;
  await em.query(
    `INSERT INTO task_attempts AS a (run_id, step_id, task_id, attempt, status, failure_type, retryable, message,
       exit_code, stderr_tail, cost_seconds, executor_id, finished_at)
     SELECT x.run_id, x.step_id, x.task_id, x.attempt, 'failed', x.failure_type, x.retryable, x.message,
       x.exit_code, x.stderr_tail, x.cost_seconds, x.executor_id, x.finished_at
     FROM jsonb_to_recordset($1::jsonb) AS x(${KEY_COLUMNS}, failure_type text, retryable boolean, message text,
       exit_code int, stderr_tail text, cost_seconds float8, executor_id text, finished_at timestamptz)
     ON CONFLICT (task_id, attempt) DO UPDATE SET
       status = 'failed', failure_type = EXCLUDED.failure_type, retryable = EXCLUDED.retryable,
       message = EXCLUDED.message, exit_code = EXCLUDED.exit_code, stderr_tail = EXCLUDED.stderr_tail,
       cost_seconds = EXCLUDED.cost_seconds, executor_id = EXCLUDED.executor_id, finished_at = EXCLUDED.finished_at
     WHERE a.status <> 'completed'`,
    [
      json(
        byAttempt(rows).map((e) => ({
          run_id: e.runId, step_id: e.stepId, task_id: e.taskId, attempt: e.attempt,
          failure_type: e.failureType, retryable: e.retryable, message: e.message, exit_code: e.exitCode ?? null,
          stderr_tail: e.stderrTail, cost_seconds: e.costSeconds, executor_id: e.executorId, finished_at: e.finishedAt,
        })),
      ),
    ],
  );
}

/**
 * The metrics of the step.completed events that were written: one row per task and
 * metric name. The latest `finishedAt` wins, and among equal times the later
 * arrival, exactly as upserting each event's metrics in arrival order would.
 */
export async function upsertTaskMetrics(em: EntityManager, events: Arrival<StepCompleted>[]): Promise<void> {
  const rows = events
    .filter((a) => Object.keys(a.e.metrics).length > 0)
    .map(({ ord, e }) => ({
      ord, run_id: e.runId, step_id: e.stepId, task_id: e.taskId, attempt: e.attempt, metrics: e.metrics, finished_at: e.finishedAt,
    }));
  if (rows.length === 0) return;
  await em.query(
    `INSERT INTO metrics AS m (run_id, step_id, task_id, attempt, name, value, recorded_at)
     SELECT DISTINCT ON (x.run_id, x.step_id, x.task_id, k.key)
       x.run_id, x.step_id, x.task_id, x.attempt, k.key, (k.value)::float8, x.finished_at
     FROM jsonb_to_recordset($1::jsonb) AS x(ord int, ${KEY_COLUMNS}, metrics jsonb, finished_at timestamptz),
       jsonb_each(x.metrics) AS k
     ORDER BY x.run_id, x.step_id, x.task_id, k.key, x.finished_at DESC, x.ord DESC
     ON CONFLICT (run_id, step_id, task_id, name) DO UPDATE SET
       value = EXCLUDED.value, attempt = EXCLUDED.attempt, recorded_at = EXCLUDED.recorded_at
     WHERE EXCLUDED.recorded_at >= m.recorded_at`,
    [json(rows)],
  );
}

/**
 * Rebuilds the summary rows of the given steps from their attempts (the latest
 * attempt of each task decides; see StepStatus), creating rows when needed, in one
 * statement. Idempotent and independent of event order.
 */
export async function recomputeSteps(em: EntityManager, steps: Array<[string, string]>): Promise<void> {
  const unique = new Map<string, { run_id: string; step_id: string | null }>();
  for (const [runId, stepId] of steps) unique.set(`${runId}\n${text(stepId)}`, { run_id: runId, step_id: text(stepId) });
  if (unique.size === 0) return;
  await em.query(
    `INSERT INTO steps AS s (run_id, step_id, status, tasks, tasks_completed, tasks_failed, attempts, cost_seconds,
       started_at, finished_at, updated_at)
     SELECT k.run_id, k.step_id,
       CASE WHEN t.failed > 0 OR COALESCE(r.status = 'failed' AND r.failed_step = k.step_id, false) THEN 'failed'
            WHEN t.tasks = 0 THEN 'pending'
            WHEN t.done = t.tasks THEN 'completed'
            WHEN t.active > 0 OR t.done > 0 THEN 'running'
            ELSE 'ready' END,
       t.tasks, t.done, t.failed, a.attempts, a.cost, a.started_at, a.finished_at, now()
     FROM jsonb_to_recordset($1::jsonb) AS k(run_id text, step_id text)
     CROSS JOIN LATERAL (
       SELECT count(*)::int AS tasks,
              (count(*) FILTER (WHERE l.status = 'completed'))::int AS done,
              (count(*) FILTER (WHERE l.status = 'failed' AND l.retryable IS NOT TRUE))::int AS failed,
              (count(*) FILTER (WHERE l.status IN ('started', 'failed')))::int AS active
       FROM (
         SELECT DISTINCT ON (task_id) status, retryable
         FROM task_attempts WHERE run_id = k.run_id AND step_id = k.step_id
         ORDER BY task_id, attempt DESC
       ) AS l
     ) AS t
     CROSS JOIN LATERAL (
       SELECT count(*)::int AS attempts, COALESCE(sum(cost_seconds), 0)::float8 AS cost,
              min(started_at) AS started_at, max(finished_at) AS finished_at
       FROM task_attempts WHERE run_id = k.run_id AND step_id = k.step_id
     ) AS a
     LEFT JOIN runs r ON r.id = k.run_id
     ON CONFLICT (run_id, step_id) DO UPDATE SET
       status = EXCLUDED.status, tasks = EXCLUDED.tasks, tasks_completed = EXCLUDED.tasks_completed,
       tasks_failed = EXCLUDED.tasks_failed, attempts = EXCLUDED.attempts, cost_seconds = EXCLUDED.cost_seconds,
       started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at, updated_at = now()`,
    [json(sortedBy(unique, ([key]) => key).map(([, row]) => row))],
  );
}
