import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { labelCentroids } from '../labeling/label-centroids';
import { syntheticXrm } from './synthetic-xrm';

describe('syntheticXrm', () => {
  const shape = [48, 56, 64] as const;
  const a = syntheticXrm({ shape, seed: 7, cells: 12, vessels: 1 });

  it('is deterministic from the seed and differs between seeds', () => {
    const again = syntheticXrm({ shape, seed: 7, cells: 12, vessels: 1 });
    assert.deepEqual(again.image, a.image);
    assert.deepEqual(again.cells, a.cells);
    assert.deepEqual(again.vessels, a.vessels);
    const b = syntheticXrm({ shape, seed: 8, cells: 12, vessels: 1 });
    assert.notDeepEqual(b.cells, a.cells);
  });

  it('has consistent ground truth: cells and vessels disjoint, centroids of the rendered labels, cells darker than background, vessels darkest', () => {
    const n = 48 * 56 * 64;
    assert.equal(a.image.length, n);
    assert.ok(a.cellList.length >= 8, `${a.cellList.length} cells`);
    let vesselVoxels = 0;
    const mean = { bg: 0, cell: 0, vessel: 0 };
    const count = { bg: 0, cell: 0, vessel: 0 };
    for (let i = 0; i < n; i++) {
      assert.ok(!(a.cells[i] && a.vessels[i]));
      const k = a.vessels[i] ? 'vessel' : a.cells[i] ? 'cell' : 'bg';
      mean[k] += a.image[i];
      count[k]++;
      vesselVoxels += a.vessels[i];
    }
    assert.ok(vesselVoxels > 200, `${vesselVoxels} vessel voxels`);
    for (const k of ['bg', 'cell', 'vessel'] as const) mean[k] /= count[k];
    assert.ok(mean.vessel < mean.cell && mean.cell < mean.bg, JSON.stringify(mean));
    const { sizes, centroids } = labelCentroids(a.cells, shape, a.cellList.length === 0 ? 0 : Math.max(...a.cellList.map((c) => c.label)));
    for (const c of a.cellList) {
      assert.equal(sizes[c.label], c.voxels);
      assert.deepEqual([c.z, c.y, c.x], [centroids[3 * c.label], centroids[3 * c.label + 1], centroids[3 * c.label + 2]]);
      const r = Math.min(...c.radii);
      assert.ok(c.voxels <= (4 / 3) * Math.PI * Math.max(...c.radii) ** 3 + 1 && (c.voxels >= (4 / 3) * Math.PI * (r - 1) ** 3 || c.z < r || c.y < r || c.x < r || c.z > 47 - r || c.y > 55 - r || c.x > 63 - r));
    }
  });
});
