import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blockGrid, type Box3 } from '../index';

const box = (start: number[], stop: number[]): Box3 => ({ start: start as Box3['start'], stop: stop as Box3['stop'] });

describe('blockGrid', () => {
  // A (z, y, x) = (10, 20, 30) volume, blocks of (4, 8, 16), halo (1, 2, 3).
  const grid = blockGrid({ bounds: box([0, 0, 0], [10, 20, 30]), size: [4, 8, 16], halo: [1, 2, 3] });

  it('counts blocks per axis, keeping the remainder as a truncated last block', () => {
    assert.deepEqual(grid.counts, [3, 3, 2]);
    assert.equal(grid.total, 18);
    const cores = (axis: number) => [...new Set(Array.from({ length: grid.total }, (_, i) => grid.block(i)).map((b) => `${b.core.start[axis]}-${b.core.stop[axis]}`))];
    assert.deepEqual(cores(0), ['0-4', '4-8', '8-10']);
    assert.deepEqual(cores(1), ['0-8', '8-16', '16-20']);
    assert.deepEqual(cores(2), ['0-16', '16-30']);
  });

  it('grows each core by the halo and clamps it at the volume edges', () => {
    assert.deepEqual(grid.block(0), { index: 0, position: [0, 0, 0], core: box([0, 0, 0], [4, 8, 16]), halo: box([0, 0, 0], [5, 10, 19]) });
    assert.deepEqual(grid.block(8), { index: 8, position: [1, 1, 0], core: box([4, 8, 0], [8, 16, 16]), halo: box([3, 6, 0], [9, 18, 19]) });
    assert.deepEqual(grid.block(17), { index: 17, position: [2, 2, 1], core: box([8, 16, 16], [10, 20, 30]), halo: box([7, 14, 13], [10, 20, 30]) });
    assert.deepEqual(grid.blockAt([2, 2, 1]), grid.block(17));
  });

  it('numbers blocks in C order (z slowest, x fastest)', () => {
    assert.deepEqual([0, 1, 2, 6].map((i) => grid.block(i).position), [[0, 0, 0], [0, 0, 1], [0, 1, 0], [1, 0, 0]]);
    assert.throws(() => grid.block(18), (e: unknown) => e instanceof RangeError && e.message === 'block index 18 is outside [0, 18)');
  });

  it('gives one block when the block size is larger than the volume', () => {
    const one = blockGrid({ bounds: box([0, 0, 0], [5, 6, 7]), size: [64, 64, 64], halo: [8, 8, 8] });
    assert.equal(one.total, 1);
    assert.deepEqual(one.block(0), { index: 0, position: [0, 0, 0], core: box([0, 0, 0], [5, 6, 7]), halo: box([0, 0, 0], [5, 6, 7]) });
  });

  it('clamps halos to the frame, not to the bounds the cores tile', () => {
    const g = blockGrid({ bounds: box([0, 100, 200], [1, 150, 300]), size: [1, 50, 50], halo: [2, 10, 10], frame: box([0, 0, 0], [1, 155, 1000]) });
    assert.deepEqual(g.block(0).halo, box([0, 90, 190], [1, 155, 260]));
    assert.deepEqual(g.block(1).halo, box([0, 90, 240], [1, 155, 310]));
  });
});
