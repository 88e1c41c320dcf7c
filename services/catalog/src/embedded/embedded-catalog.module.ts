import { Module, type DynamicModule } from '@nestjs/common';
import { CatalogEventsController } from '../catalog-events.controller';
import { CATALOG_RUN_READER, CATALOG_SINK } from '../ingest/catalog-sink';
import { CatalogWorkerClient, type CatalogWorkerOptions } from './catalog-worker.client';

/**
 * The catalog in embedded mode: the same bus consumer, recording into PGlite on a
 * worker thread ({@link CatalogWorkerClient}). No HTTP API (embedded mode has no
 * server); `saber status`/`collect` read the database after the run.
 */
@Module({})
export class EmbeddedCatalogModule {
  static forRoot(options: CatalogWorkerOptions): DynamicModule {
    return {
      module: EmbeddedCatalogModule,
      controllers: [CatalogEventsController],
      providers: [
        { provide: CatalogWorkerClient, useFactory: () => new CatalogWorkerClient(options) },
        { provide: CATALOG_SINK, useExisting: CatalogWorkerClient },
        { provide: CATALOG_RUN_READER, useExisting: CatalogWorkerClient },
      ],
      exports: [CATALOG_RUN_READER],
    };
  }
}
