import { checkVolume } from '../core/shape';
import type { NumericArray, Shape3 } from '../core/volume.types';
import { ImagingOptionError } from '../errors/imaging-errors';
import { ball } from '../morphology/ball';
import { nativeKernels } from '../native/native-kernels';
import { ballRuns, ballSumInto, type BallRuns } from './ball-sum';

/** Options of {@link detectCells}; the defaults are the original xbrain/SABER ones. */
export interface DetectCellsOptions {
  /** Probabilities at or below this count as 0 (`--threshold`). Default 0.2. */
  readonly threshold?: number;
  /** Stop when the best template score falls below this (`--stop`). Default 0.47. */
  readonly stop?: number;
  /** Cell (template) diameter in voxels (`--initial-template-size`); ball radius `(t - 1) / 2`. Default 18. */
  readonly templateSize?: number;
  /** Added to the diameter of the region cleared around each detection (`--dilation`). Default 8. */
  readonly dilation?: number;
  /** Most cells to detect (`--max-cells`). Default 500. */
  readonly maxCells?: number;
  /** Paint the cells into {@link CellDetection.labels} (a volume-sized array). Default true. */
  readonly labels?: boolean;
  /**
   * Threshold and clear `probability` itself instead of a copy of it (it must be a Float32Array
   * or Float64Array): saves a volume of memory where the caller no longer needs the map. Default false.
   */
  readonly overwrite?: boolean;
}

/** One detected cell: the template centre (voxel) and its score. */
export interface DetectedCell {
  readonly z: number;
  readonly y: number;
  readonly x: number;
  /** Mean thresholded probability inside the template ball at the centre (xbrain's `ptest`). */
  readonly score: number;
}

/** Result of {@link detectCells}. */
export interface CellDetection {
  /** Cells in detection order (decreasing score, except where clearing lowered a later one). */
  readonly cells: DetectedCell[];
  /** Cell `k + 1` painted as its template ball (an earlier cell keeps an overlapped voxel); empty with `labels: false`. */
  readonly labels: Uint32Array;
}

/** Edge of the blocks whose maxima are kept for the argmax. */
const BLOCK = 8;

/**
 * Greedy spherical template matching (Dyer et al. 2017; xbrain `detect_cells`): threshold the
 * cell probability map, then repeatedly take the voxel where a ball of diameter `templateSize`
 * holds the highest mean probability (the correlation with the L2-normalised template divided
 * by its sum, xbrain's `ptest`), record it as a cell unless that mean is below `stop`, and
 * clear (set to 0) the ball of diameter `templateSize + dilation` around it; at most `maxCells`
 * times. Ties go to the lowest raster index (numpy `argmax`). Differences from xbrain: balls are
 * centred (xbrain's template box is off by one voxel) and the cleared ball is not clipped to
 * the template's box. The ball sums are computed once ({@link ballSum}) and then updated only
 * where a clearing changes them; block maxima keep the argmax cheap. Cost: one ball sum plus,
 * per cell, O(cleared non-zero voxels * ball rows).
 */
