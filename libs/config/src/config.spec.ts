import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, DEFAULT_ACK_WAIT_MS, DEFAULT_DOCKER_HOST, isEmbedded, loadConfig } from './config';

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
  it('selects the docker backend with DOCKER_HOST, defaulting to the standard socket', () => {
    assert.equal(loadConfig({}).executorBackend, 'local');
    const c = loadConfig({ SABER_EXECUTOR_BACKEND: 'docker' });
    assert.equal(c.executorBackend, 'docker');
    assert.equal(c.dockerHost, DEFAULT_DOCKER_HOST);
    assert.equal(DEFAULT_DOCKER_HOST, 'unix:///var/run/docker.sock');
    assert.equal(loadConfig({ SABER_EXECUTOR_BACKEND: 'docker', DOCKER_HOST: 'tcp://10.0.0.2:2375' }).dockerHost, 'tcp://10.0.0.2:2375');
    // An unrelated DOCKER_HOST does not stop services that use the local backend.
    assert.equal(loadConfig({ DOCKER_HOST: 'ssh://me@host' }).dockerHost, 'ssh://me@host');
    assert.throws(
      () => loadConfig({ SABER_EXECUTOR_BACKEND: 'docker', DOCKER_HOST: 'ssh://me@host' }),
      (e: unknown) => e instanceof ConfigError && e.message === "invalid configuration: DOCKER_HOST: 'ssh://me@host' is not unix:///path/to/docker.sock or tcp://host:port",
    );
    assert.throws(
      () => loadConfig({ SABER_EXECUTOR_BACKEND: 'kubernetes' }),
      (e: unknown) => e instanceof ConfigError && e.message.startsWith('invalid configuration: SABER_EXECUTOR_BACKEND: '),
    );
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
