import type { RunAccepted, RunCompleted, RunFailed, RunRejected } from '@saber/contracts';
import type { EntityManager } from 'typeorm';
import { json, laterRunStatus, locationOf, text } from './sql-values';
import type { StepTouches } from './step.projection';

/**
 * run.accepted: upserts the workflow by content hash and the run (a row created
 * earlier by a step event is completed, never moved back in status), and records
 * the planned steps as `pending`. A `rejected` record of the same request is
 * replaced: acceptance wins.
 */
export async function projectRunAccepted(em: EntityManager, e: RunAccepted): Promise<void> {
  const [workflow] = (await em.query(
    `INSERT INTO workflows (content_hash, name, uri) VALUES ($1, $2, $3)
     ON CONFLICT (content_hash) DO UPDATE SET content_hash = EXCLUDED.content_hash
     RETURNING id`,
    [text(e.workflow.contentHash), text(e.workflow.name), text(e.workflow.uri)],
  )) as { id: string | number }[];
  await em.query(`DELETE FROM runs WHERE request_id = $1 AND id <> $2 AND status = 'rejected'`, [e.requestId, e.runId]);
  await em.query(
    `INSERT INTO runs AS r (id, request_id, workflow_id, status, inputs, labels, requester, planned_steps, accepted_at)
     VALUES ($1, $2, $3, 'accepted', $4::jsonb, $5::jsonb, $6, $7::jsonb, $8::timestamptz)
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
      e.runId,
      e.requestId,
      Number(workflow!.id),
      json(e.inputs),
      json(e.labels ?? null),
      text(e.requester),
      json(e.steps),
      e.acceptedAt,
    ],
  );
  await em.query(
    `INSERT INTO steps (run_id, step_id, position)
     SELECT DISTINCT ON (s.step_id) $1, s.step_id, (s.n - 1)::int
     FROM jsonb_array_elements_text($2::jsonb) WITH ORDINALITY AS s(step_id, n)
     ORDER BY s.step_id, s.n
     ON CONFLICT (run_id, step_id) DO UPDATE SET position = EXCLUDED.position`,
    [e.runId, json(e.steps.map(text))],
  );
}

/**
 * run.rejected: records a `rejected` run under the request id, unless a run with
 * that id or request id exists already (acceptance wins).
 */
export async function projectRunRejected(em: EntityManager, e: RunRejected): Promise<void> {
  await em.query(
    `INSERT INTO runs (id, request_id, status, reason, message, details, finished_at)
     VALUES ($1, $1, 'rejected', $2, $3, $4::jsonb, $5::timestamptz)
     ON CONFLICT DO NOTHING`,
    [text(e.requestId), e.reason, text(e.message), json(e.details), e.rejectedAt],
  );
}

/**
 * run.completed: marks the run completed (unless it already failed) and replaces
 * its outputs, artifact URIs and run metrics with the event's.
 */
export async function projectRunCompleted(em: EntityManager, e: RunCompleted): Promise<void> {
  const updated = (await em.query(
    `INSERT INTO runs AS r (id, status, outputs, cost_seconds, finished_at)
     VALUES ($1, 'completed', $2::jsonb, $3, $4::timestamptz)
     ON CONFLICT (id) DO UPDATE SET
       status = 'completed', outputs = EXCLUDED.outputs, cost_seconds = EXCLUDED.cost_seconds,
       finished_at = EXCLUDED.finished_at, updated_at = now()
     WHERE r.status <> 'failed'
     RETURNING id`,
    [e.runId, json(e.outputs), e.costSeconds, e.completedAt],
  )) as unknown[];
  if (updated.length === 0) return;
  const rows = [
    ...Object.entries(e.outputs).map(([name, value]) => ({ kind: 'output', name, value, uri: locationOf(value) ?? null })),
    ...e.artifacts.map((uri) => ({ kind: 'artifact', name: null, value: null, uri })),
  ];
  await em.query(`DELETE FROM outputs WHERE run_id = $1`, [e.runId]);
  await em.query(
    `INSERT INTO outputs (run_id, kind, name, value, uri)
     SELECT $1, x->>'kind', x->>'name', NULLIF(x->'value', 'null'::jsonb), x->>'uri'
     FROM jsonb_array_elements($2::jsonb) AS x`,
    [e.runId, json(rows)],
  );
  await em.query(`DELETE FROM metrics WHERE run_id = $1 AND step_id IS NULL AND task_id IS NULL`, [e.runId]);
  await em.query(
    `INSERT INTO metrics (run_id, name, value, recorded_at)
     SELECT $1, m.key, (m.value)::float8, $3::timestamptz FROM jsonb_each($2::jsonb) AS m`,
    [e.runId, json(e.metrics), e.completedAt],
  );
}

/**
 * run.failed: marks the run failed (unless it already completed) with the reason,
 * the failed step and its stderr tail, and marks that step failed.
 */
export async function projectRunFailed(em: EntityManager, e: RunFailed, touches: StepTouches): Promise<void> {
  const updated = (await em.query(
    `INSERT INTO runs AS r (id, status, reason, message, failed_step, stderr_tail, finished_at)
     VALUES ($1, 'failed', $2, $3, $4, $5, $6::timestamptz)
     ON CONFLICT (id) DO UPDATE SET
       status = 'failed', reason = EXCLUDED.reason, message = EXCLUDED.message,
       failed_step = EXCLUDED.failed_step, stderr_tail = EXCLUDED.stderr_tail,
       finished_at = EXCLUDED.finished_at, updated_at = now()
     WHERE r.status <> 'completed'
     RETURNING id`,
    [e.runId, text(e.reason), text(e.message), text(e.failedStep), text(e.stderrTail), e.failedAt],
  )) as unknown[];
  if (updated.length > 0 && e.failedStep) touches.touch(e.runId, e.failedStep);
}
