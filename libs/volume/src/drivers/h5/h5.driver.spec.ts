import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DTYPES, bytesOf } from '../../core/dtype';
import { VolumeCorruptError, VolumeExistsError, VolumeNotFoundError, VolumeUnsupportedError, VolumeUriError } from '../../errors/volume-errors';
import { createVolume, openVolume } from '../../open-volume';
import { roundTrip } from '../../testing/round-trip';
import { extractBox, tempDir } from '../../testing/volume-fixtures';
import { h5Error } from './h5.driver';
import { h5PluginDir, loadH5wasm } from './h5wasm-loader';

/** The shared data set, relative to the repository root (tests run there). */
const GALA = '../shared/data/gala-train';

/**
 * Reference values computed with h5py 3.7 (its own LZF filter) from the same files:
 * sha256 of the C-order little-endian bytes, label statistics and sample voxels.
 */
const GALA_EXPECTED = {
  'train-gt.lzf.h5': { dtype: 'int32', sha256: '33ba95cc5172c22c55cb86a7d8e5c7137bb058aae7a5a32465283f0b72690eb2', labels: 87, zeros: 67136, sample: [13, 13, 13, 13, 13], edge: [8, 8, 8, 0, 87] },
  'train-ws.lzf.h5': { dtype: 'int32', sha256: '91811805b3a516b084de57ee2b2039a7203072fffc60965795bf98a30a645e32', labels: 203, zeros: 0, sample: [29, 29, 29, 29, 29], edge: [198, 198, 198, 198, 109] },
  'train-p1.lzf.h5': { dtype: 'float32', sha256: 'a89173816dd74d6b749ab7c5ad99e355a64a05b31cbf55eaddabd7f5602d90da', labels: undefined, zeros: undefined, sample: [0.87, 0.29, 0.02, 0.01, 0.07], edge: [0.09, 0.77, 0.99, 1, 1] },
} as const;

