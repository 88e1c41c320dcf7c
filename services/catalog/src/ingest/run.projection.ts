import type { RunAccepted, RunCompleted, RunFailed, RunRejected } from '@saber/contracts';
import type { EntityManager } from 'typeorm';
import type { Arrival } from './batch-plan';
import { json, laterRunStatus, locationOf, sortedBy } from './sql-values';

/**
 * Set-based run statements: each function writes the runs of a whole batch in a
 * fixed number of statements, from rows passed as one jsonb array. Callers pass at
 * most one row per run where a statement upserts runs (see BatchPlan). An empty list
 * issues no statement.
 */

/** Namespace of the catalog's advisory locks (the first key of `pg_advisory_xact_lock(int, int)`). */
const RUN_LOCK_NAMESPACE = 0x5abe_ca7;

/**
 * PostgreSQL only: takes a transaction-scoped advisory lock per run id / request id,
 * in one global order (by lock key). Concurrent batches that share runs then queue
 * here instead of locking `runs` rows in statement order, which could deadlock, and
 * events of one run stay serialized, so the step recomputation never misses a
 * concurrent attempt.
 */
export async function lockRuns(em: EntityManager, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  await em.query(
    `SELECT pg_advisory_xact_lock(${RUN_LOCK_NAMESPACE}, k.key)
     FROM (SELECT DISTINCT hashtext(x) AS key FROM jsonb_array_elements_text($1::jsonb) AS x) AS k
     ORDER BY k.key`,
    [json(keys)],
  );
}

/**
 * run.rejected: records a `rejected` run under the request id, unless a run with
 * that id or request id exists already (acceptance wins). One row per request id.
 */
export async function insertRejected(em: EntityManager, rows: RunRejected[]): Promise<void> {
  if (rows.length === 0) return;
  await em.query(
    `INSERT INTO runs (id, request_id, status, reason, message, details, finished_at)
     SELECT x.request_id, x.request_id, 'rejected', x.reason, x.message, x.details, x.rejected_at
     FROM jsonb_to_recordset($1::jsonb) AS x(request_id text, reason text, message text, details jsonb, rejected_at timestamptz)
     ON CONFLICT DO NOTHING`,
    [
      json(
        sortedBy(rows, (e) => e.requestId).map((e) => ({ request_id: e.requestId, reason: e.reason, message: e.message, details: e.details, rejected_at: e.rejectedAt })),
      ),
    ],
  );
}

/**
 * run.accepted (all of a batch, arrival order): upserts the workflows by content
 * hash (the first event names a new one), removes `rejected` records of the same
 * requests (acceptance wins), upserts each run from its last event (a row created
 * earlier by a step event is completed, never moved back in status), and records
 * the planned steps as `pending` (a step's position comes from the last event that
 * plans it).
 */
