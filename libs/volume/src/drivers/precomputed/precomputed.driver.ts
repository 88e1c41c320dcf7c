/**
 * Neuroglancer precomputed volumes, `raw` encoding, unsharded: an `info` file and one
 * file per chunk named `<scale key>/x0-x1_y0-y1_z0-z1` (absolute voxel coordinates,
 * edge chunks clipped). Raw chunk bytes are x-fastest (Fortran order in x, y, z, then
 * channel), which is exactly a C-order `(c, z, y, x)` array: no transposition needed.
 * Single-channel volumes are `(z, y, x)`; multi-channel ones `(c, z, y, x)`.
 * Missing chunks read as zeros (as in Neuroglancer); `<name>.gz` chunk files are
 * decompressed. `compressed_segmentation`, `jpeg`, `png` and sharded scales are refused.
 */
import { gunzipSync } from 'node:zlib';
import { chunksInBox, intersect, product } from '../../core/bbox';
import { BaseVolumeStore } from '../../core/base-volume-store';
import { copyRegion } from '../../core/copy-region';
import { allocate, bytesOf, dtypeSize, requireDtype, viewAs } from '../../core/dtype';
import { mapLimit } from '../../core/runs';
import { VolumeCorruptError, VolumeExistsError, VolumeNotFoundError, VolumeUnsupportedError } from '../../errors/volume-errors';
import type { BlobStore } from '../../storage/blob-store';
import type { VolumeLocation } from '../../uri/parse-volume-uri';
import type { BBox, CreateVolumeMeta, Dtype, VolumeArray, VolumeMeta } from '../../volume.types';
import { makeInfo, parseInfo, PRECOMPUTED_DTYPES, type PrecomputedScale } from './precomputed-info';

/** Chunk requests in flight per read or write. */
const CONCURRENCY = 16;

class PrecomputedStore extends BaseVolumeStore {
  private readonly offset: readonly number[];
  private readonly spatial: number;

  constructor(uri: string, meta: VolumeMeta, private readonly blobs: BlobStore, private readonly scale: PrecomputedScale) {
    super(uri, 'precomputed', meta, false);
    this.offset = scale.voxel_offset ?? [0, 0, 0];
    this.spatial = meta.shape.length - 3;
  }

  /** `key/x0-x1_y0-y1_z0-z1` of the chunk covering `box` (our order: [c,] z, y, x). */
  private chunkKey(box: BBox): string {
    const s = this.spatial;
    const range = (axis: number, xyz: number) => `${box.start[axis] + this.offset[xyz]}-${box.stop[axis] + this.offset[xyz]}`;
    return `${this.scale.key}/${range(s + 2, 0)}_${range(s + 1, 1)}_${range(s, 2)}`;
  }

  private async loadChunk(box: BBox): Promise<VolumeArray | undefined> {
    const key = this.chunkKey(box);
    let bytes = await this.blobs.get(key);
    let gz = false;
    if (bytes === undefined) {
      bytes = await this.blobs.get(`${key}.gz`);
      gz = bytes !== undefined;
    }
    if (bytes === undefined) return undefined;
    const n = product(box.stop.map((s, i) => s - box.start[i]));
    const expected = n * dtypeSize(this.dtype);
    if (gz || (bytes.length !== expected && bytes[0] === 0x1f && bytes[1] === 0x8b)) {
      try {
        bytes = gunzipSync(bytes);
      } catch (cause) {
        throw new VolumeCorruptError(this.uri, key, `gzip data does not decompress`, { cause });
      }
    }
    if (bytes.length !== expected) {
      throw new VolumeCorruptError(this.uri, key, `expected ${expected} bytes (raw ${this.dtype} chunk ${box.stop.map((s, i) => s - box.start[i]).join('x')}), found ${bytes.length}`);
    }
    return viewAs(this.dtype, bytes);
  }

  protected async readBox(box: BBox, out: VolumeArray): Promise<void> {
    const chunks = chunksInBox(this.shape, this.chunkShape, box);
    await mapLimit(chunks, CONCURRENCY, async (chunk) => {
      const data = await this.loadChunk(chunk.box);
      if (data === undefined) return; // missing chunk: zeros, already in `out`
      copyRegion({ data, box: chunk.box }, { data: out, box }, intersect(chunk.box, box) as BBox);
    });
  }

