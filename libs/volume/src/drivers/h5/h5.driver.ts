/**
 * HDF5 datasets through h5wasm: `h5:///abs/a.h5#/group/dataset`. Without a fragment,
 * a file holding exactly one dataset opens that one; `createVolume` without a fragment
 * writes dataset `data`. Reads and writes are hyperslabs, so HDF5 touches only the
 * chunks that intersect the box (with LZF and the other `h5wasm-plugins` filters
 * available). Voxel size: the dataset attribute `voxel_size` or `resolution`
 * (nanometres, C order; CREMI files use `resolution`).
 */
import { stat } from 'node:fs/promises';
import { BaseVolumeStore, defaultAxes } from '../../core/base-volume-store';
import { allocate, dtypeOf } from '../../core/dtype';
import {
  VolumeCorruptError, VolumeDtypeError, VolumeError, VolumeExistsError, VolumeNotFoundError, VolumeUnsupportedError, VolumeUriError,
} from '../../errors/volume-errors';
import { isMissing } from '../../storage/fs-blob-store';
import type { VolumeLocation } from '../../uri/parse-volume-uri';
import type { BBox, CreateVolumeMeta, Dtype, OpenVolumeOptions, VolumeArray, VolumeMeta } from '../../volume.types';
import { loadH5wasm, type H5Wasm } from './h5wasm-loader';

type H5File = InstanceType<H5Wasm['File']>;
type H5Dataset = InstanceType<H5Wasm['Dataset']>;

/** h5wasm dtype strings (Python struct letters) per dtype. */
const H5_DTYPE: { [D in Dtype]: string } = {
  uint8: '<B', uint16: '<H', uint32: '<I', uint64: '<Q', int8: '<b', int16: '<h', int32: '<i', int64: '<q', float32: '<f', float64: '<d',
};

/** Dataset name used by `createVolume` when the URI has no `#fragment`. */
export const DEFAULT_H5_DATASET = 'data';

/** Turns an HDF5 error (a thrown string or Error carrying the HDF5 error stack) into a volume error. */
export function h5Error(uri: string, what: string, err: unknown): Error {
  if (err instanceof VolumeError) return err;
  const text = err instanceof Error ? err.message : String(err);
  if (!text.includes('HDF5')) return err instanceof Error ? err : new Error(text);
  const filter = /required filter '([^']*)' is not registered/.exec(text);
  if (filter) return new VolumeUnsupportedError(uri, `HDF5 filter '${filter[1]}' is not available, cannot decode ${what}`, { cause: err });
  const frames = text.split('\n').filter((l) => /#\d{3}:.* in /.test(l)).map((l) => l.replace(/^.* in /, '').trim());
  const detail = frames.length > 1 ? `${frames[0]} (${frames[frames.length - 1]})` : frames[0] ?? text.split('\n')[0];
  return new VolumeCorruptError(uri, what, `HDF5 error: ${detail}`, { cause: err });
}

class H5Store extends BaseVolumeStore {
  /**
   * Files are opened read-only (so parallel readers never lock or touch them) and reopened
   * read-write on the first write.
   */
  constructor(
    uri: string,
    meta: VolumeMeta,
    private readonly h5: H5Wasm,
    private file: H5File,
    private dataset: H5Dataset,
    private readonly name: string,
  ) {
    super(uri, 'h5', meta, false);
  }

  private ranges(box: BBox): [number, number][] {
    return box.start.map((s, i) => [s, box.stop[i]]);
  }

  protected async readBox(box: BBox, out: VolumeArray): Promise<void> {
    let got: unknown;
    try {
      got = this.dataset.slice(this.ranges(box));
    } catch (err) {
      throw h5Error(this.uri, `hyperslab ${JSON.stringify(this.ranges(box))}`, err);
    }
    if (dtypeOf(got) !== this.dtype || (got as VolumeArray).length !== out.length) {
      throw new VolumeCorruptError(this.uri, 'dataset', `h5wasm returned ${(got as object)?.constructor?.name} of ${(got as VolumeArray)?.length} elements for a ${this.dtype} box of ${out.length}`);
    }
    (out as Float64Array).set(got as Float64Array);
  }

  private reopenWritable(): void {
    if (this.file.mode !== 'r') return;
    const path = this.file.filename;
    this.file.close();
    try {
      this.file = new this.h5.File(path, 'a');
    } catch (err) {
      this.file = new this.h5.File(path, 'r');
      this.dataset = this.file.get(this.name) as H5Dataset;
      throw new VolumeUnsupportedError(this.uri, `cannot open ${path} for writing`, { cause: err });
    }
    this.dataset = this.file.get(this.name) as H5Dataset;
  }

  protected async writeBox(box: BBox, data: VolumeArray): Promise<void> {
    this.reopenWritable();
    try {
      this.dataset.write_slice(this.ranges(box), data);
      this.file.flush();
    } catch (err) {
      throw h5Error(this.uri, `hyperslab ${JSON.stringify(this.ranges(box))}`, err);
    }
  }

  protected override async closeStore(): Promise<void> {
    this.file.close();
  }
}

