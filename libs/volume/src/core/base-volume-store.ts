/**
 * Shared behaviour of every driver: bbox and dtype validation, output allocation,
 * read-only and closed checks. Drivers implement `readBox`/`writeBox` on validated input.
 */
import { VolumeBoundsError, VolumeDtypeError, VolumeUnsupportedError } from '../errors/volume-errors';
import type { BBox, Dtype, VolumeArray, VolumeFormat, VolumeMeta, VolumeStore } from '../volume.types';
import { bboxShape, checkBBox, formatBBox, product } from './bbox';
import { allocate, dtypeOf } from './dtype';

/** Default axis names by dimensionality (C order). */
export function defaultAxes(ndim: number): string[] {
  const names = ['t', 'c', 'z', 'y', 'x'];
  return ndim <= names.length ? names.slice(names.length - ndim) : Array.from({ length: ndim }, (_, i) => `d${i}`);
}

/** Base class of the drivers' stores. */
export abstract class BaseVolumeStore implements VolumeStore {
  readonly shape: readonly number[];
  readonly dtype: Dtype;
  readonly chunkShape: readonly number[];
  readonly voxelSize: readonly number[];
  readonly axes: readonly string[];
  private closed = false;

  protected constructor(
    readonly uri: string,
    readonly format: VolumeFormat,
    meta: VolumeMeta,
    readonly readOnly: boolean,
  ) {
    this.shape = Object.freeze([...meta.shape]);
    this.dtype = meta.dtype;
    this.chunkShape = Object.freeze([...meta.chunkShape]);
    this.voxelSize = Object.freeze([...meta.voxelSize]);
    this.axes = Object.freeze([...meta.axes]);
  }

  /** Fills `out` (C order, `box`'s shape) with the voxels of `box`. */
  protected abstract readBox(box: BBox, out: VolumeArray): Promise<void>;
  /** Stores `data` (C order, `box`'s shape, this dtype) into `box`. */
  protected abstract writeBox(box: BBox, data: VolumeArray): Promise<void>;
  /** Releases resources. */
  protected async closeStore(): Promise<void> {}

  private checkOpen(): void {
    if (this.closed) throw new VolumeUnsupportedError(this.uri, 'the volume was closed');
  }

  async read(bbox?: BBox, into?: VolumeArray): Promise<VolumeArray> {
    this.checkOpen();
    const box = checkBBox(this.uri, this.shape, bbox);
    const n = product(bboxShape(box));
    let out: VolumeArray;
    if (into) {
      const got = dtypeOf(into);
      if (got !== this.dtype) throw new VolumeDtypeError(this.uri, `cannot read ${this.dtype} data into ${got ?? describe(into)}`);
      if (into.length !== n) throw new VolumeBoundsError(this.uri, `the array has ${into.length} elements but bbox ${formatBBox(box)} holds ${n}`);
      // Drivers may skip what is absent (missing chunks read as zeros): as a new array.
      out = into instanceof BigInt64Array || into instanceof BigUint64Array ? into.fill(0n) : into.fill(0);
    } else out = allocate(this.dtype, n);
    await this.readBox(box, out);
    return out;
  }

  async write(bbox: BBox, data: VolumeArray): Promise<void> {
    this.checkOpen();
    if (this.readOnly) throw new VolumeUnsupportedError(this.uri, `${this.format} volume is read-only here (${this.readOnlyReason()})`);
    const box = checkBBox(this.uri, this.shape, bbox);
    const got = dtypeOf(data);
    if (got !== this.dtype) {
      throw new VolumeDtypeError(this.uri, `cannot write ${got ?? describe(data)} data into a ${this.dtype} volume`);
    }
    const need = product(bboxShape(box));
    if (data.length !== need) {
      throw new VolumeBoundsError(this.uri, `data has ${data.length} elements but bbox ${formatBBox(box)} holds ${need}`);
    }
    await this.writeBox(box, data);
  }

  /** Why writes are refused, for the message; drivers with read-only cases override it. */
  protected readOnlyReason(): string {
    return 'opened read-only';
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.closeStore();
  }
}

function describe(value: unknown): string {
  if (value === null || typeof value !== 'object') return typeof value;
  return (value as object).constructor?.name ?? 'object';
}
