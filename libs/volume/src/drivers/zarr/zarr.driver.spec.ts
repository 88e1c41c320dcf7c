import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deflateSync, gunzipSync, gzipSync, inflateSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { DTYPES } from '../../core/dtype';
import { VolumeBoundsError, VolumeCorruptError, VolumeDtypeError, VolumeNotFoundError } from '../../errors/volume-errors';
import { createVolume, openVolume } from '../../open-volume';
import { roundTrip } from '../../testing/round-trip';
import { FsBlobStore } from '../../storage/fs-blob-store';
import { CountingBlobStore } from '../../testing/counting-blob-store';
import { tempDir } from '../../testing/volume-fixtures';
import { parseVolumeUri } from '../../uri/parse-volume-uri';
import { openZarr } from './zarr.driver';

/** Voxel value of the hand-written fixtures. */
const value = (z: number, y: number, x: number) => z * 100 + y * 10 + x;

/**
 * Writes a zarr v2 array by hand, following the v2 spec: `.zarray` JSON, chunk keys
 * `i.j.k`, full-size edge chunks, chunk (1, 1, 1) left out (reads as fill_value).
 */
async function writeV2Fixture(root: string, order: 'C' | 'F', compressor: null | { id: 'zlib'; level: number }): Promise<void> {
  const shape = [3, 4, 5];
  const chunks = [2, 3, 4];
  await mkdir(root, { recursive: true });
  await writeFile(join(root, '.zarray'), JSON.stringify({
    zarr_format: 2, shape, chunks, dtype: '<u2', compressor, fill_value: 7, order, filters: null, dimension_separator: '.',
  }));
  await writeFile(join(root, '.zattrs'), JSON.stringify({ resolution: [40, 4, 4] }));
  for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) for (let k = 0; k < 2; k++) {
    if (i === 1 && j === 1 && k === 1) continue;
    const buf = new Uint16Array(24).fill(0xffff);
    for (let a = 0; a < 2; a++) for (let b = 0; b < 3; b++) for (let c = 0; c < 4; c++) {
      const [z, y, x] = [i * 2 + a, j * 3 + b, k * 4 + c];
      if (z >= 3 || y >= 4 || x >= 5) continue;
      buf[order === 'C' ? (a * 3 + b) * 4 + c : (c * 3 + b) * 2 + a] = value(z, y, x);
    }
    const bytes = Buffer.from(buf.buffer);
    await writeFile(join(root, `${i}.${j}.${k}`), compressor ? deflateSync(bytes) : bytes);
  }
}

function expected(): Uint16Array {
  const out = new Uint16Array(60);
  for (let z = 0; z < 3; z++) for (let y = 0; y < 4; y++) for (let x = 0; x < 5; x++) {
    out[(z * 4 + y) * 5 + x] = z >= 2 && y >= 3 && x >= 4 ? 7 : value(z, y, x);
  }
  return out;
}