  protected async writeBox(box: BBox, data: VolumeArray): Promise<void> {
    const chunks = chunksInBox(this.shape, this.chunkShape, box);
    await mapLimit(chunks, CONCURRENCY, async (chunk) => {
      const region = intersect(chunk.box, box) as BBox;
      const whole = region.start.every((s, i) => s === chunk.box.start[i] && region.stop[i] === chunk.box.stop[i]);
      // Data that is exactly this chunk is its bytes already (same C order): no copy.
      if (whole && box.start.every((s, i) => s === chunk.box.start[i] && box.stop[i] === chunk.box.stop[i])) {
        await this.blobs.put(this.chunkKey(chunk.box), bytesOf(data));
        return;
      }
      const n = product(chunk.box.stop.map((s, i) => s - chunk.box.start[i]));
      const target = (whole ? undefined : await this.loadChunk(chunk.box)) ?? allocate(this.dtype, n);
      copyRegion({ data, box }, { data: target, box: chunk.box }, region);
      await this.blobs.put(this.chunkKey(chunk.box), bytesOf(target));
    });
  }
}

function toMeta(dtype: Dtype, channels: number, scale: PrecomputedScale): VolumeMeta {
  const zyx = (v: readonly number[]) => [v[2], v[1], v[0]];
  const lead = channels > 1 ? [channels] : [];
  return {
    shape: [...lead, ...zyx(scale.size)],
    dtype,
    chunkShape: [...lead, ...zyx(scale.chunk_sizes[0])],
    voxelSize: [...(channels > 1 ? [1] : []), ...zyx(scale.resolution)],
    axes: channels > 1 ? ['c', 'z', 'y', 'x'] : ['z', 'y', 'x'],
  };
}

/** Opens a precomputed volume: scale `#<key>` from the URI fragment, else the first (finest) scale. */
export async function openPrecomputed(loc: VolumeLocation, blobs: BlobStore): Promise<PrecomputedStore> {
  const bytes = await blobs.get('info');
  if (bytes === undefined) throw new VolumeNotFoundError(loc.uri, `no precomputed info file at ${blobs.location}/info`);
  const info = parseInfo(loc.uri, bytes);
  const scale = loc.fragment ? info.scales.find((s) => s.key === loc.fragment) : info.scales[0];
  if (!scale) throw new VolumeNotFoundError(loc.uri, `no scale '${loc.fragment}' (scales: ${info.scales.map((s) => s.key).join(', ')})`);
  if (scale.sharding) throw new VolumeUnsupportedError(loc.uri, `scale ${scale.key} is sharded; only unsharded precomputed volumes are supported`);
  if (scale.encoding !== 'raw') throw new VolumeUnsupportedError(loc.uri, `scale ${scale.key} uses encoding '${scale.encoding}'; only 'raw' is supported`);
  return new PrecomputedStore(loc.uri, toMeta(info.dtype, info.num_channels, scale), blobs, scale);
}

/** Creates a single-scale raw precomputed volume (`info` only; chunks appear as they are written). */
export async function createPrecomputed(loc: VolumeLocation, blobs: BlobStore, m: CreateVolumeMeta): Promise<PrecomputedStore> {
  requireDtype(loc.uri, m.dtype, PRECOMPUTED_DTYPES, 'Neuroglancer precomputed');
  if (m.shape.length !== 3 && m.shape.length !== 4) {
    throw new VolumeUnsupportedError(loc.uri, `precomputed volumes are (z, y, x) or (c, z, y, x); got ${m.shape.length} axes`);
  }
  if (m.compression === 'gzip') {
    throw new VolumeUnsupportedError(loc.uri, `precomputed chunks are written raw (Neuroglancer decompresses only via HTTP Content-Encoding); drop compression: 'gzip'`);
  }
  if (await blobs.exists()) {
    if (!m.overwrite) throw new VolumeExistsError(loc.uri, `${blobs.location} already exists (pass overwrite: true to replace it)`);
    await blobs.clear();
  }
  const channels = m.shape.length === 4 ? m.shape[0] : 1;
  const spatial = m.shape.slice(-3);
  const chunk = (m.chunkShape ?? spatial.map((s) => Math.min(64, s))).slice(-3);
  const voxel = (m.voxelSize ?? [1, 1, 1]).slice(-3);
  const kind = m.kind ?? (m.dtype === 'uint32' || m.dtype === 'uint64' ? 'segmentation' : 'image');
  const info = makeInfo(kind, m.dtype, channels, spatial, chunk, voxel);
  await blobs.put('info', Buffer.from(JSON.stringify(info, null, 2)));
  return new PrecomputedStore(loc.uri, toMeta(m.dtype, channels, info.scales[0]), blobs, info.scales[0]);
}
