/**
 * The block section of a sweep (a SABER extension of the original format): which
 * volume (or bounds) to cut, the block size, the halo, and which workflow inputs
 * receive each block's geometry. Vectors are `(z, y, x)`, C order, as in
 * `@saber/volume`; a single integer means the same value on every axis.
 */
import { describeYaml, PyFloat } from '../yaml/python-values';

/** Three integers, `(z, y, x)`. */
export type Vec3 = [number, number, number];

/** A half-open box `[start, stop)` per axis, `(z, y, x)`, in voxels. */
export interface Box3 {
  start: Vec3;
  stop: Vec3;
}

/** Axis names in vector order. */
export const AXES = ['z', 'y', 'x'] as const;

/**
 * What a block tells its workflow, by name: the core bounds (`xmin` … `zmax`, the
 * original's half-open block bounds), the bounds with the halo (`halo_xmin` …, clamped
 * to the volume), the block's index (integers), and the same boxes as strings for tools
 * that take a box argument: `box` (the core) and `halo_box`, `z0:z1,y0:y1,x0:x1`.
 */
export const BLOCK_GEOMETRY_NAMES = [
  'xmin', 'xmax', 'ymin', 'ymax', 'zmin', 'zmax',
  'halo_xmin', 'halo_xmax', 'halo_ymin', 'halo_ymax', 'halo_zmin', 'halo_zmax',
  'block_index', 'box', 'halo_box',
] as const;

/** The geometry names whose values are box strings (`z0:z1,y0:y1,x0:x1`), not integers. */
export const BOX_GEOMETRY_NAMES: readonly BlockGeometryName[] = ['box', 'halo_box'];

/** One of {@link BLOCK_GEOMETRY_NAMES}. */
export type BlockGeometryName = (typeof BLOCK_GEOMETRY_NAMES)[number];

/** Geometry → workflow input used when a block section with `size` names no `inputs`: the core bounds. */
export const DEFAULT_BLOCK_INPUTS: Readonly<Partial<Record<BlockGeometryName, string>>> = {
  xmin: 'xmin', xmax: 'xmax', ymin: 'ymin', ymax: 'ymax', zmin: 'zmin', zmax: 'zmax',
};

/** A checked block section. */
export interface BlockSection {
  /** Volume URI (`@saber/volume`): its shape gives the bounds `[0, shape)`. */
  volume?: string;
  /** Explicit bounds instead of a volume. */
  bounds?: Box3;
  /** Block (core) size; the last block per axis is truncated at the bounds. */
  size?: Vec3;
  /** Voxels added on each side of the core, clamped to the bounds. Default 0. */
  halo?: Vec3;
  /** Geometry → workflow input. Default {@link DEFAULT_BLOCK_INPUTS} when `size` is given. */
  inputs?: Partial<Record<BlockGeometryName, string>>;
}

const KEYS = ['volume', 'bounds', 'size', 'halo', 'inputs'];

/** An integer (not a YAML float, not a boolean). */
function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v);
}

/**
 * Reads a `(z, y, x)` vector: an integer (every axis) or a list of three. `min` is the
 * least allowed value; problems go to `issues`.
 */
function vec3(raw: unknown, path: string, min: number | undefined, issues: string[]): Vec3 | undefined {
  const want = min === 1 ? 'a positive integer' : min === 0 ? 'a non-negative integer' : 'an integer';
  const check = (v: unknown, at: string): v is number => {
    if (isInt(v) && (min === undefined || v >= min)) return true;
    issues.push(`${at}: must be ${want}, got ${describeYaml(v)}`);
    return false;
  };
  if (Array.isArray(raw)) {
    if (raw.length !== 3) {
      issues.push(`${path}: must be ${want} or a list of 3 (z, y, x), got ${raw.length} values`);
      return undefined;
    }
    const ok = raw.map((v, i) => check(v, `${path}[${i}]`));
    return ok.every(Boolean) ? (raw as Vec3) : undefined;
  }
  if (typeof raw === 'number' || raw instanceof PyFloat || typeof raw === 'boolean' || typeof raw === 'string' || raw === null) {
    return check(raw, path) ? [raw as number, raw as number, raw as number] : undefined;
  }
  issues.push(`${path}: must be ${want} or a list of 3 (z, y, x), got ${describeYaml(raw)}`);
  return undefined;
}

function bounds(raw: unknown, path: string, issues: string[]): Box3 | undefined {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    issues.push(`${path}: must be a mapping {start, stop}, got ${describeYaml(raw)}`);
    return undefined;
  }
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o)) if (k !== 'start' && k !== 'stop') issues.push(`${path}: unknown key '${k}' (known: start, stop)`);
  if (o.stop === undefined) {
    issues.push(`${path}: missing stop`);
    return undefined;
  }
  const start = o.start === undefined ? ([0, 0, 0] as Vec3) : vec3(o.start, `${path}.start`, undefined, issues);
  const stop = vec3(o.stop, `${path}.stop`, undefined, issues);
  if (!start || !stop) return undefined;
  let ok = true;
  AXES.forEach((axis, i) => {
    if (start[i]! >= stop[i]!) {
      issues.push(`${path}.${axis}: start (${start[i]}) must be less than stop (${stop[i]})`);
      ok = false;
    }
  });
  return ok ? { start, stop } : undefined;
}

/**
 * Checks a block section (from the `block:` key of a parameterization file, or from a
 * sweep request). Problems are appended to `issues`; the section is returned only
 * when it has none.
 */
export function parseBlockSection(raw: unknown, issues: string[], path = 'block'): BlockSection | undefined {
  const before = issues.length;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    issues.push(`${path}: must be a mapping (${KEYS.join(', ')}), got ${describeYaml(raw)}`);
    return undefined;
  }
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!KEYS.includes(k)) issues.push(`${path}: unknown key '${k}' (known: ${KEYS.join(', ')})`);
  const section: BlockSection = {};
  if (o.volume !== undefined) {
    if (typeof o.volume === 'string' && o.volume.length > 0) section.volume = o.volume;
    else issues.push(`${path}.volume: must be a volume URI, got ${describeYaml(o.volume)}`);
  }
  if (o.bounds !== undefined) section.bounds = bounds(o.bounds, `${path}.bounds`, issues);
  if (o.volume !== undefined && o.bounds !== undefined) issues.push(`${path}: give volume or bounds, not both`);
  if (o.size !== undefined) section.size = vec3(o.size, `${path}.size`, 1, issues);
  if (o.halo !== undefined) section.halo = vec3(o.halo, `${path}.halo`, 0, issues);
  if (o.inputs !== undefined) {
    if (o.inputs === null || typeof o.inputs !== 'object' || Array.isArray(o.inputs)) {
      issues.push(`${path}.inputs: must be a mapping of block geometry to workflow input, got ${describeYaml(o.inputs)}`);
    } else {
      const inputs: Partial<Record<BlockGeometryName, string>> = {};
      for (const [k, v] of Object.entries(o.inputs as Record<string, unknown>)) {
        if (!(BLOCK_GEOMETRY_NAMES as readonly string[]).includes(k)) {
          issues.push(`${path}.inputs.${k}: unknown block geometry (known: ${BLOCK_GEOMETRY_NAMES.join(', ')})`);
        } else if (typeof v !== 'string' || v.length === 0) {
          issues.push(`${path}.inputs.${k}: must be a workflow input name, got ${describeYaml(v)}`);
        } else inputs[k as BlockGeometryName] = v;
      }
      section.inputs = inputs;
    }
  }
  return issues.length === before ? section : undefined;
}
