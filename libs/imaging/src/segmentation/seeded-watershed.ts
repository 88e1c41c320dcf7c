import { linearOffsets, neighborhood } from '../core/neighborhood';
import { rankOrder } from '../core/rank-order';
import { RankQueue } from '../core/rank-queue';
import { checkConnectivity, checkVolume } from '../core/shape';
import type { Connectivity, LabelArray, NumericArray, Shape3 } from '../core/volume.types';
import { ImagingValueError } from '../errors/imaging-errors';

/** Options of {@link seededWatershed}. */
export interface SeededWatershedOptions {
  /** Flooding neighbourhood: 6, 18 or 26. Default 6. */
  readonly connectivity?: Connectivity;
  /** Voxels where the mask is 0 are never flooded and stay 0 (seeds there are dropped). */
  readonly mask?: LabelArray;
}

/**
 * Seeded watershed by priority flood. Every non-zero seed voxel (inside the mask) keeps its
 * label and is queued. The queue pops the voxel of smallest `(landscape value, raster index)`;
 * each of its unlabelled in-mask neighbours takes its label at once and is queued with its own
 * landscape value (the `skimage.segmentation.watershed` rule, with ties broken by raster index
 * instead of insertion age). Result: every in-mask voxel connected to a seed carries a seed
 * label, other voxels 0; no watershed lines. The queue: voxels are ranked once by
 * `(value, index)` with a radix sort ({@link rankOrder}), then queued by rank in a hierarchical
 * bitset ({@link RankQueue}); O(N) sort plus O(N log32 N) queue work, 8 bytes per voxel of ranks.
 *
 * @param landscape elevation, any numeric dtype; NaN is refused.
 * @param seeds non-negative integer labels (0 = not a seed), any numeric dtype.
 */
export function seededWatershed(
  landscape: NumericArray,
  shape: Shape3,
  seeds: NumericArray,
  options: SeededWatershedOptions = {},
): Uint32Array {
  const n = checkVolume('landscape', landscape, shape);
  checkVolume('seeds', seeds, shape);
  const mask = options.mask;
  if (mask) checkVolume('mask', mask, shape);
  const conn = checkConnectivity(options.connectivity ?? 6);
  const [, Y, X] = shape;
  const Z = shape[0];
  const out = new Uint32Array(n);
  const maskZero = mask && typeof mask[0] === 'bigint' ? 0n : 0;
  for (let i = 0; i < n; i++) {
    if (landscape[i] !== landscape[i]) throw new ImagingValueError(`landscape is NaN at voxel ${i}`);
  }
  const order = rankOrder(landscape);
  const rank = new Uint32Array(n);
  for (let k = 0; k < n; k++) rank[order[k]] = k;
  const queue = new RankQueue(n);
  for (let i = 0; i < n; i++) {
    const s = seeds[i];
    if (s === 0) continue;
    if (!(s > 0 && s <= 0xffffffff && Number.isInteger(s))) {
      throw new ImagingValueError(`seed labels must be integers in 1..4294967295, got ${s} at voxel ${i}`);
    }
    if (mask && mask[i] === maskZero) continue;
    out[i] = s;
    queue.push(rank[i]);
  }
  const nb = neighborhood(conn);
  const off = linearOffsets(nb, Y, X);
  const { dz, dy, dx, size } = nb;
  while (queue.length > 0) {
    const i = order[queue.pop()];
    const l = out[i];
    const x = i % X;
    const t = (i - x) / X;
    const y = t % Y;
    const z = (t - y) / Y;
    const inner = z > 0 && z < Z - 1 && y > 0 && y < Y - 1 && x > 0 && x < X - 1;
    for (let k = 0; k < size; k++) {
      if (!inner) {
        const nz = z + dz[k];
        const ny = y + dy[k];
        const nx = x + dx[k];
        if (nz < 0 || nz >= Z || ny < 0 || ny >= Y || nx < 0 || nx >= X) continue;
      }
      const j = i + off[k];
      if (out[j] !== 0 || (mask && mask[j] === maskZero)) continue;
      out[j] = l;
      queue.push(rank[j]);
    }
  }
  return out;
}
