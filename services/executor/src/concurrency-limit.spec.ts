import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConcurrencyLimit } from './concurrency-limit';

describe('ConcurrencyLimit', () => {
  it('never runs more than its slots at once and runs every task in order of arrival', async () => {
    const limit = new ConcurrencyLimit(3);
    let now = 0;
    let peak = 0;
    const started: number[] = [];
    const task = (i: number) => limit.run(async () => {
      started.push(i);
      now++;
      peak = Math.max(peak, now);
      await new Promise((r) => setTimeout(r, 2 + (i % 3)));
      now--;
      return i * 2;
    });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => task(i)));
    assert.deepEqual(results, Array.from({ length: 20 }, (_, i) => i * 2));
    assert.equal(peak, 3);
    assert.deepEqual(started, Array.from({ length: 20 }, (_, i) => i));
    assert.equal(limit.running, 0);
  });

  it('releases the slot when a task throws', async () => {
    const limit = new ConcurrencyLimit(1);
    await assert.rejects(limit.run(async () => { throw new Error('boom'); }), /boom/);
    assert.equal(await limit.run(async () => 'next'), 'next');
    assert.equal(limit.running, 0);
  });

  it('hands out slots that are given back once, however often release is called', async () => {
    const limit = new ConcurrencyLimit(1);
    const release = await limit.acquire();
    assert.equal(limit.running, 1);
    let second = false;
    const waiting = limit.acquire().then((r) => {
      second = true;
      return r;
    });
    await new Promise((r) => setImmediate(r));
    assert.equal(second, false, 'waits while the slot is held');
    release();
    release();
    const next = await waiting;
    assert.equal(limit.running, 1, 'the slot passed to the waiter; the second release changed nothing');
    next();
    assert.equal(limit.running, 0);
  });

  it('rejects a limit below one', () => {
    assert.throws(() => new ConcurrencyLimit(0), /concurrency limit must be at least 1, got 0/);
  });
});
