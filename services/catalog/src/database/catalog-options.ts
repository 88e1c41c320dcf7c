import { resolve } from 'node:path';
import type { SaberConfig } from '@saber/config';
import { CatalogConfigError } from './catalog-error';

/** Name of the catalog's Nest/TypeORM data source (so it never clashes with another service's). */
export const CATALOG_DATA_SOURCE = 'catalog';

/** Directory under `home` holding the embedded (PGlite) catalog. */
export const EMBEDDED_CATALOG_DIR = 'catalog';

/** Table where TypeORM records applied catalog migrations. */
export const CATALOG_MIGRATIONS_TABLE = 'catalog_migrations';

/** How to reach the catalog database. */
export interface CatalogOptions {
  /**
   * PostgreSQL connection URL (`DATABASE_URL`). Omitted: the embedded PGlite
   * database under `<home>/catalog`.
   */
  databaseUrl?: string;
  /** SABER's state directory (`SABER_HOME`); relative paths resolve against the working directory. */
  home: string;
  /**
   * PostgreSQL schema holding the catalog tables, created when missing; default: the
   * server's search_path (normally `public`). Lower-case letters, digits and `_`.
   * PostgreSQL only: rejected in embedded mode.
   */
  schema?: string;
  /** Log every SQL statement (default false). */
  logging?: boolean;
}

/** {@link CatalogOptions} validated, with defaults applied. */
export type CompiledCatalogOptions =
  | { readonly kind: 'postgres'; readonly url: string; readonly schema?: string; readonly logging: boolean }
  | { readonly kind: 'pglite'; readonly dataDir: string; readonly logging: boolean };

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Validates `options`; throws {@link CatalogConfigError} naming the bad option. */
export function compileCatalogOptions(options: CatalogOptions): CompiledCatalogOptions {
  const logging = options.logging ?? false;
  if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) {
    throw new CatalogConfigError(
      `catalog schema "${options.schema}": use 1 to 63 lower-case letters, digits or _, starting with a letter or _`,
    );
  }
  if (options.databaseUrl) {
    if (!/^postgres(ql)?:\/\//.test(options.databaseUrl)) {
      throw new CatalogConfigError('catalog databaseUrl must start with postgres:// or postgresql://');
    }
    return { kind: 'postgres', url: options.databaseUrl, schema: options.schema, logging };
  }
  if (options.schema !== undefined) {
    throw new CatalogConfigError('catalog schema is for PostgreSQL only: give databaseUrl or drop schema');
  }
  if (!options.home) throw new CatalogConfigError('catalog home is required for the embedded catalog');
  return { kind: 'pglite', dataDir: resolve(options.home, EMBEDDED_CATALOG_DIR), logging };
}

/** Catalog options from the compiled SABER configuration (`DATABASE_URL`, `SABER_HOME`). */
export function catalogOptionsFromConfig(config: Pick<SaberConfig, 'databaseUrl' | 'home'>): CatalogOptions {
  return { databaseUrl: config.databaseUrl, home: config.home };
}
