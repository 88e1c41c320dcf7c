import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { VolumeBoundsError, VolumeCorruptError, VolumeDtypeError, VolumeNotFoundError, VolumeStorageError, VolumeUnsupportedError } from '../../errors/volume-errors';
import { createVolume, openVolume } from '../../open-volume';
import { FakeDvidServer } from '../../testing/fake-dvid-server';
import { testBoxes } from '../../testing/round-trip';
import { extractBox, pasteBox, randomArray } from '../../testing/volume-fixtures';
import type { BBox, RemoteVolumeOptions } from '../../volume.types';

const UUID = 'a1b2c3';
const FAST: RemoteVolumeOptions = { retryDelayMs: 1 };
// grayscale: extents x 0..36, y 0..29, z 0..19 (not block-aligned) -> shape (20, 30, 37).
const GRAY = [20, 30, 37];
// labels: extents x 16..47, y 8..31, z 0..15 -> shape (16, 24, 32), voxel (0, 0, 0) = DVID (16, 8, 0).
const LABELS = [16, 24, 32];

function raw(path: string): { size: number[]; offset: number[] } {
  const m = /\/raw\/0_1_2\/(\d+)_(\d+)_(\d+)\/(-?\d+)_(-?\d+)_(-?\d+)$/.exec(path);
  assert.ok(m, path);
  return { size: m.slice(1, 4).map(Number), offset: m.slice(4, 7).map(Number) };
}

