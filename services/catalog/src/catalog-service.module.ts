import { Module, type DynamicModule } from '@nestjs/common';
import { CatalogModule, type CatalogModuleOptions } from './catalog.module';
import { CatalogEventsController } from './catalog-events.controller';
import { CatalogIngestService } from './ingest/catalog-ingest.service';
import { CATALOG_SINK } from './ingest/catalog-sink';

/** The catalog as a SABER service: the database module plus its bus consumer. */
@Module({})
export class CatalogServiceModule {
  static forRoot(options: CatalogModuleOptions): DynamicModule {
    return {
      module: CatalogServiceModule,
      imports: [CatalogModule.forRoot(options)],
      controllers: [CatalogEventsController],
      providers: [{ provide: CATALOG_SINK, useExisting: CatalogIngestService }],
    };
  }
}
