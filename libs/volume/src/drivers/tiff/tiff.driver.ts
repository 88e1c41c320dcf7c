/**
 * TIFF stacks: `tif:///abs/stack.tif` (one multi-page file, page = z) or
 * `tif:///abs/dir/` (one single-page file per z, `*.tif`/`*.tiff` in natural name order).
 * Shape `(pages, height, width)`, chunk `(1, height, width)`; grayscale only.
 * Reads go through geotiff (any compression, strips or tiles) and decode only the pages
 * and the window of the box. Writes are positional into uncompressed single-strip-per-page
 * layouts, which is what `createVolume` writes (see tiff-writer.ts); other layouts are
 * read-only. Classic TIFF only: a stack over 4 GiB is refused.
 */
import { mkdir, open, readdir, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { BaseVolumeStore } from '../../core/base-volume-store';
import { bytesOf, dtypeOf, dtypeSize, requireDtype } from '../../core/dtype';
import { boxRuns, naturalCompare } from '../../core/runs';
import {
  VolumeCorruptError, VolumeDtypeError, VolumeError, VolumeExistsError, VolumeNotFoundError, VolumeUnsupportedError,
} from '../../errors/volume-errors';
import { isMissing } from '../../storage/fs-blob-store';
import type { VolumeLocation } from '../../uri/parse-volume-uri';
import type { BBox, CreateVolumeMeta, Dtype, OpenVolumeOptions, VolumeArray, VolumeMeta } from '../../volume.types';
import { MAX_TIFF_BYTES, TIFF_SAMPLE_FORMAT, tiffStackHeader } from './tiff-writer';

type GeoTiffModule = typeof import('geotiff', { with: { 'resolution-mode': 'import' } });
type GeoTiff = Awaited<ReturnType<GeoTiffModule['fromFile']>>;
type GeoTiffImage = Awaited<ReturnType<GeoTiff['getImage']>>;

let geotiff: Promise<GeoTiffModule> | undefined;
const loadGeotiff = (): Promise<GeoTiffModule> => (geotiff ??= import('geotiff'));

/** dtypes TIFF stacks hold (64-bit integers are not readable by geotiff). */
export const TIFF_DTYPES = Object.keys(TIFF_SAMPLE_FORMAT) as Dtype[];

/** The dtype of a page, from SampleFormat and BitsPerSample. */
function pageDtype(uri: string, image: GeoTiffImage, what: string): Dtype {
  if (image.getSamplesPerPixel() !== 1) {
    throw new VolumeUnsupportedError(uri, `${what} has ${image.getSamplesPerPixel()} samples per pixel; only grayscale TIFF is supported`);
  }
  const format = image.getSampleFormat(0) ?? 1;
  const bits = image.getBitsPerSample(0);
  const kind = format === 1 ? 'uint' : format === 2 ? 'int' : format === 3 ? 'float' : '';
  const dtype = TIFF_DTYPES.find((d) => d === `${kind}${bits}`);
  if (!dtype) throw new VolumeDtypeError(uri, `${what}: TIFF SampleFormat ${format} with ${bits} bits per sample is not supported`);
  return dtype;
}

/** A file and byte offset where an uncompressed page's pixels start. */
interface PageSpan {
  path: string;
  offset: number;
}

class TiffStore extends BaseVolumeStore {
  private readonly spans = new Map<number, PageSpan>();
  private writer?: { path: string; handle: FileHandle };

  /** `files`: one per page (directory mode) or undefined (one multi-page file at `path`). */
  constructor(uri: string, meta: VolumeMeta, private readonly path: string, private readonly files: string[] | undefined, private tiff?: GeoTiff) {
    super(uri, 'tif', meta, false);
  }

  private pageName(z: number): string {
    return this.files ? `page ${z} (${this.files[z]})` : `page ${z}`;
  }

  /** Runs `fn` on page `z`'s image, opening (and closing) the slice file in directory mode. */
  private async withPage<T>(z: number, fn: (image: GeoTiffImage) => Promise<T>): Promise<T> {
    const g = await loadGeotiff();
    let tiff = this.tiff;
    const own = this.files !== undefined;
    try {
      if (own) tiff = await g.fromFile(join(this.path, (this.files as string[])[z]));
      const image = await (tiff as GeoTiff).getImage(own ? 0 : z);
      if (image.getWidth() !== this.shape[2] || image.getHeight() !== this.shape[1]) {
        throw new VolumeCorruptError(this.uri, this.pageName(z), `is ${image.getHeight()}x${image.getWidth()}, the stack is ${this.shape[1]}x${this.shape[2]}`);
      }
      const dtype = pageDtype(this.uri, image, this.pageName(z));
      if (dtype !== this.dtype) throw new VolumeCorruptError(this.uri, this.pageName(z), `is ${dtype}, the stack is ${this.dtype}`);
      return await fn(image);
    } catch (err) {
      if (err instanceof VolumeError) throw err;
      throw new VolumeCorruptError(this.uri, this.pageName(z), (err as Error).message, { cause: err });
    } finally {
      if (own) tiff?.close();
    }
  }

  protected async readBox(box: BBox, out: VolumeArray): Promise<void> {
    const [z0, y0, x0] = box.start;
    const [z1, y1, x1] = box.stop;
    const plane = (y1 - y0) * (x1 - x0);
    for (let z = z0; z < z1; z++) {
      await this.withPage(z, async (image) => {
        const raster = await image.readRasters({ window: [x0, y0, x1, y1], samples: [0], interleave: true });
        if (dtypeOf(raster) !== this.dtype || raster.length !== plane) {
          throw new VolumeCorruptError(this.uri, this.pageName(z), `decoded to ${raster.constructor.name} of ${raster.length} values, expected ${this.dtype} x ${plane}`);
        }
        (out as Float64Array).set(raster as unknown as Float64Array, (z - z0) * plane);
      });
    }
  }

  /** Where page `z`'s pixels start, if the page is one uncompressed little-endian strip run. */
  private async span(z: number): Promise<PageSpan> {
    const known = this.spans.get(z);
    if (known) return known;
    const span = await this.withPage(z, async (image) => {
      const dir = image.fileDirectory;
      const compression = Number((await dir.loadValue('Compression')) ?? 1);
      const offsets = Array.from((await dir.loadValue('StripOffsets')) as ArrayLike<number> ?? [], Number);
      const counts = Array.from((await dir.loadValue('StripByteCounts')) as ArrayLike<number> ?? [], Number);
      const pageBytes = this.shape[1] * this.shape[2] * dtypeSize(this.dtype);
      let contiguous = compression === 1 && !image.isTiled && offsets.length > 0 && offsets.length === counts.length;
      for (let i = 1; contiguous && i < offsets.length; i++) contiguous = offsets[i] === offsets[i - 1] + counts[i - 1];
      contiguous &&= counts.reduce((a, b) => a + b, 0) === pageBytes && (image.littleEndian || dtypeSize(this.dtype) === 1);
      if (!contiguous) {
        throw new VolumeUnsupportedError(this.uri, `${this.pageName(z)} is compressed, tiled or big-endian: TIFF writes need uncompressed little-endian strips (as createVolume writes them)`);
      }
      return { path: this.files ? join(this.path, this.files[z]) : this.path, offset: offsets[0] };
    });
    this.spans.set(z, span);
    return span;
  }

  private async handle(path: string): Promise<FileHandle> {
    if (this.writer?.path === path) return this.writer.handle;
    await this.writer?.handle.close();
    this.writer = { path, handle: await open(path, 'r+') };
    return this.writer.handle;
  }

  protected async writeBox(box: BBox, data: VolumeArray): Promise<void> {
    const [z0, y0, x0] = box.start;
    const [z1, y1, x1] = box.stop;
    const size = dtypeSize(this.dtype);
    const bytes = bytesOf(data);
    const planeBytes = (y1 - y0) * (x1 - x0) * size;
    const runs = boxRuns([this.shape[1], this.shape[2]], { start: [y0, x0], stop: [y1, x1] });
    for (let z = z0; z < z1; z++) {
      const span = await this.span(z);
      const file = await this.handle(span.path);
      for (const run of runs) {
        await file.write(bytes, (z - z0) * planeBytes + run.buffer * size, run.length * size, span.offset + run.storage * size);
      }
    }
  }

  protected override async closeStore(): Promise<void> {
    await this.writer?.handle.close();
    this.tiff?.close();
  }
}

function meta(shape: number[], dtype: Dtype, options?: { voxelSize?: readonly number[] }): VolumeMeta {
  return { shape, dtype, chunkShape: [1, shape[1], shape[2]], voxelSize: options?.voxelSize ? [...options.voxelSize] : [1, 1, 1], axes: ['z', 'y', 'x'] };
}

/** Slice files of a directory, natural order. */
async function sliceFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => /\.tiff?$/i.test(f)).sort(naturalCompare);
}

