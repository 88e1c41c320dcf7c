import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { ContractViolation } from '@saber/contracts';
import type { DataSource } from 'typeorm';
import type { CatalogEventInput } from '../ingest/catalog-event';
import { InvalidEventError } from '../ingest/catalog-event';
import { CatalogIngestService } from '../ingest/catalog-ingest.service';
import * as f from './catalog-fixtures';
import { projectionSnapshot, resetCatalog, tableCounts } from './catalog-snapshot';
import { completedRunEvents, shuffled } from './ingest-invariants';

/** `event` republished under another msgId with payload fields replaced. */
export function variant(event: CatalogEventInput, suffix: string, changes: Record<string, unknown> = {}): CatalogEventInput {
  return { ...event, msgId: `${event.msgId}#${suffix}`, payload: { ...(event.payload as object), ...changes } };
}

/** Everything the catalog stores, surrogate ids and clock columns left out. */
async function stored(ds: DataSource): Promise<unknown> {
  return {
    projection: await projectionSnapshot(ds),
    events: await ds.query(`SELECT msg_id, subject, schema, payload, trace_id FROM events ORDER BY msg_id`),
    counts: await tableCounts(ds),
  };
}

const outcomeOf = (r: unknown) => (r instanceof Error ? `${r.name}: ${r.message}` : r);

