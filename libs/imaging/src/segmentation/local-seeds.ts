import { linearOffsets, neighborhood } from '../core/neighborhood';
import { checkConnectivity, checkVolume } from '../core/shape';
import type { Connectivity, LabelArray, Labeling, NumericArray, Shape3 } from '../core/volume.types';
import { labelComponents, connectedComponents } from '../labeling/connected-components';

/** Options of the local seed finders. */
export interface LocalSeedsOptions {
  /** Neighbourhood of both the plateaus/components and the minimum test: 6, 18 or 26. Default 26. */
  readonly connectivity?: Connectivity;
  /** Only voxels where the mask is non-zero take part; neighbours outside it are ignored. */
  readonly mask?: LabelArray;
}

/**
 * Seeds at the regional minima of a landscape. A regional minimum is a plateau (a connected
 * set of voxels of exactly equal value, maximal under the connectivity) none of whose
 * neighbours outside it is lower. Each regional minimum becomes one seed, labelled `1..count`
 * in raster order of its first voxel. Border voxels have no neighbours outside the volume, so
 * a minimum may touch the border. NaN voxels are treated like voxels outside the mask.
 * O(N * neighbours).
 */
export function regionalMinimaSeeds(landscape: NumericArray, shape: Shape3, options: LocalSeedsOptions = {}): Labeling {
  const n = checkVolume('landscape', landscape, shape);
  const conn = checkConnectivity(options.connectivity ?? 26);
  const mask = options.mask;
  if (mask) checkVolume('mask', mask, shape);
  const maskZero = mask && typeof mask[0] === 'bigint' ? 0n : 0;
  // Plateaus: components of equal value. Voxels outside the mask become NaN, which equals
  // nothing (so forms singleton plateaus), is never lower than a neighbour, and is dropped.
  let values: NumericArray = landscape;
  if (mask) {
    const masked = new Float64Array(n);
    for (let i = 0; i < n; i++) masked[i] = mask[i] === maskZero ? NaN : landscape[i];
    values = masked;
  }
  const plateaus = labelComponents(values, shape, { connectivity: conn, background: null });
  const isMin = new Uint8Array(plateaus.count + 1).fill(1);
  const [Z, Y, X] = shape;
  const nb = neighborhood(conn);
  const off = linearOffsets(nb, Y, X);
  const { dz, dy, dx, size } = nb;
  let i = 0;
  for (let z = 0; z < Z; z++) {
    for (let y = 0; y < Y; y++) {
      for (let x = 0; x < X; x++, i++) {
        const v = values[i];
        if (v !== v) continue;
        const p = plateaus.labels[i];
        if (isMin[p] === 0) continue;
        for (let k = 0; k < size; k++) {
          const nz = z + dz[k];
          const ny = y + dy[k];
          const nx = x + dx[k];
          if (nz < 0 || nz >= Z || ny < 0 || ny >= Y || nx < 0 || nx >= X) continue;
          if (values[i + off[k]] < v) {
            isMin[p] = 0;
            break;
          }
        }
      }
    }
  }
  const out = new Uint32Array(n);
  const remap = new Uint32Array(plateaus.count + 1);
  let count = 0;
  for (let j = 0; j < n; j++) {
    if (values[j] !== values[j]) continue;
    const p = plateaus.labels[j];
    if (isMin[p] === 0) continue;
    let m = remap[p];
    if (m === 0) m = remap[p] = ++count;
    out[j] = m;
  }
  return { labels: out, count };
}

/**
 * Seeds where the landscape is strictly below `threshold`: the connected components of
 * `{ landscape < threshold }` (inside the mask), labelled `1..count` in raster order of their
 * first voxel. O(N * neighbours).
 */
export function thresholdSeeds(landscape: NumericArray, shape: Shape3, threshold: number, options: LocalSeedsOptions = {}): Labeling {
  const n = checkVolume('landscape', landscape, shape);
  const mask = options.mask;
  if (mask) checkVolume('mask', mask, shape);
  const maskZero = mask && typeof mask[0] === 'bigint' ? 0n : 0;
  const below = new Uint8Array(n);
  for (let i = 0; i < n; i++) below[i] = landscape[i] < threshold && !(mask && mask[i] === maskZero) ? 1 : 0;
  return connectedComponents(below, shape, { connectivity: options.connectivity ?? 26 });
}
