import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { labelCentroids } from '@saber/imaging';
import { BlockGrid, box, labelDetections, mergeDetections, ownerOf, voxelOf } from '../index';

describe('detections', () => {
  const grid = new BlockGrid({ bounds: box([0, 0, 0], [4, 10, 10]), size: [4, 5, 5], halo: [0, 3, 3] });

  it('gives every point inside the bounds exactly one owner: the core holding its nearest voxel centre (halves round up)', () => {
    assert.deepEqual(voxelOf({ z: 1.5, y: 4.49, x: -0.5 }), [2, 4, 0]);
    assert.deepEqual([{ z: 0, y: 4.4, x: 4.5 }, { z: 0, y: 4.5, x: 4.4 }, { z: 3.6, y: 0, x: 0 }, { z: 0, y: 9.49, x: 9.49 }].map((p) => ownerOf(grid, p)), [1, 2, -1, 3]);
  });

  it('keeps each detection once, by the block that owns it, whatever number of halos saw it', async () => {
    const seenBy = [
      { block: 0, detections: [{ z: 1, y: 4.4, x: 4.6, id: 'a' }, { z: 1, y: 6, x: 1, id: 'b' }] },
      { block: 1, detections: [{ z: 1, y: 4.4, x: 4.6, id: 'a' }] },
      { block: 2, detections: [{ z: 1, y: 6, x: 1, id: 'b' }, { z: 1, y: 6, x: 6, id: 'c' }] },
      { block: 3, detections: [{ z: 1, y: 6, x: 6, id: 'c' }, { z: 1, y: 6, x: 1, id: 'b' }] },
    ];
    assert.deepEqual((await mergeDetections(grid, seenBy)).map((d) => d.id), ['a', 'b', 'c']);
  });

  it('gives a block that sees a whole object the same centroid, to the bit, as the whole volume (labelCentroids)', () => {
    const shape = [3, 4, 5] as const;
    const labels = Uint32Array.from({ length: 60 }, (_, i) => (i % 7 === 0 ? 1 : i % 11 === 0 ? 2 : 0));
    const whole = labelCentroids(labels, shape, 2);
    const dets = labelDetections(labels, box([0, 0, 0], shape));
    assert.deepEqual(dets.map((d) => [d.z, d.y, d.x, d.voxels]), [1, 2].map((l) => [...whole.centroids.subarray(3 * l, 3 * l + 3), whole.sizes[l]]));
    // The same labels placed at an offset in a larger volume: the same centroids, shifted, bit for bit.
    const shifted = labelDetections(labels, box([100, 37, 1000], [103, 41, 1005]));
    assert.deepEqual(shifted.map((d) => [d.z, d.y, d.x]), dets.map((d) => [(d.z * d.voxels + 100 * d.voxels) / d.voxels, (d.y * d.voxels + 37 * d.voxels) / d.voxels, (d.x * d.voxels + 1000 * d.voxels) / d.voxels]));
  });
});