function dtypeFromMetadata(uri: string, meta: { type: number; signed: boolean; size: number; littleEndian: boolean }): Dtype {
  const kind = meta.type === 0 ? (meta.signed ? 'int' : 'uint') : meta.type === 1 ? 'float' : undefined;
  const name = `${kind}${meta.size * 8}`;
  const dtype = (Object.keys(H5_DTYPE) as Dtype[]).find((d) => d === name);
  if (!kind || !dtype) throw new VolumeDtypeError(uri, `HDF5 type (class ${meta.type}, ${meta.size} bytes) is not a supported numeric dtype`);
  if (!meta.littleEndian && meta.size > 1) throw new VolumeUnsupportedError(uri, `big-endian HDF5 datasets are not supported`);
  return dtype;
}

function datasetPaths(h5: H5Wasm, file: H5File): string[] {
  return file.paths().filter((p) => file.get(p) instanceof h5.Dataset);
}

function toMeta(uri: string, dataset: H5Dataset, options?: OpenVolumeOptions): VolumeMeta {
  const m = dataset.metadata;
  const shape = (m.shape ?? []).map(Number);
  if (shape.length === 0) throw new VolumeUnsupportedError(uri, 'scalar datasets are not volumes');
  const dtype = dtypeFromMetadata(uri, m);
  const attrs = dataset.attrs as Record<string, { value: unknown }>;
  const raw = options?.voxelSize ?? (attrs.voxel_size ?? attrs.resolution)?.value;
  const list = raw && typeof raw === 'object' && 'length' in raw ? Array.from(raw as ArrayLike<number | bigint>, Number) : undefined;
  return {
    shape,
    dtype,
    chunkShape: m.chunks ? m.chunks.map(Number) : shape,
    voxelSize: list && list.length === shape.length ? list : shape.map(() => 1),
    axes: defaultAxes(shape.length),
  };
}

async function fileExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if (isMissing(err)) return false;
    throw err;
  }
}

/** Opens a dataset (the file read-only until the first write). */
export async function openH5(loc: VolumeLocation, options?: OpenVolumeOptions): Promise<H5Store> {
  const h5 = await loadH5wasm();
  if (!(await fileExists(loc.path))) throw new VolumeNotFoundError(loc.uri, `no HDF5 file at ${loc.path}`);
  let file: H5File;
  try {
    file = new h5.File(loc.path, 'r');
  } catch (err) {
    throw h5Error(loc.uri, 'file', err);
  }
  try {
    let name = loc.fragment;
    if (!name) {
      const all = datasetPaths(h5, file);
      if (all.length !== 1) throw new VolumeUriError(loc.uri, `name the dataset with #path; the file holds ${all.length ? all.join(', ') : 'no datasets'}`);
      name = all[0];
    }
    const dataset = file.get(name);
    if (!(dataset instanceof h5.Dataset)) {
      throw new VolumeNotFoundError(loc.uri, `no dataset '${name}' in ${loc.path} (datasets: ${datasetPaths(h5, file).join(', ') || 'none'})`);
    }
    return new H5Store(loc.uri, toMeta(loc.uri, dataset, options), h5, file, dataset, name);
  } catch (err) {
    file.close();
    throw err;
  }
}

/**
 * Creates a chunked dataset (gzip level 4 unless `compression: 'raw'`), filled with zeros.
 * An existing file is kept and the dataset added to it; `overwrite` replaces the whole file.
 */
export async function createH5(loc: VolumeLocation, m: CreateVolumeMeta): Promise<H5Store> {
  const h5 = await loadH5wasm();
  const name = loc.fragment || DEFAULT_H5_DATASET;
  const exists = await fileExists(loc.path);
  let file: H5File;
  try {
    file = new h5.File(loc.path, exists && !m.overwrite ? 'a' : 'w');
  } catch (err) {
    throw h5Error(loc.uri, 'file', err);
  }
  try {
    if (file.get(name) !== null) throw new VolumeExistsError(loc.uri, `dataset '${name}' already exists in ${loc.path} (pass overwrite: true to replace the file)`);
    const shape = [...m.shape];
    const chunks = [...(m.chunkShape ?? shape.map((s) => Math.min(64, s)))];
    const gzip = (m.compression ?? 'gzip') === 'gzip';
    let dataset: H5Dataset;
    try {
      const parts = name.split('/').filter((p) => p !== '');
      for (let i = 1; i < parts.length; i++) {
        const group = parts.slice(0, i).join('/');
        if (file.get(group) === null) file.create_group(group);
      }
      dataset = file.create_dataset({
        name, data: allocate(m.dtype, 0), shape: shape.map(() => 0), maxshape: shape, chunks, dtype: H5_DTYPE[m.dtype], ...(gzip ? { compression: 'gzip' as const, compression_opts: 4 } : {}),
      });
      dataset.resize(shape);
      dataset.create_attribute('voxel_size', new Float64Array(m.voxelSize ?? shape.map(() => 1)));
      file.flush();
    } catch (err) {
      throw h5Error(loc.uri, `dataset '${name}'`, err);
    }
    return new H5Store(loc.uri, toMeta(loc.uri, dataset), h5, file, dataset, name);
  } catch (err) {
    file.close();
    throw err;
  }
}
