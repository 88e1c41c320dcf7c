/**
 * PNG stacks: `png:///abs/dir` holds one grayscale PNG per z (`*.png`, natural name order,
 * so `2.png` comes before `10.png`). Shape `(files, height, width)`, chunk `(1, height,
 * width)`, dtype uint8 or uint16 (from the bit depth). Color PNGs are accepted only when
 * every pixel is gray (R = G = B). A read decodes only the slices in the box; a write
 * re-encodes each slice it touches (decoding it first unless the box covers the whole slice).
 */
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PNG } from 'pngjs';
import { BaseVolumeStore } from '../../core/base-volume-store';
import { copyRegion } from '../../core/copy-region';
import { requireDtype } from '../../core/dtype';
import { naturalCompare } from '../../core/runs';
import { VolumeCorruptError, VolumeError, VolumeExistsError, VolumeNotFoundError, VolumeUnsupportedError } from '../../errors/volume-errors';
import { isMissing } from '../../storage/fs-blob-store';
import type { VolumeLocation } from '../../uri/parse-volume-uri';
import type { BBox, CreateVolumeMeta, Dtype, OpenVolumeOptions, VolumeArray, VolumeMeta } from '../../volume.types';

type PngClass = typeof PNG;

let pngjs: Promise<PngClass> | undefined;
/** pngjs, loaded on first use: it was a third of `@saber/volume`'s load time, which every tool pays. */
const loadPng = (): Promise<PngClass> => (pngjs ??= import('pngjs').then((m) => m.PNG));

/** dtypes a PNG stack holds. */
export const PNG_DTYPES: readonly Dtype[] = ['uint8', 'uint16'];

interface Slice {
  width: number;
  height: number;
  dtype: Dtype;
  pixels: Uint8Array | Uint16Array;
}

/** Decodes one PNG to gray pixels; `what` names it in errors. */
function decode(Png: PngClass, uri: string, what: string, bytes: Uint8Array): Slice {
  let png: PNG & { depth?: number; colorType?: number };
  try {
    png = Png.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { skipRescale: true }) as PNG & { depth?: number; colorType?: number };
  } catch (cause) {
    throw new VolumeCorruptError(uri, what, `not a decodable PNG: ${(cause as Error).message}`, { cause });
  }
  const { width, height } = png;
  const rgba = png.data as unknown as Uint8Array | Uint16Array;
  const sixteen = png.depth === 16;
  const pixels = sixteen ? new Uint16Array(width * height) : new Uint8Array(width * height);
  const gray = png.colorType === 0 || png.colorType === 4;
  for (let i = 0, j = 0; i < pixels.length; i++, j += 4) {
    const r = rgba[j];
    if (!gray && (rgba[j + 1] !== r || rgba[j + 2] !== r)) {
      throw new VolumeUnsupportedError(uri, `${what} is a color PNG; only grayscale stacks are supported`);
    }
    pixels[i] = r;
  }
  return { width, height, dtype: sixteen ? 'uint16' : 'uint8', pixels };
}

/** Encodes gray pixels as an 8- or 16-bit grayscale PNG. */
function encode(Png: PngClass, width: number, height: number, pixels: Uint8Array | Uint16Array): Buffer {
  const bitDepth = pixels instanceof Uint16Array ? 16 : 8;
  // pngjs reads 16-bit input through `new Uint16Array(data.buffer)`: the buffer must start at offset 0.
  const own = pixels.byteOffset === 0 && pixels.byteLength === pixels.buffer.byteLength ? pixels : pixels.slice();
  return Png.sync.write(
    { width, height, data: Buffer.from(own.buffer, 0, own.byteLength) } as unknown as PNG,
    { colorType: 0, inputColorType: 0, bitDepth, inputHasAlpha: false },
  );
}

class PngStore extends BaseVolumeStore {
  constructor(
    uri: string,
    meta: VolumeMeta,
    private readonly dir: string,
    private readonly files: string[],
    private readonly Png: PngClass,
  ) {
    super(uri, 'png', meta, false);
  }

  private async slice(z: number): Promise<Slice> {
    const name = this.files[z];
    let bytes: Uint8Array;
    try {
      bytes = await readFile(join(this.dir, name));
    } catch (err) {
      if (isMissing(err)) throw new VolumeCorruptError(this.uri, name, 'slice file disappeared', { cause: err });
      throw err;
    }
    const s = decode(this.Png, this.uri, name, bytes);
    if (s.width !== this.shape[2] || s.height !== this.shape[1] || s.dtype !== this.dtype) {
      throw new VolumeCorruptError(this.uri, name, `is ${s.height}x${s.width} ${s.dtype}, the stack is ${this.shape[1]}x${this.shape[2]} ${this.dtype}`);
    }
    return s;
  }