describe('h5 driver', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => ({ dir, cleanup } = await tempDir()));
  after(() => cleanup());

  for (const [file, want] of Object.entries(GALA_EXPECTED)) {
    it(`reads the LZF-compressed gala-train ${file} (h5py's LZF filter) with the values h5py reads`, async () => {
      const v = await openVolume(`h5:${GALA}/${file}#stack`);
      assert.deepEqual([...v.shape], [50, 100, 200]);
      assert.equal(v.dtype, want.dtype);
      assert.deepEqual([...v.chunkShape], [7, 25, 50]);
      const all = await v.read();
      assert.equal(createHash('sha256').update(bytesOf(all)).digest('hex'), want.sha256);
      if (want.labels !== undefined) {
        const labels = new Set(all as Int32Array);
        labels.delete(0);
        assert.equal(labels.size, want.labels, 'distinct non-zero labels (README: gt 87 objects, ws 203 fragments)');
        assert.equal((all as Int32Array).filter((x) => x === 0).length, want.zeros);
      }
      const close = (got: ArrayLike<number>, exp: readonly number[]) => assert.deepEqual(Array.from(got, (x) => Math.round(x * 100) / 100), exp);
      close(await v.read({ start: [10, 20, 30], stop: [11, 21, 35] }) as Float32Array, want.sample);
      close(await v.read({ start: [49, 99, 195], stop: [50, 100, 200] }) as Float32Array, want.edge);
      const box = { start: [5, 20, 45], stop: [16, 53, 120] };
      assert.deepEqual(await v.read(box), extractBox(all, v.shape, box), 'a box across chunk boundaries');
      await v.close();
    });
  }

  it('puts the h5wasm-plugins folder first on the HDF5 plugin path', async () => {
    const h5 = await loadH5wasm();
    assert.equal(h5.Module.get_plugin_search_paths()[0], h5PluginDir());
  });

  it('turns a filter HDF5 cannot load into VolumeUnsupportedError instead of zeros (the error h5wasm throws without the LZF plugin)', () => {
    const thrown = new Error([
      'HDF5-DIAG: Error detected in HDF5 (2.0.0):',
      '  #000: H5D.c line 1051 in H5Dread(): can\'t synchronously read data',
      '  #008: H5Z.c line 1435 in H5Z_pipeline(): required filter \'lzf\' is not registered',
    ].join('\n'));
    const e = h5Error('h5:///a.h5#stack', 'hyperslab [[0,1]]', thrown);
    assert.ok(e instanceof VolumeUnsupportedError);
    assert.equal(e.message, "h5:///a.h5#stack: HDF5 filter 'lzf' is not available, cannot decode hyperslab [[0,1]]");
  });

  it('opens the only dataset of a file without a #fragment (uncompressed gala-train image)', async () => {
    const v = await openVolume(`h5:${GALA}/train-image.h5`);
    assert.equal(v.dtype, 'uint8');
    assert.deepEqual([...v.chunkShape], [50, 100, 200], 'contiguous: one chunk');
    assert.deepEqual(await v.read({ start: [10, 20, 30], stop: [11, 21, 35] }), Uint8Array.of(147, 143, 179, 200, 152));
    await v.close();
  });

  for (const dtype of DTYPES) {
    it(`round-trips ${dtype} (chunked, gzip)`, () =>
      roundTrip(`h5://${dir}/${dtype}.h5#/volumes/raw`, { shape: [7, 13, 11], dtype, chunkShape: [3, 5, 4], voxelSize: [40, 4, 4] }));
  }
  it('round-trips uncompressed chunks', () => roundTrip(`h5://${dir}/raw.h5#data`, { shape: [6, 8, 9], dtype: 'uint16', chunkShape: [4, 4, 4], compression: 'raw' }));

  it('opens files read-only and reopens them read-write on the first write (h5py LZF chunks re-encoded)', async () => {
    const path = join(dir, 'gt-copy.h5');
    await copyFile(`${GALA}/train-gt.lzf.h5`, path);
    const v = await openVolume(`h5://${path}#stack`);
    const before = await v.read({ start: [0, 0, 0], stop: [8, 26, 51] });
    const patch = Int32Array.from({ length: 2 * 3 * 4 }, (_, i) => 1000 + i);
    await v.write({ start: [6, 24, 49], stop: [8, 27, 53] }, patch);
    assert.deepEqual(await v.read({ start: [6, 24, 49], stop: [8, 27, 53] }), patch);
    await v.close();
    const again = await openVolume(`h5://${path}#stack`);
    assert.deepEqual(await again.read({ start: [6, 24, 49], stop: [8, 27, 53] }), patch);
    assert.deepEqual((await again.read({ start: [0, 0, 0], stop: [6, 24, 49] })), extractBox(before, [8, 26, 51], { start: [0, 0, 0], stop: [6, 24, 49] }));
    await again.close();
  });

  it('adds datasets to an existing file and refuses to replace one', async () => {
    const path = join(dir, 'two.h5');
    await (await createVolume(`h5://${path}#a`, { shape: [2, 2, 2], dtype: 'uint8' })).close();
    await (await createVolume(`h5://${path}#b`, { shape: [2, 2, 2], dtype: 'uint8' })).close();
    await assert.rejects(openVolume(`h5://${path}`), new VolumeUriError(`h5://${path}`, 'name the dataset with #path; the file holds a, b'));
    await assert.rejects(createVolume(`h5://${path}#a`, { shape: [2, 2, 2], dtype: 'uint8' }),
      new VolumeExistsError(`h5://${path}#a`, `dataset 'a' already exists in ${path} (pass overwrite: true to replace the file)`));
  });

  it('reports missing files and datasets, and corrupt files, naming the URI', async () => {
    await assert.rejects(openVolume(`h5://${dir}/none.h5#x`), new VolumeNotFoundError(`h5://${dir}/none.h5#x`, `no HDF5 file at ${dir}/none.h5`));
    const path = join(dir, 'gt.h5');
    await copyFile(`${GALA}/train-gt.lzf.h5`, path);
    await assert.rejects(openVolume(`h5://${path}#labels`), new VolumeNotFoundError(`h5://${path}#labels`, `no dataset 'labels' in ${path} (datasets: stack)`));
    await writeFile(join(dir, 'junk.h5'), 'not hdf5 at all');
    await assert.rejects(openVolume(`h5://${dir}/junk.h5#x`), (e: unknown) => {
      assert.ok(e instanceof VolumeCorruptError);
      assert.match(e.message, new RegExp(`^h5://${dir}/junk\\.h5#x: corrupt chunk file: HDF5 error`));
      return true;
    });
  });
});
