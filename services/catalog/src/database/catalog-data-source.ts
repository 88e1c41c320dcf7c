import { mkdir } from 'node:fs/promises';
import { Client } from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { PGliteDriver } from 'typeorm-pglite';
import { CATALOG_MIGRATIONS } from '../migrations';
import { CATALOG_ENTITIES } from './catalog-entities';
import { CatalogConfigError } from './catalog-error';
import {
  CATALOG_MIGRATIONS_TABLE,
  type CatalogOptions,
  type CompiledCatalogOptions,
  compileCatalogOptions,
} from './catalog-options';

/** The embedded catalog open in this process: typeorm-pglite keeps one PGlite instance per process. */
let openEmbedded: { dataDir: string; dataSource: DataSource } | undefined;

/**
 * TypeORM options for the catalog: its entities and migrations, `migrationsRun`,
 * never `synchronize`. PostgreSQL with a `schema` sets the connections' search_path
 * to it, so the migrations' unqualified table names land there.
 */
export function catalogDataSourceOptions(compiled: CompiledCatalogOptions): DataSourceOptions {
  const common = {
    type: 'postgres' as const,
    entities: CATALOG_ENTITIES,
    migrations: CATALOG_MIGRATIONS,
    migrationsRun: true,
    migrationsTableName: CATALOG_MIGRATIONS_TABLE,
    synchronize: false,
    logging: compiled.logging,
  };
  if (compiled.kind === 'postgres') {
    return {
      ...common,
      url: compiled.url,
      schema: compiled.schema,
      applicationName: 'saber-catalog',
      extra: compiled.schema ? { options: `-c search_path=${compiled.schema}` } : {},
    };
  }
  return {
    ...common,
    driver: new PGliteDriver({ dataDir: compiled.dataDir }).driver,
    // PGlite ships no extensions; without these TypeORM tries to install uuid-ossp
    // and the process exits 1 after succeeding (see DEPENDENCIES.md).
    installExtensions: false,
    uuidExtension: 'pgcrypto',
  };
}

/**
 * Opens the catalog database and applies pending migrations: PostgreSQL when
 * `databaseUrl` is given (creating `schema` if needed), else PGlite under
 * `<home>/catalog`. Used by {@link CatalogModule} and by CLI commands that read
 * the catalog without Nest. Close it with `dataSource.destroy()`.
 *
 * Only one embedded catalog can be open per process (typeorm-pglite holds one
 * PGlite instance), and only one process may open a PGlite directory at a time;
 * a second open in the same process throws {@link CatalogConfigError}.
 */
export async function openCatalogDataSource(options: CatalogOptions): Promise<DataSource> {
  const compiled = compileCatalogOptions(options);
  if (compiled.kind === 'postgres') {
    if (compiled.schema) await createSchema(compiled.url, compiled.schema);
    return new DataSource(catalogDataSourceOptions(compiled)).initialize();
  }
  if (openEmbedded?.dataSource.isInitialized) {
    throw new CatalogConfigError(
      `an embedded catalog (${openEmbedded.dataDir}) is already open in this process; destroy it before opening ${compiled.dataDir}`,
    );
  }
  await mkdir(compiled.dataDir, { recursive: true });
  const dataSource = new DataSource(catalogDataSourceOptions(compiled));
  openEmbedded = { dataDir: compiled.dataDir, dataSource };
  try {
    return await dataSource.initialize();
  } catch (error) {
    if (dataSource.isInitialized) await dataSource.destroy().catch(() => undefined);
    openEmbedded = undefined;
    throw error;
  }
}

/** True when `dataSource` is an embedded (PGlite) catalog: one session, so transactions must not overlap. */
export function isEmbeddedCatalog(dataSource: DataSource): boolean {
  return (dataSource.options as { driver?: unknown }).driver !== undefined;
}

async function createSchema(url: string, schema: string): Promise<void> {
  const client = new Client({ connectionString: url, application_name: 'saber-catalog' });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  } catch (error) {
    // Two processes creating the schema at once: the loser sees a duplicate.
    if (!['42P06', '23505'].includes((error as { code?: string }).code ?? '')) throw error;
  } finally {
    await client.end();
  }
}
