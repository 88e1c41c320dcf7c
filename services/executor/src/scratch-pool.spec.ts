import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ScratchPool } from './scratch-pool';

describe('ScratchPool', () => {
  const parent = mkdtempSync(join(tmpdir(), 'saber-scratch-spec-'));
  after(() => rmSync(parent, { recursive: true, force: true }));

  it('hands out empty tmpdirs, reuses released ones emptied (keeping the log files), and removes all at close', async () => {
    const pool = new ScratchPool(parent);
    const a = await pool.acquire();
    const b = await pool.acquire();
    assert.notEqual(a.tmpdir, b.tmpdir);
    assert.notEqual(a.logdir, b.logdir);
    assert.deepEqual(readdirSync(a.tmpdir), []);
    writeFileSync(join(a.logdir, 'stderr.txt'), 'old output');
    writeFileSync(join(a.tmpdir, 'left-over'), 'x');
    mkdirSync(join(a.tmpdir, 'nested', 'deep'), { recursive: true });
    writeFileSync(join(a.tmpdir, 'nested', 'deep', 'f'), 'x');
    await pool.release(a);
    assert.deepEqual(readdirSync(a.tmpdir), [], 'emptied');
    assert.equal(existsSync(join(a.logdir, 'stderr.txt')), true, 'log files are kept (truncated by the next start)');
    assert.equal(await pool.acquire(), a, 'reused');
    assert.equal(readdirSync(parent).length, 2);
    pool.close();
    assert.equal(existsSync(a.logdir) || existsSync(b.logdir), false);
    assert.deepEqual(readdirSync(parent), []);
  });
});
