/**
 * Catalog measurements for the README (not a test):
 *   node dist/bench/catalog.bench.js open            PGlite open+migrate: fresh directory, then reopen
 *   node dist/bench/catalog.bench.js ingest pglite [runs] [inFlight] [batch]
 *   DATABASE_URL=... node dist/bench/catalog.bench.js ingest postgres [runs] [inFlight] [batch]
 * Prints one JSON line per measurement. Each run is 14 events (see completedRunEvents).
 * `batch` (default 1) is the number of consecutive events per `ingestBatch` call;
 * 1 uses `ingest`, one transaction per event. `cpuSeconds` is this process's CPU
 * time (user + system): for PGlite, which runs in-process, the whole cost of ingest.
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

async function measureIngest(db: string, runs: number, inFlight: number, batch: number): Promise<void> {
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
    const cpu = process.cpuUsage();
    const t = performance.now();
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next < events.length) {
          if (batch <= 1) await ingest.ingest(events[next++]!);
          else {
            const slice = events.slice(next, (next += batch));
            for (const r of await ingest.ingestBatch(slice)) if (r instanceof Error) throw r;
          }
        }
      }),
    );
    const seconds = (performance.now() - t) / 1000;
    const used = process.cpuUsage(cpu);
    const cpuSeconds = (used.user + used.system) / 1e6;
    console.log(
      JSON.stringify({ measure: 'ingest', db, events: events.length, inFlight, batch, seconds: +seconds.toFixed(2), eventsPerSecond: Math.round(events.length / seconds), cpuSeconds: +cpuSeconds.toFixed(2) }),
    );
  } finally {
    await ds.destroy();
    if (home) await rm(home, { recursive: true, force: true });
    if (schema) await dropSchema(process.env.DATABASE_URL!, schema);
  }
}

async function main(): Promise<void> {
  const [mode, db = 'pglite', runs = '100', inFlight = '1', batch = '1'] = process.argv.slice(2);
  if (mode === 'open') await measureOpen();
  else if (mode === 'ingest') await measureIngest(db, Number(runs), Number(inFlight), Number(batch));
  else throw new Error('usage: catalog.bench.js open | ingest pglite|postgres [runs] [inFlight] [batch]');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
