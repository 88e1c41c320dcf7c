import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BatchLinger } from './batch-linger';

describe('BatchLinger', () => {
  it('waits its time, and no time once released', async () => {
    const linger = new BatchLinger(30);
    let t = performance.now();
    await linger.wait();
    assert.ok(performance.now() - t >= 25, 'waited');
    const pending = linger.wait();
    t = performance.now();
    linger.release();
    await pending;
    await linger.wait();
    assert.ok(performance.now() - t < 25, 'released at once');
  });

  it('waits the time asked for, and cut() ends only the waits of now', async () => {
    const linger = new BatchLinger(1000);
    let t = performance.now();
    await linger.wait(30);
    const waited = performance.now() - t;
    assert.ok(waited >= 25 && waited < 900, `waited ${waited} ms`);
    const pending = linger.wait();
    t = performance.now();
    linger.cut();
    await pending;
    assert.ok(performance.now() - t < 100, 'cut at once');
    t = performance.now();
    await linger.wait(30);
    assert.ok(performance.now() - t >= 25, 'later waits wait again');
  });

  it('does not wait with 0 ms', async () => {
    const t = performance.now();
    await new BatchLinger(0).wait();
    assert.ok(performance.now() - t < 20);
  });
});
