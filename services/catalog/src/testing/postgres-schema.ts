import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import { Client } from 'pg';

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
