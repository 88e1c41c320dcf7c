import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { toCsv } from '../collect/csv';
import { CatalogIngestService } from '../ingest/catalog-ingest.service';
import * as f from '../testing/catalog-fixtures';
import { completedRunEvents } from '../testing/ingest-invariants';
import { CatalogQueryService, InvalidQueryError } from './catalog-query.service';

Logger.overrideLogger(['error', 'warn']);

let catalog: { dataSource: DataSource; close(): Promise<void> };
let query: CatalogQueryService;

before(async () => {
  catalog = await openCatalogWithRuns();
  query = new CatalogQueryService(catalog.dataSource);
});
after(async () => {
  await catalog.close();
});

/** r1 completed (two-step), r2 running (two-step, sigma 3), r3 failed (other workflow), a rejected request. */
async function openCatalogWithRuns() {
  const c = await f.openTempCatalog();
  const ingest = new CatalogIngestService(c.dataSource);
  const events = [
    ...completedRunEvents('r1'),
    f.accepted('r2', { inputs: { sigma: 3, image: { class: 'File', location: 'file:///data/b.tif' } } }),
    f.ready('r2', 'blur', 'r2-b'),
    f.started('r2', 'blur', 'r2-b'),
    f.accepted('r3', { workflow: 'other', hash: 'sha256:other', steps: ['only'], inputs: { note: 'a, "quoted"\nvalue' } }),
    f.failed('r3', 'only', 'r3-o', { retryable: false, cost: 1.25 }),
    f.runFailed('r3', 'only'),
    f.rejected('req-bad'),
  ];
  for (const e of events) await ingest.ingest(e);
  return c;
}

describe('CatalogQueryService', () => {
  it('getRun returns the run with its workflow, null when unknown', async () => {
    const run = await query.getRun('r1');
    assert.equal(run?.status, 'completed');
    assert.equal(run?.workflow?.name, 'two-step');
    assert.equal(run?.workflow?.contentHash, 'sha256:two-step');
    assert.equal(run?.costSeconds, 10);
    assert.deepEqual(run?.acceptedAt, new Date(f.at(0)));
    assert.equal(await query.getRun('nope'), null);
  });

  it('listRuns filters by status, limits, and newest first', async () => {
    assert.deepEqual((await query.listRuns()).map((r) => r.id), ['req-bad', 'r3', 'r2', 'r1']);
    assert.deepEqual((await query.listRuns({ status: 'failed' })).map((r) => r.id), ['r3']);
    assert.deepEqual((await query.listRuns({ status: 'rejected' })).map((r) => [r.id, r.reason]), [['req-bad', 'invalid-workflow']]);
    assert.deepEqual((await query.listRuns({ limit: 2 })).map((r) => r.id), ['req-bad', 'r3']);
  });

  it('listRuns rejects a bad limit or status', async () => {
    await assert.rejects(query.listRuns({ limit: 0 }), InvalidQueryError);
    await assert.rejects(query.listRuns({ limit: 1001 }), /limit must be an integer from 1 to 1000, got 1001/);
    await assert.rejects(query.listRuns({ status: 'done' as never }), /status must be one of accepted, running/);
  });

  it('getSteps lists steps in plan order with their counts', async () => {
    const steps = await query.getSteps('r1');
    assert.deepEqual(
      steps.map((s) => [s.stepId, s.position, s.status, s.tasks, s.tasksCompleted, s.attempts, s.costSeconds]),
      [
        ['blur', 0, 'completed', 2, 2, 3, 6],
        ['threshold', 1, 'completed', 1, 1, 1, 4],
      ],
    );
    assert.deepEqual(
      (await query.getSteps('r2')).map((s) => [s.stepId, s.status]),
      [['blur', 'running'], ['threshold', 'pending']],
    );
    assert.deepEqual(await query.getSteps('nope'), []);
  });

  it('getAttempts lists attempts by step, task and attempt', async () => {
    const attempts = await query.getAttempts('r1');
    assert.deepEqual(
      attempts.map((a) => [a.stepId, a.taskId, a.attempt, a.status, a.peakMemoryBytes]),
      [
        ['blur', 'r1-blur-0', 1, 'completed', 3221225472],
        ['blur', 'r1-blur-1', 1, 'failed', null],
        ['blur', 'r1-blur-1', 2, 'completed', 3221225472],
        ['threshold', 'r1-thr', 1, 'completed', 3221225472],
      ],
    );
    assert.equal(attempts[1]!.failureType, 'out-of-memory');
    assert.equal(attempts[1]!.retryable, true);
    assert.equal(attempts[1]!.stderrTail, 'MemoryError\n');
  });

  it('collect gives one row per run and step with parameters, attempts, cost, score and status', async () => {
    const rows = await query.collect();
    assert.deepEqual(
      rows.map((r) => [r.runId, r.workflow, r.step, r.attempts, r.costSeconds, r.score, r.status]),
      [
        ['r1', 'two-step', 'blur', 3, 6, 0.7, 'completed'],
        ['r1', 'two-step', 'threshold', 1, 4, 0.9, 'completed'],
        ['r2', 'two-step', 'blur', 1, 0, null, 'running'],
        ['r2', 'two-step', 'threshold', 0, 0, null, 'pending'],
        ['r3', 'other', 'only', 1, 1.25, null, 'failed'],
      ],
    );
    assert.deepEqual(rows[2]!.parameters, { 'param.image': 'file:///data/b.tif', 'param.sigma': '3' });
  });

  it('collect filters by run id, workflow name or content hash', async () => {
    assert.deepEqual((await query.collect({ runId: 'r2' })).map((r) => r.step), ['blur', 'threshold']);
    assert.deepEqual(new Set((await query.collect({ workflow: 'two-step' })).map((r) => r.runId)), new Set(['r1', 'r2']));
    assert.deepEqual((await query.collect({ workflow: 'sha256:other' })).map((r) => r.runId), ['r3']);
    assert.deepEqual(await query.collect({ workflow: 'missing' }), []);
  });

  it('collect → toCsv is the saber collect CSV', async () => {
    assert.equal(
      toCsv(await query.collect()),
      'run_id,workflow,step,param.image,param.note,param.sigma,attempts,cost_seconds,score,status\r\n' +
        'r1,two-step,blur,file:///data/in.tif,,1.5,3,6,0.7,completed\r\n' +
        'r1,two-step,threshold,file:///data/in.tif,,1.5,1,4,0.9,completed\r\n' +
        'r2,two-step,blur,file:///data/b.tif,,3,1,0,,running\r\n' +
        'r2,two-step,threshold,file:///data/b.tif,,3,0,0,,pending\r\n' +
        'r3,other,only,,"a, ""quoted""\nvalue",,1,1.25,,failed\r\n',
    );
  });
});
