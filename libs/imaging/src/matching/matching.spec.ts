import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Shape3 } from '../core/volume.types';
import { ImagingShapeError } from '../errors/imaging-errors';
import { bruteBallOffsets, bruteBallSum, bruteCorrelate, bruteSphereNcc } from '../testing/brute-force-extra';
import { maxAbsDiff, prng, randomShape } from '../testing/fixtures';
import { ballRuns, ballSum } from './ball-sum';
import { correlateFft } from './fft-correlate';
import { sphereNcc } from './sphere-ncc';

describe('ballSum', () => {
  it('equals a direct sum over the ball on 60 random volumes (radii 0-4.5, zero outside) within 1e-12', () => {
    const rand = prng(31);
    for (let trial = 0; trial < 60; trial++) {
      const shape = randomShape(rand, [9, 10, 11]);
      const n = shape[0] * shape[1] * shape[2];
      const input = Float32Array.from({ length: n }, () => rand());
      const r = Math.floor(rand() * 10) / 2;
      const want = bruteBallSum(input, shape, r);
      const got = ballSum(input, shape, r, { dtype: 'float64' });
      assert.ok(maxAbsDiff(got, want) <= 1e-12 * Math.max(1, ...want), `trial ${trial} r ${r} shape ${shape}: off by ${maxAbsDiff(got, want)}`);
    }
  });

  it('describes the ball as centred x-runs covering exactly its voxels', () => {
    for (const r of [0, 1, 2.5, 8.5]) {
      const runs = ballRuns(r);
      let voxels = 0;
      for (let k = 0; k < runs.count; k++) voxels += 2 * runs.halfWidth[k] + 1;
      assert.equal(voxels, bruteBallOffsets(r).length);
      assert.equal(runs.size, voxels);
    }
    assert.equal(ballRuns(8.5).count, 225); // (dz, dy) with dz² + dy² <= 8.5²: 225 runs for 2,553 voxels
    assert.deepEqual(ballSum(new Float32Array(0), [0, 3, 3], 2), new Float32Array(0));
  });
});

describe('correlateFft', () => {
  it('equals direct correlation with random odd kernels on 30 random volumes within 1e-9', () => {
    const rand = prng(37);
    for (let trial = 0; trial < 30; trial++) {
      const shape = randomShape(rand, [10, 12, 14]);
      const n = shape[0] * shape[1] * shape[2];
      const input = Float64Array.from({ length: n }, () => rand() - 0.3);
      const ks: Shape3 = [1 + 2 * Math.floor(rand() * 3), 1 + 2 * Math.floor(rand() * 3), 1 + 2 * Math.floor(rand() * 3)];
      const k = Float64Array.from({ length: ks[0] * ks[1] * ks[2] }, () => rand() - 0.5);
      const want = bruteCorrelate(input, shape, k, ks);
      // Small blocks force many overlap-save blocks (and an odd count, one unpaired).
      const got = correlateFft(input, shape, k, ks, { block: trial % 2 ? 8 : 64, dtype: 'float64' });
      assert.ok(maxAbsDiff(got, want) <= 1e-9, `trial ${trial}: shape ${shape} kernel ${ks} off by ${maxAbsDiff(got, want)}`);
    }
  });

  it('refuses even kernel edges', () => {
    assert.throws(() => correlateFft(new Float32Array(8), [2, 2, 2], new Float32Array(2), [1, 1, 2]), ImagingShapeError);
  });
});

describe('sphereNcc', () => {
  it('equals the Pearson correlation of the window and the ball-in-box template on 20 random volumes within 1e-9', () => {
    const rand = prng(41);
    for (let trial = 0; trial < 20; trial++) {
      const shape = randomShape(rand, [8, 9, 10]);
      const n = shape[0] * shape[1] * shape[2];
      const input = Float32Array.from({ length: n }, () => (rand() < 0.1 ? 0 : rand()));
      const r = [1, 1.5, 2, 2.5][trial % 4];
      const want = bruteSphereNcc(input, shape, r);
      const got = sphereNcc(input, shape, r, { dtype: 'float64' });
      assert.ok(maxAbsDiff(got, want) <= 1e-9, `trial ${trial}: r ${r} off by ${maxAbsDiff(got, want)}`);
    }
  });

  it('is 1 where the window holds exactly the sphere, and 0 on flat windows', () => {
    const shape: Shape3 = [9, 9, 9];
    const v = new Float32Array(729);
    for (const [a, b, c] of bruteBallOffsets(2)) v[((4 + a) * 9 + 4 + b) * 9 + 4 + c] = 1;
    const ncc = sphereNcc(v, shape, 2, { dtype: 'float64' });
    assert.ok(Math.abs(ncc[(4 * 9 + 4) * 9 + 4] - 1) < 1e-12);
    assert.ok(sphereNcc(new Float32Array(729).fill(0.5), shape, 2).every((x, i) => x === 0 || i >= 0));
    assert.equal(sphereNcc(new Float32Array(729).fill(0.5), shape, 2)[(4 * 9 + 4) * 9 + 4], 0);
  });
});
