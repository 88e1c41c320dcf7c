import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Batcher, Mailboxes } from './batcher';

describe('Batcher', () => {
  it('commits items posted during a commit together, one batch at a time', async () => {
    const batches: number[][] = [];
    let running = 0;
    const b = new Batcher<number>(async (items) => {
      running++;
      assert.equal(running, 1, 'never two commits at once');
      batches.push(items);
      await new Promise((r) => setTimeout(r, 10));
      running--;
    });
    await Promise.all([1, 2, 3, 4, 5].map((i) => b.post(i)));
    assert.deepEqual(batches, [[1], [2, 3, 4, 5]]);
    assert.equal(b.idle, true);
  });

  it('caps batch size', async () => {
    const batches: number[][] = [];
    const b = new Batcher<number>(async (items) => {
      batches.push(items);
    }, 2);
    await Promise.all([1, 2, 3, 4, 5].map((i) => b.post(i)));
    assert.deepEqual(batches, [[1], [2, 3], [4, 5]]);
  });

  it('rejects every item of a failed batch and goes on with the next', async () => {
    let n = 0;
    const b = new Batcher<number>(async () => {
      if (n++ === 0) throw new Error('db down');
    });
    const first = b.post(1);
    await assert.rejects(first, /db down/);
    await b.post(2);
  });

  it('lingers before a batch when asked, so that items posted meanwhile join it', async () => {
    const batches: number[][] = [];
    let lingerMs = 30;
    const b = new Batcher<number>(async (items) => {
      batches.push(items);
    }, Number.POSITIVE_INFINITY, () => lingerMs);
    const first = b.post(1);
    await new Promise((r) => setTimeout(r, 5));
    await Promise.all([first, b.post(2), b.post(3)]);
    assert.deepEqual(batches, [[1, 2, 3]]);
    lingerMs = 0;
    const t0 = performance.now();
    await b.post(4);
    assert.ok(performance.now() - t0 < 25, 'no linger when it returns 0');
    assert.deepEqual(batches, [[1, 2, 3], [4]]);
  });
});

describe('Mailboxes', () => {
  it('commits each key in order, a batch at a time, keys independently; an idle key holds nothing', async () => {
    const commits: Array<[string, number[]]> = [];
    const gates = new Map<string, () => void>();
    const lingered: string[] = [];
    const m = new Mailboxes<number>(
      async (key, changes) => {
        commits.push([key, changes]);
        if (key === 'slow' && changes[0] === 1) await new Promise<void>((r) => gates.set(key, r));
      },
      (key) => {
        lingered.push(key);
        return 0;
      },
    );
    const slow1 = m.post('slow', 1);
    const slow2 = m.post('slow', 2);
    const slow3 = m.post('slow', 3);
    // 'fast' commits while 'slow' is held in its first batch.
    await m.post('fast', 10);
    assert.deepEqual(commits, [['slow', [1]], ['fast', [10]]]);
    assert.equal(m.size, 1, 'fast is idle and dropped, slow is busy');
    gates.get('slow')!();
    await Promise.all([slow1, slow2, slow3]);
    assert.deepEqual(commits, [['slow', [1]], ['fast', [10]], ['slow', [2, 3]]]);
    assert.equal(m.size, 0);
    assert.deepEqual([...new Set(lingered)].sort(), ['fast', 'slow'], 'linger is asked per key');
  });

  it('rejects the posts of a batch whose commit throws, and later posts of the key commit again', async () => {
    let fail = true;
    const m = new Mailboxes<string>(async () => {
      if (fail) throw new Error('store down');
    });
    await assert.rejects(m.post('k', 'a'), /store down/);
    fail = false;
    await m.post('k', 'b');
    assert.equal(m.size, 0);
  });
});
