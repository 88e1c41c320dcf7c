import { labelComponents, neighborhood, rankOrder, type Connectivity, type NumericArray } from '@saber/imaging';
import { boxGrow, type Box3, type BlockGrid, type Vec3 } from '../grid/block-grid';

/**
 * The dependency sets of a seeded watershed with regional-minima seeds, as bounding boxes.
 *
 * For the flood `seededWatershed(f, regionalMinimaSeeds(f, c), c)` (same connectivity `c`
 * for seeds and flood) the label of a voxel `x` is decided by the landscape on its
 * dependency set `Δ(x)`: the smallest set holding `x` such that for every voxel `u` in it
 * that is not a seed voxel (not on a regional minimum), `u`'s plateau (its connected set of
 * equal values) is in it, and for every voxel of that plateau, its lowest strictly lower
 * neighbours are in it. Seed voxels end the chain. The box of `x` covers `Δ(x)` plus the
 * neighbours of its non-seed voxels. A block whose halo region holds that box for every
 * voxel of its core plus a one-voxel shell labels that core and shell exactly as the whole
 * volume does, up to renaming and to splitting a seed plateau into pieces (see the README
 * for the proof), which is what `overlap` stitching needs.
 */
export interface WatershedDependencies {
  readonly shape: Vec3;
  readonly connectivity: Connectivity;
  /** Plateau of each voxel, `1..plateauCount`. */
  readonly plateaus: Uint32Array;
  /** 1 for plateaus that are regional minima (seeds), per plateau. */
  readonly isSeed: Uint8Array;
  /** Per plateau: `z0, y0, x0, z1, y1, x1` (half-open) of its dependency box; unused for seeds. */
  readonly boxes: Int32Array;
}

/**
 * Computes the dependency boxes of every voxel of a whole volume: one pass over the voxels in
 * increasing value (the dependencies of a plateau are strictly lower, so they are final when
 * it is reached). O(N log N) for the sort, O(N · neighbours) otherwise; 4 bytes per voxel
 * plus 24 per plateau. A test and planning tool: it needs the whole landscape in memory.
 */
export function watershedDependencies(landscape: NumericArray, shape: Vec3, options: { connectivity?: Connectivity } = {}): WatershedDependencies {
  const conn = options.connectivity ?? 6;
  const [Z, Y, X] = shape;
  const { labels: plateaus, count } = labelComponents(landscape, shape, { connectivity: conn, background: null });
  const nb = neighborhood(conn);
  const { dz, dy, dx, size } = nb;
  const off = new Int32Array(size);
  for (let k = 0; k < size; k++) off[k] = (dz[k]! * Y + dy[k]!) * X + dx[k]!;
  const isSeed = new Uint8Array(count + 1).fill(1);
  const lowest = (i: number, z: number, y: number, x: number): number => {
    let m = Infinity;
    for (let k = 0; k < size; k++) {
      const nz = z + dz[k]!;
      const ny = y + dy[k]!;
      const nx = x + dx[k]!;
      if (nz < 0 || nz >= Z || ny < 0 || ny >= Y || nx < 0 || nx >= X) continue;
      const v = landscape[i + off[k]!]!;
      if (v < m) m = v;
    }
    return m;
  };
  for (let i = 0, z = 0; z < Z; z++) {
    for (let y = 0; y < Y; y++) {
      for (let x = 0; x < X; x++, i++) {
        const p = plateaus[i]!;
        if (isSeed[p] && lowest(i, z, y, x) < landscape[i]!) isSeed[p] = 0;
      }
    }
  }
  const boxes = new Int32Array(6 * (count + 1));
  for (let p = 1; p <= count; p++) {
    boxes.fill(2147483647, 6 * p, 6 * p + 3);
    boxes.fill(-2147483648, 6 * p + 3, 6 * p + 6);
  }
  const order = rankOrder(landscape);
  const grow = (p: number, z0: number, y0: number, x0: number, z1: number, y1: number, x1: number) => {
    const b = 6 * p;
    if (z0 < boxes[b]!) boxes[b] = z0;
    if (y0 < boxes[b + 1]!) boxes[b + 1] = y0;
    if (x0 < boxes[b + 2]!) boxes[b + 2] = x0;
    if (z1 > boxes[b + 3]!) boxes[b + 3] = z1;
    if (y1 > boxes[b + 4]!) boxes[b + 4] = y1;
    if (x1 > boxes[b + 5]!) boxes[b + 5] = x1;
  };
  for (let r = 0; r < order.length; r++) {
    const i = order[r]!;
    const p = plateaus[i]!;
    if (isSeed[p]) continue;
    const x = i % X;
    const t = (i - x) / X;
    const y = t % Y;
    const z = (t - y) / Y;
    // The voxel and its neighbours.
    grow(p, Math.max(0, z - 1), Math.max(0, y - 1), Math.max(0, x - 1), Math.min(Z, z + 2), Math.min(Y, y + 2), Math.min(X, x + 2));
    const m = lowest(i, z, y, x);
    if (!(m < landscape[i]!)) continue;
    for (let k = 0; k < size; k++) {
      const nz = z + dz[k]!;
      const ny = y + dy[k]!;
      const nx = x + dx[k]!;
      if (nz < 0 || nz >= Z || ny < 0 || ny >= Y || nx < 0 || nx >= X) continue;
      const j = i + off[k]!;
      if (landscape[j] !== m) continue;
      const q = plateaus[j]!;
      if (isSeed[q]) grow(p, nz, ny, nx, nz + 1, ny + 1, nx + 1);
      else {
        const b = 6 * q;
        grow(p, boxes[b]!, boxes[b + 1]!, boxes[b + 2]!, boxes[b + 3]!, boxes[b + 4]!, boxes[b + 5]!);
      }
    }
  }
  return { shape, connectivity: conn, plateaus, isSeed, boxes };
}

