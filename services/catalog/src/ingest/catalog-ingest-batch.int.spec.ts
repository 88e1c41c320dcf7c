import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { openCatalogDataSource } from '../database/catalog-data-source';
import { projectionSnapshot, resetCatalog, tableCounts } from '../testing/catalog-snapshot';
import { ingestBatchSuite } from '../testing/ingest-batch-invariants';
import { completedRunEvents, shuffled } from '../testing/ingest-invariants';
import { dropSchema, randomSchema, requireDatabaseUrl } from '../testing/postgres-schema';
import { CatalogIngestService } from './catalog-ingest.service';

Logger.overrideLogger(['error', 'warn']);

const schema = randomSchema();
let url: string;
let dataSource: DataSource;

before(async () => {
  url = requireDatabaseUrl();
  dataSource = await openCatalogDataSource({ databaseUrl: url, home: '/nonexistent', schema });
});
after(async () => {
  if (dataSource?.isInitialized) await dataSource.destroy();
  if (url) await dropSchema(url, schema);
});

ingestBatchSuite('PostgreSQL', () => dataSource);

describe('concurrent batches on PostgreSQL', () => {
  it('overlapping batches of shared runs and msgIds neither deadlock nor lose updates', async () => {
    const ingest = new CatalogIngestService(dataSource);
    const events = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'].flatMap((id) => completedRunEvents(id));
    await resetCatalog(dataSource);
    for (const e of events) await ingest.ingest(e);
    const expected = await projectionSnapshot(dataSource);
    await resetCatalog(dataSource);
    // Every event three times, in batches of 7 cut from three different orders, all in flight at once.
    const batches = [1, 2, 3].flatMap((seed) => {
      const order = shuffled(events, seed);
      return Array.from({ length: Math.ceil(order.length / 7) }, (_, i) => order.slice(i * 7, i * 7 + 7));
    });
    const results = (await Promise.all(shuffled(batches, 9).map((b) => ingest.ingestBatch(b)))).flat();
    assert.equal(results.filter((r) => r === 'recorded').length, events.length);
    assert.equal(results.filter((r) => r === 'duplicate').length, 2 * events.length);
    assert.deepEqual(await projectionSnapshot(dataSource), expected);
    assert.equal((await tableCounts(dataSource)).events, events.length);
  });
});
