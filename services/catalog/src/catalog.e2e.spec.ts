import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type INestApplication, Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { CatalogModule } from './catalog.module';
import { CATALOG_DATA_SOURCE } from './database/catalog-options';
import { CatalogIngestService } from './ingest/catalog-ingest.service';
import * as f from './testing/catalog-fixtures';
import { completedRunEvents } from './testing/ingest-invariants';

Logger.overrideLogger(['error']);

describe('catalog HTTP API (embedded)', () => {
  let home: string;
  let app: INestApplication;
  let base: string;
  const get = (path: string) => fetch(`${base}${path}`);

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'saber-catalog-e2e-'));
    const moduleRef = await Test.createTestingModule({ imports: [CatalogModule.forRoot({ home })] }).compile();
    app = moduleRef.createNestApplication();
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const ingest = app.get(CatalogIngestService);
    for (const e of [...completedRunEvents('r1'), f.rejected('req-x')]) await ingest.ingest(e);
  });
  after(async () => {
    await app?.close();
    await rm(home, { recursive: true, force: true });
  });

  it('GET /health is alive and /health/ready reaches the database', async () => {
    const live = await get('/health');
    assert.equal(live.status, 200);
    assert.deepEqual(await live.json(), { status: 'ok' });
    const ready = await get('/health/ready');
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: 'ok', database: 'pglite' });
  });

  it('GET /runs lists runs, filters by status and rejects a bad limit', async () => {
    const all = (await (await get('/runs')).json()) as { runs: { id: string; status: string; workflow: { name: string } | null }[] };
    assert.deepEqual(all.runs.map((r) => [r.id, r.status, r.workflow?.name ?? null]), [
      ['req-x', 'rejected', null],
      ['r1', 'completed', 'two-step'],
    ]);
    const done = (await (await get('/runs?status=completed&limit=5')).json()) as { runs: { id: string }[] };
    assert.deepEqual(done.runs.map((r) => r.id), ['r1']);
    const bad = await get('/runs?limit=abc');
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { message: string }).message, /limit must be an integer from 1 to 1000/);
  });

  it('GET /runs/:id returns the run, 404 naming an unknown id', async () => {
    const res = await get('/runs/r1');
    assert.equal(res.status, 200);
    const run = (await res.json()) as Record<string, unknown>;
    assert.equal(run.id, 'r1');
    assert.equal(run.requestId, 'req-r1');
    assert.equal(run.acceptedAt, f.at(0));
    const missing = await get('/runs/no-such-run');
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), { error: 'run-not-found', message: 'run "no-such-run" not found', runId: 'no-such-run' });
    assert.equal((await get('/runs/no-such-run/steps')).status, 404);
  });

  it('GET /runs/:id/steps and /attempts', async () => {
    const steps = (await (await get('/runs/r1/steps')).json()) as { runId: string; steps: { stepId: string; attempts: number }[] };
    assert.equal(steps.runId, 'r1');
    assert.deepEqual(steps.steps.map((s) => [s.stepId, s.attempts]), [['blur', 3], ['threshold', 1]]);
    const attempts = (await (await get('/runs/r1/attempts')).json()) as { attempts: { taskId: string; attempt: number; peakMemoryBytes: number | null }[] };
    assert.deepEqual(attempts.attempts.map((a) => [a.taskId, a.attempt]), [['r1-blur-0', 1], ['r1-blur-1', 1], ['r1-blur-1', 2], ['r1-thr', 1]]);
    assert.equal(attempts.attempts[0]!.peakMemoryBytes, 3221225472);
  });

  it('GET /collect returns the CSV', async () => {
    const res = await get('/collect?workflow=two-step');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/csv; charset=utf-8');
    assert.equal(
      await res.text(),
      'run_id,workflow,step,param.image,param.sigma,attempts,cost_seconds,score,status\r\n' +
        'r1,two-step,blur,file:///data/in.tif,1.5,3,6,0.7,completed\r\n' +
        'r1,two-step,threshold,file:///data/in.tif,1.5,1,4,0.9,completed\r\n',
    );
    assert.equal(await (await get('/collect?run=nope')).text(), 'run_id,workflow,step,attempts,cost_seconds,score,status\r\n');
  });

  it('GET /health/ready answers 503 when the database is gone', async () => {
    const dataSource = app.get<DataSource>(getDataSourceToken(CATALOG_DATA_SOURCE));
    await dataSource.destroy();
    const res = await get('/health/ready');
    assert.equal(res.status, 503);
    assert.deepEqual(await res.json(), { status: 'unavailable', database: 'pglite', message: 'catalog database is closed' });
    assert.equal((await get('/health')).status, 200);
  });
});
