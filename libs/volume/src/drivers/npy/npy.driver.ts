/**
 * `.npy` files: an uncompressed array after a small header. Reads and writes are
 * positional (`pread`/`pwrite` of the box's contiguous runs), so only the bytes of the
 * box are touched. A Fortran-order file of numpy shape `(X, Y, Z)` holds the same bytes
 * as a C-order `(Z, Y, X)` array and opens with that shape: voxel `[z][y][x]` is
 * numpy's `a[x, y, z]`.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import { product } from '../../core/bbox';
import { BaseVolumeStore, defaultAxes } from '../../core/base-volume-store';
import { bytesOf, dtypeSize } from '../../core/dtype';
import { boxRuns, coalesceRuns } from '../../core/runs';
import { VolumeCorruptError, VolumeExistsError, VolumeNotFoundError, VolumeUnsupportedError } from '../../errors/volume-errors';
import { isMissing } from '../../storage/fs-blob-store';
import type { VolumeLocation } from '../../uri/parse-volume-uri';
import type { BBox, CreateVolumeMeta, Dtype, OpenVolumeOptions, VolumeArray, VolumeMeta } from '../../volume.types';
import { formatNpyHeader, NPY_PROBE_BYTES, parseNpyHeader } from './npy-header';

class NpyStore extends BaseVolumeStore {
  /**
   * The span buffer, kept from read to read (fresh memory costs a page fault per 4 KiB: a
   * pixel classifier reading a block's slabs out of a wider file read 8 MiB of fresh spans
   * per slab); a read that starts while another runs gets its own.
   */
  private scratch: Uint8Array | undefined;
  private scratchBusy = false;

  constructor(uri: string, meta: VolumeMeta, private readonly file: FileHandle, private readonly dataOffset: number, readOnly = false) {
    super(uri, 'npy', meta, readOnly);
  }

  protected override readOnlyReason(): string {
    return 'the file is not writable';
  }

  protected async readBox(box: BBox, out: VolumeArray): Promise<void> {
    const own = !this.scratchBusy;
    this.scratchBusy = true;
    try {
      await this.readRuns(box, out, own);
    } finally {
      if (own) this.scratchBusy = false;
    }
  }

  private async readRuns(box: BBox, out: VolumeArray, own: boolean): Promise<void> {
    const size = dtypeSize(this.dtype);
    const bytes = bytesOf(out);
    let scratch = own ? this.scratch : undefined;
    // Runs close together are read as one span (and copied out of it): a block's rows are
    // short and many (a 130³ box of a 152³ file: 16,900 runs of 520 bytes), and every
    // positional read is a round trip through the thread pool.
    for (const span of coalesceRuns(boxRuns(this.shape, box), size)) {
      const first = span[0];
      if (span.length === 1) {
        const { bytesRead } = await this.file.read(bytes, first.buffer * size, first.length * size, this.dataOffset + first.storage * size);
        if (bytesRead !== first.length * size) throw new VolumeCorruptError(this.uri, 'data', 'file is truncated');
        continue;
      }
      const last = span[span.length - 1];
      const spanBytes = (last.storage + last.length - first.storage) * size;
      if (!scratch || scratch.length < spanBytes) {
        scratch = new Uint8Array(Math.max(spanBytes, scratch ? scratch.length * 2 : 0));
        if (own) this.scratch = scratch;
      }
      const { bytesRead } = await this.file.read(scratch, 0, spanBytes, this.dataOffset + first.storage * size);
      if (bytesRead !== spanBytes) throw new VolumeCorruptError(this.uri, 'data', 'file is truncated');
      for (const run of span) {
        const from = (run.storage - first.storage) * size;
        bytes.set(scratch.subarray(from, from + run.length * size), run.buffer * size);
      }
    }
  }

  protected async writeBox(box: BBox, data: VolumeArray): Promise<void> {
    const size = dtypeSize(this.dtype);
    const bytes = bytesOf(data);
    for (const run of boxRuns(this.shape, box)) {
      await this.file.write(bytes, run.buffer * size, run.length * size, this.dataOffset + run.storage * size);
    }
  }

  protected override async closeStore(): Promise<void> {
    this.scratch = undefined;
    await this.file.close();
  }
}

function meta(dtype: Dtype, shape: number[], options?: { voxelSize?: readonly number[] }): VolumeMeta {
  return { shape, dtype, chunkShape: shape, voxelSize: options?.voxelSize ? [...options.voxelSize] : shape.map(() => 1), axes: defaultAxes(shape.length) };
}

/** Opens an existing `.npy` file for reading and writing. */
export async function openNpy(loc: VolumeLocation, options?: OpenVolumeOptions): Promise<NpyStore> {
  let file: FileHandle;
  let readOnly = false;
  try {
    file = await open(loc.path, 'r+');
  } catch (err) {
    if (isMissing(err)) throw new VolumeNotFoundError(loc.uri, `no .npy file at ${loc.path}`, { cause: err });
    file = await open(loc.path, 'r').catch(() => { throw err; });
    readOnly = true;
  }
  try {
    const probe = new Uint8Array(NPY_PROBE_BYTES);
    const { bytesRead } = await file.read(probe, 0, probe.length, 0);
    const header = parseNpyHeader(loc.uri, probe.subarray(0, bytesRead));
    if (header.shape.length === 0) throw new VolumeUnsupportedError(loc.uri, '0-dimensional arrays are not volumes');
    const shape = header.fortranOrder ? [...header.shape].reverse() : header.shape;
    const need = header.dataOffset + product(shape) * dtypeSize(header.dtype);
    const { size } = await file.stat();
    if (size < need) throw new VolumeCorruptError(loc.uri, 'data', `file is truncated: ${size} bytes, the header promises ${need}`);
    return new NpyStore(loc.uri, meta(header.dtype, shape, options), file, header.dataOffset, readOnly);
  } catch (err) {
    await file.close();
    throw err;
  }
}

/** Creates a zero-filled C-order `.npy` file (sparse where the file system allows). */
export async function createNpy(loc: VolumeLocation, m: CreateVolumeMeta): Promise<NpyStore> {
  if (!m.overwrite) {
    try {
      await stat(loc.path);
      throw new VolumeExistsError(loc.uri, `${loc.path} already exists (pass overwrite: true to replace it)`);
    } catch (err) {
      if (!isMissing(err)) throw err;
    }
  }
  const header = formatNpyHeader(m.dtype, m.shape);
  const file = await open(loc.path, 'w+');
  try {
    await file.write(header, 0, header.length, 0);
    await file.truncate(header.length + product(m.shape) * dtypeSize(m.dtype));
  } catch (err) {
    await file.close();
    throw err;
  }
  return new NpyStore(loc.uri, meta(m.dtype, [...m.shape], m), file, header.length);
}
