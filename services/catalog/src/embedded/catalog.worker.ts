// The embedded catalog's worker thread: owns the PGlite database, so its SQL (which
// blocks the thread it runs on) never stalls the services on the main thread.
import { Logger } from '@nestjs/common';
import { StderrLogger } from '@saber/runtime';
import { parentPort, workerData } from 'node:worker_threads';
import { openCatalogDataSource } from '../database/catalog-data-source';
import { CatalogIngestService } from '../ingest/catalog-ingest.service';
import { CatalogQueryService } from '../query/catalog-query.service';
import type { CatalogWorkerReply, CatalogWorkerRequest, WireError } from './catalog-worker.protocol';

const port = parentPort!;
const send = (m: CatalogWorkerReply) => port.postMessage(m);
const wire = (e: unknown): WireError => ({ name: (e as Error)?.name ?? 'Error', message: (e as Error)?.message ?? String(e) });

// stdout belongs to the CLI's result; this thread logs warnings and errors on stderr.
Logger.overrideLogger(new StderrLogger(['error', 'warn']));

async function main(): Promise<void> {
  const ds = await openCatalogDataSource({ home: (workerData as { home: string }).home });
  const ingest = new CatalogIngestService(ds);
  const query = new CatalogQueryService(ds);
  port.on('message', async (m: CatalogWorkerRequest) => {
    try {
      if (m.op === 'ingest') {
        const results = await ingest.ingestBatch(m.events);
        send({ id: m.id, ok: true, value: results.map((r) => (r instanceof Error ? { error: wire(r) } : r)) });
      } else if (m.op === 'runStatus') {
        const run = await query.getRun(m.runId);
        send({ id: m.id, ok: true, value: run ? String(run.status) : null });
      } else {
        await ds.destroy();
        send({ id: m.id, ok: true, value: null });
        port.close();
      }
    } catch (e) {
      send({ id: m.id, ok: false, error: wire(e) });
    }
  });
  send({ op: 'ready' });
}

main().catch((e: unknown) => send({ op: 'failed', error: wire(e) }));
