/**
 * @module @saber/catalog
 * The SABER catalog: records every bus event in PostgreSQL (or embedded PGlite)
 * through TypeORM, projects runs, steps and task attempts, and serves them over
 * HTTP and as the CSV of `saber collect`.
 */
export * from './catalog.module';
export * from './database/catalog-options';
export * from './database/catalog-error';
export { openCatalogDataSource, isEmbeddedCatalog } from './database/catalog-data-source';
export * from './database/catalog-entities';
export * from './migrations';
export * from './events/event.entity';
export * from './workflows/workflow.entity';
export * from './runs/run.entity';
export * from './runs/run-status';
export * from './runs/runs.controller';
export * from './steps/step.entity';
export * from './steps/step-status';
export * from './attempts/task-attempt.entity';
export * from './attempts/attempt-status';
export * from './outputs/run-output.entity';
export * from './metrics/metric.entity';
export * from './ingest/catalog-event';
export * from './ingest/catalog-ingest.service';
export { CATALOG_CONTRACTS, type CatalogContract, contractForSubject } from './ingest/event-contracts';
export * from './query/catalog-query.service';
export * from './collect/collect-row';
export * from './collect/csv';
export * from './collect/collect.controller';
export * from './health/health.controller';
export * from './catalog-events.controller';
export * from './catalog-service.module';
export * from './ingest/catalog-sink';
export * from './embedded/embedded-catalog.module';
export * from './embedded/catalog-worker.client';
