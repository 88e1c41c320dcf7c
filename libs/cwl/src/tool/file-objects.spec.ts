import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { after, describe, it } from 'node:test';
import { checksumWorkerThreads, sha1OnWorker, warmChecksumWorkers, WORKER_CHECKSUM_BYTES } from './checksum-workers';
import { sha1Checksum } from './file-objects';

const dir = mkdtempSync(join(tmpdir(), 'saber-checksum-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A file of `bytes` pseudo-random bytes, and its sha1 computed here. */
function file(name: string, bytes: number, seed: number): { path: string; sum: string } {
  const data = Buffer.alloc(bytes);
  let s = seed;
  for (let i = 0; i < bytes; i += 4) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data.writeUInt32LE(s, i);
  }
  const path = join(dir, name);
  writeFileSync(path, data);
  return { path, sum: `sha1$${createHash('sha1').update(data).digest('hex')}` };
}

describe('sha1Checksum', () => {
  it('starts the hashing threads ahead of need once (one per core, at most 4), and they hash', async () => {
    assert.equal(checksumWorkerThreads(), 0);
    warmChecksumWorkers();
    const pool = Math.max(1, Math.min(4, availableParallelism()));
    assert.equal(checksumWorkerThreads(), pool);
    warmChecksumWorkers();
    assert.equal(checksumWorkerThreads(), pool);
    const f = file('warm.bin', 5000, 3);
    assert.equal(await sha1OnWorker(f.path), f.sum);
    assert.equal(checksumWorkerThreads(), pool);
  });

  it('hashes small files inline and large ones on worker threads, side by side, to the same sha1', async () => {
    const small = file('small.bin', 3 * (1 << 20) + 12, 1);
    const large = [1, 2, 3, 4, 5].map((k) => file(`large-${k}.bin`, WORKER_CHECKSUM_BYTES + k * 4096, k + 10));
    assert.equal(await sha1Checksum(small.path), small.sum);
    // More files than workers: the rest wait their turn.
    assert.deepEqual(await Promise.all(large.map((f) => sha1Checksum(f.path))), large.map((f) => f.sum));
    assert.equal(await sha1OnWorker(small.path), small.sum);
  });

  it('rejects with the read error and its code, and the workers go on hashing', async () => {
    await assert.rejects(sha1OnWorker(dir), (err: NodeJS.ErrnoException) => err.code === 'EISDIR' && /EISDIR/.test(err.message));
    await assert.rejects(sha1OnWorker(join(dir, 'missing.bin')), (err: NodeJS.ErrnoException) => err.code === 'ENOENT' && err.message.includes('missing.bin'));
    await assert.rejects(sha1Checksum(join(dir, 'missing.bin')), (err: NodeJS.ErrnoException) => err.code === 'ENOENT');
    const f = file('after.bin', 1000, 7);
    assert.equal(await sha1OnWorker(f.path), f.sum);
  });
});