describe('DVID driver (against a local server implementing the documented info and raw endpoints)', () => {
  let dvid: FakeDvidServer;
  let uri: (name: string, uuid?: string) => string;

  before(async () => {
    dvid = await FakeDvidServer.start([
      { uuid: UUID, name: 'grayscale', typeName: 'uint8blk', dataType: 'uint8', blockSize: [8, 8, 8], voxelSize: [4, 4, 40], minPoint: [0, 0, 0], maxPoint: [36, 29, 19] },
      { uuid: UUID, name: 'segmentation', typeName: 'labelarray', dataType: 'uint64', blockSize: [8, 8, 8], minPoint: [16, 8, 0], maxPoint: [47, 31, 15] },
      { uuid: UUID, name: 'color', typeName: 'rgba8blk', dataType: 'uint8', valuesPerVoxel: 4, blockSize: [32, 32, 32], minPoint: [0, 0, 0], maxPoint: [31, 31, 31] },
      { uuid: UUID, name: 'empty', typeName: 'uint8blk', dataType: 'uint8', blockSize: [32, 32, 32] },
    ]);
    uri = (name, uuid = UUID) => `dvid://${dvid.url}/${uuid}/${name}`;
  });
  after(() => dvid.close());
  beforeEach(() => dvid.http.resetLog());

  it('opens an instance: shape and origin from its extents, dtype from its type, voxel size and block from its info', async () => {
    const g = await openVolume(uri('grayscale'), { remote: FAST });
    assert.equal(g.format, 'dvid');
    assert.deepEqual([...g.shape], GRAY);
    assert.equal(g.dtype, 'uint8');
    assert.deepEqual([...g.voxelSize], [40, 4, 4]);
    assert.deepEqual([...g.chunkShape], [8, 8, 8]);
    assert.deepEqual(dvid.http.requests.map((r) => `${r.method} ${r.path}`), [`GET /api/node/${UUID}/grayscale/info`]);
    const s = await openVolume(uri('segmentation'), { remote: FAST });
    assert.deepEqual([...s.shape], LABELS);
    assert.equal(s.dtype, 'uint64');
    assert.deepEqual([...s.voxelSize], [8, 8, 8]);
  });

  it('round-trips uint8 data: whole volume, partial boxes, and a write that cuts blocks (read, merged, posted as whole blocks)', async () => {
    const v = await openVolume(uri('grayscale'), { remote: FAST });
    const model = randomArray('uint8', GRAY.reduce((a, b) => a * b), 21);
    await v.write({ start: [0, 0, 0], stop: GRAY }, model);
    assert.deepEqual(await v.read(), model, 'whole volume');
    for (const box of testBoxes(GRAY)) assert.deepEqual(await v.read(box), extractBox(model, GRAY, box), JSON.stringify(box));
    dvid.http.resetLog();
    const patch: BBox = { start: [3, 5, 6], stop: [11, 13, 30] };
    const values = randomArray('uint8', 8 * 8 * 24, 22);
    await v.write(patch, values);
    pasteBox(model, GRAY, patch, values);
    assert.deepEqual(await v.read(), model, 'after a partial write, voxels around the patch are unchanged');
    const posts = dvid.http.requests.filter((r) => r.method === 'POST').map((r) => raw(r.path));
    assert.deepEqual(posts, [{ size: [32, 16, 16], offset: [0, 0, 0] }], 'the enclosing blocks, x 0:32, y 0:16, z 0:16');
    // DVID stores whole blocks: the first write covered the edge blocks, so the extents grew to them.
    const again = await openVolume(uri('grayscale'), { remote: FAST });
    assert.deepEqual([...again.shape], [24, 32, 40]);
    assert.deepEqual(await again.read({ start: [0, 0, 0], stop: GRAY }), model);
  });

  it('round-trips uint64 labels beyond 2^53 at a non-zero origin', async () => {
    const v = await openVolume(uri('segmentation'), { remote: FAST });
    const model = randomArray('uint64', LABELS.reduce((a, b) => a * b), 31) as BigUint64Array;
    assert.ok(model.some((x) => x > 2n ** 53n));
    await v.write({ start: [0, 0, 0], stop: LABELS }, model);
    const again = await openVolume(uri('segmentation'), { remote: FAST });
    assert.deepEqual(await again.read(), model);
    const box: BBox = { start: [2, 3, 5], stop: [9, 20, 27] };
    dvid.http.resetLog();
    assert.deepEqual(await again.read(box), extractBox(model, LABELS, box));
    assert.deepEqual(raw(dvid.http.requests[0].path), { size: [22, 17, 7], offset: [21, 11, 2] }, 'DVID coordinates: MinPoint + box start, x y z order');
  });

  it('splits reads into bounded requests and writes into whole-block requests, with bounded concurrency', async () => {
    const v = await openVolume(uri('grayscale'), { remote: { ...FAST, maxVoxelsPerRequest: 600, concurrency: 2 } });
    const shape = [...v.shape];
    const model = randomArray('uint8', shape.reduce((a, b) => a * b), 41);
    await v.write({ start: [0, 0, 0], stop: shape }, model);
    const posts = dvid.http.requests.filter((r) => r.method === 'POST').map((r) => raw(r.path));
    assert.ok(posts.length > 1 && posts.every((p) => p.size.every((s) => s % 8 === 0) && p.offset.every((o) => o % 8 === 0)), 'whole blocks only');
    assert.ok(posts.every((p) => p.size[0] * p.size[1] * p.size[2] <= 600 || p.size.every((s) => s === 8)), 'never more than max, or one block');
    dvid.http.resetLog();
    dvid.http.latencyMs = 5;
    try {
      assert.deepEqual(await v.read(), model);
    } finally {
      dvid.http.latencyMs = 0;
    }
    const gets = dvid.http.requests.map((r) => raw(r.path));
    assert.ok(gets.length >= 40, `${gets.length} GETs`);
    assert.ok(gets.every((g) => g.size[0] * g.size[1] * g.size[2] <= 600));
    assert.equal(gets.reduce((n, g) => n + g.size[0] * g.size[1] * g.size[2], 0), shape.reduce((a, b) => a * b));
    assert.equal(dvid.http.maxInFlight, 2);
  });

  it('retries a 503 then succeeds; gives up with a retryable VolumeStorageError', async () => {
    const v = await openVolume(uri('grayscale'), { remote: { ...FAST, retries: 2 } });
    const before = await v.read();
    dvid.http.failNext('GET', /\/raw\//, 2, { status: 503, body: 'server busy' });
    assert.deepEqual(await v.read(), before);
    dvid.http.failNext('GET', /\/raw\//, 3, { status: 502 });
    await assert.rejects(v.read({ start: [0, 0, 0], stop: [1, 1, 1] }), (e: unknown) => {
      assert.ok(e instanceof VolumeStorageError);
      assert.equal(e.retryable, true);
      assert.equal(e.message, `${uri('grayscale')}: subvolume x 0:1, y 0:1, z 0:1: HTTP 502 from GET http://${dvid.url}/api/node/${UUID}/grayscale/raw/0_1_2/1_1_1/0_0_0 (3 attempts)`);
      return true;
    });
  });

  it("maps DVID's 400 for an unknown data name or UUID to VolumeNotFoundError", async () => {
    await assert.rejects(openVolume(uri('nothing'), { remote: FAST }), new VolumeNotFoundError(uri('nothing'), `DVID data ${UUID}/nothing not found (HTTP 400 from GET http://${dvid.url}/api/node/${UUID}/nothing/info: data "nothing" not found in node ${UUID})`));
    await assert.rejects(openVolume(uri('grayscale', 'ffff'), { remote: FAST }), (e: unknown) => e instanceof VolumeNotFoundError && e.message.endsWith('could not find UUID with partial match to "ffff")'));
  });

  it('refuses multi-value types, instances without extents, boxes outside the volume and data of the wrong dtype', async () => {
    await assert.rejects(openVolume(uri('color'), { remote: FAST }), new VolumeDtypeError(uri('color'), "DVID type 'rgba8blk' with values [uint8, uint8, uint8, uint8] is not supported (one value per voxel of uint8, uint16, uint32, uint64, float32, or labelblk/labelarray/labelmap)"));
    await assert.rejects(openVolume(uri('empty'), { remote: FAST }), (e: unknown) => e instanceof VolumeUnsupportedError && /has no extents yet/.test(e.message));
    const v = await openVolume(uri('segmentation'), { remote: FAST });
    await assert.rejects(v.read({ start: [0, 0, -1], stop: [1, 1, 1] }), new VolumeBoundsError(uri('segmentation'), 'bbox [0:1, 0:1, -1:1] lies outside the volume of shape (16, 24, 32)'));
    await assert.rejects(v.write({ start: [0, 0, 0], stop: [1, 1, 1] }, new Uint8Array(1)), new VolumeDtypeError(uri('segmentation'), 'cannot write uint8 data into a uint64 volume'));
  });

  it('reports a short raw body as VolumeCorruptError naming the subvolume', async () => {
    const v = await openVolume(uri('segmentation'), { remote: FAST });
    dvid.http.failNext('GET', /\/raw\//, 1, { damage: 'truncate' });
    await assert.rejects(v.read({ start: [0, 0, 0], stop: [2, 2, 2] }), new VolumeCorruptError(uri('segmentation'), 'subvolume x 16:18, y 8:10, z 0:2', '32 bytes, expected 64'));
  });

  it('refuses createVolume: instances are created in DVID', async () => {
    await assert.rejects(createVolume(uri('new'), { shape: [1, 1, 1], dtype: 'uint8' }), new VolumeUnsupportedError(uri('new'), 'DVID data instances are created in DVID (POST /api/repo/<uuid>/instance); open an existing instance with openVolume and write into it'));
  });
});
