import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PerAxis, Shape3 } from '../core/volume.types';
import { ImagingOptionError } from '../errors/imaging-errors';
import { bruteRank } from '../testing/brute-force';
import { prng, randomMask, randomShape } from '../testing/fixtures';
import { ball } from './ball';
import { binaryClosing, binaryDilation, binaryErosion, binaryOpening } from './binary-morphology';
import { greyClosing, greyDilation, greyErosion, greyOpening } from './grey-morphology';

/** Ball offsets straight from the definition, exact rational arithmetic for integer radii. */
function bruteBall(r: readonly [number, number, number]): [number, number, number][] {
  const out: [number, number, number][] = [];
  const e = r.map((v) => Math.floor(v));
  for (let z = -e[0]; z <= e[0]; z++)
    for (let y = -e[1]; y <= e[1]; y++)
      for (let x = -e[2]; x <= e[2]; x++) {
        const ok = [z, y, x].every((d, a) => d === 0 || r[a] > 0);
        // sum d_a^2 / r_a^2 <= 1  <=>  sum d_a^2 * prod_{b != a} r_b^2 <= prod r^2 (radii with 0 drop out)
        const rr = r.map((v) => (v === 0 ? 1 : v * v));
        const lhs = z * z * rr[1] * rr[2] + y * y * rr[0] * rr[2] + x * x * rr[0] * rr[1];
        if (ok && lhs <= rr[0] * rr[1] * rr[2] + 1e-9) out.push([z + 0, y + 0, x + 0]); // + 0: no -0
      }
  return out;
}

const RADII: PerAxis[] = [0, 1, 1.5, 2, [1, 2, 3], [0, 2, 2], [2.5, 1, 0], [3, 3, 1]];

describe('ball', () => {
  it('has the voxel counts of skimage.morphology.ball for r = 1, 2, 3 and is a 2-D disk with rz = 0', () => {
    assert.deepEqual([1, 2, 3].map((r) => ball(r).size), [7, 33, 123]);
    assert.equal(ball([0, 2, 2]).size, 13);
    assert.equal(ball(0).size, 1);
    for (const r of RADII) {
      const se = ball(r);
      const got = Array.from({ length: se.size }, (_, k) => [se.dz[k], se.dy[k], se.dx[k]]);
      assert.deepEqual(got, bruteBall(typeof r === 'number' ? [r, r, r] : r), `radius ${JSON.stringify(r)}`);
    }
    assert.throws(() => ball(-1), new ImagingOptionError('radius must be a finite number >= 0 or three of them (z, y, x), got -1'));
  });
});

describe('binary morphology', () => {
  it('equals brute-force erosion and dilation (border: erosion sees foreground, dilation background) on 160 random masks', () => {
    const rand = prng(61);
    for (let trial = 0; trial < 160; trial++) {
      const shape = randomShape(rand, [7, 8, 9]);
      const mask = randomMask(rand, shape, trial % 2 ? 0.15 : 0.85);
      const r = RADII[trial % RADII.length];
      const offsets = bruteBall(typeof r === 'number' ? [r, r, r] : r);
      const wantD = bruteRank(mask, shape, offsets, true);
      const wantE = bruteRank(mask, shape, offsets, false);
      assert.deepEqual(Array.from(binaryDilation(mask, shape, r)), wantD, `dilation trial ${trial}`);
      assert.deepEqual(Array.from(binaryErosion(mask, shape, r)), wantE, `erosion trial ${trial}`);
      assert.deepEqual(Array.from(binaryOpening(mask, shape, r)), bruteRank(wantE, shape, offsets, true), `opening trial ${trial}`);
      assert.deepEqual(Array.from(binaryClosing(mask, shape, r)), bruteRank(wantD, shape, offsets, false), `closing trial ${trial}`);
    }
  });

  it('handles the empty volume, a single voxel, all foreground and all background', () => {
    assert.deepEqual(binaryDilation(new Uint8Array(0), [0, 3, 3], 2), new Uint8Array(0));
    assert.deepEqual(Array.from(binaryErosion(Uint8Array.of(1), [1, 1, 1], 3)), [1]);
    assert.deepEqual(Array.from(binaryDilation(Uint8Array.of(0), [1, 1, 1], 3)), [0]);
    assert.ok(binaryErosion(new Uint8Array(64).fill(1), [4, 4, 4], 2).every((v) => v === 1));
    assert.ok(binaryDilation(new Uint8Array(64), [4, 4, 4], 2).every((v) => v === 0));
    const point = new Uint8Array(125);
    point[62] = 1; // centre of a 5^3 volume
    assert.equal(binaryDilation(point, [5, 5, 5], 2).reduce((a, b) => a + b, 0), 33);
  });
});

describe('grey morphology', () => {
  it('equals brute-force min/max over the in-volume ball on 120 random volumes (uint8, int16, float32)', () => {
    const rand = prng(62);
    for (let trial = 0; trial < 120; trial++) {
      const shape: Shape3 = randomShape(rand, [7, 8, 9]);
      const n = shape[0] * shape[1] * shape[2];
      const kind = trial % 3;
      const input =
        kind === 0
          ? Uint8Array.from({ length: n }, () => Math.floor(rand() * 256))
          : kind === 1
            ? Int16Array.from({ length: n }, () => Math.floor(rand() * 2000) - 1000)
            : Float32Array.from({ length: n }, () => rand() * 10 - 5);
      const r = RADII[trial % RADII.length];
      const offsets = bruteBall(typeof r === 'number' ? [r, r, r] : r);
      const ero = greyErosion(input, shape, r);
      const dil = greyDilation(input, shape, r);
      assert.equal(ero.constructor, input.constructor);
      const wantE = bruteRank(input, shape, offsets, false);
      const wantD = bruteRank(input, shape, offsets, true);
      assert.deepEqual(Array.from(ero), wantE, `erosion trial ${trial}`);
      assert.deepEqual(Array.from(dil), wantD, `dilation trial ${trial}`);
      assert.deepEqual(Array.from(greyOpening(input, shape, r)), bruteRank(wantE, shape, offsets, true), `opening trial ${trial}`);
      assert.deepEqual(Array.from(greyClosing(input, shape, r)), bruteRank(wantD, shape, offsets, false), `closing trial ${trial}`);
    }
  });

  it('agrees with binary morphology on 0/1 volumes and handles empty and single-voxel volumes', () => {
    const rand = prng(63);
    const shape: Shape3 = [6, 7, 8];
    const mask = randomMask(rand, shape, 0.5);
    assert.deepEqual(greyErosion(mask, shape, [1, 2, 2]), binaryErosion(mask, shape, [1, 2, 2]));
    assert.deepEqual(greyDilation(mask, shape, [1, 2, 2]), binaryDilation(mask, shape, [1, 2, 2]));
    assert.deepEqual(greyErosion(new Float32Array(0), [0, 2, 2], 1), new Float32Array(0));
    assert.deepEqual(Array.from(greyDilation(Int8Array.of(-7), [1, 1, 1], 2)), [-7]);
  });
});
