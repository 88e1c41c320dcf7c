import { checkVolume } from '../core/shape';
import type { Shape3 } from '../core/volume.types';
import { ImagingValueError } from '../errors/imaging-errors';

/** Per-label voxel counts and centroids of a labelling. */
export interface LabelCentroids {
  /** `count + 1` voxel counts; entry 0 is the background. */
  readonly sizes: Float64Array;
  /** `(count + 1) * 3` mean coordinates `(z, y, x)` in voxel units; row 0 is the background's, NaN for empty labels. */
  readonly centroids: Float64Array;
}

/**
 * Voxel counts and centroids (mean voxel coordinate, as `skimage.measure.regionprops`) of
 * labels `0..count`. One raster pass, O(N). A label above `count` is an error.
 */
export function labelCentroids(labels: Uint32Array, shape: Shape3, count: number): LabelCentroids {
  checkVolume('labels', labels, shape);
  const [Z, Y, X] = shape;
  const sizes = new Float64Array(count + 1);
  const sums = new Float64Array((count + 1) * 3);
  let i = 0;
  for (let z = 0; z < Z; z++) {
    for (let y = 0; y < Y; y++) {
      for (let x = 0; x < X; x++, i++) {
        const l = labels[i];
        if (l > count) throw new ImagingValueError(`label ${l} at voxel ${i} exceeds count ${count}`);
        sizes[l]++;
        sums[3 * l] += z;
        sums[3 * l + 1] += y;
        sums[3 * l + 2] += x;
      }
    }
  }
  for (let l = 0; l <= count; l++) {
    for (let a = 0; a < 3; a++) sums[3 * l + a] = sizes[l] > 0 ? sums[3 * l + a] / sizes[l] : NaN;
  }
  return { sizes, centroids: sums };
}
