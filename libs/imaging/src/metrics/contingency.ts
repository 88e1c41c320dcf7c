import { ImagingShapeError } from '../errors/imaging-errors';
import type { LabelArray } from '../core/volume.types';
import { compactLabels } from './compact-labels';

/** Largest dense table (cells) before the table switches to a `Map`. */
const DENSE_LIMIT = 1 << 22;

/** Options of {@link contingencyTable}: labels whose voxels are left out of the table. */
export interface ContingencyOptions {
  /** Segmentation labels to ignore. Default none. */
  readonly ignoreSegmentation?: readonly (number | bigint)[];
  /** Ground-truth labels to ignore. Default `[0]` (gala, CREMI). */
  readonly ignoreGroundTruth?: readonly (number | bigint)[];
  /**
   * Pair-count storage: `'dense'` table, `'map'`, or `'auto'` (dense up to 2^22 cells).
   * Default `'auto'`; the others exist for measurements.
   */
  readonly strategy?: 'auto' | 'dense' | 'map';
}

/**
 * Overlap counts of a segmentation `S` and a ground truth `G` over the voxels where neither
 * label is ignored. Cells are listed in increasing `(seg, gt)` compact-id order, so sums over
 * them are reproducible.
 */
export interface ContingencyTable {
  /** Number of counted voxels. */
  readonly total: number;
  /** Original segmentation label of each row, `segValues[s]` for compact id `s + 1`. */
  readonly segValues: (number | bigint)[];
  /** Original ground-truth label of each column. */
  readonly gtValues: (number | bigint)[];
  /** Voxels per segmentation label (index `s`), over counted voxels. */
  readonly segTotals: Float64Array;
  /** Voxels per ground-truth label (index `g`), over counted voxels. */
  readonly gtTotals: Float64Array;
  /** Non-zero cells: row, column and count of cell `c`. */
  readonly cellSeg: Uint32Array;
  readonly cellGt: Uint32Array;
  readonly cellCount: Float64Array;
}

/**
 * Builds the contingency table of two label volumes of equal length. Labels are first made
 * dense ({@link compactLabels}); the pair counts go to a dense `Uint32Array` table when
 * `labels(S) * labels(G) <= 2^22`, else to a `Map` keyed by `s * labels(G) + g` (exact below
 * 2^53). O(N) plus O(cells log cells) for the sparse case.
 */
export function contingencyTable(seg: LabelArray, gt: LabelArray, options: ContingencyOptions = {}): ContingencyTable {
  if (seg.length !== gt.length) throw new ImagingShapeError(`segmentation has ${seg.length} voxels, ground truth ${gt.length}`);
  const s = compactLabels(seg, options.ignoreSegmentation ?? []);
  const g = compactLabels(gt, options.ignoreGroundTruth ?? [0]);
  const ns = s.count;
  const ng = g.count;
  const sIds = s.ids;
  const gIds = g.ids;
  const n = seg.length;
  const segTotals = new Float64Array(ns);
  const gtTotals = new Float64Array(ng);
  let total = 0;
  let keys: Float64Array;
  let counts: Float64Array;
  const strategy = options.strategy ?? 'auto';
  if (strategy === 'dense' || (strategy === 'auto' && ns * ng <= DENSE_LIMIT)) {
    const table = new Uint32Array(ns * ng);
    for (let i = 0; i < n; i++) {
      const a = sIds[i];
      const b = gIds[i];
      if (a === 0 || b === 0) continue;
      table[(a - 1) * ng + (b - 1)]++;
    }
    let cells = 0;
    for (let c = 0; c < table.length; c++) if (table[c] !== 0) cells++;
    keys = new Float64Array(cells);
    counts = new Float64Array(cells);
    for (let c = 0, k = 0; c < table.length; c++) {
      if (table[c] === 0) continue;
      keys[k] = c;
      counts[k++] = table[c];
    }
  } else {
    const map = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const a = sIds[i];
      const b = gIds[i];
      if (a === 0 || b === 0) continue;
      const key = (a - 1) * ng + (b - 1);
      map.set(key, (map.get(key) ?? 0) + 1);
    }
    keys = Float64Array.from(map.keys()).sort();
    counts = new Float64Array(keys.length);
    for (let k = 0; k < keys.length; k++) counts[k] = map.get(keys[k]) as number;
  }
  const cellSeg = new Uint32Array(keys.length);
  const cellGt = new Uint32Array(keys.length);
  for (let k = 0; k < keys.length; k++) {
    const b = keys[k] % ng;
    const a = (keys[k] - b) / ng;
    cellSeg[k] = a;
    cellGt[k] = b;
    segTotals[a] += counts[k];
    gtTotals[b] += counts[k];
    total += counts[k];
  }
  return { total, segValues: s.values, gtValues: g.values, segTotals, gtTotals, cellSeg, cellGt, cellCount: counts };
}
