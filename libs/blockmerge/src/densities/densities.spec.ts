import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addTally, BlockGrid, box, cropBox, densityTable, InvalidBlockResultError, ownedBy, parseTally, tallyCore, tallyToJson, type DensityTally } from '../index';

describe('densities', () => {
  const shape = [4, 6, 10] as const;
  const whole = box([0, 0, 0], shape);
  const regions = Uint8Array.from({ length: 240 }, (_, i) => (i % 10 < 4 ? 1 : i % 10 < 7 ? 2 : 0));
  const foreground = Uint8Array.from({ length: 240 }, (_, i) => (i % 3 === 0 ? 1 : 0));
  const detections = [{ z: 0, y: 0, x: 0 }, { z: 1.4, y: 2, x: 4.5 }, { z: 3, y: 5, x: 9 }, { z: 2, y: 2, x: 3.6 }];

  it('sums block tallies of the cores to exactly the whole volume’s tally', () => {
    const grid = new BlockGrid({ bounds: whole, size: [3, 4, 4], halo: [1, 1, 1] });
    const total: DensityTally = new Map();
    for (let b = 0; b < grid.total; b++) {
      const { core } = grid.block(b);
      addTally(total, tallyCore(core, { regions: cropBox(regions, whole, core), foreground: cropBox(foreground, whole, core), detections: ownedBy(grid, b, detections) }));
    }
    const expected = tallyCore(whole, { regions, foreground, detections });
    assert.deepEqual(densityTable(total), densityTable(expected));
    assert.deepEqual(densityTable(expected, [1e5, 1e5, 1e5]), [
      { region: 0, voxels: 72, foreground: 24, detections: 1, volumeFraction: 24 / 72, detectionsPerVoxel: 1 / 72, detectionsPerMm3: 1 / (72 * 1e-3) },
      { region: 1, voxels: 96, foreground: 32, detections: 1, volumeFraction: 32 / 96, detectionsPerVoxel: 1 / 96, detectionsPerMm3: 1 / (96 * 1e-3) },
      { region: 2, voxels: 72, foreground: 24, detections: 2, volumeFraction: 24 / 72, detectionsPerVoxel: 2 / 72, detectionsPerMm3: 2 / (72 * 1e-3) },
    ]);
  });

  it('round-trips a tally through JSON and refuses malformed ones', () => {
    const t = tallyCore(whole, { regions, foreground });
    assert.deepEqual(parseTally(JSON.parse(tallyToJson(t))), t);
    assert.throws(() => parseTally({ regions: { 1: { voxels: -1 } } }, 'b3.json'), (e: unknown) => e instanceof InvalidBlockResultError && e.message === 'b3.json: region 1 must have non-negative integer voxels, foreground, detections');
    assert.throws(() => tallyCore(box([0, 0, 0], [1, 1, 2]), { detections: [{ z: 0, y: 0, x: 1.5 }] }), /outside the core/);
  });
});