/** Opens a multi-page TIFF file or a directory of single-page TIFFs. */
export async function openTiff(loc: VolumeLocation, options?: OpenVolumeOptions): Promise<TiffStore> {
  const g = await loadGeotiff();
  let isDir: boolean;
  try {
    isDir = (await stat(loc.path)).isDirectory();
  } catch (err) {
    if (isMissing(err)) throw new VolumeNotFoundError(loc.uri, `no TIFF file or directory at ${loc.path}`, { cause: err });
    throw err;
  }
  const files = isDir ? await sliceFiles(loc.path) : undefined;
  if (files && files.length === 0) throw new VolumeNotFoundError(loc.uri, `no .tif/.tiff files in ${loc.path}`);
  let tiff: GeoTiff | undefined;
  const first = files ? join(loc.path, files[0]) : loc.path;
  try {
    tiff = await g.fromFile(first);
    const image = await tiff.getImage(0);
    const dtype = pageDtype(loc.uri, image, files ? files[0] : 'page 0');
    const pages = files ? files.length : await tiff.getImageCount();
    if (files) {
      tiff.close();
      tiff = undefined;
    }
    return new TiffStore(loc.uri, meta([pages, image.getHeight(), image.getWidth()], dtype, options), loc.path, files, tiff);
  } catch (err) {
    tiff?.close();
    if (err instanceof VolumeError) throw err;
    throw new VolumeCorruptError(loc.uri, files ? files[0] : 'header', (err as Error).message, { cause: err });
  }
}

