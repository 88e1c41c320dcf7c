import type { CatalogQueryService } from '@saber/catalog';
import { loadConfig } from '@saber/config';
import { resolve } from 'node:path';

/** Where `status` and `collect` read: `--database-url`, else DATABASE_URL, else the embedded catalog of SABER_HOME. */
export interface CatalogAccessOptions {
  databaseUrl?: string;
  home?: string;
}

/** Opens the catalog, runs `fn` on its query service, closes it. */
export async function withCatalog<T>(opts: CatalogAccessOptions, fn: (q: CatalogQueryService) => Promise<T>): Promise<T> {
  // Loaded on demand: TypeORM and PGlite slow down the start of every other command.
  const { CatalogQueryService: Query, openCatalogDataSource } = await import('@saber/catalog');
  const config = loadConfig(process.env, opts.home ? { home: resolve(opts.home) } : {});
  const ds = await openCatalogDataSource({
    databaseUrl: opts.databaseUrl ?? config.databaseUrl,
    home: config.home,
    schema: (opts.databaseUrl ?? config.databaseUrl) ? config.dbSchema : undefined,
  });
  try {
    return await fn(new Query(ds));
  } finally {
    await ds.destroy();
  }
}
