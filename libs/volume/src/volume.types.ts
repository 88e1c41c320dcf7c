/**
 * The one interface every volume format implements.
 *
 * Axis convention (all formats): shapes, bounding boxes, chunk shapes and voxel
 * sizes are in **C order, slowest axis first**, exactly as numpy/h5py index the
 * array: a 3-D volume is `(z, y, x)` and `data[(z * Y + y) * X + x]` is voxel
 * `(z, y, x)`. Drivers translate (Neuroglancer precomputed is `x, y, z` in its
 * `info` and Fortran order on disk, which is the same bytes).
 */
import type { S3Client } from '@aws-sdk/client-s3';

/** Element types a volume can hold. 64-bit integers are `BigUint64Array`/`BigInt64Array`. */
export type Dtype = 'uint8' | 'uint16' | 'uint32' | 'uint64' | 'int8' | 'int16' | 'int32' | 'int64' | 'float32' | 'float64';

/** The typed array matching each {@link Dtype}. */
export interface DtypeArrayMap {
  uint8: Uint8Array;
  uint16: Uint16Array;
  uint32: Uint32Array;
  uint64: BigUint64Array;
  int8: Int8Array;
  int16: Int16Array;
  int32: Int32Array;
  int64: BigInt64Array;
  float32: Float32Array;
  float64: Float64Array;
}

/** Any array a volume reads or writes. */
export type VolumeArray = DtypeArrayMap[Dtype];

/** Storage formats, one driver each: six file formats and two remote cutout services (bossDB, DVID). */
export type VolumeFormat = 'zarr' | 'precomputed' | 'h5' | 'tif' | 'png' | 'npy' | 'boss' | 'dvid';

/**
 * A half-open box `[start, stop)` per axis, in voxels, C order (`(z, y, x)` for 3-D):
 * the same convention as numpy slices and SABER's block bounds.
 */
export interface BBox {
  /** First voxel per axis (inclusive). */
  start: readonly number[];
  /** One past the last voxel per axis (exclusive). */
  stop: readonly number[];
}

/** What describes a volume, independent of its format. */
export interface VolumeMeta {
  /** Size per axis in voxels, C order. */
  readonly shape: readonly number[];
  readonly dtype: Dtype;
  /**
   * Storage chunk per axis: the unit a read touches. Unchunked formats report whole
   * slices (`(1, y, x)` for image stacks) or the whole shape (`.npy`, contiguous HDF5).
   */
  readonly chunkShape: readonly number[];
  /** Physical size of a voxel per axis, in nanometres (1 where the format does not record it). */
  readonly voxelSize: readonly number[];
  /** Axis names, C order: `['z', 'y', 'x']` for 3-D volumes. */
  readonly axes: readonly string[];
}

/** An open volume. Reads touch only the chunks that intersect the requested box. */
export interface VolumeStore extends VolumeMeta {
  /** The URI it was opened with (normalized). Every error message names it. */
  readonly uri: string;
  readonly format: VolumeFormat;
  /** False when this store can write (some foreign layouts, e.g. compressed TIFF, are read-only). */
  readonly readOnly: boolean;
  /**
   * Reads the voxels of `bbox` (default: the whole volume) into a new C-order array
   * of this store's dtype, or into `out` (that dtype, the box's length), which is
   * returned: a caller reading many boxes reuses one array, and fresh memory costs a
   * page fault per 4 KiB. Throws `VolumeBoundsError` when the box leaves the volume,
   * `VolumeDtypeError` when `out` does not fit it.
   */
  read(bbox?: BBox, out?: VolumeArray): Promise<VolumeArray>;
  /**
   * Writes `data` (C order, `bbox`'s shape, this store's dtype) into `bbox`. Partially
   * covered chunks are read, merged and rewritten: concurrent writers of the same chunk
   * must coordinate (align blocks to chunks, or serialize).
   */
  write(bbox: BBox, data: VolumeArray): Promise<void>;
  /** Flushes and releases file handles. The store is unusable afterwards. */
  close(): Promise<void>;
}

/** Neuroglancer layer type of a precomputed volume. */
export type VolumeKind = 'image' | 'segmentation';

/** Everything `createVolume` needs; optional fields have per-format defaults (see README). */
export interface CreateVolumeMeta {
  shape: readonly number[];
  dtype: Dtype;
  /** Chunk per axis (zarr, precomputed, HDF5). Default: 64 per axis, clipped to the shape. */
  chunkShape?: readonly number[];
  /** Nanometres per voxel, C order. Default 1 per axis. */
  voxelSize?: readonly number[];
  /** `gzip` (zarr, HDF5: default) or `raw` (precomputed: default; TIFF, PNG, npy: always). */
  compression?: 'gzip' | 'raw';
  /**
   * Gzip level of zarr chunks, 1 (fastest) to 9 (smallest). Default 5. Level 1 (numcodecs'
   * default) deflates a mostly-background label chunk about twice as fast as 5, into a file
   * about 1.8 times as large.
   */
  gzipLevel?: number;
  /** Precomputed layer type. Default: `segmentation` for uint32/uint64, else `image`. */
  kind?: VolumeKind;
  /** Replace an existing volume at the URI instead of failing with `VolumeExistsError`. */
  overwrite?: boolean;
}

/**
 * How the bossDB and DVID drivers talk to their services. Every field is optional; the
 * defaults are `DEFAULT_REMOTE_OPTIONS` (see README). Validated once when the volume opens.
 */
export interface RemoteVolumeOptions {
  /** Largest cutout one request asks for, in voxels. Bigger boxes are split. Default 16 Mi (2^24). */
  maxVoxelsPerRequest?: number;
  /** Cutout requests in flight at once per `read`/`write`. Default 4. */
  concurrency?: number;
  /** Extra attempts after a 5xx, 429, timeout or network failure. Default 3. */
  retries?: number;
  /** First back-off before a retry, in milliseconds; doubled per attempt, capped at 10 s. Default 250. */
  retryDelayMs?: number;
  /** Limit per request (headers and body), in milliseconds. Default 120000. */
  timeoutMs?: number;
  /**
   * bossDB API token. Default: the `BOSS_TOKEN` environment variable. Sent only as the
   * `Authorization: Token ...` header; never part of a URI, a log line or an error message.
   */
  bossToken?: string;
}

/** How to reach storage; every field is optional. */
export interface VolumeAccessOptions {
  /** S3 client for `*+s3://` URIs; default: one built from the environment (see README). */
  s3Client?: S3Client;
  /** Request sizing, concurrency, retries and credentials of `boss://` and `dvid://` volumes. */
  remote?: RemoteVolumeOptions;
}

/** Options of `openVolume`. */
export interface OpenVolumeOptions extends VolumeAccessOptions {
  /** Overrides the voxel size for formats that do not record one (TIFF, PNG, npy). */
  voxelSize?: readonly number[];
}