export async function upsertAccepted(em: EntityManager, events: Arrival<RunAccepted>[]): Promise<void> {
  if (events.length === 0) return;
  const workflows = new Map<string, RunAccepted['workflow']>();
  const runs = new Map<string, RunAccepted>();
  for (const { e } of events) {
    if (!workflows.has(e.workflow.contentHash)) workflows.set(e.workflow.contentHash, e.workflow);
    runs.set(e.runId, e);
  }
  await em.query(
    `INSERT INTO workflows (content_hash, name, uri)
     SELECT x.content_hash, x.name, x.uri FROM jsonb_to_recordset($1::jsonb) AS x(content_hash text, name text, uri text)
     ON CONFLICT (content_hash) DO NOTHING`,
    [json(sortedBy(workflows.values(), (w) => w.contentHash).map((w) => ({ content_hash: w.contentHash, name: w.name, uri: w.uri })))],
  );
  await em.query(
    `DELETE FROM runs r USING jsonb_to_recordset($1::jsonb) AS x(run_id text, request_id text)
     WHERE r.request_id = x.request_id AND r.id <> x.run_id AND r.status = 'rejected'`,
    [json(events.map(({ e }) => ({ run_id: e.runId, request_id: e.requestId })))],
  );
  await em.query(
    `INSERT INTO runs AS r (id, request_id, workflow_id, status, inputs, labels, requester, planned_steps, accepted_at)
     SELECT x.run_id, x.request_id, w.id, 'accepted', x.inputs, COALESCE(x.labels, 'null'::jsonb), x.requester,
       x.planned_steps, x.accepted_at
     FROM jsonb_to_recordset($1::jsonb) AS x(run_id text, request_id text, content_hash text, inputs jsonb, labels jsonb,
       requester text, planned_steps jsonb, accepted_at timestamptz)
     JOIN workflows w ON w.content_hash = x.content_hash
     ON CONFLICT (id) DO UPDATE SET
       request_id = EXCLUDED.request_id,
       workflow_id = EXCLUDED.workflow_id,
       inputs = EXCLUDED.inputs,
       labels = EXCLUDED.labels,
       requester = EXCLUDED.requester,
       planned_steps = EXCLUDED.planned_steps,
       accepted_at = EXCLUDED.accepted_at,
       reason = CASE WHEN r.status = 'rejected' THEN NULL ELSE r.reason END,
       message = CASE WHEN r.status = 'rejected' THEN NULL ELSE r.message END,
       details = CASE WHEN r.status = 'rejected' THEN NULL ELSE r.details END,
       finished_at = CASE WHEN r.status = 'rejected' THEN NULL ELSE r.finished_at END,
       status = ${laterRunStatus('r.status', 'EXCLUDED.status')},
       updated_at = now()`,
    [
      json(
        sortedBy(runs.values(), (e) => e.runId).map((e) => ({
          run_id: e.runId, request_id: e.requestId, content_hash: e.workflow.contentHash, inputs: e.inputs,
          labels: e.labels ?? null, requester: e.requester ?? null, planned_steps: e.steps, accepted_at: e.acceptedAt,
        })),
      ),
    ],
  );
  await em.query(
    `INSERT INTO steps (run_id, step_id, position)
     SELECT DISTINCT ON (x.run_id, s.step_id) x.run_id, s.step_id, (s.n - 1)::int
     FROM jsonb_to_recordset($1::jsonb) AS x(ord int, run_id text, steps jsonb),
       jsonb_array_elements_text(x.steps) WITH ORDINALITY AS s(step_id, n)
     ORDER BY x.run_id, s.step_id, x.ord DESC, s.n
     ON CONFLICT (run_id, step_id) DO UPDATE SET position = EXCLUDED.position`,
    [json(events.map(({ ord, e }) => ({ ord, run_id: e.runId, steps: e.steps })))],
  );
}

/**
 * The status step events give their runs: creates a run row if no run event arrived
 * yet, else advances its status (never backwards). One row per run.
 */
export async function touchRuns(em: EntityManager, rows: Array<{ id: string; status: 'accepted' | 'running' }>): Promise<void> {
  if (rows.length === 0) return;
  await em.query(
    `INSERT INTO runs AS r (id, status)
     SELECT x.id, x.status FROM jsonb_to_recordset($1::jsonb) AS x(id text, status text)
     ON CONFLICT (id) DO UPDATE SET status = ${laterRunStatus('r.status', 'EXCLUDED.status')}, updated_at = now()`,
    [json(sortedBy(rows, (r) => r.id))],
  );
}

/**
 * run.completed: marks each run completed (unless it already failed). Returns the
 * runs it wrote; {@link replaceRunResults} then replaces their outputs and metrics.
 */
