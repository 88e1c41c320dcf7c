import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Logger } from '@nestjs/common';
import { openCatalogDataSource } from './database/catalog-data-source';
import { CatalogIngestService } from './ingest/catalog-ingest.service';
import { CatalogQueryService } from './query/catalog-query.service';
import { resetCatalog, tableCounts } from './testing/catalog-snapshot';
import { completedRunEvents, ingestInvariantSuite, shuffled } from './testing/ingest-invariants';
import { usePostgresCatalog } from './testing/postgres-schema';

Logger.overrideLogger(['error', 'warn']);

const pg = usePostgresCatalog();

ingestInvariantSuite('PostgreSQL', pg.dataSource);

describe('catalog on PostgreSQL', () => {
  it('creates its tables in the given pg.schema and records the migration there', async () => {
    const tables = (await pg.dataSource().query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
      [pg.schema],
    )) as { table_name: string }[];
    assert.deepEqual(
      tables.map((t) => t.table_name),
      ['catalog_migrations', 'events', 'metrics', 'outputs', 'runs', 'steps', 'task_attempts', 'workflows'],
    );
    const migrations = (await pg.dataSource().query(`SELECT name FROM catalog_migrations`)) as { name: string }[];
    assert.deepEqual(migrations, [{ name: 'Init1700000000000' }]);
  });

  it('reopening applies no migration twice', async () => {
    const second = await openCatalogDataSource({ databaseUrl: pg.url(), home: '/nonexistent', schema: pg.schema });
    try {
      assert.deepEqual(await second.query(`SELECT count(*)::int AS n FROM catalog_migrations`), [{ n: 1 }]);
      assert.equal(await second.showMigrations(), false);
    } finally {
      await second.destroy();
    }
  });

  it('ingests 20 shuffled runs concurrently without deadlock or lost updates', async () => {
    await resetCatalog(pg.dataSource());
    const ingest = new CatalogIngestService(pg.dataSource());
    const runIds = Array.from({ length: 20 }, (_, i) => `par-${i}`);
    const events = shuffled(runIds.flatMap((id) => completedRunEvents(id)), 42);
    const outcomes = await Promise.all([...events, ...events].map((e) => ingest.ingest(e)));
    assert.equal(outcomes.filter((o) => o === 'recorded').length, events.length);
    const counts = await tableCounts(pg.dataSource());
    assert.equal(counts.runs, 20);
    assert.equal(counts.task_attempts, 20 * 4);
    assert.equal(counts.steps, 20 * 2);
    const rows = await new CatalogQueryService(pg.dataSource()).collect();
    assert.equal(rows.length, 40);
    for (const row of rows) {
      assert.equal(row.status, 'completed', `${row.runId}/${row.step}`);
      assert.deepEqual(
        [row.attempts, row.costSeconds, row.score],
        row.step === 'blur' ? [3, 6, 0.7] : [1, 4, 0.9],
        `${row.runId}/${row.step}`,
      );
    }
  });
});
