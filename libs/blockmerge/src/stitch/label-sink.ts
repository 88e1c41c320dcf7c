import { createVolume, type VolumeStore } from '@saber/volume';
import { boxShape, type Box3, type Vec3 } from '../grid/block-grid';

/** Where the stitched labels go: opened once the number of objects is known, then written core by core. */
export interface LabelSink {
  /** Called once before the first write: `count` objects, ids `1..count`, over `bounds`. */
  open(count: number, bounds: Box3): Promise<void>;
  /** The relabelled core `box` (volume coordinates), C order. The stitcher reuses `labels` once the promise resolves. */
  write(box: Box3, labels: Uint32Array): Promise<void>;
  /** Flushes. */
  close(): Promise<void>;
}

/** A sink into one `Uint32Array` over the grid's bounds (tests, small volumes). */
export class MemoryLabelSink implements LabelSink {
  /** The stitched labels over the bounds, C order (after {@link open}). */
  labels = new Uint32Array(0);
  private bounds: Box3 | undefined;

  async open(count: number, bounds: Box3): Promise<void> {
    if (count > 0xffffffff) throw new RangeError(`${count} objects do not fit uint32 labels`);
    const [Z, Y, X] = boxShape(bounds);
    this.labels = new Uint32Array(Z * Y * X);
    this.bounds = bounds;
  }

  async write(box: Box3, labels: Uint32Array): Promise<void> {
    const b = this.bounds!;
    const [, BY, BX] = boxShape(b);
    const [SZ, SY, SX] = boxShape(box);
    let o = 0;
    for (let z = 0; z < SZ; z++) {
      for (let y = 0; y < SY; y++) {
        const d = ((box.start[0] - b.start[0] + z) * BY + (box.start[1] - b.start[1] + y)) * BX + (box.start[2] - b.start[2]);
        this.labels.set(labels.subarray(o, o + SX), d);
        o += SX;
      }
    }
  }

  async close(): Promise<void> {}
}

/** Options of {@link VolumeLabelSink}. */
export interface VolumeLabelSinkOptions {
  /** Chunk shape; default the block size, so that every core is written whole. */
  chunkShape?: Vec3;
  /** Nanometres per voxel. */
  voxelSize?: Vec3;
  /** Replace an existing volume (default true: a merge run again overwrites its own result). */
  overwrite?: boolean;
  /** Gzip level of zarr chunks (default the volume library's, 5). */
  gzipLevel?: number;
}

/**
 * A sink that creates a `uint32` label volume at `uri` (any `@saber/volume` writable
 * format) over the bounds: voxel `bounds.start` is the output's `(0, 0, 0)`.
 */
export class VolumeLabelSink implements LabelSink {
  private store: VolumeStore | undefined;
  private origin: Vec3 = [0, 0, 0];

  constructor(
    readonly uri: string,
    private readonly options: VolumeLabelSinkOptions = {},
  ) {}

  async open(count: number, bounds: Box3): Promise<void> {
    if (count > 0xffffffff) throw new RangeError(`${count} objects do not fit uint32 labels`);
    this.origin = bounds.start;
    const shape = boxShape(bounds);
    this.store = await createVolume(this.uri, {
      shape,
      dtype: 'uint32',
      chunkShape: this.options.chunkShape ? this.options.chunkShape.map((c, a) => Math.min(c, shape[a]!)) : undefined,
      voxelSize: this.options.voxelSize,
      overwrite: this.options.overwrite ?? true,
      gzipLevel: this.options.gzipLevel,
    });
  }

  async write(box: Box3, labels: Uint32Array): Promise<void> {
    const start = [0, 1, 2].map((a) => box.start[a]! - this.origin[a]!);
    const stop = [0, 1, 2].map((a) => box.stop[a]! - this.origin[a]!);
    await this.store!.write({ start, stop }, labels);
  }

  async close(): Promise<void> {
    await this.store?.close();
    this.store = undefined;
  }
}
