/**
 * Zarr arrays, v2 and v3 (read and write; new arrays are v3), through `zarrita` over a
 * {@link BlobStore} (local directory or S3 prefix). `zarr:///a.zarr#path/in/group`
 * opens an array inside a group. Reads fetch only the chunks intersecting the box
 * (missing chunks read as the fill value); writes go through `zarrita.set`, which
 * rewrites partially covered chunks. In arrays this driver created, chunks that a write
 * covers whole are encoded here and stored directly, with the same bytes. The voxel size
 * lives in the array attributes (`voxel_size`, nanometres, C order); dimension names in
 * v3 `dimension_names`.
 */
import { endianness } from 'node:os';
import type { AbsolutePath, AsyncMutable } from '@zarrita/storage' with { 'resolution-mode': 'import' };
import type * as Zarr from 'zarrita' with { 'resolution-mode': 'import' };
import { chunksInBox, intersect, product, type GridChunk } from '../../core/bbox';
import { BaseVolumeStore, defaultAxes } from '../../core/base-volume-store';
import { copyRegion, cStrides } from '../../core/copy-region';
import { allocate, bytesOf, isDtype } from '../../core/dtype';
import { mapLimit } from '../../core/runs';
import { VolumeCorruptError, VolumeDtypeError, VolumeError, VolumeExistsError, VolumeNotFoundError } from '../../errors/volume-errors';
import type { BlobStore } from '../../storage/blob-store';
import type { VolumeLocation } from '../../uri/parse-volume-uri';
import type { BBox, CreateVolumeMeta, Dtype, OpenVolumeOptions, VolumeArray, VolumeMeta } from '../../volume.types';
import { DEFAULT_GZIP_LEVEL, gzipEncode, registerNodeZlibCodecs } from './zarr-codecs';

type ZarrArray = Zarr.Array<Zarr.DataType, BlobAdapter>;

/** Chunk requests in flight per read. */
const CONCURRENCY = 16;

let zarrita: Promise<typeof Zarr> | undefined;

/** zarrita (ESM), loaded once, with the Node zlib codecs registered. */
function loadZarrita(): Promise<typeof Zarr> {
  zarrita ??= import('zarrita').then((m) => {
    registerNodeZlibCodecs(m);
    return m;
  });
  return zarrita;
}

/** zarrita's store interface over a blob store (keys arrive as `/zarr.json`, `/c/0/0`). */
class BlobAdapter implements AsyncMutable {
  constructor(private readonly blobs: BlobStore) {}
  get(key: AbsolutePath): Promise<Uint8Array | undefined> {
    return this.blobs.get(key.slice(1));
  }
  set(key: AbsolutePath, value: Uint8Array): Promise<void> {
    return this.blobs.put(key.slice(1), value);
  }
}

/**
 * How the chunks of an array this driver created are stored: at the array's root, keys
 * `c/i/j/k`, codecs `bytes` (little endian, on a little-endian host: the memory as it is)
 * and then `gzip` at `gzipLevel`, or nothing more when it is undefined.
 */
interface OwnChunkLayout {
  readonly gzipLevel: number | undefined;
}

class ZarrStore extends BaseVolumeStore {
  /** One chunk, reused by whole-chunk writes whose box is larger than the chunk (allocated on first use). */
  private chunkBuffer: VolumeArray | undefined;

  constructor(
    uri: string,
    meta: VolumeMeta,
    private readonly zarr: typeof Zarr,
    private readonly arr: ZarrArray,
    private readonly blobs: BlobStore,
    private readonly own?: OwnChunkLayout,
  ) {
    super(uri, 'zarr', meta, false);
  }

  private corrupt(index: readonly number[], err: unknown): Error {
    if (err instanceof VolumeError) return err;
    const cause = (err as { cause?: unknown }).cause;
    const detail = cause instanceof Error ? `${(err as Error).message}: ${cause.message}` : (err as Error).message;
    return new VolumeCorruptError(this.uri, `[${index.join(', ')}]`, detail, { cause: err });
  }

