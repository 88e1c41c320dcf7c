/**
 * The DVID HTTP API as SABER uses it (voxel data types `uint8blk`, `uint16blk`, `uint32blk`,
 * `uint64blk`, `float32blk`; label types `labelblk`, `labelarray`, `labelmap`, all uint64):
 *
 * - `GET /api/node/{uuid}/{data}/info`: `Base.TypeName`; `Extended.Values[0].DataType`,
 *   `Extended.BlockSize`, `Extended.VoxelSize`, `Extended.VoxelUnits` (x, y, z); extents as
 *   `Extents` or `Extended` `MinPoint`/`MaxPoint` (inclusive voxel coordinates)
 * - `GET /api/node/{uuid}/{data}/raw/0_1_2/{sx}_{sy}_{sz}/{ox}_{oy}_{oz}`: `application/octet-stream`,
 *   little-endian, x fastest then y then z, i.e. a C-order `(z, y, x)` array
 * - `POST` the same path: stores such an array; offset and size must be multiples of the block size
 *
 * DVID answers errors as plain text, with 400 also when the UUID or data name does not resolve.
 */
import { VolumeCorruptError, VolumeDtypeError, VolumeUnsupportedError } from '../../errors/volume-errors';
import type { BBox, Dtype } from '../../volume.types';

/** One data instance at one version node. */
export interface DvidDataRef {
  /** `http://host:port`. */
  endpoint: string;
  uuid: string;
  dataname: string;
}

/** What the driver needs from `/info`, C order `(z, y, x)`. */
export interface DvidInfo {
  typeName: string;
  dtype: Dtype;
  block: number[];
  /** Nanometres per voxel. */
  voxelSize: number[];
  /** First voxel (inclusive). */
  minPoint: number[];
  /** Last voxel (inclusive). */
  maxPoint: number[];
}

/** Label types: one uint64 per voxel. */
export const DVID_LABEL_TYPES: readonly string[] = ['labelblk', 'labelarray', 'labelmap'];

/** Element types of single-value voxel instances the driver serves. */
export const DVID_DTYPES: readonly Dtype[] = ['uint8', 'uint16', 'uint32', 'uint64', 'float32'];

const UNIT_NM: Record<string, number> = { nanometers: 1, nanometer: 1, nm: 1, micrometers: 1e3, micrometer: 1e3, microns: 1e3, um: 1e3, millimeters: 1e6, millimeter: 1e6, mm: 1e6 };

const seg = encodeURIComponent;

/** URL of the instance's metadata. */
export function infoUrl(r: DvidDataRef): string {
  return `${r.endpoint}/api/node/${seg(r.uuid)}/${seg(r.dataname)}/info`;
}

/** URL of the raw 3-D subvolume `box` (`(z, y, x)`, DVID voxel coordinates). */
export function rawUrl(r: DvidDataRef, box: BBox): string {
  const size = [2, 1, 0].map((i) => box.stop[i] - box.start[i]).join('_');
  const offset = [2, 1, 0].map((i) => box.start[i]).join('_');
  return `${r.endpoint}/api/node/${seg(r.uuid)}/${seg(r.dataname)}/raw/0_1_2/${size}/${offset}`;
}

/** `subvolume x 0:32, y 0:32, z 0:32`: a `(z, y, x)` box in DVID's x, y, z order, for messages. */
export function formatSubvolume(box: BBox): string {
  const [z, y, x] = [0, 1, 2].map((i) => `${box.start[i]}:${box.stop[i]}`);
  return `subvolume x ${x}, y ${y}, z ${z}`;
}

function xyz(uri: string, o: Record<string, unknown>, key: string, ok: (v: unknown) => boolean, kind: string): number[] {
  const v = o[key];
  if (!Array.isArray(v) || v.length !== 3 || !v.every(ok)) throw new VolumeCorruptError(uri, 'info', `'Extended.${key}' must be 3 ${kind} (x, y, z), got ${JSON.stringify(v)}`);
  return [v[2], v[1], v[0]] as number[];
}

function point(v: unknown): number[] | undefined {
  return Array.isArray(v) && v.length === 3 && v.every((n) => Number.isInteger(n)) ? [v[2], v[1], v[0]] : undefined;
}

/** Parses `/info`; voxel types other than one supported value per voxel are refused. */
export function parseInfo(uri: string, body: unknown): DvidInfo {
  const root = (body ?? {}) as Record<string, unknown>;
  const base = (root.Base ?? {}) as Record<string, unknown>;
  const ext = root.Extended as Record<string, unknown> | undefined;
  const typeName = typeof base.TypeName === 'string' ? base.TypeName : '';
  if (typeof root !== 'object' || !ext || typeof ext !== 'object') {
    throw new VolumeUnsupportedError(uri, `DVID data instance of type '${typeName || 'unknown'}' holds no voxels (its info has no 'Extended' properties)`);
  }
  const values = Array.isArray(ext.Values) ? (ext.Values as { DataType?: unknown }[]) : [];
  let dtype: Dtype | undefined;
  if (DVID_LABEL_TYPES.includes(typeName)) dtype = 'uint64';
  else if (values.length === 1) dtype = DVID_DTYPES.find((d) => d === values[0]?.DataType);
  if (!dtype) {
    const described = values.map((v) => String(v?.DataType)).join(', ');
    throw new VolumeDtypeError(uri, `DVID type '${typeName}' with values [${described}] is not supported (one value per voxel of ${DVID_DTYPES.join(', ')}, or ${DVID_LABEL_TYPES.join('/')})`);
  }
  const block = xyz(uri, ext, 'BlockSize', (v) => Number.isInteger(v) && (v as number) > 0, 'positive integers');
  const size = xyz(uri, ext, 'VoxelSize', (v) => typeof v === 'number' && v > 0, 'positive numbers');
  const units = Array.isArray(ext.VoxelUnits) ? ext.VoxelUnits.map(String) : ['nanometers', 'nanometers', 'nanometers'];
  const scale = [units[2], units[1], units[0]].map((u) => UNIT_NM[(u ?? 'nanometers').toLowerCase()]);
  if (scale.some((s) => s === undefined)) throw new VolumeCorruptError(uri, 'info', `unknown VoxelUnits ${JSON.stringify(units)} (known: ${Object.keys(UNIT_NM).join(', ')})`);
  const extents = (root.Extents ?? {}) as Record<string, unknown>;
  const minPoint = point(extents.MinPoint) ?? point(ext.MinPoint);
  const maxPoint = point(extents.MaxPoint) ?? point(ext.MaxPoint);
  if (!minPoint || !maxPoint) {
    throw new VolumeUnsupportedError(uri, `DVID instance has no extents yet (nothing written): POST its extents ({"MinPoint": [x, y, z], "MaxPoint": [x, y, z]}) to /api/node/<uuid>/<data>/extents first`);
  }
  if (maxPoint.some((m, i) => m < minPoint[i])) throw new VolumeCorruptError(uri, 'info', `MaxPoint ${JSON.stringify(maxPoint.toReversed())} lies before MinPoint ${JSON.stringify(minPoint.toReversed())}`);
  return { typeName, dtype, block, voxelSize: size.map((s, i) => s * scale[i]), minPoint, maxPoint };
}
