#!/usr/bin/env node
// bench:catalog — event ingestion of the catalog, one event per transaction (the
// baseline) against group commit (batches of 500), on embedded PGlite and, when
// DATABASE_URL is set, on PostgreSQL. Runs services/catalog's compiled bench in
// child processes (one database per process).
// Last line: `catalog: key=value ...` with events/s and the speed-up of batching.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(new URL('../..', import.meta.url).pathname);
const bench = resolve(root, 'services/catalog/dist/bench/catalog.bench.js');
const RUNS = process.env.BENCH_RUNS ?? '100';

function ingest(db, batch) {
  const r = spawnSync(process.execPath, [bench, 'ingest', db, RUNS, '1', String(batch)], { encoding: 'utf8', env: process.env });
  if (r.status !== 0) throw new Error(`catalog bench failed: ${r.stderr}`);
  const line = r.stdout.trim().split('\n').pop();
  const m = JSON.parse(line);
  console.log(`${db.padEnd(8)} batch ${String(batch).padStart(3)}: ${m.events} events in ${m.seconds} s (${m.eventsPerSecond} events/s, ${m.cpuSeconds} CPU s)`);
  return m.eventsPerSecond;
}

const out = {};
for (const db of ['pglite', ...(process.env.DATABASE_URL ? ['postgres'] : [])]) {
  const one = ingest(db, 1);
  const many = ingest(db, 500);
  Object.assign(out, { [`${db}_eps_batch1`]: one, [`${db}_eps_batch500`]: many, [`${db}_speedup`]: (many / one).toFixed(2) });
}
if (!process.env.DATABASE_URL) console.log('postgres: skipped (set DATABASE_URL)');
console.log(`catalog: runs=${RUNS} ${Object.entries(out).map(([k, v]) => `${k}=${v}`).join(' ')}`);
