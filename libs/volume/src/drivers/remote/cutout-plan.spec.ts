import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { prng } from '../../testing/volume-fixtures';
import type { BBox } from '../../volume.types';
import { alignOutwards, cutoutCell, planCutouts } from './cutout-plan';

const voxels = (b: BBox) => b.start.reduce((n, s, i) => n * (b.stop[i] - s), 1);

/** Every voxel of `box` is in exactly one piece, and no piece leaves the box. */
function assertTiles(box: BBox, pieces: BBox[]): void {
  const seen = new Map<string, number>();
  for (const p of pieces) {
    p.start.forEach((s, i) => assert.ok(s >= box.start[i] && p.stop[i] <= box.stop[i] && s < p.stop[i], `piece ${JSON.stringify(p)} leaves ${JSON.stringify(box)}`));
    for (let z = p.start[0]; z < p.stop[0]; z++) for (let y = p.start[1]; y < p.stop[1]; y++) for (let x = p.start[2]; x < p.stop[2]; x++) {
      const k = `${z},${y},${x}`;
      seen.set(k, (seen.get(k) ?? 0) + 1);
    }
  }
  assert.equal(seen.size, voxels(box));
  assert.ok([...seen.values()].every((n) => n === 1), 'no voxel twice');
}

describe('cutout planning', () => {
  it('returns a box that fits in one request unchanged', () => {
    const box = { start: [3, 4, 5], stop: [10, 20, 30] };
    assert.deepEqual(planCutouts(box, { maxVoxels: 7 * 16 * 25, align: [16, 512, 512] }), [box]);
  });

  it('tiles random boxes exactly with pieces of at most maxVoxels, aligned to blocks where a piece spans blocks', () => {
    const rand = prng(17);
    for (let t = 0; t < 40; t++) {
      const start = [0, 1, 2].map(() => Math.floor(rand() * 40) - 10);
      const box = { start, stop: start.map((s) => s + 1 + Math.floor(rand() * 30)) };
      const align = [0, 1, 2].map(() => 1 + Math.floor(rand() * 9));
      const maxVoxels = 1 + Math.floor(rand() * 3000);
      const pieces = planCutouts(box, { maxVoxels, align });
      assertTiles(box, pieces);
      assert.ok(pieces.every((p) => voxels(p) <= maxVoxels), `max ${maxVoxels}`);
      const cell = cutoutCell(box.stop.map((s, i) => s - box.start[i]), { maxVoxels, align });
      cell.forEach((c, i) => assert.ok(c <= align[i] || c % align[i] === 0, `cell ${cell} vs align ${align}`));
    }
  });

  it('never cuts below one block for whole-block writes, and keeps pieces on the block grid', () => {
    const box = alignOutwards({ start: [3, -5, 9], stop: [30, 17, 40] }, [8, 8, 8]);
    assert.deepEqual(box, { start: [0, -8, 8], stop: [32, 24, 40] });
    const pieces = planCutouts(box, { maxVoxels: 100, align: [8, 8, 8], wholeBlocks: true });
    assertTiles(box, pieces);
    assert.equal(pieces.length, 4 * 4 * 4);
    assert.ok(pieces.every((p) => p.start.every((s, i) => s % 8 === 0 && (p.stop[i] - s) === 8)));
    const bigger = planCutouts(box, { maxVoxels: 2048, align: [8, 8, 8], wholeBlocks: true });
    assertTiles(box, bigger);
    assert.ok(bigger.every((p) => voxels(p) <= 2048 && p.start.every((s, i) => s % 8 === 0 && (p.stop[i] - s) % 8 === 0)));
  });
});
