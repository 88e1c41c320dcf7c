import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileRemoteOptions, DEFAULT_REMOTE_OPTIONS } from './remote-options';

describe('remote options', () => {
  it('applies documented defaults and takes the bossDB token from BOSS_TOKEN unless given', () => {
    assert.deepEqual(compileRemoteOptions(undefined, {}), { ...DEFAULT_REMOTE_OPTIONS, bossToken: undefined });
    assert.equal(compileRemoteOptions(undefined, { BOSS_TOKEN: ' abc ' }).bossToken, 'abc');
    assert.equal(compileRemoteOptions({ bossToken: 'xyz' }, { BOSS_TOKEN: 'abc' }).bossToken, 'xyz');
    assert.equal(compileRemoteOptions({ bossToken: '' }, { BOSS_TOKEN: 'abc' }).bossToken, undefined, 'an empty option means anonymous');
  });

  it('rejects values that are not integers in range, naming the option', () => {
    assert.throws(() => compileRemoteOptions({ maxVoxelsPerRequest: 0 }, {}), new RangeError('remote option maxVoxelsPerRequest must be an integer >= 1, got 0'));
    assert.throws(() => compileRemoteOptions({ concurrency: 1.5 }, {}), new RangeError('remote option concurrency must be an integer >= 1, got 1.5'));
    assert.throws(() => compileRemoteOptions({ retries: -1 }, {}), new RangeError('remote option retries must be an integer >= 0, got -1'));
  });
});
