import { after, before } from 'node:test';
import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { openTempCatalog } from '../testing/catalog-fixtures';
import { ingestBatchSuite } from '../testing/ingest-batch-invariants';

Logger.overrideLogger(['error', 'warn']);

let catalog: { dataSource: DataSource; close(): Promise<void> };
before(async () => {
  catalog = await openTempCatalog();
});
after(async () => {
  await catalog.close();
});

ingestBatchSuite('PGlite', () => catalog.dataSource);
