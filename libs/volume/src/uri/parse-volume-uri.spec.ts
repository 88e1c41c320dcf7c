import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { VolumeUnsupportedError, VolumeUriError } from '../errors/volume-errors';
import { parseVolumeUri } from './parse-volume-uri';

describe('volume URIs', () => {
  it('parses local, relative, S3 and bare-path forms', () => {
    assert.deepEqual(parseVolumeUri('zarr:///data/vol.zarr'), { uri: 'zarr:///data/vol.zarr', format: 'zarr', backend: 'file', path: '/data/vol.zarr', fragment: undefined, trailingSlash: false });
    assert.deepEqual(parseVolumeUri('h5:../shared/a%20b.h5#/volumes/raw'), {
      uri: 'h5:../shared/a%20b.h5#/volumes/raw', format: 'h5', backend: 'file', path: resolve('../shared/a b.h5'), fragment: '/volumes/raw', trailingSlash: false,
    });
    assert.deepEqual(parseVolumeUri('precomputed+s3://bucket/runs/seg/'), {
      uri: 'precomputed+s3://bucket/runs/seg/', format: 'precomputed', backend: 's3', bucket: 'bucket', path: 'runs/seg', fragment: undefined, trailingSlash: true,
    });
    assert.equal(parseVolumeUri('tif://localhost/stack/').path, '/stack');
    assert.equal(parseVolumeUri('tiff:///stack/').trailingSlash, true);
    assert.equal(parseVolumeUri('/data/out.npy').format, 'npy');
    assert.equal(parseVolumeUri('em.hdf5#raw').fragment, 'raw');
  });

  it('rejects unknown schemes, hosts, S3 for file formats and bare paths without a known extension', () => {
    assert.throws(() => parseVolumeUri('n5:///a.n5'), new VolumeUriError('n5:///a.n5', "unknown volume scheme 'n5:' (known: zarr, precomputed, h5, hdf5, tif, tiff, png, npy)"));
    assert.throws(() => parseVolumeUri('zarr://server/a.zarr'), new VolumeUriError('zarr://server/a.zarr', "local volume URIs need an absolute path after 'zarr://' (three slashes: zarr:///abs/path) or a relative path (zarr:rel/path)"));
    assert.throws(() => parseVolumeUri('h5+s3://b/a.h5'), new VolumeUnsupportedError('h5+s3://b/a.h5', 'h5 volumes are local only; S3 holds the chunked formats (zarr, precomputed)'));
    assert.throws(() => parseVolumeUri('zarr+gs://b/a'), new VolumeUriError('zarr+gs://b/a', "unknown transport '+gs' (known: s3, file)"));
    assert.throws(() => parseVolumeUri('zarr+s3:///a'), new VolumeUriError('zarr+s3:///a', 'S3 volume URIs look like zarr+s3://bucket/path'));
    assert.throws(() => parseVolumeUri('/data/slices'), new VolumeUriError('/data/slices', 'no scheme and no known extension: use zarr:, precomputed:, h5:, tif:, png: or npy: (e.g. zarr:///data/vol.zarr)'));
  });
});
