import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { openCatalogDataSource } from '../database/catalog-data-source';

/**
 * `DATABASE_URL` of the integration tests' PostgreSQL; fails the test with a clear
 * message when it is not set.
 */
export function requireDatabaseUrl(): string {
  const url = process.env.DATABASE_URL;
  assert.ok(
    url,
    'DATABASE_URL is not set: integration tests (*.int.spec.js) need a PostgreSQL >= 15, ' +
      'e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/test (test/run-tests.mjs starts one)',
  );
  return url;
}

/** A fresh schema name for one test file. */
export function randomSchema(prefix = 'catalog_test'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

/** Drops `schema` and everything in it. */
export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/**
 * Registers `before`/`after` hooks that open a migrated catalog on DATABASE_URL in a
 * fresh random schema and drop that schema afterwards. Returns the data source's getter.
 */
export function usePostgresCatalog(): { dataSource: () => DataSource; url: () => string; schema: string } {
  const schema = randomSchema();
  let url = '';
  let dataSource: DataSource | undefined;
  before(async () => {
    url = requireDatabaseUrl();
    dataSource = await openCatalogDataSource({ databaseUrl: url, home: '/nonexistent', schema });
  });
  after(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    if (url) await dropSchema(url, schema);
  });
  return { dataSource: () => dataSource!, url: () => url, schema };
}
