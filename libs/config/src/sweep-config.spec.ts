import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, DEFAULT_SWEEP_MAX_ATTEMPTS, DEFAULT_SWEEP_MAX_IN_FLIGHT, loadConfig } from './config';

describe('loadConfig: block sweeps', () => {
  it('defaults to 2 attempts per block and 32 blocks in flight, and reads both variables', () => {
    const c = loadConfig({});
    assert.deepEqual([c.sweepMaxAttempts, c.sweepMaxInFlight], [2, 32]);
    assert.deepEqual([DEFAULT_SWEEP_MAX_ATTEMPTS, DEFAULT_SWEEP_MAX_IN_FLIGHT], [2, 32]);
    const d = loadConfig({ SABER_SWEEP_MAX_ATTEMPTS: '5', SABER_SWEEP_MAX_IN_FLIGHT: '1000' });
    assert.deepEqual([d.sweepMaxAttempts, d.sweepMaxInFlight], [5, 1000]);
  });

  it('names the variable that is out of range', () => {
    assert.throws(
      () => loadConfig({ SABER_SWEEP_MAX_ATTEMPTS: '0', SABER_SWEEP_MAX_IN_FLIGHT: 'many' }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.message.startsWith('invalid configuration: SABER_SWEEP_MAX_ATTEMPTS: ') &&
        e.message.includes('; SABER_SWEEP_MAX_IN_FLIGHT: '),
    );
  });
});
