import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Logger } from '@nestjs/common';
import { projectionSnapshot, resetCatalog, tableCounts } from '../testing/catalog-snapshot';
import { ingestBatchSuite } from '../testing/ingest-batch-invariants';
import { completedRunEvents, shuffled } from '../testing/ingest-invariants';
import { usePostgresCatalog } from '../testing/postgres-schema';
import { CatalogIngestService } from './catalog-ingest.service';

Logger.overrideLogger(['error', 'warn']);

const pg = usePostgresCatalog();

ingestBatchSuite('PostgreSQL', pg.dataSource);

describe('concurrent batches on PostgreSQL', () => {
  it('overlapping batches of shared runs and msgIds neither deadlock nor lose updates', async () => {
    const ingest = new CatalogIngestService(pg.dataSource());
    const events = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'].flatMap((id) => completedRunEvents(id));
    await resetCatalog(pg.dataSource());
    for (const e of events) await ingest.ingest(e);
    const expected = await projectionSnapshot(pg.dataSource());
    await resetCatalog(pg.dataSource());
    // Every event three times, in batches of 7 cut from three different orders, all in flight at once.
    const batches = [1, 2, 3].flatMap((seed) => {
      const order = shuffled(events, seed);
      return Array.from({ length: Math.ceil(order.length / 7) }, (_, i) => order.slice(i * 7, i * 7 + 7));
    });
    const results = (await Promise.all(shuffled(batches, 9).map((b) => ingest.ingestBatch(b)))).flat();
    assert.equal(results.filter((r) => r === 'recorded').length, events.length);
    assert.equal(results.filter((r) => r === 'duplicate').length, 2 * events.length);
    assert.deepEqual(await projectionSnapshot(pg.dataSource()), expected);
    assert.equal((await tableCounts(pg.dataSource())).events, events.length);
  });
});
