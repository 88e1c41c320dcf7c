import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { VolumeCorruptError, VolumeDtypeError, VolumeNotFoundError, VolumeUnsupportedError } from '../../errors/volume-errors';
import { createVolume, openVolume } from '../../open-volume';
import { roundTrip } from '../../testing/round-trip';
import { randomArray, tempDir } from '../../testing/volume-fixtures';
import { TIFF_DTYPES } from './tiff.driver';

/** A 2-page 3x4 uint16 stack (value = i * 1000 + 7), LZW-compressed by libtiff's tiffcp (368 bytes). */
const LZW_STACK = 'SUkqACYAAACAAcAO8BtcDr8FqcHo8JncLl8NkcPi8RhcTv8VQEAMAAABAwABAAAABAAAAAEBAwABAAAAAwAAAAIBAwABAAAAEAAAAAMBAwABAAAABQAAAAYBAwABAAAAAQAAABEBBAABAAAACAAAABIBAwABAAAAAQAAABUBAwABAAAAAQAAABYBAwABAAAAAwAAABcBBAABAAAAHgAAABwBAwABAAAAAQAAAFMBAwABAAAAAQAAANoAAACAOcXM8ZLcbJ8dIcfG8hFcjD8lCcnA8pPcqt8swEAMAAABAwABAAAABAAAAAEBAwABAAAAAwAAAAIBAwABAAAAEAAAAAMBAwABAAAABQAAAAYBAwABAAAAAQAAABEBBAABAAAAvAAAABIBAwABAAAAAQAAABUBAwABAAAAAQAAABYBAwABAAAAAwAAABcBBAABAAAAHgAAABwBAwABAAAAAQAAAFMBAwABAAAAAQAAAAAAAAA=';

describe('tif driver', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => ({ dir, cleanup } = await tempDir()));
  after(() => cleanup());

  for (const dtype of TIFF_DTYPES) {
    it(`round-trips a multi-page ${dtype} stack`, () => roundTrip(`tif://${dir}/${dtype}.tif`, { shape: [5, 9, 7], dtype }));
  }
  it('round-trips a one-file-per-slice directory', () => roundTrip(`tif://${dir}/slices/`, { shape: [5, 9, 7], dtype: 'uint16' }));

  it('writes 300-page stacks that read back page by page (utif corrupts stacks beyond ~150 pages)', async () => {
    const uri = `tif://${dir}/deep.tif`;
    const shape = [300, 6, 5];
    const data = randomArray('uint8', 300 * 30, 3);
    const v = await createVolume(uri, { shape, dtype: 'uint8' });
    await v.write({ start: [0, 0, 0], stop: shape }, data);
    await v.close();
    const again = await openVolume(uri);
    assert.deepEqual([...again.shape], shape);
    assert.deepEqual(await again.read({ start: [297, 0, 0], stop: [300, 6, 5] }), data.subarray(297 * 30));
    assert.deepEqual(await again.read(), data);
    await again.close();
  });

  it('reads a foreign LZW-compressed stack and refuses to write into it', async () => {
    const path = join(dir, 'lzw.tif');
    await writeFile(path, Buffer.from(LZW_STACK, 'base64'));
    const v = await openVolume(`tif://${path}`);
    assert.deepEqual([...v.shape], [2, 3, 4]);
    assert.equal(v.dtype, 'uint16');
    assert.deepEqual(await v.read(), Uint16Array.from({ length: 24 }, (_, i) => i * 1000 + 7));
    assert.deepEqual(await v.read({ start: [1, 1, 1], stop: [2, 3, 3] }), Uint16Array.of(17007, 18007, 21007, 22007));
    await assert.rejects(v.write({ start: [0, 0, 0], stop: [1, 1, 1] }, Uint16Array.of(1)),
      new VolumeUnsupportedError(`tif://${path}`, 'page 0 is compressed, tiled or big-endian: TIFF writes need uncompressed little-endian strips (as createVolume writes them)'));
    await v.close();
  });

  it('names slice files 0000.tif... and reads them in natural order', async () => {
    const v = await createVolume(`tif://${dir}/named/`, { shape: [3, 2, 2], dtype: 'uint8' });
    await v.close();
    assert.deepEqual((await readdir(join(dir, 'named'))).sort(), ['0000.tif', '0001.tif', '0002.tif']);
  });

  it('refuses 64-bit integers, missing stacks and undecodable files', async () => {
    await assert.rejects(createVolume(`tif://${dir}/u64.tif`, { shape: [2, 2, 2], dtype: 'uint64' }),
      new VolumeDtypeError(`tif://${dir}/u64.tif`, 'dtype uint64 is not supported by TIFF (supported: uint8, uint16, uint32, int8, int16, int32, float32, float64)'));
    await assert.rejects(openVolume(`tif://${dir}/none.tif`), new VolumeNotFoundError(`tif://${dir}/none.tif`, `no TIFF file or directory at ${dir}/none.tif`));
    await writeFile(join(dir, 'junk.tif'), 'garbage, not a TIFF');
    await assert.rejects(openVolume(`tif://${dir}/junk.tif`), (e: unknown) => e instanceof VolumeCorruptError && e.chunk === 'header' && e.message.startsWith(`tif://${dir}/junk.tif: corrupt chunk header: `));
  });
});
