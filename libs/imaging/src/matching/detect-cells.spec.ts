import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Shape3 } from '../core/volume.types';
import { ImagingOptionError } from '../errors/imaging-errors';
import { bruteBallOffsets, bruteDetectCells } from '../testing/brute-force-extra';
import { prng } from '../testing/fixtures';
import { detectCells } from './detect-cells';

/** Blobs of high probability on a noisy background. */
function probabilityMap(rand: () => number, shape: Shape3, blobs: number, r: number): Float32Array {
  const [Z, Y, X] = shape;
  const p = Float32Array.from({ length: Z * Y * X }, () => rand() * 0.5);
  for (let b = 0; b < blobs; b++) {
    const c = [rand() * Z, rand() * Y, rand() * X].map(Math.floor);
    for (const [a, bb, cc] of bruteBallOffsets(r)) {
      const z = c[0] + a;
      const y = c[1] + bb;
      const x = c[2] + cc;
      if (z >= 0 && z < Z && y >= 0 && y < Y && x >= 0 && x < X) p[(z * Y + y) * X + x] = 0.6 + 0.4 * rand();
    }
  }
  return p;
}

/** `p` thresholded (values at or below `threshold` are 0) and zeroed within `radius` of every cell. */
function bruteClearedMap(p: Float32Array, shape: Shape3, threshold: number, cells: readonly { z: number; y: number; x: number }[], radius: number): Float32Array {
  const [Z, Y, X] = shape;
  const out = p.map((v) => (v > threshold ? v : 0));
  for (const c of cells) {
    for (const [a, b, d] of bruteBallOffsets(radius)) {
      const [z, y, x] = [c.z + a, c.y + b, c.x + d];
      if (z >= 0 && z < Z && y >= 0 && y < Y && x >= 0 && x < X) out[(z * Y + y) * X + x] = 0;
    }
  }
  return out;
}

describe('detectCells', () => {
  it("equals xbrain's greedy loop (full ball sum every iteration) on 24 random probability maps", () => {
    const rand = prng(43);
    for (let trial = 0; trial < 24; trial++) {
      const shape: Shape3 = [8 + Math.floor(rand() * 8), 8 + Math.floor(rand() * 8), 8 + Math.floor(rand() * 8)];
      const templateSize = [3, 4, 5, 6][trial % 4];
      const o = { threshold: 0.2 + 0.2 * rand(), stop: 0.3 + 0.3 * rand(), templateSize, dilation: Math.floor(rand() * 4), maxCells: 1 + Math.floor(rand() * 30) };
      const p = probabilityMap(rand, shape, 6, templateSize / 2);
      const want = bruteDetectCells(p, shape, o);
      const got = detectCells(p, shape, o);
      assert.equal(got.cells.length, want.cells.length, `trial ${trial} ${JSON.stringify(o)}`);
      got.cells.forEach((c, k) => {
        const w = want.cells[k];
        assert.deepEqual([c.z, c.y, c.x], [w.z, w.y, w.x], `trial ${trial} cell ${k}`);
        assert.ok(Math.abs(c.score - w.score) < 1e-12, `trial ${trial} cell ${k} score`);
      });
      assert.deepEqual(Array.from(got.labels), want.labels, `trial ${trial} labels`);
      // A Float64 map (Float64 work), and the map itself as the work array: the same cells.
      assert.deepEqual(detectCells(Float64Array.from(p), shape, o), got, `trial ${trial} float64`);
      const own = p.slice();
      assert.deepEqual(detectCells(own, shape, { ...o, overwrite: true }), got, `trial ${trial} overwrite`);
      const cleared = bruteClearedMap(p, shape, o.threshold, got.cells, (templateSize + o.dilation - 1) / 2);
      assert.deepEqual(own, cleared, `trial ${trial}: the overwritten map is thresholded and cleared around every cell`);
    }
    assert.throws(() => detectCells(new Uint8Array(8), [2, 2, 2], { overwrite: true }), /overwrite needs a Float32Array or Float64Array probability map, got a Uint8Array/);
  });

  it('finds well separated spheres exactly, stops at `stop`, honours maxCells, and takes the lowest index on ties', () => {
    const shape: Shape3 = [30, 30, 30];
    const p = new Float32Array(27000);
    const centres = [[8, 8, 8], [8, 20, 21], [21, 10, 19]];
    centres.forEach(([z, y, x], k) => {
      for (const [a, b, c] of bruteBallOffsets(3)) p[((z + a) * 30 + y + b) * 30 + x + c] = 0.9 - 0.1 * k;
    });
    const r = detectCells(p, shape, { templateSize: 7, dilation: 4, stop: 0.5 });
    assert.deepEqual(r.cells.map((c) => [c.z, c.y, c.x]), centres);
    assert.deepEqual(r.cells.map((c) => Math.round(c.score * 100) / 100), [0.9, 0.8, 0.7]);
    assert.equal(r.labels.length, 27000);
    const unpainted = detectCells(p, shape, { templateSize: 7, dilation: 4, stop: 0.5, labels: false });
    assert.deepEqual([unpainted.cells, unpainted.labels.length], [r.cells, 0], 'labels: false finds the same cells and paints none');
    assert.equal(detectCells(p, shape, { templateSize: 7, dilation: 4, stop: 0.75 }).cells.length, 2);
    assert.equal(detectCells(p, shape, { templateSize: 7, dilation: 4, stop: 0.5, maxCells: 1 }).cells.length, 1);
    const flat = new Float32Array(27000).fill(0.9);
    assert.deepEqual(detectCells(flat, shape, { templateSize: 7, maxCells: 1 }).cells.map((c) => [c.z, c.y, c.x]), [[3, 3, 3]]);
    assert.equal(detectCells(new Float32Array(27000), shape).cells.length, 0);
    assert.throws(() => detectCells(p, shape, { maxCells: 1.5 }), ImagingOptionError);
  });
});
