import type { Connectivity, LabelArray, Labeling, Shape3 } from '../core/volume.types';
import { UnionFind } from '../core/union-find';

/**
 * Backward neighbour rows of a run for each connectivity: `[dz, dy, reach]`, where `reach` is
 * how far in x a neighbour run may end before or start after this run and still touch it
 * (1: edge/corner neighbours along x count; 0: only overlapping x ranges).
 */
const ROWS: Record<Connectivity, readonly (readonly [number, number, number])[]> = {
  6: [
    [0, -1, 0],
    [-1, 0, 0],
  ],
  18: [
    [0, -1, 1],
    [-1, -1, 0],
    [-1, 0, 1],
    [-1, 1, 0],
  ],
  26: [
    [0, -1, 1],
    [-1, -1, 1],
    [-1, 0, 1],
    [-1, 1, 1],
  ],
};

/** The foreground x-runs of a volume and the component of each (see {@link componentRuns}). */
export interface ComponentRuns {
  /** Runs of row `r` (`r = z * Y + y`) are `rowFirst[r] .. rowFirst[r + 1] - 1`. */
  readonly rowFirst: Int32Array;
  /** Run `k` covers x in `[start[k], end[k])` of its row. */
  readonly start: Int32Array;
  readonly end: Int32Array;
  /** Number of runs. */
  readonly runs: number;
  /** Component of run `k`: `1..count`, numbered in raster order of each component's first run. */
  readonly component: Uint32Array;
  readonly count: number;
}

/**
 * The foreground runs of a volume, joined into connected components: each row is cut into
 * x-runs of foreground, and each run is joined (union-find) to the runs of the already-scanned
 * neighbour rows it touches. Reads each voxel once; scratch is 12 bytes per run plus 4 bytes per
 * row. Components can be measured and filtered run by run, without a label volume.
 */
export function componentRuns(mask: LabelArray, shape: Shape3, connectivity: Connectivity): ComponentRuns {
  const [Z, Y, X] = shape;
  const rows = Z * Y;
  const rowFirst = new Int32Array(rows + 1);
  if (rows * X === 0) return { rowFirst, start: new Int32Array(0), end: new Int32Array(0), runs: 0, component: new Uint32Array(0), count: 0 };
  const fg = foreground(mask);
  let cap = 1024;
  let start = new Int32Array(cap);
  let end = new Int32Array(cap);
  let runs = 0;
  for (let r = 0, base = 0; r < rows; r++, base += X) {
    rowFirst[r] = runs;
    let x = 0;
    while (x < X) {
      if (fg[base + x] === 0) {
        x++;
        continue;
      }
      const s = x;
      while (x < X && fg[base + x] !== 0) x++;
      if (runs === cap) {
        cap *= 2;
        const s2 = new Int32Array(cap);
        s2.set(start);
        start = s2;
        const e2 = new Int32Array(cap);
        e2.set(end);
        end = e2;
      }
      start[runs] = s;
      end[runs] = x;
      runs++;
    }
  }
  rowFirst[rows] = runs;

  const label = new Uint32Array(runs);
  const uf = new UnionFind(1024);
  const nbRows = Int32Array.from(ROWS[connectivity].flat());
  const nq = nbRows.length / 3;
  for (let z = 0; z < Z; z++) {
    for (let y = 0; y < Y; y++) {
      const r = z * Y + y;
      const first = rowFirst[r];
      const last = rowFirst[r + 1];
      if (first === last) continue;
      for (let q = 0; q < nq; q++) {
        const dz = nbRows[3 * q];
        const dy = nbRows[3 * q + 1];
        const reach = nbRows[3 * q + 2];
        const nz = z + dz;
        const ny = y + dy;
        if (nz < 0 || ny < 0 || ny >= Y) continue;
        const nr = nz * Y + ny;
        let j = rowFirst[nr];
        const jEnd = rowFirst[nr + 1];
        for (let k = first; k < last && j < jEnd; k++) {
          const s = start[k] - reach;
          const e = end[k] + reach;
          // Skip neighbour runs that end before this run (with reach) begins.
          while (j < jEnd && end[j] <= s) j++;
          let m = j;
          while (m < jEnd && start[m] < e) {
            const l = label[m];
            const cur = label[k];
            label[k] = cur === 0 ? l : cur === l ? cur : uf.union(cur, l);
            m++;
          }
        }
      }
      for (let k = first; k < last; k++) if (label[k] === 0) label[k] = uf.make();
    }
  }
  const root = uf.flatten();
  const remap = new Uint32Array(uf.size + 1);
  let count = 0;
  // Runs are in raster order, so components are numbered in order of their first run.
  for (let k = 0; k < runs; k++) {
    const rt = root[label[k]];
    let m = remap[rt];
    if (m === 0) m = remap[rt] = ++count;
    label[k] = m;
  }
  return { rowFirst, start, end, runs, component: label, count };
}

/**
 * Connected components of the non-zero voxels, run by run ({@link componentRuns}), the runs then
 * filled with their component's number. Components are numbered in raster order of their first
 * voxel (the first run in raster order). Touches each voxel twice (find the runs, fill them) and
 * each run a few times. Writes into `into` when given (zeroed first).
 */
export function runComponents(mask: LabelArray, shape: Shape3, connectivity: Connectivity, into?: Uint32Array): Labeling {
  const [Z, Y, X] = shape;
  const out = into ? into.fill(0) : new Uint32Array(Z * Y * X);
  const { rowFirst, start, end, component, count } = componentRuns(mask, shape, connectivity);
  for (let r = 0, base = 0; r < Z * Y; r++, base += X) {
    for (let k = rowFirst[r]; k < rowFirst[r + 1]; k++) {
      const m = component[k];
      for (let i = base + start[k], e = base + end[k]; i < e; i++) out[i] = m;
    }
  }
  return { labels: out, count };
}

/** The mask as a number array with 0 for background (64-bit masks are converted once). */
function foreground(mask: LabelArray): Exclude<LabelArray, BigInt64Array | BigUint64Array> {
  if (mask instanceof BigInt64Array || mask instanceof BigUint64Array) {
    const fg = new Uint8Array(mask.length);
    for (let i = 0; i < mask.length; i++) fg[i] = mask[i] !== 0n ? 1 : 0;
    return fg;
  }
  return mask;
}
