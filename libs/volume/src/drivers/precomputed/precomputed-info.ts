/**
 * The Neuroglancer precomputed `info` file: one JSON object per volume, listing scales
 * with `size`, `resolution`, `voxel_offset` and `chunk_sizes` in **x, y, z** order.
 */
import { isDtype } from '../../core/dtype';
import { VolumeCorruptError, VolumeDtypeError } from '../../errors/volume-errors';
import type { Dtype, VolumeKind } from '../../volume.types';

/** One entry of `scales`. */
export interface PrecomputedScale {
  key: string;
  size: [number, number, number];
  resolution: [number, number, number];
  voxel_offset?: [number, number, number];
  chunk_sizes: [number, number, number][];
  encoding: string;
  sharding?: unknown;
  compressed_segmentation_block_size?: [number, number, number];
}

/** The `info` object. */
export interface PrecomputedInfo {
  '@type'?: string;
  type: VolumeKind | string;
  data_type: string;
  num_channels: number;
  scales: PrecomputedScale[];
  [extra: string]: unknown;
}

/** Data types Neuroglancer displays. */
export const PRECOMPUTED_DTYPES: readonly Dtype[] = ['uint8', 'int8', 'uint16', 'int16', 'uint32', 'int32', 'uint64', 'float32'];

const triple = (v: unknown): boolean => Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'number' && Number.isFinite(x));

/** Parses and checks `info` bytes; throws `VolumeCorruptError` (chunk `info`) on anything malformed. */
export function parseInfo(uri: string, bytes: Uint8Array): PrecomputedInfo & { dtype: Dtype } {
  const bad = (problem: string, cause?: unknown) => new VolumeCorruptError(uri, 'info', problem, { cause });
  let info: PrecomputedInfo;
  try {
    info = JSON.parse(Buffer.from(bytes).toString('utf8')) as PrecomputedInfo;
  } catch (cause) {
    throw bad('not valid JSON', cause);
  }
  if (typeof info !== 'object' || info === null || !Array.isArray(info.scales) || info.scales.length === 0) throw bad('no scales');
  if (!isDtype(info.data_type)) throw new VolumeDtypeError(uri, `precomputed data_type '${String(info.data_type)}' is not supported`);
  if (!Number.isInteger(info.num_channels) || info.num_channels < 1) throw bad(`bad num_channels ${String(info.num_channels)}`);
  for (const s of info.scales) {
    if (typeof s.key !== 'string' || !triple(s.size) || !triple(s.resolution) || !Array.isArray(s.chunk_sizes) || !triple(s.chunk_sizes[0])) {
      throw bad(`malformed scale ${JSON.stringify(s?.key ?? s)}`);
    }
  }
  return { ...info, dtype: info.data_type };
}

/** The `info` of a new single-scale volume; `shape`, `chunk` and `voxelSize` are (z, y, x). */
export function makeInfo(kind: VolumeKind, dtype: Dtype, channels: number, shape: readonly number[], chunk: readonly number[], voxelSize: readonly number[]): PrecomputedInfo {
  const xyz = (v: readonly number[]): [number, number, number] => [v[2], v[1], v[0]];
  const resolution = xyz(voxelSize);
  return {
    '@type': 'neuroglancer_multiscale_volume',
    type: kind,
    data_type: dtype,
    num_channels: channels,
    scales: [{
      key: resolution.join('_'),
      size: xyz(shape),
      resolution,
      voxel_offset: [0, 0, 0],
      chunk_sizes: [xyz(chunk)],
      encoding: 'raw',
    }],
  };
}
