/**
 * Volume URIs: `<format>[+s3]:<path>[#<fragment>]`.
 *
 * - `zarr:///abs/vol.zarr`, `zarr:relative/vol.zarr` (resolved against the working directory)
 * - `zarr+s3://bucket/prefix/vol.zarr`, `precomputed+s3://bucket/path`
 * - `h5:///abs/a.h5#/group/dataset`, `precomputed:///abs/path#4_4_40` (a scale key)
 * - a bare path with a known extension (`.zarr`, `.h5`, `.hdf5`, `.npy`, `.tif`, `.tiff`)
 * - remote cutout services: `boss://host/collection/experiment/channel?resolution=0`,
 *   `dvid://host:port/uuid/dataname` (see `parse-remote-uri.ts`)
 *
 * Paths and fragments are percent-decoded (`%20` is a space, `%23` a `#`).
 */
import { resolve } from 'node:path';
import { VolumeUnsupportedError, VolumeUriError } from '../errors/volume-errors';
import type { VolumeFormat } from '../volume.types';
import { isRemoteFormat, parseRemoteUri } from './parse-remote-uri';

/** A parsed volume URI. */
export interface VolumeLocation {
  /** The URI as given (used in every error message). */
  uri: string;
  format: VolumeFormat;
  /** `file` (local disk), `s3`, or `http` (bossDB and DVID cutout services). */
  backend: 'file' | 's3' | 'http';
  /**
   * Absolute local path (file), the key prefix without leading or trailing `/` (s3), or the
   * decoded resource path `collection/experiment/channel` / `uuid/dataname` (http).
   */
  path: string;
  /** S3 bucket (s3 only). */
  bucket?: string;
  /** Service origin, `https://host[:port]` (http only). */
  endpoint?: string;
  /** Decoded path segments of the resource (http only). */
  segments?: string[];
  /** URI query parameters, e.g. bossDB `resolution` (http only). */
  params?: Record<string, string>;
  /** Text after `#`, decoded: HDF5 dataset path, precomputed scale key. */
  fragment?: string;
  /** The path ended with `/` (asks for a directory: TIFF one-file-per-slice). */
  trailingSlash: boolean;
}

const SCHEMES: Record<string, VolumeFormat> = {
  zarr: 'zarr',
  precomputed: 'precomputed',
  h5: 'h5',
  hdf5: 'h5',
  tif: 'tif',
  tiff: 'tif',
  png: 'png',
  npy: 'npy',
  boss: 'boss',
  dvid: 'dvid',
};

const EXTENSIONS: [RegExp, VolumeFormat][] = [
  [/\.zarr\/?$/i, 'zarr'],
  [/\.(h5|hdf5|hdf)$/i, 'h5'],
  [/\.npy$/i, 'npy'],
  [/\.tiff?$/i, 'tif'],
];

/** Formats that can live on S3. */
const S3_FORMATS: readonly VolumeFormat[] = ['zarr', 'precomputed'];

function decode(uri: string, text: string): string {
  try {
    return decodeURIComponent(text);
  } catch (cause) {
    throw new VolumeUriError(uri, `bad percent-encoding in '${text}'`, { cause });
  }
}

/** Parses a volume URI; throws `VolumeUriError` (malformed, unknown scheme) or `VolumeUnsupportedError` (S3 for a file format). */
export function parseVolumeUri(uri: string): VolumeLocation {
  if (typeof uri !== 'string' || uri.trim() === '') throw new VolumeUriError(String(uri), 'empty volume URI');
  const hash = uri.indexOf('#');
  const body = hash >= 0 ? uri.slice(0, hash) : uri;
  const fragment = hash >= 0 ? decode(uri, uri.slice(hash + 1)) : undefined;
  const m = /^([a-z][a-z0-9.-]*)(?:\+([a-z0-9]+))?:(.*)$/i.exec(body);
  if (!m || m[1].length < 2) {
    const found = EXTENSIONS.find(([re]) => re.test(body));
    if (!found) {
      throw new VolumeUriError(uri, `no scheme and no known extension: use zarr:, precomputed:, h5:, tif:, png: or npy: (e.g. zarr:///data/vol.zarr)`);
    }
    return { uri, format: found[1], backend: 'file', path: resolve(decode(uri, body)), fragment, trailingSlash: body.endsWith('/') };
  }
  const format = SCHEMES[m[1].toLowerCase()];
  if (!format) throw new VolumeUriError(uri, `unknown volume scheme '${m[1]}:' (known: ${Object.keys(SCHEMES).join(', ')})`);
  const rest = m[3];
  if (isRemoteFormat(format)) {
    const remote = parseRemoteUri(uri, format, m[2]?.toLowerCase(), rest, hash >= 0);
    return { uri, format, backend: 'http', path: remote.segments.join('/'), ...remote, trailingSlash: false };
  }
  const transport = (m[2] ?? 'file').toLowerCase();
  const trailingSlash = rest.endsWith('/');
  if (transport === 's3') {
    if (!S3_FORMATS.includes(format)) {
      throw new VolumeUnsupportedError(uri, `${format} volumes are local only; S3 holds the chunked formats (zarr, precomputed)`);
    }
    const s3 = /^\/\/([^/]+)\/?(.*)$/.exec(rest);
    if (!s3 || !s3[1]) throw new VolumeUriError(uri, `S3 volume URIs look like ${format}+s3://bucket/path`);
    const key = decode(uri, s3[2]).replace(/^\/+|\/+$/g, '');
    return { uri, format, backend: 's3', bucket: decode(uri, s3[1]), path: key, fragment, trailingSlash };
  }
  if (transport !== 'file') throw new VolumeUriError(uri, `unknown transport '+${m[2]}' (known: s3, file)`);
  let path: string;
  if (rest.startsWith('//')) {
    const host = /^\/\/([^/]*)(\/.*)?$/.exec(rest);
    if (!host || (host[1] !== '' && host[1] !== 'localhost')) {
      throw new VolumeUriError(uri, `local volume URIs need an absolute path after '${m[1]}://' (three slashes: ${m[1]}:///abs/path) or a relative path (${m[1]}:rel/path)`);
    }
    path = decode(uri, host[2] ?? '/');
  } else {
    path = decode(uri, rest);
  }
  if (path === '') throw new VolumeUriError(uri, 'empty path');
  return { uri, format, backend: 'file', path: resolve(path), fragment, trailingSlash };
}
