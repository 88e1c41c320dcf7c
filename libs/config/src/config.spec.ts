import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, DEFAULT_ACK_WAIT_MS, isEmbedded, loadConfig } from './config';

describe('loadConfig', () => {
  it('defaults to embedded mode with documented defaults', () => {
    const c = loadConfig({ SABER_HOME: '/tmp/h' });
    assert.equal(isEmbedded(c), true);
    assert.equal(c.workDir, '/tmp/h/work');
    assert.equal(c.ackWaitMs, DEFAULT_ACK_WAIT_MS);
    assert.equal(c.pool, 'default');
    assert.equal(c.namespace, '');
  });
  it('reads NATS_URL as a list of servers', () => {
    const c = loadConfig({ NATS_URL: 'nats://a:4222, nats://b:4222' });
    assert.deepEqual(c.natsServers, ['nats://a:4222', 'nats://b:4222']);
    assert.equal(isEmbedded(c), false);
  });
  it('names the variable that is wrong', () => {
    assert.throws(
      () => loadConfig({ SABER_EXECUTOR_CONCURRENCY: '0', SABER_POOL: 'a b' }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.message.includes('SABER_EXECUTOR_CONCURRENCY: Too small') &&
        e.message.includes('SABER_POOL: letters, digits, - and _ only'),
    );
  });
});
