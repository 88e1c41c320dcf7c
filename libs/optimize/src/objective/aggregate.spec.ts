import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aggregate, bestReachable, cannotBeat } from './aggregate';

describe('aggregate and early stopping', () => {
  it('mean, sum and voxel-weighted mean of block values', () => {
    assert.equal(aggregate([0.5, 1], [100, 300], 'mean'), 0.75);
    assert.equal(aggregate([0.5, 1], [100, 300], 'sum'), 1.5);
    assert.equal(aggregate([0.5, 1], [100, 300], 'voxel-weighted'), 0.875);
  });

  it('a trial cannot beat the best once even perfect remaining blocks would not reach it (a tie is no win)', () => {
    const partial = { values: [0.2, 0.3], weights: [1, 1], remainingWeights: [1, 1] };
    assert.equal(bestReachable(partial, 'mean', [0, 1], 'maximize'), 0.625);
    assert.equal(cannotBeat(partial, 0.7, 'mean', [0, 1], 'maximize'), true);
    assert.equal(cannotBeat(partial, 0.625, 'mean', [0, 1], 'maximize'), true);
    assert.equal(cannotBeat(partial, 0.6, 'mean', [0, 1], 'maximize'), false);
    assert.equal(cannotBeat({ values: [5], weights: [10], remainingWeights: [30] }, 4, 'voxel-weighted', [2, 9], 'minimize'), false);
    assert.equal(cannotBeat({ values: [9], weights: [10], remainingWeights: [30] }, 3, 'voxel-weighted', [2, 9], 'minimize'), true, 'reach (90 + 30 × 2) / 40 = 3.75');
    assert.equal(cannotBeat({ values: [0.1], weights: [1], remainingWeights: [] }, 0.9, 'mean', [0, 1], 'maximize'), false, 'a finished trial is scored, not pruned');
  });
});