export function detectCells(probability: NumericArray, shape: Shape3, options: DetectCellsOptions = {}): CellDetection {
  const n = checkVolume('probability', probability, shape);
  const o = compile(options);
  if (o.overwrite && !(probability instanceof Float32Array || probability instanceof Float64Array)) {
    throw new ImagingOptionError(`overwrite needs a Float32Array or Float64Array probability map, got a ${probability.constructor.name}`);
  }
  const [Z, Y, X] = shape;
  const labels = new Uint32Array(o.labels ? n : 0);
  const cells: DetectedCell[] = [];
  if (n === 0 || o.maxCells === 0) return { cells, labels };
  // The thresholded map, cleared as cells are found: Float32 holds every value of a Float32 or
  // narrower integer map exactly (half the memory of Float64, the same sums).
  const work = o.overwrite ? (probability as Float32Array | Float64Array) : exactInFloat32(probability) ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const p = probability[i];
    work[i] = p > o.threshold ? p : 0;
  }
  const template = ballRuns((o.templateSize - 1) / 2);
  const paint = ball((o.templateSize - 1) / 2);
  const clear = ball((o.templateSize + o.dilation - 1) / 2);
  const nT = template.size;
  const corr = new Float64Array(n);
  ballSumInto(work, shape, template, corr);
  const blocks = new BlockMaxima(corr, shape);
  const reach = [0, 1, 2].map((a) => extentOf(clear, a) + template.extent[a]);
  const diff = new Float64Array((2 * reach[0] + 1) * (2 * reach[1] + 1) * (2 * reach[2] + 2));
  while (cells.length < o.maxCells) {
    const best = blocks.argmax();
    const score = corr[best] / nT;
    if (!(score >= o.stop)) break;
    const x = best % X;
    const y = Math.floor(best / X) % Y;
    const z = Math.floor(best / (X * Y));
    cells.push({ z, y, x, score });
    const id = cells.length;
    for (let k = 0; o.labels && k < paint.size; k++) {
      const pz = z + paint.dz[k];
      const py = y + paint.dy[k];
      const px = x + paint.dx[k];
      if (pz < 0 || pz >= Z || py < 0 || py >= Y || px < 0 || px >= X) continue;
      const j = (pz * Y + py) * X + px;
      if (labels[j] === 0) labels[j] = id;
    }
    const box = {
      z0: Math.max(0, z - reach[0]),
      z1: Math.min(Z, z + reach[0] + 1),
      y0: Math.max(0, y - reach[1]),
      y1: Math.min(Y, y + reach[1] + 1),
      x0: Math.max(0, x - reach[2]),
      x1: Math.min(X, x + reach[2] + 1),
    };
    clearAndUpdate(work, corr, shape, [z, y, x], clear, template, box, diff);
    blocks.rescan(box);
  }
  return { cells, labels };
}

/** Whether every value of `a`'s type is a float32 (Float32Array and integer arrays of up to 16 bits). */
function exactInFloat32(a: NumericArray): boolean {
  return a instanceof Float32Array || a instanceof Uint8Array || a instanceof Int8Array || a instanceof Uint8ClampedArray || a instanceof Uint16Array || a instanceof Int16Array;
}

interface Box {
  z0: number;
  z1: number;
  y0: number;
  y1: number;
  x0: number;
  x1: number;
}

function extentOf(b: { dz: Int32Array; dy: Int32Array; dx: Int32Array; size: number }, axis: number): number {
  const d = axis === 0 ? b.dz : axis === 1 ? b.dy : b.dx;
  let m = 0;
  for (let k = 0; k < b.size; k++) m = Math.max(m, Math.abs(d[k]));
  return m;
}

/**
 * Zeroes `work` over the clearing ball around `c` and subtracts each removed value from the
 * ball sums it contributed to: per template run, a difference pair along x in `diff` (box-local
 * rows of length `x1 - x0 + 1`), then one prefix sum per row added into `corr`.
 */
function clearAndUpdate(
  work: Float32Array | Float64Array,
  corr: Float64Array,
  shape: Shape3,
  c: readonly number[],
  clear: { dz: Int32Array; dy: Int32Array; dx: Int32Array; size: number },
  t: BallRuns,
  box: Box,
  diff: Float64Array,
): void {
  const [Z, Y, X] = shape;
  const native = nativeKernels();
  if (native) {
    const b = Int32Array.of(box.z0, box.z1, box.y0, box.y1, box.x0, box.x1);
    native.clearAndUpdate(work, corr, Z, Y, X, c[0], c[1], c[2], clear.dz, clear.dy, clear.dx, t.dz, t.dy, t.halfWidth, b, diff);
    return;
  }
  const W = box.x1 - box.x0 + 1;
  const BY = box.y1 - box.y0;
  let touched = false;
  for (let k = 0; k < clear.size; k++) {
    const jz = c[0] + clear.dz[k];
    const jy = c[1] + clear.dy[k];
    const jx = c[2] + clear.dx[k];
    if (jz < 0 || jz >= Z || jy < 0 || jy >= Y || jx < 0 || jx >= X) continue;
    const j = (jz * Y + jy) * X + jx;
    const v = work[j];
    if (v === 0) continue;
    work[j] = 0;
    touched = true;
    for (let r = 0; r < t.count; r++) {
      const tz = jz + t.dz[r];
      const ty = jy + t.dy[r];
      if (tz < 0 || tz >= Z || ty < 0 || ty >= Y) continue;
      const w = t.halfWidth[r];
      const xa = Math.max(0, jx - w);
      const xb = Math.min(X - 1, jx + w);
      const row = ((tz - box.z0) * BY + (ty - box.y0)) * W;
      diff[row + xa - box.x0] -= v;
      diff[row + xb + 1 - box.x0] += v;
    }
  }
  if (!touched) return;
  for (let z = box.z0; z < box.z1; z++) {
    for (let y = box.y0; y < box.y1; y++) {
      const row = ((z - box.z0) * BY + (y - box.y0)) * W;
      const base = (z * Y + y) * X + box.x0;
      let s = 0;
      for (let x = 0; x < W - 1; x++) {
        s += diff[row + x];
        diff[row + x] = 0;
        corr[base + x] += s;
      }
      diff[row + W - 1] = 0;
    }
  }
}

