import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VolumeBoundsError } from '../errors/volume-errors';
import { extractBox, prng, randomArray } from '../testing/volume-fixtures';
import { checkBBox, chunksInBox, formatBBox } from './bbox';
import { copyRegion, cStrides } from './copy-region';
import { boxRuns, coalesceRuns, naturalCompare } from './runs';

describe('bounding boxes', () => {
  const uri = 'zarr:///v.zarr';
  const shape = [50, 100, 200];

  it('accepts boxes inside the volume and defaults to the whole volume', () => {
    assert.deepEqual(checkBBox(uri, shape, undefined), { start: [0, 0, 0], stop: [50, 100, 200] });
    assert.deepEqual(checkBBox(uri, shape, { start: [49, 0, 10], stop: [50, 100, 11] }), { start: [49, 0, 10], stop: [50, 100, 11] });
  });

  it('rejects boxes outside, empty, fractional or of the wrong rank with exact messages', () => {
    const cases: [unknown, string][] = [
      [{ start: [0, 0, 0], stop: [51, 100, 200] }, 'zarr:///v.zarr: bbox [0:51, 0:100, 0:200] lies outside the volume of shape (50, 100, 200)'],
      [{ start: [-1, 0, 0], stop: [1, 1, 1] }, 'zarr:///v.zarr: bbox [-1:1, 0:1, 0:1] lies outside the volume of shape (50, 100, 200)'],
      [{ start: [3, 0, 0], stop: [3, 1, 1] }, 'zarr:///v.zarr: bbox [3:3, 0:1, 0:1] is empty on axis 0'],
      [{ start: [0, 0.5, 0], stop: [1, 1, 1] }, 'zarr:///v.zarr: bbox coordinates must be integers, got [0:1, 0.5:1, 0:1]'],
      [{ start: [0, 0], stop: [1, 1] }, 'zarr:///v.zarr: bbox needs 3 start and stop coordinates (volume shape (50, 100, 200)), got start [0,0] stop [1,1]'],
    ];
    for (const [box, message] of cases) {
      assert.throws(() => checkBBox(uri, shape, box as never), (e: unknown) => e instanceof VolumeBoundsError && e.message === message && e.uri === uri);
    }
  });

  it('lists exactly the chunks a box intersects, clipped at the volume edge', () => {
    const chunks = chunksInBox([7, 13, 11], [3, 5, 4], { start: [2, 4, 7], stop: [7, 6, 11] });
    assert.deepEqual(chunks.map((c) => c.index.join()), ['0,0,1', '0,0,2', '0,1,1', '0,1,2', '1,0,1', '1,0,2', '1,1,1', '1,1,2', '2,0,1', '2,0,2', '2,1,1', '2,1,2']);
    assert.equal(formatBBox(chunks[11].box), '[6:7, 5:10, 8:11]');
  });

  it('copies regions between strided blocks like a voxel-by-voxel copy (random boxes, C and F strides)', () => {
    const rand = prng(5);
    const int = (n: number) => Math.floor(rand() * n);
    for (let trial = 0; trial < 200; trial++) {
      const shape = [1 + int(6), 1 + int(7), 1 + int(8)];
      const data = randomArray('int32', shape[0] * shape[1] * shape[2], trial) as Int32Array;
      const lo = shape.map((s) => int(s));
      const box = { start: lo, stop: lo.map((l, i) => l + 1 + int(shape[i] - l)) };
      const full = { start: [0, 0, 0], stop: shape };
      const out = new Int32Array(box.start.reduce((a, s, i) => a * (box.stop[i] - s), 1));
      if (trial % 2) {
        copyRegion({ data, box: full }, { data: out, box }, box);
      } else {
        // the same volume stored Fortran-order: strides (1, Z, Z*Y)
        const f = new Int32Array(data.length);
        for (let z = 0; z < shape[0]; z++) for (let y = 0; y < shape[1]; y++) for (let x = 0; x < shape[2]; x++) {
          f[z + shape[0] * (y + shape[1] * x)] = data[(z * shape[1] + y) * shape[2] + x];
        }
        copyRegion({ data: f, box: full, strides: [1, shape[0], shape[0] * shape[1]] }, { data: out, box }, box);
      }
      assert.deepEqual(out, extractBox(data, shape, box), `trial ${trial}: ${formatBBox(box)} of ${shape}`);
    }
  });

  it('merges fully covered trailing axes into one run', () => {
    assert.deepEqual(cStrides([2, 3, 4]), [12, 4, 1]);
    assert.deepEqual(boxRuns([2, 3, 4], { start: [0, 0, 0], stop: [2, 3, 4] }), [{ storage: 0, buffer: 0, length: 24 }]);
    assert.deepEqual(boxRuns([2, 3, 4], { start: [1, 1, 0], stop: [2, 3, 4] }), [{ storage: 16, buffer: 0, length: 8 }]);
    assert.deepEqual(boxRuns([2, 3, 4], { start: [0, 1, 1], stop: [2, 2, 3] }), [{ storage: 5, buffer: 0, length: 2 }, { storage: 17, buffer: 2, length: 2 }]);
  });

  it('coalesces runs separated by small gaps into spans, within the span limit', () => {
    const runs = boxRuns([4, 10, 10], { start: [0, 2, 2], stop: [4, 4, 8] }); // 8 runs of 6, gaps of 4 and 84
    assert.equal(runs.length, 8);
    // Element size 2: a gap of 4 elements is 8 bytes, of 84 elements 168 bytes.
    const bySmallGap = coalesceRuns(runs, 2, 8, 1 << 20);
    assert.deepEqual(bySmallGap.map((s) => s.map((r) => r.storage)), [[22, 32], [122, 132], [222, 232], [322, 332]]);
    assert.deepEqual(coalesceRuns(runs, 2, 168, 1 << 20).map((s) => s.length), [8]);
    // A span of at most 40 bytes (20 elements): 16 elements per pair of runs fit, a third does not.
    assert.deepEqual(coalesceRuns(runs, 2, 168, 40).map((s) => s.length), [2, 2, 2, 2]);
    assert.deepEqual(coalesceRuns([], 4), []);
    // Every run lands in exactly one span, in order.
    assert.deepEqual(coalesceRuns(runs, 4).flat(), runs);
  });

  it('orders slice names naturally', () => {
    assert.deepEqual(['10.png', '2.png', '1.png', '0.png'].sort(naturalCompare), ['0.png', '1.png', '2.png', '10.png']);
  });
});