/** Writes a zero-filled stack file (sparse) of `pages` pages. */
async function writeStackFile(uri: string, path: string, width: number, height: number, pages: number, dtype: Dtype): Promise<void> {
  const layout = tiffStackHeader(width, height, pages, dtype);
  if (layout.totalBytes > MAX_TIFF_BYTES) {
    throw new VolumeUnsupportedError(uri, `a ${layout.totalBytes}-byte stack needs BigTIFF, which is not supported (limit 4 GiB; use zarr or a TIFF directory)`);
  }
  const file = await open(path, 'w');
  try {
    await file.write(layout.header, 0, layout.header.length, 0);
    await file.truncate(layout.totalBytes);
  } finally {
    await file.close();
  }
}

/** Creates a zero-filled stack: one file, or (URI ending in `/`) a directory of `0000.tif`... */
export async function createTiff(loc: VolumeLocation, m: CreateVolumeMeta): Promise<TiffStore> {
  requireDtype(loc.uri, m.dtype, TIFF_DTYPES, 'TIFF');
  if (m.shape.length !== 3) throw new VolumeUnsupportedError(loc.uri, `TIFF stacks are (z, y, x); got ${m.shape.length} axes`);
  const [pages, height, width] = m.shape;
  let exists = true;
  try {
    await stat(loc.path);
  } catch (err) {
    if (!isMissing(err)) throw err;
    exists = false;
  }
  if (exists) {
    if (!m.overwrite) throw new VolumeExistsError(loc.uri, `${loc.path} already exists (pass overwrite: true to replace it)`);
    await rm(loc.path, { recursive: true, force: true });
  }
  if (loc.trailingSlash) {
    await mkdir(loc.path, { recursive: true });
    const digits = Math.max(4, String(pages - 1).length);
    const files = Array.from({ length: pages }, (_, z) => `${String(z).padStart(digits, '0')}.tif`);
    const layout = tiffStackHeader(width, height, 1, m.dtype);
    if (layout.totalBytes > MAX_TIFF_BYTES) throw new VolumeUnsupportedError(loc.uri, `a ${layout.totalBytes}-byte slice needs BigTIFF, which is not supported`);
    for (const f of files) {
      await writeFile(join(loc.path, f), layout.header);
      const h = await open(join(loc.path, f), 'r+');
      await h.truncate(layout.totalBytes).finally(() => h.close());
    }
    return new TiffStore(loc.uri, meta([...m.shape], m.dtype, m), loc.path, files);
  }
  await writeStackFile(loc.uri, loc.path, width, height, pages, m.dtype);
  const g = await loadGeotiff();
  return new TiffStore(loc.uri, meta([...m.shape], m.dtype, m), loc.path, undefined, await g.fromFile(loc.path));
}
