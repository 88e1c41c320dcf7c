import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Connectivity } from '../core/volume.types';
import { bruteLabel, bruteRegionalMinima } from '../testing/brute-force';
import { prng, randomMask, randomShape } from '../testing/fixtures';
import { regionalMinimaSeeds, thresholdSeeds } from './local-seeds';

describe('regionalMinimaSeeds', () => {
  it('equals plateau-flooding from the definition on 300 random tie-heavy landscapes (6/18/26, with and without mask)', () => {
    const rand = prng(41);
    const conns: Connectivity[] = [6, 18, 26];
    for (let trial = 0; trial < 300; trial++) {
      const shape = randomShape(rand, [5, 6, 7]);
      const n = shape[0] * shape[1] * shape[2];
      const levels = 2 + Math.floor(rand() * 4);
      const land = Float32Array.from({ length: n }, () => Math.floor(rand() * levels) / levels);
      const mask = trial % 2 === 0 ? randomMask(rand, shape, 0.7) : undefined;
      const conn = conns[trial % 3];
      const got = regionalMinimaSeeds(land, shape, { connectivity: conn, mask });
      const want = bruteRegionalMinima(land, shape, conn, mask);
      assert.equal(got.count, want.count, `trial ${trial}`);
      assert.deepEqual(Array.from(got.labels), want.labels, `trial ${trial}`);
    }
  });

  it('finds the two pits of a 1-D profile and merges a flat-bottomed minimum into one seed', () => {
    const land = Uint8Array.from([3, 1, 1, 2, 5, 0, 4]);
    assert.deepEqual(Array.from(regionalMinimaSeeds(land, [1, 1, 7]).labels), [0, 1, 1, 0, 0, 2, 0]);
    // A plateau that touches a lower voxel is not a minimum.
    assert.deepEqual(Array.from(regionalMinimaSeeds(Uint8Array.from([2, 2, 1]), [1, 1, 3]).labels), [0, 0, 1]);
    // A constant volume is one minimum; an empty one has none.
    assert.equal(regionalMinimaSeeds(new Float32Array(27).fill(0.5), [3, 3, 3]).count, 1);
    assert.equal(regionalMinimaSeeds(new Float32Array(0), [0, 0, 0]).count, 0);
    assert.deepEqual(Array.from(regionalMinimaSeeds(Float32Array.of(7), [1, 1, 1]).labels), [1]);
  });
});

describe('thresholdSeeds', () => {
  it('labels the components of landscape < t (strict) inside the mask', () => {
    const rand = prng(42);
    for (let trial = 0; trial < 100; trial++) {
      const shape = randomShape(rand, [5, 6, 7]);
      const n = shape[0] * shape[1] * shape[2];
      const land = Float64Array.from({ length: n }, () => Math.floor(rand() * 10) / 10);
      const mask = randomMask(rand, shape, 0.8);
      const t = Math.floor(rand() * 10) / 10;
      const got = thresholdSeeds(land, shape, t, { mask, connectivity: 6 });
      const below = Uint8Array.from(land, (v, i) => (v < t && mask[i] !== 0 ? 1 : 0));
      assert.deepEqual(Array.from(got.labels), bruteLabel(below, shape, 6, false, (v) => v !== 0).labels, `trial ${trial}`);
    }
    assert.deepEqual(Array.from(thresholdSeeds(Float32Array.from([0.1, 0.5, 0.2, 0.5]), [1, 1, 4], 0.5).labels), [1, 0, 2, 0]);
  });
});
