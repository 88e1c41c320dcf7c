import type { Connectivity } from './volume.types';

/**
 * A neighbourhood as parallel offset arrays: neighbour `k` of `(z, y, x)` is
 * `(z + dz[k], y + dy[k], x + dx[k])`, at linear offset `(dz * Y + dy) * X + dx`.
 */
export interface Neighborhood {
  readonly dz: Int32Array;
  readonly dy: Int32Array;
  readonly dx: Int32Array;
  readonly size: number;
}

/**
 * The neighbours of a voxel for a connectivity, in raster order of the offsets.
 * `half: 'backward'` keeps only neighbours that come earlier in raster order (what a
 * forward raster scan has already visited): 3, 9 or 13 of the 6, 18 or 26.
 */
export function neighborhood(connectivity: Connectivity, half: 'all' | 'backward' = 'all'): Neighborhood {
  const dz: number[] = [];
  const dy: number[] = [];
  const dx: number[] = [];
  for (let z = -1; z <= 1; z++) {
    for (let y = -1; y <= 1; y++) {
      for (let x = -1; x <= 1; x++) {
        const order = Math.abs(z) + Math.abs(y) + Math.abs(x);
        if (order === 0 || (connectivity === 6 && order > 1) || (connectivity === 18 && order > 2)) continue;
        const backward = z < 0 || (z === 0 && (y < 0 || (y === 0 && x < 0)));
        if (half === 'backward' && !backward) continue;
        dz.push(z);
        dy.push(y);
        dx.push(x);
      }
    }
  }
  return { dz: Int32Array.from(dz), dy: Int32Array.from(dy), dx: Int32Array.from(dx), size: dz.length };
}

/** Linear offsets of a neighbourhood in a volume of row length `X` and plane size `Y * X`. */
export function linearOffsets(nb: Neighborhood, Y: number, X: number): Int32Array {
  const off = new Int32Array(nb.size);
  for (let k = 0; k < nb.size; k++) off[k] = (nb.dz[k] * Y + nb.dy[k]) * X + nb.dx[k];
  return off;
}
