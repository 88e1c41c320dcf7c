/**
 * Catalog measurements for the README (not a test):
 *   node dist/bench/catalog.bench.js open            PGlite open+migrate: fresh directory, then reopen
 *   node dist/bench/catalog.bench.js ingest pglite [runs] [inFlight]
 *   DATABASE_URL=... node dist/bench/catalog.bench.js ingest postgres [runs] [inFlight]
 * Prints one JSON line per measurement. Each run is 14 events (see completedRunEvents).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { openCatalogDataSource } from '../database/catalog-data-source';
import { CatalogIngestService } from '../ingest/catalog-ingest.service';
import { completedRunEvents } from '../testing/ingest-invariants';
import { dropSchema, randomSchema } from '../testing/postgres-schema';

Logger.overrideLogger(['error']);

async function measureOpen(): Promise<void> {
  const home = await mkdtemp(join(tmpdir(), 'saber-catalog-bench-'));
  try {
    let t = performance.now();
    let ds = await openCatalogDataSource({ home });
    const fresh = performance.now() - t;
    await ds.destroy();
    t = performance.now();
    ds = await openCatalogDataSource({ home });
    const reopen = performance.now() - t;
    await ds.destroy();
    console.log(JSON.stringify({ measure: 'pglite-open', freshMs: Math.round(fresh), reopenMs: Math.round(reopen) }));
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

async function measureIngest(db: string, runs: number, inFlight: number): Promise<void> {
  let home: string | undefined;
  let schema: string | undefined;
  let ds: DataSource;
  if (db === 'postgres') {
    schema = randomSchema('catalog_bench');
    ds = await openCatalogDataSource({ databaseUrl: process.env.DATABASE_URL, home: '/nonexistent', schema });
  } else {
    home = await mkdtemp(join(tmpdir(), 'saber-catalog-bench-'));
    ds = await openCatalogDataSource({ home });
  }
  try {
    const ingest = new CatalogIngestService(ds);
    const events = Array.from({ length: runs }, (_, i) => completedRunEvents(`bench-${i}`)).flat();
    let next = 0;
    const t = performance.now();
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next < events.length) await ingest.ingest(events[next++]!);
      }),
    );
    const seconds = (performance.now() - t) / 1000;
    console.log(
      JSON.stringify({ measure: 'ingest', db, events: events.length, inFlight, seconds: +seconds.toFixed(2), eventsPerSecond: Math.round(events.length / seconds) }),
    );
  } finally {
    await ds.destroy();
    if (home) await rm(home, { recursive: true, force: true });
    if (schema) await dropSchema(process.env.DATABASE_URL!, schema);
  }
}

async function main(): Promise<void> {
  const [mode, db = 'pglite', runs = '100', inFlight = '1'] = process.argv.slice(2);
  if (mode === 'open') await measureOpen();
  else if (mode === 'ingest') await measureIngest(db, Number(runs), Number(inFlight));
  else throw new Error('usage: catalog.bench.js open | ingest pglite|postgres [runs] [inFlight]');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
