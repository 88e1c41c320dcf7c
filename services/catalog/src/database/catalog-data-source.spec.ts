import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CatalogConfigError } from './catalog-error';
import { isEmbeddedCatalog, openCatalogDataSource } from './catalog-data-source';
import { catalogOptionsFromConfig, compileCatalogOptions } from './catalog-options';

describe('compileCatalogOptions', () => {
  it('picks PGlite under <home>/catalog without a databaseUrl', () => {
    assert.deepEqual(compileCatalogOptions({ home: '/tmp/h' }), { kind: 'pglite', dataDir: '/tmp/h/catalog', logging: false });
  });

  it('picks PostgreSQL with a databaseUrl and optional schema', () => {
    assert.deepEqual(compileCatalogOptions({ home: '/h', databaseUrl: 'postgres://u@db/x', schema: 'ci_1' }), {
      kind: 'postgres', url: 'postgres://u@db/x', schema: 'ci_1', logging: false,
    });
  });

  it('names the bad option', () => {
    assert.throws(() => compileCatalogOptions({ home: '/h', schema: 'x' }), {
      name: 'CatalogConfigError',
      message: 'catalog schema is for PostgreSQL only: give databaseUrl or drop schema',
    });
    assert.throws(() => compileCatalogOptions({ home: '/h', databaseUrl: 'postgres://db/x', schema: 'Bad-Name' }), /catalog schema "Bad-Name"/);
    assert.throws(() => compileCatalogOptions({ home: '/h', databaseUrl: 'mysql://db/x' }), CatalogConfigError);
  });

  it('reads DATABASE_URL and SABER_HOME from the SABER config', () => {
    assert.deepEqual(catalogOptionsFromConfig({ databaseUrl: undefined, home: '/h' }), { databaseUrl: undefined, home: '/h' });
  });
});

describe('openCatalogDataSource (embedded)', () => {
  it('creates <home>/catalog, migrates once, and reopens without migrating again', async () => {
    const home = await mkdtemp(join(tmpdir(), 'saber-catalog-ds-'));
    try {
      const first = await openCatalogDataSource({ home });
      assert.equal(isEmbeddedCatalog(first), true);
      assert.equal(existsSync(join(home, 'catalog')), true);
      assert.deepEqual(await first.query(`SELECT name FROM catalog_migrations`), [{ name: 'Init1700000000000' }]);
      await first.query(`INSERT INTO events (msg_id, subject, payload) VALUES ('m', 's', '{}')`);
      await assert.rejects(openCatalogDataSource({ home: join(home, 'other') }), {
        name: 'CatalogConfigError',
        message: new RegExp(`an embedded catalog \\(${join(home, 'catalog')}\\) is already open in this process`),
      });
      await first.destroy();

      const second = await openCatalogDataSource({ home });
      try {
        assert.equal(await second.showMigrations(), false);
        assert.deepEqual(await second.query(`SELECT msg_id FROM events`), [{ msg_id: 'm' }]);
      } finally {
        await second.destroy();
      }
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
