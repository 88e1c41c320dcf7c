import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ScratchPool } from './scratch-pool';

describe('ScratchPool', () => {
  const parent = mkdtempSync(join(tmpdir(), 'saber-scratch-spec-'));
  after(() => rmSync(parent, { recursive: true, force: true }));

  it('hands out empty directories, reuses released ones emptied, and removes all at close', async () => {
    const pool = new ScratchPool(parent);
    const a = await pool.acquire();
    const b = await pool.acquire();
    assert.notEqual(a, b);
    writeFileSync(join(a, 'stderr.txt'), 'old output');
    mkdirSync(join(a, 'nested', 'deep'), { recursive: true });
    writeFileSync(join(a, 'nested', 'deep', 'f'), 'x');
    await pool.release(a);
    assert.deepEqual(readdirSync(a), [], 'emptied');
    assert.equal(await pool.acquire(), a, 'reused');
    assert.equal(readdirSync(parent).length, 2);
    pool.close();
    assert.equal(existsSync(a) || existsSync(b), false);
  });
});
