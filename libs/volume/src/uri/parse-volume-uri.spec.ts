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
    assert.throws(() => parseVolumeUri('n5:///a.n5'), new VolumeUriError('n5:///a.n5', "unknown volume scheme 'n5:' (known: zarr, precomputed, h5, hdf5, tif, tiff, png, npy, boss, dvid)"));
    assert.throws(() => parseVolumeUri('zarr://server/a.zarr'), new VolumeUriError('zarr://server/a.zarr', "local volume URIs need an absolute path after 'zarr://' (three slashes: zarr:///abs/path) or a relative path (zarr:rel/path)"));
    assert.throws(() => parseVolumeUri('h5+s3://b/a.h5'), new VolumeUnsupportedError('h5+s3://b/a.h5', 'h5 volumes are local only; S3 holds the chunked formats (zarr, precomputed)'));
    assert.throws(() => parseVolumeUri('zarr+gs://b/a'), new VolumeUriError('zarr+gs://b/a', "unknown transport '+gs' (known: s3, file)"));
    assert.throws(() => parseVolumeUri('zarr+s3:///a'), new VolumeUriError('zarr+s3:///a', 'S3 volume URIs look like zarr+s3://bucket/path'));
    assert.throws(() => parseVolumeUri('/data/slices'), new VolumeUriError('/data/slices', 'no scheme and no known extension: use zarr:, precomputed:, h5:, tif:, png: or npy: (e.g. zarr:///data/vol.zarr)'));
  });

  it('parses bossDB and DVID URIs: https for boss and http for dvid by default, +http/+https to choose', () => {
    assert.deepEqual(parseVolumeUri('boss://api.bossdb.io/kasthuri/em/images?resolution=1'), {
      uri: 'boss://api.bossdb.io/kasthuri/em/images?resolution=1', format: 'boss', backend: 'http', path: 'kasthuri/em/images',
      endpoint: 'https://api.bossdb.io', segments: ['kasthuri', 'em', 'images'], params: { resolution: '1' }, trailingSlash: false,
    });
    assert.equal(parseVolumeUri('boss+http://127.0.0.1:8080/c/e/ch/').endpoint, 'http://127.0.0.1:8080');
    assert.deepEqual(parseVolumeUri('dvid://emdata.example.org:8000/a1b2/my%20seg'), {
      uri: 'dvid://emdata.example.org:8000/a1b2/my%20seg', format: 'dvid', backend: 'http', path: 'a1b2/my seg',
      endpoint: 'http://emdata.example.org:8000', segments: ['a1b2', 'my seg'], params: {}, trailingSlash: false,
    });
    assert.equal(parseVolumeUri('dvid+https://h/u/d').endpoint, 'https://h');
  });

  it('rejects malformed remote URIs, and credentials in them without echoing the secret', () => {
    assert.throws(() => parseVolumeUri('boss://host/c/e'), new VolumeUriError('boss://host/c/e', 'boss URIs name collection/experiment/channel after the host (boss://api.bossdb.io/collection/experiment/channel?resolution=0), got 2 path segment(s)'));
    assert.throws(() => parseVolumeUri('dvid://host/u/d?scale=1'), new VolumeUriError('dvid://host/u/d?scale=1', "unknown dvid URI parameter 'scale' (it takes none)"));
    assert.throws(() => parseVolumeUri('boss://host/c/e/ch?res=1'), new VolumeUriError('boss://host/c/e/ch?res=1', "unknown boss URI parameter 'res' (known: resolution)"));
    assert.throws(() => parseVolumeUri('boss+s3://host/c/e/ch'), new VolumeUriError('boss+s3://host/c/e/ch', "unknown transport '+s3' for boss (known: http, https)"));
    assert.throws(() => parseVolumeUri('dvid:/u/d'), new VolumeUriError('dvid:/u/d', 'dvid URIs look like dvid://emdata.example.org:8000/<uuid>/<dataname>'));
    assert.throws(() => parseVolumeUri('boss://user:s3cret@host/c/e/ch'), new VolumeUriError('boss://***@host/c/e/ch', 'credentials do not belong in volume URIs (set BOSS_TOKEN instead)'));
    assert.throws(() => parseVolumeUri('boss://host/c/e/ch?token=s3cret'), new VolumeUriError('boss://host/c/e/ch?token=***', 'credentials do not belong in volume URIs (set BOSS_TOKEN instead)'));
  });
});
