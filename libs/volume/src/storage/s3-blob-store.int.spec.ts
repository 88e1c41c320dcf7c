/**
 * The chunked formats on S3, against a real S3 server (s3rver on loopback, started here).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { VolumeExistsError, VolumeNotFoundError, VolumeStorageError } from '../errors/volume-errors';
import { createVolume, openVolume } from '../open-volume';
import { roundTrip } from '../testing/round-trip';
import { tempDir } from '../testing/volume-fixtures';
import { S3BlobStore, s3ClientConfig } from './s3-blob-store';

describe('S3 storage (s3rver on loopback)', () => {
  let cleanup: () => Promise<void>;
  let server: S3rver;
  let s3Client: S3Client;

  before(async () => {
    const tmp = await tempDir();
    cleanup = tmp.cleanup;
    server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: join(tmp.dir, 's3'), configureBuckets: [{ name: 'vols' }] });
    const { port } = await server.run();
    s3Client = new S3Client({
      ...s3ClientConfig({ SABER_S3_ENDPOINT: `http://127.0.0.1:${port}` }),
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
  });
  after(async () => {
    s3Client?.destroy();
    await server?.close();
    await cleanup?.();
  });

  it('builds the client config from the environment with checksums only when required', () => {
    assert.deepEqual(s3ClientConfig({ SABER_S3_ENDPOINT: 'http://127.0.0.1:9000', AWS_REGION: 'eu-west-1' }), {
      region: 'eu-west-1', endpoint: 'http://127.0.0.1:9000', forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
    });
    assert.deepEqual(s3ClientConfig({}), {
      region: 'us-east-1', endpoint: undefined, forcePathStyle: false, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
    });
  });

  it('round-trips zarr+s3://', () =>
    roundTrip('zarr+s3://vols/run1/em.zarr', { shape: [7, 13, 11], dtype: 'uint16', chunkShape: [3, 5, 4], voxelSize: [40, 4, 4] }, { s3Client }));

  it('round-trips precomputed+s3:// with uint64 labels', () =>
    roundTrip('precomputed+s3://vols/run1/seg', { shape: [7, 13, 11], dtype: 'uint64', chunkShape: [3, 5, 4], voxelSize: [40, 4, 4] }, { s3Client }));

  it('stores precomputed objects under the prefix: info and x0-x1_y0-y1_z0-z1 chunk keys', async () => {
    const v = await createVolume('precomputed+s3://vols/keys', { shape: [2, 2, 3], dtype: 'uint8', chunkShape: [2, 2, 2] }, { s3Client });
    await v.write({ start: [0, 0, 0], stop: [2, 2, 3] }, Uint8Array.from({ length: 12 }, (_, i) => i));
    const blobs = new S3BlobStore('test', s3Client, 'vols', 'keys');
    assert.deepEqual([...((await blobs.get('1_1_1/2-3_0-2_0-2')) ?? [])], [2, 5, 8, 11]);
    assert.equal(JSON.parse(Buffer.from((await blobs.get('info')) ?? []).toString()).scales[0].size.join(), '3,2,2');
  });

  it('reports missing volumes, existing targets and missing buckets', async () => {
    await assert.rejects(openVolume('zarr+s3://vols/nothing.zarr', { s3Client }), new VolumeNotFoundError('zarr+s3://vols/nothing.zarr', 'no zarr array at s3://vols/nothing.zarr'));
    await assert.rejects(openVolume('precomputed+s3://vols/nothing', { s3Client }), new VolumeNotFoundError('precomputed+s3://vols/nothing', 'no precomputed info file at s3://vols/nothing/info'));
    await (await createVolume('zarr+s3://vols/once.zarr', { shape: [2, 2, 2], dtype: 'uint8' }, { s3Client })).close();
    await assert.rejects(createVolume('zarr+s3://vols/once.zarr', { shape: [2, 2, 2], dtype: 'uint8' }, { s3Client }),
      new VolumeExistsError('zarr+s3://vols/once.zarr', 's3://vols/once.zarr already exists (pass overwrite: true to replace it)'));
    const replaced = await createVolume('zarr+s3://vols/once.zarr', { shape: [3, 3, 3], dtype: 'uint8', overwrite: true }, { s3Client });
    assert.deepEqual([...replaced.shape], [3, 3, 3]);
    await assert.rejects(createVolume('zarr+s3://nobucket/a.zarr', { shape: [2, 2, 2], dtype: 'uint8' }, { s3Client }), (e: unknown) => {
      assert.ok(e instanceof VolumeStorageError);
      assert.equal(e.message, "zarr+s3://nobucket/a.zarr: S3 bucket 'nobucket' does not exist");
      assert.equal(e.retryable, false);
      return true;
    });
  });
});
