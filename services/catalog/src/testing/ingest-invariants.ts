import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { ContractViolation } from '@saber/contracts';
import type { DataSource } from 'typeorm';
import type { CatalogEventInput } from '../ingest/catalog-event';
import { InvalidEventError } from '../ingest/catalog-event';
import { CatalogIngestService } from '../ingest/catalog-ingest.service';
import * as f from './catalog-fixtures';
import { projectionSnapshot, resetCatalog, tableCounts } from './catalog-snapshot';

/** A run of two steps: blur (2 scatter tasks, one retried after OOM) and threshold; completed. */
export function completedRunEvents(runId: string): CatalogEventInput[] {
  const t = (n: string) => `${runId}-${n}`;
  return [
    f.accepted(runId),
    f.ready(runId, 'blur', t('blur-0')),
    f.ready(runId, 'blur', t('blur-1')),
    f.started(runId, 'blur', t('blur-0')),
    f.started(runId, 'blur', t('blur-1')),
    f.completed(runId, 'blur', t('blur-0'), { score: 0.5, cost: 2 }),
    f.failed(runId, 'blur', t('blur-1'), { retryable: true, cost: 1 }),
    f.ready(runId, 'blur', t('blur-1'), 2),
    f.started(runId, 'blur', t('blur-1'), 2),
    f.completed(runId, 'blur', t('blur-1'), { attempt: 2, score: 0.7, cost: 3 }),
    f.ready(runId, 'threshold', t('thr')),
    f.started(runId, 'threshold', t('thr')),
    f.completed(runId, 'threshold', t('thr'), { score: 0.9, cost: 4 }),
    f.runCompleted(runId, 10),
  ];
}

/** Deterministic pseudo-random permutation (mulberry32). */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  let s = seed >>> 0;
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * The ingestion invariants, run against any catalog database (PGlite in unit
 * tests, PostgreSQL in integration tests). `dataSource()` returns the open catalog.
 */
