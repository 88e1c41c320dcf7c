import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CollectController } from './collect/collect.controller';
import { openCatalogDataSource } from './database/catalog-data-source';
import { CATALOG_DATA_SOURCE, type CatalogOptions, compileCatalogOptions } from './database/catalog-options';
import { HealthController } from './health/health.controller';
import { CatalogIngestService } from './ingest/catalog-ingest.service';
import { CatalogQueryService } from './query/catalog-query.service';
import { RunsController } from './runs/runs.controller';

/** Options of {@link CatalogModule.forRoot}. */
export interface CatalogModuleOptions extends CatalogOptions {
  /** Connection attempts after the first fails, PostgreSQL only (default 5, 2 s apart); embedded: none. */
  retryAttempts?: number;
}

/** Default connection retries on PostgreSQL. */
export const DEFAULT_CATALOG_RETRY_ATTEMPTS = 5;

/**
 * The catalog service: database (migrated at start-up), {@link CatalogIngestService},
 * {@link CatalogQueryService} and the HTTP controllers (`/health`, `/runs`, `/collect`).
 * The data source is registered under the name `catalog`, so it coexists with other
 * TypeORM users in one process.
 */
@Module({})
export class CatalogModule {
  /**
   * PostgreSQL when `databaseUrl` is given (optionally in its own `schema`), else
   * the embedded PGlite database under `<home>/catalog`.
   * @throws CatalogConfigError at once for invalid options.
   */
  static forRoot(options: CatalogModuleOptions): DynamicModule {
    const compiled = compileCatalogOptions(options);
    return {
      module: CatalogModule,
      imports: [
        TypeOrmModule.forRootAsync({
          name: CATALOG_DATA_SOURCE,
          // `name` again here: Nest's shutdown hook finds the data source by the resolved options.
          useFactory: () => ({
            name: CATALOG_DATA_SOURCE,
            retryAttempts: compiled.kind === 'postgres' ? (options.retryAttempts ?? DEFAULT_CATALOG_RETRY_ATTEMPTS) : 0,
            retryDelay: 2000,
          }),
          dataSourceFactory: () => openCatalogDataSource(options),
        }),
      ],
      controllers: [HealthController, RunsController, CollectController],
      providers: [CatalogIngestService, CatalogQueryService],
      exports: [CatalogIngestService, CatalogQueryService],
    };
  }
}
