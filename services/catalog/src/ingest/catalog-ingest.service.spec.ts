import { after, before } from 'node:test';
import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { openTempCatalog } from '../testing/catalog-fixtures';
import { ingestInvariantSuite } from '../testing/ingest-invariants';

Logger.overrideLogger(['error', 'warn']);

let catalog: { dataSource: DataSource; close(): Promise<void> };
before(async () => {
  catalog = await openTempCatalog();
});
after(async () => {
  await catalog.close();
});

ingestInvariantSuite('PGlite', () => catalog.dataSource);
