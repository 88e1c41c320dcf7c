import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Shape3 } from '../core/volume.types';
import { ImagingOptionError } from '../errors/imaging-errors';
import { bruteSquaredEdt } from '../testing/brute-force';
import { at, maxAbsDiff, prng, randomMask, randomShape } from '../testing/fixtures';
import { distanceTransform } from './distance-transform';

describe('distanceTransform', () => {
  it('gives exactly the brute-force squared distances on 200 random volumes (unit voxels)', () => {
    const rand = prng(21);
    for (let trial = 0; trial < 200; trial++) {
      const shape = randomShape(rand, [6, 7, 8]);
      const mask = randomMask(rand, shape, 0.5 + 0.45 * rand());
      mask[Math.floor(rand() * mask.length)] = 0; // at least one background voxel
      const got = distanceTransform(mask, shape, { squared: true, dtype: 'float64' });
      assert.deepEqual(Array.from(got), bruteSquaredEdt(mask, shape, [1, 1, 1]), `trial ${trial}`);
    }
  });

  it('matches brute force with anisotropic voxels within 1e-12 relative (float64) and 1e-6 (float32)', () => {
    const rand = prng(22);
    for (let trial = 0; trial < 100; trial++) {
      const shape = randomShape(rand, [5, 6, 7]);
      const mask = randomMask(rand, shape, 0.8);
      mask[0] = 0;
      const sampling: [number, number, number] = [0.5 + 4 * rand(), 0.5 + 4 * rand(), 0.3 + rand()];
      const want = bruteSquaredEdt(mask, shape, sampling).map(Math.sqrt);
      const got64 = distanceTransform(mask, shape, { sampling, dtype: 'float64' });
      const got32 = distanceTransform(mask, shape, { sampling });
      assert.ok(got32 instanceof Float32Array);
      const scale = Math.max(1, ...want);
      assert.ok(maxAbsDiff(got64, want) <= 1e-12 * scale, `trial ${trial}: float64 off by ${maxAbsDiff(got64, want)}`);
      assert.ok(maxAbsDiff(got32, want) <= 1e-6 * scale, `trial ${trial}: float32 off by ${maxAbsDiff(got32, want)}`);
    }
  });

  it('gives 0 on background, Infinity when there is no background, and handles empty and single-voxel volumes', () => {
    assert.deepEqual(Array.from(distanceTransform(new Uint8Array(24), [2, 3, 4])), new Array(24).fill(0));
    assert.deepEqual(Array.from(distanceTransform(new Uint8Array(24).fill(1), [2, 3, 4])), new Array(24).fill(Infinity));
    assert.deepEqual(distanceTransform(new Uint8Array(0), [0, 3, 4]), new Float32Array(0));
    assert.deepEqual(Array.from(distanceTransform(Uint8Array.of(1), [1, 1, 1])), [Infinity]);
    assert.deepEqual(Array.from(distanceTransform(Uint8Array.of(0), [1, 1, 1])), [0]);
  });

  it('measures along z in the z voxel size (a 5-voxel column, background at the top)', () => {
    const shape: Shape3 = [5, 1, 1];
    const mask = Uint8Array.from([0, 1, 1, 1, 1]);
    assert.deepEqual(Array.from(distanceTransform(mask, shape, { sampling: [40, 4, 4], dtype: 'float64' })), [0, 40, 80, 120, 160]);
    const cube = new Uint8Array(27).fill(1);
    cube[at([3, 3, 3], 0, 0, 0)] = 0;
    assert.equal(distanceTransform(cube, [3, 3, 3], { dtype: 'float64', squared: true })[at([3, 3, 3], 2, 2, 2)], 12);
  });

  it('reads 64-bit masks and refuses a non-positive voxel size', () => {
    assert.deepEqual(Array.from(distanceTransform(BigUint64Array.from([0n, 5n, 2n ** 63n]), [1, 1, 3])), [0, 1, 2]);
    assert.throws(() => distanceTransform(new Uint8Array(1), [1, 1, 1], { sampling: [1, 0, 1] }), ImagingOptionError);
  });
});