/** The dependency box of voxel `(z, y, x)` (a seed voxel's is the voxel itself). */
export function dependencyBox(deps: WatershedDependencies, z: number, y: number, x: number): Box3 {
  const [, Y, X] = deps.shape;
  const p = deps.plateaus[(z * Y + y) * X + x]!;
  if (deps.isSeed[p]) return { start: [z, y, x], stop: [z + 1, y + 1, x + 1] };
  const b = 6 * p;
  const v = deps.boxes;
  return { start: [v[b]!, v[b + 1]!, v[b + 2]!], stop: [v[b + 3]!, v[b + 4]!, v[b + 5]!] };
}

/** What {@link certifyWatershedHalo} found. */
export interface WatershedHaloCertificate {
  /** True when the grid's halo covers every dependency box: the stitched watershed is then exact. */
  readonly ok: boolean;
  /** The smallest halo per axis that would certify this block size (at least 1 where blocks have neighbours). */
  readonly requiredHalo: Vec3;
  /** Blocks whose halo is too small. */
  readonly blocksShort: number;
}

/**
 * Checks the watershed stitching condition for a grid: for every block and every voxel of
 * its core grown by one voxel (inside the bounds), the voxel's dependency box lies inside the
 * block's halo region. Also gives the smallest halo that would pass for the same cores.
 */
export function certifyWatershedHalo(deps: WatershedDependencies, grid: BlockGrid): WatershedHaloCertificate {
  const [, Y, X] = deps.shape;
  const v = deps.boxes;
  const need = [0, 0, 0];
  let blocksShort = 0;
  for (let b = 0; b < grid.total; b++) {
    const block = grid.block(b);
    const c = block.core;
    const e = boxGrow(c, 1, grid.bounds);
    const h = block.halo;
    let short = false;
    const local = [0, 0, 0];
    for (let z = e.start[0]; z < e.stop[0]; z++) {
      for (let y = e.start[1]; y < e.stop[1]; y++) {
        for (let x = e.start[2], i = (z * Y + y) * X + e.start[2]; x < e.stop[2]; x++, i++) {
          const p = deps.plateaus[i]!;
          let z0 = z, y0 = y, x0 = x, z1 = z + 1, y1 = y + 1, x1 = x + 1;
          if (!deps.isSeed[p]) {
            const o = 6 * p;
            z0 = v[o]!; y0 = v[o + 1]!; x0 = v[o + 2]!; z1 = v[o + 3]!; y1 = v[o + 4]!; x1 = v[o + 5]!;
          }
          if (c.start[0] - z0 > local[0]!) local[0] = c.start[0] - z0;
          if (z1 - c.stop[0] > local[0]!) local[0] = z1 - c.stop[0];
          if (c.start[1] - y0 > local[1]!) local[1] = c.start[1] - y0;
          if (y1 - c.stop[1] > local[1]!) local[1] = y1 - c.stop[1];
          if (c.start[2] - x0 > local[2]!) local[2] = c.start[2] - x0;
          if (x1 - c.stop[2] > local[2]!) local[2] = x1 - c.stop[2];
          if (!short && (z0 < h.start[0] || y0 < h.start[1] || x0 < h.start[2] || z1 > h.stop[0] || y1 > h.stop[1] || x1 > h.stop[2])) short = true;
        }
      }
    }
    for (let a = 0; a < 3; a++) if (local[a]! > need[a]!) need[a] = local[a]!;
    if (short) blocksShort++;
  }
  return { ok: blocksShort === 0, requiredHalo: [need[0]!, need[1]!, need[2]!], blocksShort };
}
