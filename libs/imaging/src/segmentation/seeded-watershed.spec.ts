import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Connectivity, Shape3 } from '../core/volume.types';
import { ImagingValueError } from '../errors/imaging-errors';
import { connectedComponents } from '../labeling/connected-components';
import { bruteWatershed } from '../testing/brute-force';
import { prng, randomMask, randomShape } from '../testing/fixtures';
import { seededWatershed } from './seeded-watershed';

function randomSeeds(rand: () => number, n: number, count: number): Uint32Array {
  const seeds = new Uint32Array(n);
  for (let k = 1; k <= count; k++) seeds[Math.floor(rand() * n)] = k;
  return seeds;
}

describe('seededWatershed', () => {
  it('equals the linear-scan reference on 300 random landscapes (float and tie-heavy uint8; 6/18/26; with and without mask)', () => {
    const rand = prng(31);
    const conns: Connectivity[] = [6, 18, 26];
    for (let trial = 0; trial < 300; trial++) {
      const shape = randomShape(rand, [5, 6, 7]);
      const n = shape[0] * shape[1] * shape[2];
      const land = trial % 2 === 0 ? Float32Array.from({ length: n }, () => rand()) : Uint8Array.from({ length: n }, () => Math.floor(rand() * 4));
      const seeds = randomSeeds(rand, n, 1 + Math.floor(rand() * 5));
      const mask = trial % 3 === 0 ? randomMask(rand, shape, 0.7) : undefined;
      const conn = conns[trial % 3];
      const got = seededWatershed(land, shape, seeds, { connectivity: conn, mask });
      assert.deepEqual(Array.from(got), bruteWatershed(land, shape, seeds, conn, mask), `trial ${trial}`);
    }
  });

  it('gives every region connected to its seed and floods exactly the seed-reachable part of the mask', () => {
    const rand = prng(32);
    for (let trial = 0; trial < 50; trial++) {
      const shape = randomShape(rand, [6, 6, 6]);
      const n = shape[0] * shape[1] * shape[2];
      const land = Float64Array.from({ length: n }, () => rand());
      const mask = randomMask(rand, shape, 0.6);
      const seeds = randomSeeds(rand, n, 4);
      const out = seededWatershed(land, shape, seeds, { mask });
      // Each label's region is one 6-connected piece that contains the seed (seed labels are unique here).
      for (let l = 1; l <= 4; l++) {
        const region = Uint8Array.from(out, (v) => (v === l ? 1 : 0));
        const cc = connectedComponents(region, shape, { connectivity: 6 });
        assert.ok(cc.count <= 1, `trial ${trial} label ${l}: ${cc.count} pieces`);
      }
      // Reachable = in-mask components of the mask that contain a kept seed.
      const cc = connectedComponents(mask, shape, { connectivity: 6 });
      const seeded = new Set<number>();
      for (let i = 0; i < n; i++) if (seeds[i] !== 0 && mask[i] !== 0) seeded.add(cc.labels[i]);
      for (let i = 0; i < n; i++) assert.equal(out[i] !== 0, seeded.has(cc.labels[i]) && mask[i] !== 0, `trial ${trial} voxel ${i}`);
    }
  });

  it('splits a ridge between two basins, the tie at the crest going to the lower raster index', () => {
    const land = Float32Array.from([0, 1, 2, 3, 2, 1, 0]);
    const seeds = Uint8Array.from([1, 0, 0, 0, 0, 0, 2]);
    assert.deepEqual(Array.from(seededWatershed(land, [1, 1, 7], seeds)), [1, 1, 1, 1, 2, 2, 2]);
    const asym = Float32Array.from([0, 1, 2, 3, 1, 1, 0]);
    assert.deepEqual(Array.from(seededWatershed(asym, [1, 1, 7], seeds)), [1, 1, 1, 2, 2, 2, 2]);
  });

  it('floods an unseeded basin from the seed that reaches its rim first', () => {
    // basin at x=4 (value 0) has no seed; the rim at x=3 (value 1) is lower than the rim at x=5 (value 5).
    const land = Float32Array.from([0, 0.5, 0.8, 1, 0, 5, 0]);
    const seeds = Uint8Array.from([1, 0, 0, 0, 0, 0, 2]);
    assert.deepEqual(Array.from(seededWatershed(land, [1, 1, 7], seeds)), [1, 1, 1, 1, 1, 2, 2]);
  });

  it('handles the empty volume, a single voxel, no seeds, all seeds, and seeds outside the mask', () => {
    assert.deepEqual(seededWatershed(new Float32Array(0), [0, 2, 2], new Uint32Array(0)), new Uint32Array(0));
    assert.deepEqual(Array.from(seededWatershed(Float32Array.of(3), [1, 1, 1], Uint8Array.of(9))), [9]);
    assert.deepEqual(Array.from(seededWatershed(new Float32Array(8), [2, 2, 2], new Uint8Array(8))), new Array(8).fill(0));
    const all = Uint16Array.from({ length: 8 }, (_, i) => i + 1);
    assert.deepEqual(Array.from(seededWatershed(new Float32Array(8), [2, 2, 2], all)), Array.from(all));
    const mask = Uint8Array.from([0, 1, 1, 1]);
    assert.deepEqual(Array.from(seededWatershed(new Float32Array(4), [1, 1, 4] as Shape3, Uint8Array.from([1, 0, 0, 0]), { mask })), [0, 0, 0, 0]);
  });

  it('refuses NaN landscapes and negative or fractional seeds with exact messages', () => {
    assert.throws(() => seededWatershed(Float32Array.of(0, NaN), [1, 1, 2], new Uint8Array(2)), new ImagingValueError('landscape is NaN at voxel 1'));
    assert.throws(
      () => seededWatershed(new Float32Array(2), [1, 1, 2], Int32Array.of(0, -3)),
      new ImagingValueError('seed labels must be integers in 1..4294967295, got -3 at voxel 1'),
    );
    assert.throws(() => seededWatershed(new Float32Array(1), [1, 1, 1], Float32Array.of(1.5)), ImagingValueError);
  });
});