  protected async readBox(box: BBox, out: VolumeArray): Promise<void> {
    const chunkShape = this.chunkShape;
    await mapLimit(chunksInBox(this.shape, chunkShape, box), CONCURRENCY, async (chunk) => {
      let got: Zarr.Chunk<Zarr.DataType>;
      try {
        got = await this.arr.getChunk(chunk.index);
      } catch (err) {
        throw this.corrupt(chunk.index, err);
      }
      // Stored chunks are full-size even at the volume edge.
      const start = chunk.index.map((c, i) => c * chunkShape[i]);
      const full = { start, stop: start.map((s, i) => s + chunkShape[i]) };
      copyRegion({ data: got.data as VolumeArray, box: full, strides: got.stride }, { data: out, box }, intersect(chunk.box, box) as BBox);
    });
  }

  /**
   * Chunks the box covers whole (and that lie whole inside the array) are encoded and
   * stored directly when this driver created the array (same bytes as `zarrita.set`,
   * without its per-voxel indexing and per-chunk allocation); the others, or all chunks of
   * an array opened from elsewhere, go through `zarrita.set`, which reads, merges and
   * rewrites them.
   */
  protected async writeBox(box: BBox, data: VolumeArray): Promise<void> {
    if (!this.own) return this.setBox(box, data);
    const chunks = chunksInBox(this.shape, this.chunkShape, box);
    const partial = new Set(chunks.filter((c) => !this.coversWhole(box, c)));
    if (partial.size === chunks.length) return this.setBox(box, data);
    for (const chunk of chunks) {
      if (partial.has(chunk)) {
        const region = intersect(chunk.box, box) as BBox;
        const part = allocate(this.dtype, product(region.stop.map((s, i) => s - region.start[i])));
        copyRegion({ data, box }, { data: part, box: region }, region);
        await this.setBox(region, part);
      } else await this.putChunk(chunk, box, data);
    }
  }

  /** True when `box` holds all of `chunk` and the chunk is not clipped by the array's edge. */
  private coversWhole(box: BBox, chunk: GridChunk): boolean {
    return chunk.box.start.every((s, i) => chunk.box.stop[i] - s === this.chunkShape[i] && s >= box.start[i] && chunk.box.stop[i] <= box.stop[i]);
  }

  /** Encodes `chunk` (covered whole by `box`) from `data` and stores it. */
  private async putChunk(chunk: GridChunk, box: BBox, data: VolumeArray): Promise<void> {
    const same = chunk.box.start.every((s, i) => s === box.start[i] && chunk.box.stop[i] === box.stop[i]);
    let source = data;
    if (!same) {
      this.chunkBuffer ??= allocate(this.dtype, product(this.chunkShape));
      source = this.chunkBuffer;
      copyRegion({ data, box }, { data: source, box: chunk.box }, chunk.box);
    }
    const level = this.own!.gzipLevel;
    const bytes = level === undefined ? bytesOf(source) : await gzipEncode(bytesOf(source), level);
    try {
      await this.blobs.put(`c/${chunk.index.join('/')}`, bytes);
    } catch (err) {
      throw this.corrupt(chunk.index, err);
    }
  }

  protected override async closeStore(): Promise<void> {
    this.chunkBuffer = undefined;
  }

  /** Writes through `zarrita.set`. */
  private async setBox(box: BBox, data: VolumeArray): Promise<void> {
    const shape = box.start.map((s, i) => box.stop[i] - s);
    const selection = box.start.map((s, i) => this.zarr.slice(s, box.stop[i]));
    const value = { data, shape, stride: cStrides(shape) } as unknown as Zarr.Chunk<Zarr.DataType>;
    try {
      await this.zarr.set(this.arr as unknown as Zarr.Array<Zarr.DataType, Zarr.Mutable>, selection, value);
    } catch (err) {
      throw this.corrupt(box.start.map((s, i) => Math.floor(s / this.chunkShape[i])), err);
    }
  }
}

