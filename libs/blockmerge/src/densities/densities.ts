import type { LabelArray } from '@saber/imaging';
import { InvalidBlockResultError } from '../errors';
import { boxShape, type Box3 } from '../grid/block-grid';
import { voxelOf, type Detection } from '../detections/detections';

/** Counts of one region over some voxels. */
export interface RegionTally {
  /** Voxels of the region. */
  voxels: number;
  /** Foreground voxels (e.g. vessel) in the region. */
  foreground: number;
  /** Detections (e.g. cells) whose voxel is in the region. */
  detections: number;
}

/** Region id → counts. Region 0 is a region like any other (e.g. "outside the atlas"). */
export type DensityTally = Map<number, RegionTally>;

/** Per-region result: counts, volume fraction and densities. */
export interface RegionDensity extends RegionTally {
  readonly region: number;
  /** `foreground / voxels`. */
  readonly volumeFraction: number;
  /** `detections / voxels`. */
  readonly detectionsPerVoxel: number;
  /** Detections per mm³, when the voxel size is known. */
  readonly detectionsPerMm3?: number;
}

/**
 * Counts one core: voxels and foreground voxels per region, and the detections it owns per
 * region (region of the detection's voxel). `regions` and `foreground` are over `core`, C order;
 * without `regions` every voxel is region 1. Cores tile the volume, so the sum of the block
 * tallies ({@link addTally}) equals the whole volume's tally exactly.
 */
export function tallyCore(core: Box3, options: { regions?: LabelArray; foreground?: LabelArray; detections?: Iterable<Detection> } = {}): DensityTally {
  const [Z, Y, X] = boxShape(core);
  const n = Z * Y * X;
  const { regions, foreground } = options;
  if (regions && regions.length !== n) throw new InvalidBlockResultError(`regions hold ${regions.length} voxels, the core ${n}`);
  if (foreground && foreground.length !== n) throw new InvalidBlockResultError(`foreground holds ${foreground.length} voxels, the core ${n}`);
  const tally: DensityTally = new Map();
  const get = (r: number) => {
    let t = tally.get(r);
    if (!t) tally.set(r, (t = { voxels: 0, foreground: 0, detections: 0 }));
    return t;
  };
  if (!regions) {
    const t = get(1);
    t.voxels = n;
    if (foreground) for (let i = 0; i < n; i++) if (foreground[i] !== 0 && foreground[i] !== 0n) t.foreground++;
  } else {
    for (let i = 0; i < n; i++) {
      const t = get(Number(regions[i]));
      t.voxels++;
      if (foreground && foreground[i] !== 0 && foreground[i] !== 0n) t.foreground++;
    }
  }
  for (const d of options.detections ?? []) {
    const [z, y, x] = voxelOf(d);
    if (z < core.start[0] || z >= core.stop[0] || y < core.start[1] || y >= core.stop[1] || x < core.start[2] || x >= core.stop[2]) {
      throw new InvalidBlockResultError(`detection at (${d.z}, ${d.y}, ${d.x}) is outside the core it is counted in`);
    }
    const r = regions ? Number(regions[((z - core.start[0]) * Y + (y - core.start[1])) * X + (x - core.start[2])]) : 1;
    get(r).detections++;
  }
  return tally;
}

/** Adds `from` into `into` (in place) and returns `into`. */
export function addTally(into: DensityTally, from: DensityTally): DensityTally {
  for (const [r, t] of from) {
    const s = into.get(r);
    if (s) {
      s.voxels += t.voxels;
      s.foreground += t.foreground;
      s.detections += t.detections;
    } else into.set(r, { ...t });
  }
  return into;
}

/** Per-region densities of a tally, ordered by region id. `voxelSize` in nanometres `(z, y, x)`. */
export function densityTable(tally: DensityTally, voxelSize?: readonly number[]): RegionDensity[] {
  const mm3 = voxelSize ? voxelSize.reduce((a, b) => a * b, 1) * 1e-18 : undefined;
  return [...tally.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([region, t]) => ({
      region,
      ...t,
      volumeFraction: t.voxels ? t.foreground / t.voxels : 0,
      detectionsPerVoxel: t.voxels ? t.detections / t.voxels : 0,
      ...(mm3 ? { detectionsPerMm3: t.voxels ? t.detections / (t.voxels * mm3) : 0 } : {}),
    }));
}

/** A tally as JSON text: `{"regions": {"<id>": {"voxels", "foreground", "detections"}}}` (what a block run writes). */
export function tallyToJson(tally: DensityTally): string {
  const regions: Record<string, RegionTally> = {};
  for (const [r, t] of [...tally.entries()].sort((a, b) => a[0] - b[0])) regions[String(r)] = t;
  return JSON.stringify({ regions });
}

/** Reads a tally written by {@link tallyToJson} (or parsed JSON of that shape). */
export function parseTally(value: unknown, what = 'densities'): DensityTally {
  const regions = (value as { regions?: unknown } | null)?.regions;
  if (!regions || typeof regions !== 'object') throw new InvalidBlockResultError(`${what}: expected {"regions": {...}}`);
  const tally: DensityTally = new Map();
  for (const [key, t] of Object.entries(regions as Record<string, Partial<RegionTally>>)) {
    const r = Number(key);
    const ok = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0;
    if (!Number.isInteger(r) || !ok(t.voxels) || !ok(t.foreground ?? 0) || !ok(t.detections ?? 0)) {
      throw new InvalidBlockResultError(`${what}: region ${key} must have non-negative integer voxels, foreground, detections`);
    }
    tally.set(r, { voxels: t.voxels!, foreground: t.foreground ?? 0, detections: t.detections ?? 0 });
  }
  return tally;
}
