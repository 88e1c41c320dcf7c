import type { CatalogEventInput, IngestOutcome } from './catalog-event';

/**
 * Where the catalog's bus consumer records events: the ingest service on the
 * database in this thread, or (embedded mode) a worker thread that owns PGlite.
 */
export interface CatalogSink {
  /** Records a batch in one transaction; per-event errors come back in the results. */
  ingestBatch(events: CatalogEventInput[]): Promise<Array<IngestOutcome | Error>>;
}

/** Injection token of the {@link CatalogSink}. */
export const CATALOG_SINK = Symbol.for('saber.catalog-sink');

/** Reads a run's status (what `saber run` waits on before it exits). */
export interface CatalogRunReader {
  /** The run's status, or null when it is not recorded (yet). */
  runStatus(runId: string): Promise<string | null>;
}

/** Injection token of the {@link CatalogRunReader}. */
export const CATALOG_RUN_READER = Symbol.for('saber.catalog-run-reader');
