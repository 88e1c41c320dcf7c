import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VolumeBoundsError, VolumeDtypeError, VolumeNotFoundError, VolumeUnsupportedError } from './errors/volume-errors';
import { createVolume, openVolume } from './open-volume';
import { tempDir } from './testing/volume-fixtures';

describe('openVolume / createVolume', () => {
  it('validates the metadata of new volumes before touching storage', async () => {
    await assert.rejects(createVolume('zarr:///nowhere/a.zarr', { shape: [2, 2], dtype: 'bool' as never }), new VolumeDtypeError('zarr:///nowhere/a.zarr', 'unknown dtype "bool"'));
    await assert.rejects(createVolume('zarr:///nowhere/a.zarr', { shape: [2, 0], dtype: 'uint8' }), new VolumeBoundsError('zarr:///nowhere/a.zarr', 'shape must be positive integers, got [2,0]'));
    await assert.rejects(createVolume('zarr:///nowhere/a.zarr', { shape: [2, 2], dtype: 'uint8', chunkShape: [2] }),
      new VolumeBoundsError('zarr:///nowhere/a.zarr', 'chunkShape must be 2 positive integers for shape (2, 2), got [2]'));
  });

  it('reports a missing volume for every format, naming the URI', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const cases: [string, string][] = [
        [`zarr://${dir}/a.zarr`, `no zarr array at ${dir}/a.zarr`],
        [`precomputed://${dir}/p`, `no precomputed info file at ${dir}/p/info`],
        [`h5://${dir}/a.h5#x`, `no HDF5 file at ${dir}/a.h5`],
        [`tif://${dir}/a.tif`, `no TIFF file or directory at ${dir}/a.tif`],
        [`png://${dir}/slices`, `no PNG directory at ${dir}/slices`],
        [`npy://${dir}/a.npy`, `no .npy file at ${dir}/a.npy`],
      ];
      for (const [uri, problem] of cases) {
        await assert.rejects(openVolume(uri), (e: unknown) => e instanceof VolumeNotFoundError && e.message === `${uri}: ${problem}` && e.retryable === false);
      }
    } finally {
      await cleanup();
    }
  });

  it('refuses reads after close', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const v = await createVolume(`npy://${dir}/c.npy`, { shape: [2, 2], dtype: 'uint8' });
      await v.close();
      await assert.rejects(v.read(), new VolumeUnsupportedError(`npy://${dir}/c.npy`, 'the volume was closed'));
    } finally {
      await cleanup();
    }
  });
});