/** Maxima (value, lowest index) of `BLOCK`³ blocks of a volume, for a fast global argmax. */
class BlockMaxima {
  private readonly nb: [number, number, number];
  private readonly max: Float64Array;
  private readonly arg: Int32Array;

  constructor(
    private readonly v: Float64Array,
    private readonly shape: Shape3,
  ) {
    this.nb = [0, 1, 2].map((a) => Math.ceil(shape[a] / BLOCK)) as [number, number, number];
    const count = this.nb[0] * this.nb[1] * this.nb[2];
    this.max = new Float64Array(count);
    this.arg = new Int32Array(count);
    for (let b = 0; b < count; b++) this.scan(b);
  }

  /** Index of the largest value; the lowest index among equal values. */
  argmax(): number {
    let best = -1;
    let bv = -Infinity;
    for (let b = 0; b < this.max.length; b++) {
      const m = this.max[b];
      if (m > bv || (m === bv && this.arg[b] < best)) {
        bv = m;
        best = this.arg[b];
      }
    }
    return best;
  }

  /** Recomputes the blocks that intersect `box`. */
  rescan(box: Box): void {
    const [, nby, nbx] = this.nb;
    for (let bz = Math.floor(box.z0 / BLOCK); bz <= Math.floor((box.z1 - 1) / BLOCK); bz++) {
      for (let by = Math.floor(box.y0 / BLOCK); by <= Math.floor((box.y1 - 1) / BLOCK); by++) {
        for (let bx = Math.floor(box.x0 / BLOCK); bx <= Math.floor((box.x1 - 1) / BLOCK); bx++) this.scan((bz * nby + by) * nbx + bx);
      }
    }
  }

  private scan(b: number): void {
    const [Z, Y, X] = this.shape;
    const [, nby, nbx] = this.nb;
    const bx = b % nbx;
    const by = Math.floor(b / nbx) % nby;
    const bz = Math.floor(b / (nbx * nby));
    let m = -Infinity;
    let arg = -1;
    const v = this.v;
    for (let z = bz * BLOCK; z < Math.min(Z, (bz + 1) * BLOCK); z++) {
      for (let y = by * BLOCK; y < Math.min(Y, (by + 1) * BLOCK); y++) {
        const row = (z * Y + y) * X;
        for (let x = bx * BLOCK; x < Math.min(X, (bx + 1) * BLOCK); x++) {
          if (v[row + x] > m) {
            m = v[row + x];
            arg = row + x;
          }
        }
      }
    }
    this.max[b] = m;
    this.arg[b] = arg;
  }
}

function compile(o: DetectCellsOptions): Required<DetectCellsOptions> {
  const threshold = o.threshold ?? 0.2;
  const stop = o.stop ?? 0.47;
  const templateSize = o.templateSize ?? 18;
  const dilation = o.dilation ?? 8;
  const maxCells = o.maxCells ?? 500;
  if (!Number.isFinite(threshold)) throw new ImagingOptionError(`threshold must be finite, got ${threshold}`);
  if (!Number.isFinite(stop)) throw new ImagingOptionError(`stop must be finite, got ${stop}`);
  if (!(templateSize >= 1) || !Number.isFinite(templateSize)) throw new ImagingOptionError(`templateSize must be >= 1, got ${templateSize}`);
  if (!(dilation >= 0) || !Number.isFinite(dilation)) throw new ImagingOptionError(`dilation must be >= 0, got ${dilation}`);
  if (!Number.isInteger(maxCells) || maxCells < 0) throw new ImagingOptionError(`maxCells must be an integer >= 0, got ${maxCells}`);
  return { threshold, stop, templateSize, dilation, maxCells, labels: o.labels ?? true, overwrite: o.overwrite ?? false };
}