export function ingestInvariantSuite(label: string, dataSource: () => DataSource): void {
  describe(`ingest invariants (${label})`, () => {
    let ingest: CatalogIngestService;
    const all = async (events: CatalogEventInput[]) => {
      const outcomes = [];
      for (const e of events) outcomes.push(await ingest.ingest(e));
      return outcomes;
    };

    beforeEach(async () => {
      await resetCatalog(dataSource());
      ingest = new CatalogIngestService(dataSource());
    });

    it('records a completed run: run, steps, attempts, outputs, metrics', async () => {
      const outcomes = await all(completedRunEvents('r1'));
      assert.deepEqual(new Set(outcomes), new Set(['recorded']));
      const snap = await projectionSnapshot(dataSource());
      assert.equal(snap.runs.length, 1);
      assert.deepEqual(
        { ...(snap.runs[0] as object), accepted_at: undefined, finished_at: undefined },
        {
          id: 'r1', request_id: 'req-r1', status: 'completed', content_hash: 'sha256:two-step',
          inputs: { sigma: 1.5, image: { class: 'File', location: 'file:///data/in.tif' } },
          outputs: { mask: { class: 'File', location: 'file:///out/r1/mask.tif' }, count: 3 },
          labels: { lab: 'jhu' }, requester: 'tester', planned_steps: ['blur', 'threshold'],
          reason: null, message: null, details: null, failed_step: null, stderr_tail: null, cost_seconds: 10,
          accepted_at: undefined, finished_at: undefined,
        },
      );
      assert.deepEqual(
        snap.steps.map((s) => {
          const { run_id, step_id, position, status, tasks, tasks_completed, tasks_failed, attempts, cost_seconds } =
            s as Record<string, unknown>;
          return { run_id, step_id, position, status, tasks, tasks_completed, tasks_failed, attempts, cost_seconds };
        }),
        [
          { run_id: 'r1', step_id: 'blur', position: 0, status: 'completed', tasks: 2, tasks_completed: 2, tasks_failed: 0, attempts: 3, cost_seconds: 6 },
          { run_id: 'r1', step_id: 'threshold', position: 1, status: 'completed', tasks: 1, tasks_completed: 1, tasks_failed: 0, attempts: 1, cost_seconds: 4 },
        ],
      );
      assert.deepEqual(
        snap.task_attempts.map((a) => {
          const r = a as Record<string, unknown>;
          const memory = r.peak_memory_bytes === null ? null : Number(r.peak_memory_bytes); // pg: string, PGlite: number
          return [r.task_id, r.attempt, r.status, r.failure_type, r.executor_id, r.backend, memory];
        }),
        [
          ['r1-blur-0', 1, 'completed', null, 'exec-1', 'local', 3221225472],
          ['r1-blur-1', 1, 'failed', 'out-of-memory', 'exec-1', 'local', null],
          ['r1-blur-1', 2, 'completed', null, 'exec-1', 'local', 3221225472],
          ['r1-thr', 1, 'completed', null, 'exec-1', 'local', 3221225472],
        ],
      );
      assert.deepEqual(snap.outputs, [
        { run_id: 'r1', kind: 'artifact', name: null, value: null, uri: 'file:///out/r1/mask.tif' },
        { run_id: 'r1', kind: 'output', name: 'count', value: 3, uri: null },
        { run_id: 'r1', kind: 'output', name: 'mask', value: { class: 'File', location: 'file:///out/r1/mask.tif' }, uri: 'file:///out/r1/mask.tif' },
      ]);
      assert.deepEqual(
        snap.metrics.map((m) => {
          const r = m as Record<string, unknown>;
          return [r.step_id, r.task_id, r.name, r.value];
        }),
        [
          ['blur', 'r1-blur-0', 'score', 0.5],
          ['blur', 'r1-blur-1', 'score', 0.7],
          ['threshold', 'r1-thr', 'score', 0.9],
          [null, null, 'costSeconds', 10],
          [null, null, 'threshold.score', 0.9],
        ],
      );
    });

    it('recording the same event twice changes nothing', async () => {
      const events = completedRunEvents('r1');
      await all(events);
      const before = await projectionSnapshot(dataSource());
      const counts = await tableCounts(dataSource());
      assert.deepEqual(new Set(await all(events)), new Set(['duplicate']));
      assert.deepEqual(await projectionSnapshot(dataSource()), before);
      assert.deepEqual(await tableCounts(dataSource()), counts);
    });

    it('records every task result exactly once, even when re-published under new msgIds', async () => {
      const events = completedRunEvents('r1');
      await all(events);
      const before = await projectionSnapshot(dataSource());
      const republished = events.map((e) => ({ ...e, msgId: `${e.msgId}#again` }));
      assert.deepEqual(new Set(await all(republished)), new Set(['recorded']));
      assert.deepEqual(await projectionSnapshot(dataSource()), before);
      const [row] = (await dataSource().query(
        `SELECT count(*)::int AS n, count(DISTINCT (task_id, attempt))::int AS d FROM task_attempts`,
      )) as { n: number; d: number }[];
      assert.deepEqual(row, { n: 4, d: 4 });
    });

    it('any arrival order gives the same projection', async () => {
      const events = completedRunEvents('r1');
      await all(events);
      const inOrder = await projectionSnapshot(dataSource());
      for (const seed of [1, 2, 3, 4, 5]) {
        await resetCatalog(dataSource());
        await all(shuffled(events, seed));
        assert.deepEqual(await projectionSnapshot(dataSource()), inOrder, `permutation seed ${seed}`);
      }
      await resetCatalog(dataSource());
      await all([...events].reverse());
      assert.deepEqual(await projectionSnapshot(dataSource()), inOrder, 'reversed');
    });

    it('a step.completed before its step.started keeps status completed and takes the start time', async () => {
      const e = [f.accepted('r2'), f.completed('r2', 'blur', 't'), f.started('r2', 'blur', 't'), f.ready('r2', 'blur', 't')];
      await all(e);
      const [a] = (await dataSource().query(`SELECT status, started_at, pool, executor_id FROM task_attempts`)) as Record<string, unknown>[];
      assert.deepEqual(a, { status: 'completed', started_at: new Date(f.at(10)), pool: 'default', executor_id: 'exec-1' });
      const [run] = (await dataSource().query(`SELECT status FROM runs`)) as { status: string }[];
      assert.equal(run!.status, 'running');
    });

    it('concurrent ingestion of one run records every event once', async () => {
      const events = completedRunEvents('r3');
      const outcomes = await Promise.all([...events, ...events].map((e) => ingest.ingest(e)));
      assert.equal(outcomes.filter((o) => o === 'recorded').length, events.length);
      assert.equal(outcomes.filter((o) => o === 'duplicate').length, events.length);
      const expected = await projectionSnapshot(dataSource());
      await resetCatalog(dataSource());
      await all(events);
      assert.deepEqual(expected, await projectionSnapshot(dataSource()));
    });

    it('a failed run marks its failed step and keeps the stderr tail', async () => {
      await all([
        f.accepted('r4'),
        f.ready('r4', 'blur', 't'),
        f.failed('r4', 'blur', 't', { retryable: true }),
        f.runFailed('r4', 'blur'),
      ]);
      const [run] = (await dataSource().query(`SELECT status, reason, failed_step, stderr_tail FROM runs`)) as unknown[];
      assert.deepEqual(run, { status: 'failed', reason: 'out-of-memory', failed_step: 'blur', stderr_tail: 'MemoryError\n' });
      const steps = (await dataSource().query(`SELECT step_id, status FROM steps ORDER BY step_id`)) as unknown[];
      assert.deepEqual(steps, [
        { step_id: 'blur', status: 'failed' },
        { step_id: 'threshold', status: 'pending' },
      ]);
    });

    it('a non-retryable task failure fails the step; a retryable one keeps it running', async () => {
      await all([f.accepted('r5'), f.failed('r5', 'blur', 'a', { retryable: true }), f.failed('r5', 'threshold', 'b', { retryable: false })]);
      const steps = (await dataSource().query(`SELECT step_id, status, tasks_failed FROM steps ORDER BY step_id`)) as unknown[];
      assert.deepEqual(steps, [
        { step_id: 'blur', status: 'running', tasks_failed: 0 },
        { step_id: 'threshold', status: 'failed', tasks_failed: 1 },
      ]);
    });

    it('records a rejected request under its request id; a later acceptance wins', async () => {
      assert.equal(await ingest.ingest(f.rejected('req-r6')), 'recorded');
      const [rej] = (await dataSource().query(`SELECT id, request_id, status, reason, details FROM runs`)) as unknown[];
      assert.deepEqual(rej, {
        id: 'req-r6', request_id: 'req-r6', status: 'rejected', reason: 'invalid-workflow', details: ['steps.blur: run is required'],
      });
      await ingest.ingest(f.accepted('r6'));
      const runs = (await dataSource().query(`SELECT id, request_id, status FROM runs`)) as unknown[];
      assert.deepEqual(runs, [{ id: 'r6', request_id: 'req-r6', status: 'accepted' }]);
      assert.equal(await ingest.ingest({ ...f.rejected('req-r6'), msgId: 'again' }), 'recorded');
      assert.deepEqual(await dataSource().query(`SELECT id, request_id, status FROM runs`), runs);
    });

    it('runs of one workflow share its row, keyed by content hash', async () => {
      await all([f.accepted('a'), f.accepted('b'), f.accepted('c', { workflow: 'other', hash: 'sha256:other' })]);
      const rows = (await dataSource().query(
        `SELECT w.content_hash, count(r.id)::int AS runs FROM workflows w JOIN runs r ON r.workflow_id = w.id GROUP BY 1 ORDER BY 1`,
      )) as unknown[];
      assert.deepEqual(rows, [
        { content_hash: 'sha256:other', runs: 1 },
        { content_hash: 'sha256:two-step', runs: 2 },
      ]);
    });

    it('keeps unknown subjects in events only and returns ignored', async () => {
      const outcome = await ingest.ingest({ subject: 'saber.events.merge.done.v1', msgId: 'm1', payload: { x: 1 } });
      assert.equal(outcome, 'ignored');
      assert.equal(await ingest.ingest({ subject: 'saber.events.merge.done.v1', msgId: 'm1', payload: { x: 1 } }), 'duplicate');
      const counts = await tableCounts(dataSource());
      assert.deepEqual(counts, { metrics: 0, outputs: 0, task_attempts: 0, steps: 0, runs: 0, workflows: 0, events: 1 });
      const [e] = (await dataSource().query(`SELECT subject, schema, payload, trace_id FROM events`)) as unknown[];
      assert.deepEqual(e, { subject: 'saber.events.merge.done.v1', schema: null, payload: { x: 1 }, trace_id: null });
    });

    it('stores the raw event with its schema and trace id; run.requested is logged only', async () => {
      const requested: CatalogEventInput = {
        subject: 'dev.saber.events.run.requested.v1',
        msgId: 'req-1',
        payload: { requestId: 'req-1', workflow: { path: 'wf.cwl' } },
        headers: { TraceParent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
      };
      assert.equal(await ingest.ingest(requested), 'recorded');
      const [e] = (await dataSource().query(`SELECT subject, schema, payload, trace_id FROM events`)) as unknown[];
      assert.deepEqual(e, {
        subject: 'dev.saber.events.run.requested.v1',
        schema: 'run.requested/v1',
        payload: { requestId: 'req-1', workflow: { path: 'wf.cwl' } },
        trace_id: '0af7651916cd43dd8448eb211c80319c',
      });
      assert.equal((await tableCounts(dataSource())).runs, 0);
    });

    it('rejects an invalid payload with ContractViolation and writes nothing', async () => {
      const bad = { ...f.completed('r7', 'blur', 't'), payload: { runId: 'r7' } };
      await assert.rejects(ingest.ingest(bad), (e: unknown) => e instanceof ContractViolation && e.contract === 'step.completed/v1');
      assert.equal((await tableCounts(dataSource())).events, 0);
      await assert.rejects(ingest.ingest({ ...bad, msgId: '' }), InvalidEventError);
    });

    it('replaces NUL characters that PostgreSQL cannot store', async () => {
      const e = f.failed('r8', 'blur', 't');
      (e.payload as Record<string, unknown>).stderrTail = 'bad\u0000byte';
      assert.equal(await ingest.ingest(e), 'recorded');
      const [a] = (await dataSource().query(`SELECT stderr_tail FROM task_attempts`)) as { stderr_tail: string }[];
      assert.equal(a!.stderr_tail, 'bad\uFFFDbyte');
    });
  });
}