export async function upsertCompleted(em: EntityManager, rows: RunCompleted[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const written = (await em.query(
    `INSERT INTO runs AS r (id, status, outputs, cost_seconds, finished_at)
     SELECT x.run_id, 'completed', x.outputs, x.cost_seconds, x.completed_at
     FROM jsonb_to_recordset($1::jsonb) AS x(run_id text, outputs jsonb, cost_seconds float8, completed_at timestamptz)
     ON CONFLICT (id) DO UPDATE SET
       status = 'completed', outputs = EXCLUDED.outputs, cost_seconds = EXCLUDED.cost_seconds,
       finished_at = EXCLUDED.finished_at, updated_at = now()
     WHERE r.status <> 'failed'
     RETURNING id`,
    [json(sortedBy(rows, (e) => e.runId).map((e) => ({ run_id: e.runId, outputs: e.outputs, cost_seconds: e.costSeconds, completed_at: e.completedAt })))],
  )) as { id: string }[];
  return new Set(written.map((r) => r.id));
}

/**
 * Replaces the outputs (one row per output port and per artifact URI) and run
 * metrics (`step_id`/`task_id` null) of each run with its run.completed's.
 */
export async function replaceRunResults(em: EntityManager, rows: RunCompleted[]): Promise<void> {
  if (rows.length === 0) return;
  const runIds = json(rows.map((e) => e.runId));
  const outputs = rows.flatMap((e) => [
    ...Object.entries(e.outputs).map(([name, value]) => ({ run_id: e.runId, kind: 'output', name, value, uri: locationOf(value) ?? null })),
    ...e.artifacts.map((uri) => ({ run_id: e.runId, kind: 'artifact', name: null, value: null, uri })),
  ]);
  await em.query(`DELETE FROM outputs WHERE run_id IN (SELECT jsonb_array_elements_text($1::jsonb))`, [runIds]);
  if (outputs.length > 0) {
    await em.query(
      `INSERT INTO outputs (run_id, kind, name, value, uri)
       SELECT x.run_id, x.kind, x.name, x.value, x.uri
       FROM jsonb_to_recordset($1::jsonb) AS x(run_id text, kind text, name text, value jsonb, uri text)`,
      [json(outputs)],
    );
  }
  await em.query(
    `DELETE FROM metrics WHERE run_id IN (SELECT jsonb_array_elements_text($1::jsonb)) AND step_id IS NULL AND task_id IS NULL`,
    [runIds],
  );
  await em.query(
    `INSERT INTO metrics (run_id, name, value, recorded_at)
     SELECT x.run_id, m.key, (m.value)::float8, x.completed_at
     FROM jsonb_to_recordset($1::jsonb) AS x(run_id text, metrics jsonb, completed_at timestamptz), jsonb_each(x.metrics) AS m`,
    [json(rows.map((e) => ({ run_id: e.runId, metrics: e.metrics, completed_at: e.completedAt })))],
  );
}

/**
 * run.failed: marks each run failed (unless it already completed) with the reason,
 * the failed step and its stderr tail. Returns the runs it wrote.
 */
export async function upsertFailed(em: EntityManager, rows: RunFailed[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const written = (await em.query(
    `INSERT INTO runs AS r (id, status, reason, message, failed_step, stderr_tail, finished_at)
     SELECT x.run_id, 'failed', x.reason, x.message, x.failed_step, x.stderr_tail, x.failed_at
     FROM jsonb_to_recordset($1::jsonb) AS x(run_id text, reason text, message text, failed_step text, stderr_tail text,
       failed_at timestamptz)
     ON CONFLICT (id) DO UPDATE SET
       status = 'failed', reason = EXCLUDED.reason, message = EXCLUDED.message,
       failed_step = EXCLUDED.failed_step, stderr_tail = EXCLUDED.stderr_tail,
       finished_at = EXCLUDED.finished_at, updated_at = now()
     WHERE r.status <> 'completed'
     RETURNING id`,
    [
      json(
        sortedBy(rows, (e) => e.runId).map((e) => ({
          run_id: e.runId, reason: e.reason, message: e.message, failed_step: e.failedStep ?? null,
          stderr_tail: e.stderrTail ?? null, failed_at: e.failedAt,
        })),
      ),
    ],
  )) as { id: string }[];
  return new Set(written.map((r) => r.id));
}
