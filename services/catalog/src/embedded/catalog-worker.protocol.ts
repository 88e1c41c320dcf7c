import type { CatalogEventInput } from '../ingest/catalog-event';

/** Main thread → catalog worker. */
export type CatalogWorkerRequest =
  | { id: number; op: 'ingest'; events: CatalogEventInput[] }
  | { id: number; op: 'runStatus'; runId: string }
  | { id: number; op: 'close' };

/** An error as it crosses the thread boundary. */
export interface WireError {
  name: string;
  message: string;
}

/** Catalog worker → main thread. `ready` once the database is open and migrated. */
export type CatalogWorkerReply =
  | { op: 'ready' }
  | { op: 'failed'; error: WireError }
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: WireError };