  protected async readBox(box: BBox, out: VolumeArray): Promise<void> {
    const plane = { start: [0, 0], stop: [this.shape[1], this.shape[2]] };
    const region = { start: box.start.slice(1), stop: box.stop.slice(1) };
    const area = (region.stop[0] - region.start[0]) * (region.stop[1] - region.start[1]);
    for (let z = box.start[0]; z < box.stop[0]; z++) {
      const s = await this.slice(z);
      const dst = (out as Uint8Array).subarray((z - box.start[0]) * area, (z - box.start[0] + 1) * area);
      copyRegion({ data: s.pixels, box: plane }, { data: dst, box: region }, region);
    }
  }

  protected async writeBox(box: BBox, data: VolumeArray): Promise<void> {
    const [, height, width] = this.shape;
    const plane = { start: [0, 0], stop: [height, width] };
    const region = { start: box.start.slice(1), stop: box.stop.slice(1) };
    const area = (region.stop[0] - region.start[0]) * (region.stop[1] - region.start[1]);
    const whole = area === height * width;
    for (let z = box.start[0]; z < box.stop[0]; z++) {
      const src = (data as Uint8Array).subarray((z - box.start[0]) * area, (z - box.start[0] + 1) * area);
      let pixels: Uint8Array | Uint16Array;
      if (whole) pixels = src;
      else {
        pixels = (await this.slice(z)).pixels;
        copyRegion({ data: src, box: region }, { data: pixels, box: plane }, region);
      }
      await writeFile(join(this.dir, this.files[z]), encode(this.Png, width, height, pixels));
    }
  }
}

function meta(shape: number[], dtype: Dtype, options?: { voxelSize?: readonly number[] }): VolumeMeta {
  return { shape, dtype, chunkShape: [1, shape[1], shape[2]], voxelSize: options?.voxelSize ? [...options.voxelSize] : [1, 1, 1], axes: ['z', 'y', 'x'] };
}

/** Opens a directory of PNG slices. */
export async function openPng(loc: VolumeLocation, options?: OpenVolumeOptions): Promise<PngStore> {
  let names: string[];
  try {
    names = await readdir(loc.path);
  } catch (err) {
    if (isMissing(err)) throw new VolumeNotFoundError(loc.uri, `no PNG directory at ${loc.path}`, { cause: err });
    throw err;
  }
  const files = names.filter((f) => /\.png$/i.test(f)).sort(naturalCompare);
  if (files.length === 0) throw new VolumeNotFoundError(loc.uri, `no .png files in ${loc.path}`);
  const Png = await loadPng();
  try {
    const first = decode(Png, loc.uri, files[0], await readFile(join(loc.path, files[0])));
    return new PngStore(loc.uri, meta([files.length, first.height, first.width], first.dtype, options), loc.path, files, Png);
  } catch (err) {
    if (err instanceof VolumeError) throw err;
    throw new VolumeCorruptError(loc.uri, files[0], (err as Error).message, { cause: err });
  }
}

/** Creates a directory of zero slices `0000.png`, `0001.png`, ... */
export async function createPng(loc: VolumeLocation, m: CreateVolumeMeta): Promise<PngStore> {
  requireDtype(loc.uri, m.dtype, PNG_DTYPES, 'PNG');
  if (m.shape.length !== 3) throw new VolumeUnsupportedError(loc.uri, `PNG stacks are (z, y, x); got ${m.shape.length} axes`);
  const [pages, height, width] = m.shape;
  try {
    await stat(loc.path);
    if (!m.overwrite) throw new VolumeExistsError(loc.uri, `${loc.path} already exists (pass overwrite: true to replace it)`);
    await rm(loc.path, { recursive: true, force: true });
  } catch (err) {
    if (!isMissing(err)) throw err;
  }
  await mkdir(loc.path, { recursive: true });
  const digits = Math.max(4, String(pages - 1).length);
  const files = Array.from({ length: pages }, (_, z) => `${String(z).padStart(digits, '0')}.png`);
  const Png = await loadPng();
  const zero = encode(Png, width, height, m.dtype === 'uint16' ? new Uint16Array(width * height) : new Uint8Array(width * height));
  for (const f of files) await writeFile(join(loc.path, f), zero);
  return new PngStore(loc.uri, meta([...m.shape], m.dtype, m), loc.path, files, Png);
}
