import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { VolumeCorruptError, VolumeDtypeError, VolumeNotFoundError, VolumeUnsupportedError } from '../../errors/volume-errors';
import { createVolume, openVolume } from '../../open-volume';
import { roundTrip } from '../../testing/round-trip';
import { tempDir } from '../../testing/volume-fixtures';
import { FsBlobStore } from '../../storage/fs-blob-store';
import { CountingBlobStore } from '../../testing/counting-blob-store';
import { parseVolumeUri } from '../../uri/parse-volume-uri';
import { PRECOMPUTED_DTYPES } from './precomputed-info';
import { openPrecomputed } from './precomputed.driver';

describe('precomputed driver', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => ({ dir, cleanup } = await tempDir()));
  after(() => cleanup());

  for (const dtype of PRECOMPUTED_DTYPES) {
    it(`round-trips ${dtype} across chunk boundaries and edge chunks`, () =>
      roundTrip(`precomputed://${dir}/${dtype}`, { shape: [7, 13, 11], dtype, chunkShape: [3, 5, 4], voxelSize: [40, 4, 4] }));
  }

  it('writes an info file Neuroglancer reads, x-y-z ordered, and chunk files named x0-x1_y0-y1_z0-z1', async () => {
    const v = await createVolume(`precomputed://${dir}/ng`, { shape: [5, 6, 7], dtype: 'uint64', chunkShape: [4, 4, 4], voxelSize: [40, 8, 4] });
    const data = BigUint64Array.from({ length: 5 * 6 * 7 }, (_, i) => BigInt(i) + 2n ** 60n);
    await v.write({ start: [0, 0, 0], stop: [5, 6, 7] }, data);
    await v.close();
    const info = JSON.parse(await readFile(join(dir, 'ng', 'info'), 'utf8'));
    assert.deepEqual(info, {
      '@type': 'neuroglancer_multiscale_volume',
      type: 'segmentation',
      data_type: 'uint64',
      num_channels: 1,
      scales: [{ key: '4_8_40', size: [7, 6, 5], resolution: [4, 8, 40], voxel_offset: [0, 0, 0], chunk_sizes: [[4, 4, 4]], encoding: 'raw' }],
    });
    assert.deepEqual((await readdir(join(dir, 'ng', '4_8_40'))).sort(), [
      '0-4_0-4_0-4', '0-4_0-4_4-5', '0-4_4-6_0-4', '0-4_4-6_4-5', '4-7_0-4_0-4', '4-7_0-4_4-5', '4-7_4-6_0-4', '4-7_4-6_4-5',
    ]);
    // Raw encoding is x fastest: the edge chunk x 4-7, y 4-6, z 4-5 holds voxel (z=4, y=4, x=4) first.
    const chunk = await readFile(join(dir, 'ng', '4_8_40', '4-7_4-6_4-5'));
    assert.equal(chunk.length, 3 * 2 * 1 * 8);
    assert.equal(chunk.readBigUInt64LE(0), data[(4 * 6 + 4) * 7 + 4]);
    assert.equal(chunk.readBigUInt64LE(8), data[(4 * 6 + 4) * 7 + 5]);
  });

  it('writes a box that is exactly one chunk, edge chunks too, as that chunk’s bytes', async () => {
    const v = await createVolume(`precomputed://${dir}/exact`, { shape: [5, 6, 7], dtype: 'uint32', chunkShape: [4, 4, 4] });
    const model = new Uint32Array(5 * 6 * 7);
    // Each chunk written on its own, as the merger writes block cores of the chunk shape.
    for (const [z0, z1] of [[0, 4], [4, 5]]) {
      for (const [y0, y1] of [[0, 4], [4, 6]]) {
        for (const [x0, x1] of [[0, 4], [4, 7]]) {
          const data = Uint32Array.from({ length: (z1 - z0) * (y1 - y0) * (x1 - x0) }, (_, i) => 1000 * (z0 + 1) + 100 * (y0 + 1) + 10 * (x0 + 1) + i);
          await v.write({ start: [z0, y0, x0], stop: [z1, y1, x1] }, data);
          let i = 0;
          for (let z = z0; z < z1; z++) for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) model[(z * 6 + y) * 7 + x] = data[i++]!;
        }
      }
    }
    assert.deepEqual(await v.read(), model);
    await v.close();
    const chunk = await readFile(join(dir, 'exact', '1_1_1', '4-7_4-6_4-5'));
    assert.deepEqual(Array.from(new Uint32Array(chunk.buffer, chunk.byteOffset, chunk.length / 4)), Array.from({ length: 6 }, (_, i) => 5550 + i));
    assert.deepEqual(await (await openVolume(`precomputed://${dir}/exact`)).read(), model);
  });

  it('reads only the chunk files the box intersects', async () => {
    const uri = `precomputed://${dir}/count`;
    const v = await createVolume(uri, { shape: [7, 13, 11], dtype: 'uint8', chunkShape: [3, 5, 4] });
    await v.write({ start: [0, 0, 0], stop: [7, 13, 11] }, new Uint8Array(7 * 13 * 11).fill(1));
    await v.close();
    const blobs = new CountingBlobStore(new FsBlobStore(uri, join(dir, 'count')));
    const again = await openPrecomputed(parseVolumeUri(uri), blobs);
    blobs.gets.length = 0;
    await again.read({ start: [2, 4, 7], stop: [4, 6, 9] });
    // z 2-4 -> chunks 0-3, 3-6; y 4-6 -> 0-5, 5-10; x 7-9 -> 4-8, 8-11 (file names are x_y_z)
    assert.deepEqual(blobs.gets.sort(), [
      '1_1_1/4-8_0-5_0-3', '1_1_1/4-8_0-5_3-6', '1_1_1/4-8_5-10_0-3', '1_1_1/4-8_5-10_3-6',
      '1_1_1/8-11_0-5_0-3', '1_1_1/8-11_0-5_3-6', '1_1_1/8-11_5-10_0-3', '1_1_1/8-11_5-10_3-6',
    ]);
  });

  it('reads missing chunks as zeros, gzipped chunk files, and a voxel_offset', async () => {
    const root = join(dir, 'foreign');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(root, 's0'), { recursive: true });
    await writeFile(join(root, 'info'), JSON.stringify({
      type: 'image', data_type: 'uint8', num_channels: 1,
      scales: [{ key: 's0', size: [4, 2, 2], resolution: [1, 1, 1], voxel_offset: [10, 20, 30], chunk_sizes: [[2, 2, 2]], encoding: 'raw' }],
    }));
    await writeFile(join(root, 's0', '12-14_20-22_30-32.gz'), gzipSync(Uint8Array.from({ length: 8 }, (_, i) => i + 1)));
    const v = await openVolume(`precomputed://${root}`);
    assert.deepEqual([...v.shape], [2, 2, 4]);
    assert.deepEqual(await v.read({ start: [0, 0, 0], stop: [1, 1, 4] }), Uint8Array.of(0, 0, 1, 2));
    await v.close();
  });

  it('names the URI and the chunk when a chunk is corrupt, and refuses float64 and compressed_segmentation', async () => {
    const uri = `precomputed://${dir}/bad`;
    const v = await createVolume(uri, { shape: [4, 4, 4], dtype: 'uint16', chunkShape: [2, 2, 2] });
    await v.write({ start: [0, 0, 0], stop: [4, 4, 4] }, new Uint16Array(64).fill(3));
    await writeFile(join(dir, 'bad', '1_1_1', '2-4_0-2_0-2'), Buffer.alloc(5));
    await assert.rejects(v.read(), (e: unknown) => {
      assert.ok(e instanceof VolumeCorruptError);
      assert.equal(e.chunk, '1_1_1/2-4_0-2_0-2');
      assert.equal(e.message, `${uri}: corrupt chunk 1_1_1/2-4_0-2_0-2: expected 16 bytes (raw uint16 chunk 2x2x2), found 5`);
      return true;
    });
    assert.deepEqual(await v.read({ start: [0, 0, 0], stop: [2, 2, 2] }), new Uint16Array(8).fill(3), 'other chunks still read');
    await v.close();
    await assert.rejects(createVolume(`precomputed://${dir}/f64`, { shape: [2, 2, 2], dtype: 'float64' }),
      new VolumeDtypeError(`precomputed://${dir}/f64`, 'dtype float64 is not supported by Neuroglancer precomputed (supported: uint8, int8, uint16, int16, uint32, int32, uint64, float32)'));
    const info = JSON.parse(await readFile(join(dir, 'bad', 'info'), 'utf8'));
    info.scales[0].encoding = 'compressed_segmentation';
    await writeFile(join(dir, 'bad', 'info'), JSON.stringify(info));
    await assert.rejects(openVolume(uri), new VolumeUnsupportedError(uri, `scale 1_1_1 uses encoding 'compressed_segmentation'; only 'raw' is supported`));
    await assert.rejects(openVolume(`precomputed://${dir}/none`), new VolumeNotFoundError(`precomputed://${dir}/none`, `no precomputed info file at ${dir}/none/info`));
  });
});