describe('zarr driver', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => ({ dir, cleanup } = await tempDir()));
  after(() => cleanup());

  for (const dtype of DTYPES) {
    it(`round-trips ${dtype} (v3, gzip)`, () =>
      roundTrip(`zarr://${dir}/${dtype}.zarr`, { shape: [7, 13, 11], dtype, chunkShape: [3, 5, 4], voxelSize: [40, 4, 4] }));
  }
  it('round-trips uncompressed (v3, raw)', () => roundTrip(`zarr://${dir}/raw.zarr`, { shape: [6, 8, 9], dtype: 'uint16', chunkShape: [4, 4, 4], compression: 'raw' }));

  it('reads only the chunks the box intersects', async () => {
    const uri = `zarr://${dir}/count.zarr`;
    const v = await createVolume(uri, { shape: [7, 13, 11], dtype: 'uint8', chunkShape: [3, 5, 4] });
    await v.write({ start: [0, 0, 0], stop: [7, 13, 11] }, new Uint8Array(7 * 13 * 11).fill(1));
    await v.close();
    const blobs = new CountingBlobStore(new FsBlobStore(uri, join(dir, 'count.zarr')));
    const again = await openZarr(parseVolumeUri(uri), blobs);
    blobs.gets.length = 0;
    await again.read({ start: [6, 12, 10], stop: [7, 13, 11] });
    assert.deepEqual(blobs.gets, ['c/2/2/2']);
    blobs.gets.length = 0;
    await again.read({ start: [2, 4, 7], stop: [4, 6, 9] });
    assert.deepEqual(blobs.gets.sort(), ['c/0/0/1', 'c/0/0/2', 'c/0/1/1', 'c/0/1/2', 'c/1/0/1', 'c/1/0/2', 'c/1/1/1', 'c/1/1/2']);
  });

  it('writes gzip chunks other readers decode (zarr.json names the gzip codec)', async () => {
    const v = await createVolume(`zarr://${dir}/gz.zarr`, { shape: [2, 2, 2], dtype: 'uint8', chunkShape: [2, 2, 2] });
    await v.write({ start: [0, 0, 0], stop: [2, 2, 2] }, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8));
    await v.close();
    const meta = JSON.parse(await readFile(join(dir, 'gz.zarr', 'zarr.json'), 'utf8'));
    assert.deepEqual(meta.codecs, [{ name: 'bytes', configuration: { endian: 'little' } }, { name: 'gzip', configuration: { level: 5 } }]);
    assert.deepEqual(meta.dimension_names, ['z', 'y', 'x']);
    assert.deepEqual([...gunzipSync(await readFile(join(dir, 'gz.zarr', 'c', '0', '0', '0')))], [1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('writes chunks at the gzip level asked for (zarr.json names it), and refuses a level outside 1-9', async () => {
    const data = Uint32Array.from({ length: 4 * 8 * 8 }, (_, i) => (i % 7 === 0 ? 3 : 0));
    for (const level of [1, 9]) {
      const v = await createVolume(`zarr://${dir}/level-${level}.zarr`, { shape: [4, 8, 8], dtype: 'uint32', chunkShape: [4, 8, 8], gzipLevel: level });
      await v.write({ start: [0, 0, 0], stop: [4, 8, 8] }, data);
      await v.close();
      const meta = JSON.parse(await readFile(join(dir, `level-${level}.zarr`, 'zarr.json'), 'utf8'));
      assert.deepEqual(meta.codecs[1], { name: 'gzip', configuration: { level } });
      assert.deepEqual(await readFile(join(dir, `level-${level}.zarr`, 'c', '0', '0', '0')), gzipSync(Buffer.from(data.buffer), { level }));
      assert.deepEqual(await (await openVolume(`zarr://${dir}/level-${level}.zarr`)).read(), data);
    }
    for (const gzipLevel of [0, 10, 2.5]) {
      await assert.rejects(createVolume(`zarr://${dir}/bad-level.zarr`, { shape: [2, 2, 2], dtype: 'uint8', gzipLevel }), new RegExp(`gzipLevel must be an integer from 1 to 9, got ${gzipLevel}`));
    }
  });

  it('stores chunks a write covers whole with the bytes zarrita writes for them (gzip and raw), and the cut ones through zarrita', async () => {
    const data = Uint16Array.from({ length: 5 * 8 * 6 }, (_, i) => (i * 37) % 1000);
    for (const compression of ['gzip', 'raw'] as const) {
      const uri = `zarr://${dir}/whole-${compression}.zarr`;
      const v = await createVolume(uri, { shape: [5, 8, 6], dtype: 'uint16', chunkShape: [2, 4, 6], compression });
      // Chunks (0|1, 0|1, 0) are whole; (2, *, 0) are cut by the volume's edge (z 4..5 of 4..6).
      await v.write({ start: [0, 0, 0], stop: [5, 8, 6] }, data);
      assert.deepEqual(await v.read(), data);
      await v.close();
      const chunk = (z: number, y: number) => {
        const c = new Uint16Array(2 * 4 * 6);
        for (let a = 0; a < 2; a++) for (let b = 0; b < 4; b++) for (let x = 0; x < 6; x++) {
          const zz = z * 2 + a;
          if (zz < 5) c[(a * 4 + b) * 6 + x] = data[(zz * 8 + y * 4 + b) * 6 + x]!;
        }
        const bytes = Buffer.from(c.buffer);
        return compression === 'gzip' ? gzipSync(bytes, { level: 5 }) : bytes;
      };
      for (const [z, y] of [[0, 0], [0, 1], [1, 0], [1, 1], [2, 0], [2, 1]] as const) {
        assert.deepEqual(await readFile(join(dir, `whole-${compression}.zarr`, 'c', `${z}`, `${y}`, '0')), chunk(z, y), `${compression} chunk ${z}/${y}/0`);
      }
    }
  });

  for (const [name, order, compressor] of [['raw, C order', 'C', null], ['zlib, C order', 'C', { id: 'zlib', level: 1 }], ['raw, F order', 'F', null]] as const) {
    it(`reads a zarr v2 array written by hand to the v2 spec (${name})`, async () => {
      const root = join(dir, `v2-${order}-${compressor ? 'zlib' : 'raw'}.zarr`);
      await writeV2Fixture(root, order, compressor);
      const v = await openVolume(`zarr://${root}`);
      assert.deepEqual([...v.shape], [3, 4, 5]);
      assert.deepEqual([...v.chunkShape], [2, 3, 4]);
      assert.equal(v.dtype, 'uint16');
      assert.deepEqual([...v.voxelSize], [40, 4, 4]);
      assert.deepEqual(await v.read(), expected());
      assert.deepEqual(await v.read({ start: [1, 2, 3], stop: [3, 4, 5] }), Uint16Array.of(123, 124, 133, 134, 223, 224, 233, 7));
      await v.close();
    });
  }

  it('writes into a v2 array with its own compressor (Node zlib encodes)', async () => {
    const root = join(dir, 'v2-write.zarr');
    await writeV2Fixture(root, 'C', { id: 'zlib', level: 1 });
    const v = await openVolume(`zarr://${root}`);
    await v.write({ start: [0, 0, 0], stop: [1, 1, 2] }, Uint16Array.of(9000, 9001));
    await v.close();
    const chunk = new Uint16Array(new Uint8Array(inflateSync(await readFile(join(root, '0.0.0')))).buffer);
    assert.deepEqual([...chunk.subarray(0, 5)], [9000, 9001, 2, 3, 10]);
  });

  it('reports missing arrays, corrupt chunks, out-of-volume boxes and wrong dtypes with the URI', async () => {
    const missing = `zarr://${dir}/none.zarr`;
    await assert.rejects(openVolume(missing), new VolumeNotFoundError(missing, `no zarr array at ${dir}/none.zarr`));
    const uri = `zarr://${dir}/bad.zarr`;
    const v = await createVolume(uri, { shape: [4, 4, 4], dtype: 'float32', chunkShape: [2, 2, 2] });
    await v.write({ start: [0, 0, 0], stop: [4, 4, 4] }, new Float32Array(64).fill(1.5));
    await writeFile(join(dir, 'bad.zarr', 'c', '1', '0', '1'), Buffer.from('not gzip'));
    await assert.rejects(v.read({ start: [1, 0, 1], stop: [3, 1, 3] }), (e: unknown) => {
      assert.ok(e instanceof VolumeCorruptError);
      assert.equal(e.chunk, '[1, 0, 1]');
      assert.match(e.message, new RegExp(`^zarr://${dir}/bad\\.zarr: corrupt chunk \\[1, 0, 1\\]: .*gzip.*incorrect header check`));
      return true;
    });
    await assert.rejects(v.read({ start: [0, 0, 0], stop: [5, 4, 4] }), new VolumeBoundsError(uri, 'bbox [0:5, 0:4, 0:4] lies outside the volume of shape (4, 4, 4)'));
    await assert.rejects(v.write({ start: [0, 0, 0], stop: [1, 1, 1] }, new Float64Array(1)), new VolumeDtypeError(uri, 'cannot write float64 data into a float32 volume'));
    await assert.rejects(v.write({ start: [0, 0, 0], stop: [1, 1, 2] }, new Float32Array(1)), new VolumeBoundsError(uri, 'data has 1 elements but bbox [0:1, 0:1, 0:2] holds 2'));
    await v.close();
  });
});