function voxelSizeOf(attrs: Record<string, unknown>, ndim: number, override?: readonly number[]): number[] {
  if (override) return [...override];
  const v = attrs.voxel_size ?? attrs.resolution;
  return Array.isArray(v) && v.length === ndim && v.every((x) => typeof x === 'number') ? (v as number[]) : new Array<number>(ndim).fill(1);
}

function toMeta(uri: string, arr: ZarrArray, voxelSize?: readonly number[]): VolumeMeta {
  if (!isDtype(arr.dtype)) throw new VolumeDtypeError(uri, `zarr dtype ${arr.dtype} is not supported`);
  const ndim = arr.shape.length;
  const names = arr.dimensionNames;
  return {
    shape: arr.shape,
    dtype: arr.dtype as Dtype,
    chunkShape: arr.chunks,
    voxelSize: voxelSizeOf(arr.attrs, ndim, voxelSize),
    axes: names && names.length === ndim && names.every((n) => typeof n === 'string' && n) ? names : defaultAxes(ndim),
  };
}

/** Opens an existing zarr array (v2 or v3). */
export async function openZarr(loc: VolumeLocation, blobs: BlobStore, options?: OpenVolumeOptions): Promise<ZarrStore> {
  const zarr = await loadZarrita();
  if (!(await blobs.exists())) throw new VolumeNotFoundError(loc.uri, `no zarr array at ${blobs.location}`);
  const where = loc.fragment ? zarr.root(new BlobAdapter(blobs)).resolve(loc.fragment) : zarr.root(new BlobAdapter(blobs));
  let arr: ZarrArray;
  try {
    arr = (await zarr.open(where, { kind: 'array' })) as ZarrArray;
  } catch (err) {
    if (err instanceof VolumeError) throw err;
    if (zarr.isZarritaError(err, 'NotFoundError')) {
      const found = err.found === 'group' ? ' (it is a group: name the array with #path)' : '';
      throw new VolumeNotFoundError(loc.uri, `no zarr array metadata at ${blobs.location}${loc.fragment ? `/${loc.fragment}` : ''}${found}`, { cause: err });
    }
    throw new VolumeCorruptError(loc.uri, 'metadata', (err as Error).message, { cause: err });
  }
  return new ZarrStore(loc.uri, toMeta(loc.uri, arr, options?.voxelSize), zarr, arr, blobs);
}

/** Creates a zarr v3 array: gzip (level `gzipLevel`, default 5) by default, fill value 0. */
export async function createZarr(loc: VolumeLocation, blobs: BlobStore, m: CreateVolumeMeta): Promise<ZarrStore> {
  const zarr = await loadZarrita();
  if (await blobs.exists()) {
    if (!m.overwrite) throw new VolumeExistsError(loc.uri, `${blobs.location} already exists (pass overwrite: true to replace it)`);
    await blobs.clear();
  }
  const ndim = m.shape.length;
  const codecs = [{ name: 'bytes', configuration: { endian: 'little' } }];
  const gzip = (m.compression ?? 'gzip') === 'gzip';
  const level = m.gzipLevel ?? DEFAULT_GZIP_LEVEL;
  if (gzip) codecs.push({ name: 'gzip', configuration: { level } } as never);
  const arr = (await zarr.create(zarr.root(new BlobAdapter(blobs)), {
    shape: [...m.shape],
    chunkShape: [...(m.chunkShape ?? m.shape.map((s) => Math.min(64, s)))],
    dtype: m.dtype,
    codecs,
    fillValue: 0 as never,
    dimensionNames: defaultAxes(ndim),
    attributes: { voxel_size: [...(m.voxelSize ?? new Array<number>(ndim).fill(1))], voxel_unit: 'nanometer' },
  })) as unknown as ZarrArray;
  // Whole chunks are stored directly only where their bytes are the memory as it is (little endian).
  const own = endianness() === 'LE' ? { gzipLevel: gzip ? level : undefined } : undefined;
  return new ZarrStore(loc.uri, toMeta(loc.uri, arr), zarr, arr, blobs, own);
}
