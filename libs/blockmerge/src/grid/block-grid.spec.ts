import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BlockGrid, box, boxGrow, cropBox } from '../index';

describe('BlockGrid', () => {
  // The blocker's own example: a (10, 20, 30) volume, blocks of (4, 8, 16), halo (1, 2, 3).
  const grid = new BlockGrid({ bounds: box([0, 0, 0], [10, 20, 30]), size: [4, 8, 16], halo: [1, 2, 3] });

  it('cuts the bounds into C-order blocks, the last per axis truncated, halos clamped to the frame (as @saber/sweep)', () => {
    assert.deepEqual(grid.counts, [3, 3, 2]);
    assert.equal(grid.total, 18);
    assert.deepEqual(grid.block(0), { index: 0, position: [0, 0, 0], core: box([0, 0, 0], [4, 8, 16]), halo: box([0, 0, 0], [5, 10, 19]) });
    assert.deepEqual(grid.block(8), { index: 8, position: [1, 1, 0], core: box([4, 8, 0], [8, 16, 16]), halo: box([3, 6, 0], [9, 18, 19]) });
    assert.deepEqual(grid.block(17), { index: 17, position: [2, 2, 1], core: box([8, 16, 16], [10, 20, 30]), halo: box([7, 14, 13], [10, 20, 30]) });
    const framed = new BlockGrid({ bounds: box([0, 100, 200], [1, 150, 300]), size: [1, 50, 50], halo: [2, 10, 10], frame: box([0, 0, 0], [1, 155, 1000]) });
    assert.deepEqual(framed.block(1).halo, box([0, 90, 240], [1, 155, 310]));
  });

  it('finds the block whose core holds a voxel, and none outside the bounds', () => {
    assert.equal(grid.indexOf(4, 8, 0), 8);
    assert.equal(grid.indexOf(9, 19, 29), 17);
    assert.equal(grid.indexOf(10, 0, 0), -1);
    assert.equal(grid.indexOf(0, -1, 0), -1);
    assert.throws(() => grid.block(18), (e: unknown) => e instanceof RangeError && e.message === 'block index 18 is outside [0, 18)');
  });

  it('refuses empty bounds, bounds outside the frame, and non-positive sizes', () => {
    assert.throws(() => new BlockGrid({ bounds: box([0, 0, 0], [0, 1, 1]), size: [1, 1, 1], halo: [0, 0, 0] }), /bounds must be non-empty/);
    assert.throws(() => new BlockGrid({ bounds: box([0, 0, 0], [4, 4, 4]), size: [1, 1, 1], halo: [0, 0, 0], frame: box([1, 0, 0], [4, 4, 4]) }), /must lie inside the frame/);
    assert.throws(() => new BlockGrid({ bounds: box([0, 0, 0], [4, 4, 4]), size: [0, 1, 1], halo: [0, 0, 0] }), /block size must be positive/);
  });

  it('crops and grows boxes', () => {
    const data = Uint16Array.from({ length: 2 * 3 * 4 }, (_, i) => i);
    assert.deepEqual([...cropBox(data, box([0, 0, 0], [2, 3, 4]), box([1, 1, 2], [2, 3, 4]))], [18, 19, 22, 23]);
    assert.deepEqual(boxGrow(box([1, 1, 1], [2, 2, 2]), 1, box([0, 0, 0], [2, 5, 5])), box([0, 0, 0], [2, 3, 3]));
  });
});
