import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ImagingValueError } from '../errors/imaging-errors';
import { labelCentroids } from './label-centroids';

describe('labelCentroids', () => {
  it('gives voxel counts and mean (z, y, x) coordinates per label, NaN for an empty label', () => {
    // shape (2, 2, 2): label 1 at (0,0,0) and (1,1,1); label 2 at (0,0,1); label 3 absent.
    const labels = Uint32Array.from([1, 2, 0, 0, 0, 0, 0, 1]);
    const r = labelCentroids(labels, [2, 2, 2], 3);
    assert.deepEqual(Array.from(r.sizes), [5, 2, 1, 0]);
    assert.deepEqual(Array.from(r.centroids.subarray(3, 9)), [0.5, 0.5, 0.5, 0, 0, 1]);
    assert.ok(r.centroids.subarray(9).every(Number.isNaN));
    assert.throws(() => labelCentroids(labels, [2, 2, 2], 1), new ImagingValueError('label 2 at voxel 1 exceeds count 1'));
  });
});
