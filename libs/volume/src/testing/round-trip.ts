/**
 * The round trip every driver passes: create, write the whole volume, read it back,
 * read boxes that cross chunk boundaries and touch edge chunks (also into a reused array
 * of stale values), overwrite a box that cuts chunks, close, reopen with `openVolume`,
 * and compare with a brute-force model.
 */
import assert from 'node:assert/strict';
import { createVolume, openVolume } from '../open-volume';
import type { BBox, CreateVolumeMeta, VolumeAccessOptions } from '../volume.types';
import { extractBox, pasteBox, randomArray } from './volume-fixtures';

/** Boxes of a 3-D volume of `shape` that cross chunk boundaries and reach the far edges. */
export function testBoxes(shape: readonly number[]): BBox[] {
  const [z, y, x] = shape;
  return [
    { start: [0, 0, 0], stop: [1, 1, 1] },
    { start: [1, 2, 3], stop: [z - 1, y - 1, x - 2] },
    { start: [z - 2, y - 5, x - 4], stop: [z, y, x] },
    { start: [0, y - 1, 0], stop: [z, y, x] },
  ];
}

/** Runs the round trip on `uri`; `meta.shape` must be 3-D and at least 4 x 6 x 5. */
export async function roundTrip(uri: string, meta: CreateVolumeMeta, options?: VolumeAccessOptions): Promise<void> {
  const { shape, dtype } = meta;
  const n = shape.reduce((a, b) => a * b, 1);
  const model = randomArray(dtype, n, 7);
  const store = await createVolume(uri, meta, options);
  try {
    assert.deepEqual([...store.shape], [...shape]);
    assert.equal(store.dtype, dtype);
    const zeros = new (model.constructor as new (n: number) => typeof model)(n);
    assert.deepEqual(await store.read(), zeros, 'a new volume reads as zeros');
    // Into an array of stale values: the same zeros (missing chunks too), in that array.
    const stale = randomArray(dtype, n, 3);
    assert.equal(await store.read(undefined, stale), stale, 'read(box, out) returns out');
    assert.deepEqual(stale, zeros, 'a new volume reads as zeros into a used array');
    await store.write({ start: shape.map(() => 0), stop: [...shape] }, model);
    assert.deepEqual(await store.read(), model, 'whole volume');
    for (const box of testBoxes(shape)) {
      const want = extractBox(model, shape, box);
      assert.deepEqual(await store.read(box), want, `box ${JSON.stringify(box)}`);
      assert.deepEqual(await store.read(box, randomArray(dtype, want.length, 5)), want, `box ${JSON.stringify(box)} into a used array`);
    }
    await assert.rejects(store.read(testBoxes(shape)[1], randomArray(dtype, 2, 5)), /the array has 2 elements but bbox/);
    await assert.rejects(store.read(testBoxes(shape)[0], dtype === 'float64' ? new Float32Array(1) : new Float64Array(1)), /cannot read \w+ data into/);
    const patch: BBox = { start: [1, 1, 2], stop: [shape[0] - 1, shape[1] - 2, shape[2] - 1] };
    const values = randomArray(dtype, patch.start.reduce((a, s, i) => a * (patch.stop[i] - s), 1), 11);
    await store.write(patch, values);
    pasteBox(model, shape, patch, values);
    assert.deepEqual(await store.read(), model, 'after a partial write');
  } finally {
    await store.close();
  }
  const again = await openVolume(uri, options);
  try {
    assert.deepEqual([...again.shape], [...shape]);
    assert.equal(again.dtype, dtype);
    if (meta.voxelSize) assert.deepEqual([...again.voxelSize], [...meta.voxelSize]);
    assert.deepEqual(await again.read(), model, 'after reopening');
    for (const box of testBoxes(shape)) assert.deepEqual(await again.read(box), extractBox(model, shape, box));
  } finally {
    await again.close();
  }
}
