import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidBlockResultError, type Detection, type DensityTally, type Synapse, parseTally } from '@saber/blockmerge';

/**
 * Where a block output lives and what it is. A CWL `File`/`Directory` object (`location`
 * as `file://` or `s3://`, or `path`) or a string (a path, or a volume URI such as
 * `zarr:///…`). Volumes: `.zarr`, `.h5`/`.hdf5`, `.npy`, `.tif`/`.tiff`, a directory holding
 * a Neuroglancer `info` file, or a volume URI. Lists: `.json` and `.csv` files.
 */
export type OutputRef =
  | { readonly kind: 'volume'; readonly uri: string }
  | { readonly kind: 'json' | 'csv'; readonly path: string }
  | { readonly kind: 'other'; readonly what: string };

const VOLUME_URI = /^(zarr|precomputed|h5|tif|png|npy)(\+s3)?:/;
const VOLUME_EXT = new Set(['.zarr', '.h5', '.hdf5', '.npy', '.tif', '.tiff']);

/** Resolves one block output value to an {@link OutputRef}. */
export async function locateOutput(value: unknown): Promise<OutputRef> {
  let where: string | undefined;
  if (typeof value === 'string') where = value;
  else if (value && typeof value === 'object') {
    const v = value as { class?: unknown; location?: unknown; path?: unknown };
    if (v.class === 'File' || v.class === 'Directory' || typeof v.location === 'string' || typeof v.path === 'string') {
      where = typeof v.path === 'string' ? v.path : typeof v.location === 'string' ? v.location : undefined;
    }
  }
  if (!where) return { kind: 'other', what: describe(value) };
  if (VOLUME_URI.test(where)) return { kind: 'volume', uri: where };
  const s3 = where.startsWith('s3://');
  const path = where.startsWith('file://') ? fileURLToPath(where) : s3 ? where : resolve(where);
  const ext = extname(path.replace(/\/+$/, '')).toLowerCase();
  if (VOLUME_EXT.has(ext)) {
    const format = ext === '.zarr' ? 'zarr' : ext === '.npy' ? 'npy' : ext.startsWith('.tif') ? 'tif' : 'h5';
    return { kind: 'volume', uri: s3 ? `${format}+${where}` : `${format}://${path}` };
  }
  if (!s3 && (await isPrecomputed(path))) return { kind: 'volume', uri: `precomputed://${path}` };
  if (!s3 && (ext === '.json' || ext === '.csv')) return { kind: ext === '.json' ? 'json' : 'csv', path };
  return { kind: 'other', what: where };
}

async function isPrecomputed(dir: string): Promise<boolean> {
  try {
    return (await stat(join(dir, 'info'))).isFile();
  } catch {
    return false;
  }
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'object') return Array.isArray(value) ? 'a list' : 'an object without location';
  return typeof value;
}

/** What a block's JSON or CSV file holds. */
export type BlockList =
  | { readonly kind: 'detections'; readonly items: Detection[] }
  | { readonly kind: 'synapses'; readonly items: Synapse[]; readonly segmentation?: string }
  | { readonly kind: 'densities'; readonly tally: DensityTally };

/**
 * Reads a block's list file. JSON: a list of points (`{z, y, x, ...}`; with `pre` and `post`
 * on every point they are synapses), or an object `{detections|synapses|points: [...],
 * frame?, segmentation?}`, or a density tally `{regions: {...}}`. CSV: a header naming
 * `z,y,x` (and `pre,post` for synapses), numbers below. Coordinates are in voxels of the
 * volume, unless `frame` is `"halo"` or `"core"` (relative to that box's start).
 */
export async function readBlockList(path: string, kind: 'json' | 'csv', origins: { halo: readonly number[]; core: readonly number[] }): Promise<BlockList> {
  const text = await readFile(path, 'utf8');
  let rows: unknown[];
  let frame: unknown;
  let segmentation: string | undefined;
  if (kind === 'csv') rows = parseCsv(text, path);
  else {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw new InvalidBlockResultError(`${path}: not JSON: ${(e as Error).message}`);
    }
    if (Array.isArray(data)) rows = data;
    else if (data && typeof data === 'object') {
      const o = data as Record<string, unknown>;
      if (o.regions !== undefined) return { kind: 'densities', tally: parseTally(o, path) };
      const list = o.synapses ?? o.detections ?? o.points;
      if (!Array.isArray(list)) throw new InvalidBlockResultError(`${path}: expected a list, or an object with "detections", "synapses", "points" or "regions"`);
      rows = list;
      frame = o.frame;
      if (typeof o.segmentation === 'string') segmentation = o.segmentation;
      if (o.synapses !== undefined && list.length === 0) return { kind: 'synapses', items: [], ...(segmentation ? { segmentation } : {}) };
    } else throw new InvalidBlockResultError(`${path}: expected a list or an object`);
  }
  const origin = frame === undefined || frame === 'volume' ? [0, 0, 0] : frame === 'halo' ? origins.halo : frame === 'core' ? origins.core : undefined;
  if (!origin) throw new InvalidBlockResultError(`${path}: frame must be "volume", "halo" or "core", got ${JSON.stringify(frame)}`);
  const points = rows.map((r, i) => point(r, origin, `${path}: item ${i}`));
  const synapses = points.length > 0 && points.every((p) => p.pre !== undefined && p.post !== undefined);
  if (synapses) {
    for (const [i, p] of points.entries()) if (!isLabel(p.pre) || !isLabel(p.post)) throw new InvalidBlockResultError(`${path}: item ${i}: pre and post must be non-negative integers`);
    const items = points.map((p) => ({ ...p, pre: toLabel(p.pre), post: toLabel(p.post) }));
    return { kind: 'synapses', items, ...(segmentation ? { segmentation } : {}) };
  }
  return { kind: 'detections', items: points };
}

function point(r: unknown, origin: readonly number[], what: string): Detection & { pre?: unknown; post?: unknown } {
  if (!r || typeof r !== 'object') throw new InvalidBlockResultError(`${what}: not an object`);
  const o = r as Record<string, unknown>;
  const z = Number(o.z);
  const y = Number(o.y);
  const x = Number(o.x);
  if (![z, y, x].every(Number.isFinite)) throw new InvalidBlockResultError(`${what}: z, y and x must be numbers`);
  return { ...o, z: z + origin[0]!, y: y + origin[1]!, x: x + origin[2]! };
}

function isLabel(v: unknown): boolean {
  return (typeof v === 'number' && Number.isInteger(v) && v >= 0) || (typeof v === 'string' && /^\d+$/.test(v));
}

function toLabel(v: unknown): number | bigint {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : BigInt(v as string);
}

function parseCsv(text: string, path: string): Array<Record<string, unknown>> {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines.shift() ?? '').split(',').map((h) => h.trim());
  for (const c of ['z', 'y', 'x']) if (!header.includes(c)) throw new InvalidBlockResultError(`${path}: the CSV header must name z, y and x, got "${header.join(',')}"`);
  return lines.map((l) => {
    const f = l.split(',');
    const row: Record<string, unknown> = {};
    header.forEach((h, k) => {
      const s = (f[k] ?? '').trim();
      row[h] = s !== '' && Number.isFinite(Number(s)) ? Number(s) : s;
    });
    return row;
  });
}
