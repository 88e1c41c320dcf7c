/**
 * `openVolume` / `createVolume`: parse the URI, pick the driver by scheme, and (for the
 * chunked formats) the storage backend by transport (`file` or `s3`). `boss://` and `dvid://`
 * volumes live in their services: they open, read and write, but are not created here.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { formatShape } from './core/bbox';
import { isDtype } from './core/dtype';
import { createBoss, openBoss } from './drivers/boss/boss.driver';
import { createDvid, openDvid } from './drivers/dvid/dvid.driver';
import { createH5, openH5 } from './drivers/h5/h5.driver';
import { createNpy, openNpy } from './drivers/npy/npy.driver';
import { createPng, openPng } from './drivers/png/png.driver';
import { createPrecomputed, openPrecomputed } from './drivers/precomputed/precomputed.driver';
import { createTiff, openTiff } from './drivers/tiff/tiff.driver';
import { createZarr, openZarr } from './drivers/zarr/zarr.driver';
import { VolumeBoundsError, VolumeDtypeError, VolumeUnsupportedError } from './errors/volume-errors';
import { openBlobStore } from './storage/open-blob-store';
import { parseVolumeUri, type VolumeLocation } from './uri/parse-volume-uri';
import type { CreateVolumeMeta, OpenVolumeOptions, VolumeAccessOptions, VolumeStore } from './volume.types';

/**
 * Opens an existing volume. Throws `VolumeUriError` (bad URI), `VolumeNotFoundError`,
 * `VolumeCorruptError` (unreadable metadata), `VolumeDtypeError` or `VolumeUnsupportedError`;
 * for `boss://`/`dvid://` also `VolumeAuthError` (401/403) and `VolumeStorageError` (HTTP failures).
 */
export async function openVolume(uri: string, options?: OpenVolumeOptions): Promise<VolumeStore> {
  const loc = parseVolumeUri(uri);
  switch (loc.format) {
    case 'zarr':
      return openZarr(loc, await openBlobStore(loc, options), options);
    case 'precomputed':
      return openPrecomputed(loc, await openBlobStore(loc, options));
    case 'h5':
      return openH5(loc, options);
    case 'tif':
      return openTiff(loc, options);
    case 'png':
      return openPng(loc, options);
    case 'npy':
      return openNpy(loc, options);
    case 'boss':
      return openBoss(loc, options);
    case 'dvid':
      return openDvid(loc, options);
  }
}

function checkMeta(loc: VolumeLocation, meta: CreateVolumeMeta): void {
  const { shape, chunkShape, voxelSize } = meta;
  if (!isDtype(meta.dtype)) throw new VolumeDtypeError(loc.uri, `unknown dtype ${JSON.stringify(meta.dtype)}`);
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((s) => Number.isInteger(s) && s > 0)) {
    throw new VolumeBoundsError(loc.uri, `shape must be positive integers, got ${JSON.stringify(shape)}`);
  }
  if (chunkShape !== undefined && (chunkShape.length !== shape.length || !chunkShape.every((c) => Number.isInteger(c) && c > 0))) {
    throw new VolumeBoundsError(loc.uri, `chunkShape must be ${shape.length} positive integers for shape ${formatShape(shape)}, got ${JSON.stringify(chunkShape)}`);
  }
  if (voxelSize !== undefined && (voxelSize.length !== shape.length || !voxelSize.every((v) => Number.isFinite(v) && v > 0))) {
    throw new VolumeBoundsError(loc.uri, `voxelSize must be ${shape.length} positive numbers, got ${JSON.stringify(voxelSize)}`);
  }
  if (meta.gzipLevel !== undefined && !(Number.isInteger(meta.gzipLevel) && meta.gzipLevel >= 1 && meta.gzipLevel <= 9)) {
    throw new VolumeUnsupportedError(loc.uri, `gzipLevel must be an integer from 1 to 9, got ${JSON.stringify(meta.gzipLevel)}`);
  }
}

/**
 * Creates a new, zero-filled volume and opens it for writing. Fails with
 * `VolumeExistsError` when something is at the URI, unless `meta.overwrite`.
 * Local parent directories are created. `boss://` and `dvid://` URIs are refused
 * (`VolumeUnsupportedError`): channels and instances are created in those services.
 */
export async function createVolume(uri: string, meta: CreateVolumeMeta, options?: VolumeAccessOptions): Promise<VolumeStore> {
  const loc = parseVolumeUri(uri);
  if (loc.format === 'boss') createBoss(loc);
  if (loc.format === 'dvid') createDvid(loc);
  checkMeta(loc, meta);
  if (loc.backend === 'file') await mkdir(dirname(loc.path), { recursive: true });
  switch (loc.format) {
    case 'zarr':
      return createZarr(loc, await openBlobStore(loc, options), meta);
    case 'precomputed':
      return createPrecomputed(loc, await openBlobStore(loc, options), meta);
    case 'h5':
      return createH5(loc, meta);
    case 'tif':
      return createTiff(loc, meta);
    case 'png':
      return createPng(loc, meta);
    case 'npy':
      return createNpy(loc, meta);
  }
}
