import { Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CatalogEventInput, IngestOutcome } from '../ingest/catalog-event';
import type { CatalogRunReader, CatalogSink } from '../ingest/catalog-sink';
import type { CatalogWorkerReply, CatalogWorkerRequest, WireError } from './catalog-worker.protocol';

/** Options of {@link CatalogWorkerClient}. */
export interface CatalogWorkerOptions {
  /** SABER_HOME: the database lives in `<home>/catalog`. */
  home: string;
}

function toError(w: WireError): Error {
  return Object.assign(new Error(w.message), { name: w.name });
}

type Request = CatalogWorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/**
 * The embedded catalog in a worker thread: PGlite runs its SQL on the thread that
 * owns it and blocks that thread meanwhile, so here it gets a thread (and, on a
 * multi-core machine, a core) of its own. Implements the sink the bus consumer
 * writes to and the run reader `saber run` waits on.
 */
@Injectable()
export class CatalogWorkerClient implements CatalogSink, CatalogRunReader, OnModuleInit, OnApplicationShutdown {
  private worker?: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor(private readonly options: CatalogWorkerOptions) {}

  /** Starts the worker; resolves once the database is open and migrated. */
  async onModuleInit(): Promise<void> {
    const worker = new Worker(join(__dirname, 'catalog.worker.js'), { workerData: { home: this.options.home } });
    this.worker = worker;
    await new Promise<void>((resolve, reject) => {
      const onMessage = (m: CatalogWorkerReply) => {
        if ('op' in m && m.op === 'ready') resolve();
        else if ('op' in m && m.op === 'failed') reject(toError(m.error));
        else if ('id' in m) this.settle(m);
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
      worker.on('exit', (code) => {
        for (const p of this.pending.values()) p.reject(new Error(`catalog worker exited (${code})`));
        this.pending.clear();
      });
    });
  }

  /**
   * Closes the database (after everything sent so far) and ends the worker. At
   * application shutdown, i.e. after the bus consumer's own destroy hook has
   * committed its last batch.
   */
  async onApplicationShutdown(): Promise<void> {
    if (!this.worker) return;
    await this.call({ op: 'close' }).catch(() => undefined);
    await this.worker.terminate();
    this.worker = undefined;
  }

  async ingestBatch(events: CatalogEventInput[]): Promise<Array<IngestOutcome | Error>> {
    const results = (await this.call({ op: 'ingest', events })) as Array<IngestOutcome | { error: WireError }>;
    return results.map((r) => (typeof r === 'string' ? r : toError(r.error)));
  }

  async runStatus(runId: string): Promise<string | null> {
    return (await this.call({ op: 'runStatus', runId })) as string | null;
  }

  private call(request: Request): Promise<unknown> {
    const worker = this.worker;
    if (!worker) return Promise.reject(new Error('catalog worker is not running'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...request, id } as CatalogWorkerRequest);
    });
  }

  private settle(m: Extract<CatalogWorkerReply, { id: number }>): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (m.ok) p.resolve(m.value);
    else p.reject(toError(m.error));
  }
}