/** Deterministic pseudo-random integers in [0, n) (mulberry32). */
function randomInts(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

/** Events of two runs plus conflicting variants: redelivered starts, republished results, completed-vs-failed races. */
function eventPool(): CatalogEventInput[] {
  const events = [...completedRunEvents('p1'), ...completedRunEvents('p2')];
  return [
    ...events,
    f.started('p1', 'blur', 'p1-blur-0', 1, 'exec-2'),
    f.started('p1', 'blur', 'p1-blur-0', 1, 'exec-3'),
    variant(f.completed('p1', 'blur', 'p1-blur-0', { score: 0.1, cost: 9 }), 'again', { finishedAt: f.at(15), executorId: 'exec-2' }),
    variant(f.completed('p1', 'blur', 'p1-blur-0', { score: 0.2, cost: 8 }), 'later', { finishedAt: f.at(30) }),
    f.failed('p1', 'threshold', 'p1-thr', { retryable: false, cost: 7 }),
    variant(f.failed('p2', 'blur', 'p2-blur-1', { retryable: false }), 'other', { message: 'second opinion' }),
    f.completed('p2', 'blur', 'p2-blur-1', { score: 0.3 }),
    f.runFailed('p2', 'threshold'),
    variant(f.runFailed('p2', 'threshold'), 'again', { message: 'again' }),
    variant(f.runCompleted('p1', 11), 'again', { outputs: { count: 4 }, artifacts: [] }),
    f.rejected('req-p2'),
    f.rejected('p1'),
    { subject: 'saber.events.merge.done.v1', msgId: 'merge-1', payload: null },
  ];
}

/**
 * Batch ingestion against one-at-a-time ingestion, on any catalog database:
 * `ingestBatch(events)` must store exactly what recording the same events one by
 * one, in the same order, stores, and return the same outcomes.
 */
export function ingestBatchSuite(label: string, dataSource: () => DataSource): void {
  describe(`batch ingestion equals one-at-a-time (${label})`, () => {
    let ingest: CatalogIngestService;

    beforeEach(async () => {
      await resetCatalog(dataSource());
      ingest = new CatalogIngestService(dataSource());
    });

    /** Records `before` one at a time, then `batch` as batches of `size`; returns outcomes and what is stored. */
    async function record(before: CatalogEventInput[], batch: CatalogEventInput[], size: number) {
      await resetCatalog(dataSource());
      for (const e of before) await ingest.ingest(e);
      const outcomes: unknown[] = [];
      for (let i = 0; i < batch.length; i += size) {
        outcomes.push(...(await ingest.ingestBatch(batch.slice(i, i + size))).map(outcomeOf));
      }
      return { outcomes, stored: await stored(dataSource()) };
    }

    async function assertSameAsOneAtATime(before: CatalogEventInput[], batch: CatalogEventInput[], sizes = [batch.length]) {
      const expected = await record(before, batch, 1);
      for (const size of sizes) assert.deepEqual(await record(before, batch, size), expected, `batches of ${size}`);
      return expected;
    }

    it('one attempt ready, started and completed in one batch, with a duplicated msgId', async () => {
      const batch = [
        f.accepted('b1'),
        f.ready('b1', 'blur', 't'),
        f.started('b1', 'blur', 't'),
        f.ready('b1', 'blur', 't'),
        f.completed('b1', 'blur', 't', { score: 0.5 }),
        f.started('b1', 'blur', 't'),
      ];
      const { outcomes } = await assertSameAsOneAtATime([], batch);
      assert.deepEqual(outcomes, ['recorded', 'recorded', 'recorded', 'duplicate', 'recorded', 'duplicate']);
      const [a] = (await dataSource().query(`SELECT status, executor_id, backend, started_at FROM task_attempts`)) as unknown[];
      assert.deepEqual(a, { status: 'completed', executor_id: 'exec-1', backend: 'local', started_at: new Date(f.at(10)) });
      const steps = (await dataSource().query(`SELECT step_id, status, tasks_completed FROM steps ORDER BY step_id`)) as unknown[];
      assert.deepEqual(steps, [
        { step_id: 'blur', status: 'completed', tasks_completed: 1 },
        { step_id: 'threshold', status: 'pending', tasks_completed: 0 },
      ]);
    });

    it('three shuffled runs with every event delivered twice, in batches of any size', async () => {
      const events = ['s1', 's2', 's3'].flatMap((id) => completedRunEvents(id));
      const batch = shuffled([...events, ...events], 7);
      await assertSameAsOneAtATime([], batch, [2, 5, 13, batch.length]);
    });

    it('the first terminal event of an attempt wins within a batch, in either order', async () => {
      const done = f.completed('b2', 'blur', 't', { score: 0.5 });
      const failed = f.failed('b2', 'blur', 't', { retryable: false });
      const again = variant(f.completed('b2', 'blur', 't', { score: 0.9, cost: 7 }), 'again');
      await assertSameAsOneAtATime([f.accepted('b2')], [done, failed, again]);
      await assertSameAsOneAtATime([f.accepted('b2')], [failed, done, again]);
      await assertSameAsOneAtATime([f.accepted('b2'), failed], [done, variant(failed, 'x', { message: 'x' })]);
      await assertSameAsOneAtATime([f.accepted('b2'), done], [failed, again]);
    });

    it('a start after the attempt finished only fills blanks, also within a batch', async () => {
      const exec2 = variant(f.started('b3', 'blur', 't', 1, 'exec-2'), 'x', { backend: 'slurm', startedAt: f.at(12) });
      const exec3 = variant(f.started('b3', 'blur', 't', 1, 'exec-3'), 'x', { backend: 'k8s', startedAt: f.at(13) });
      const done = f.completed('b3', 'blur', 't');
      await assertSameAsOneAtATime([f.started('b3', 'blur', 't')], [done, exec2]);
      await assertSameAsOneAtATime([f.started('b3', 'blur', 't')], [exec2, done, exec3]);
      await assertSameAsOneAtATime([done], [exec2, exec3]);
      await assertSameAsOneAtATime([f.ready('b3', 'blur', 't')], [exec2, exec3, done]);
      await assertSameAsOneAtATime([f.ready('b3', 'blur', 't')], [done, exec3, exec2]);
    });

    it('task metrics: the latest finish wins, then the later arrival', async () => {
      const first = f.completed('b4', 'blur', 't', { score: 0.1, finishedAt: f.at(20) });
      const same = variant(f.completed('b4', 'blur', 't', { attempt: 2, score: 0.2, finishedAt: f.at(20) }), 'x');
      const older = variant(f.completed('b4', 'blur', 't', { score: 0.3, finishedAt: f.at(5) }), 'y');
      const blocked = f.completed('b4', 'blur', 't', { attempt: 3, score: 0.4, finishedAt: f.at(50) });
      const failed3 = f.failed('b4', 'blur', 't', { attempt: 3 });
      await assertSameAsOneAtATime([failed3], [first, same, older, blocked]);
      await assertSameAsOneAtATime([failed3], [same, first, blocked, older]);
      const [m] = (await dataSource().query(`SELECT attempt, value FROM metrics`)) as unknown[];
      assert.deepEqual(m, { attempt: 1, value: 0.1 });
    });

    it('run ends: the first of completed and failed wins; a repeat replaces outputs and metrics', async () => {
      const done = f.runCompleted('b5', 10);
      const redone = variant(f.runCompleted('b5', 12), 'again', { outputs: { count: 5 }, artifacts: [], metrics: { other: 1 } });
      const failedBlur = f.runFailed('b5', 'blur');
      // Both name the same step: when two run.failed name different steps, one at a time leaves the first
      // step failed (nothing recomputes it), while a batch recomputes both from the final run row.
      const failedAgain = variant(f.runFailed('b5', 'blur'), 'again', { message: 'again', stderrTail: undefined });
      const before = [f.accepted('b5'), f.ready('b5', 'blur', 't')];
      await assertSameAsOneAtATime(before, [done, failedBlur, redone]);
      await assertSameAsOneAtATime(before, [failedBlur, done, failedAgain, redone]);
      await assertSameAsOneAtATime([...before, done], [redone, failedBlur]);
      await assertSameAsOneAtATime([...before, failedBlur], [done, failedAgain]);
    });

    it('rejections and acceptances of one request in either order', async () => {
      const rejected = f.rejected('req-b6');
      const accepted = f.accepted('b6');
      const sameId = variant(f.accepted('b6x'), 'same-id', { runId: 'req-b6', requestId: 'req-b6' });
      await assertSameAsOneAtATime([], [rejected, accepted, variant(rejected, 'again')]);
      await assertSameAsOneAtATime([], [accepted, rejected]);
      await assertSameAsOneAtATime([], [rejected, sameId, f.ready('req-b6', 'blur', 't')]);
      await assertSameAsOneAtATime([rejected], [f.completed('req-b6', 'blur', 't'), sameId]);
      await assertSameAsOneAtATime([], [accepted, variant(accepted, 'v2', { steps: ['threshold', 'merge'], labels: undefined })]);
    });

    it('reports errors per event and records the rest of the batch', async () => {
      const bad = { ...f.completed('b7', 'blur', 't'), payload: { runId: 'b7' } };
      const nul = f.failed('b7', 'blur', 't');
      (nul.payload as Record<string, unknown>).stderrTail = 'bad\u0000byte';
      const results = await ingest.ingestBatch([
        f.accepted('b7'),
        bad,
        { ...f.ready('b7', 'blur', 't'), msgId: '' },
        { subject: 'saber.events.merge.done.v1', msgId: 'm1', payload: { x: 1 } },
        { subject: 'saber.events.run.requested.v1', msgId: 'rq', payload: { requestId: 'req-b7', workflow: { path: 'wf.cwl' } } },
        nul,
        { ...bad, msgId: nul.msgId },
      ]);
      assert.equal(results[0], 'recorded');
      assert.ok(results[1] instanceof ContractViolation && results[1].contract === 'step.completed/v1');
      assert.ok(results[2] instanceof InvalidEventError);
      assert.deepEqual(results.slice(3, 6), ['ignored', 'recorded', 'recorded']);
      assert.ok(results[6] instanceof ContractViolation);
      const [a] = (await dataSource().query(`SELECT status, stderr_tail FROM task_attempts`)) as unknown[];
      assert.deepEqual(a, { status: 'failed', stderr_tail: 'bad\uFFFDbyte' });
      assert.equal((await tableCounts(dataSource())).events, 4);
    });

    it('random batches of conflicting events store what one-at-a-time ingestion stores', async () => {
      const pool = eventPool();
      for (let seed = 1; seed <= 12; seed++) {
        const rand = randomInts(seed);
        const order = shuffled(pool, seed);
        const before = order.slice(0, rand(order.length / 2));
        const rest = order.slice(before.length);
        const batch = shuffled([...rest, ...rest.filter(() => rand(4) === 0), ...before.filter(() => rand(4) === 0)], seed + 100);
        await assertSameAsOneAtATime(before, batch, [1 + rand(8), batch.length]);
      }
    });
  });
}
