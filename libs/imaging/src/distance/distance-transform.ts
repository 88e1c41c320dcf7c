import { allocFloat, checkVolume, perAxis } from '../core/shape';
import type { FloatArray, FloatDtype, LabelArray, PerAxis, Shape3 } from '../core/volume.types';
import { squaredEdtInPlace } from './squared-edt';

/** Options of {@link distanceTransform}. */
export interface DistanceTransformOptions {
  /** Voxel size `(z, y, x)` (or one value), > 0; distances come out in its unit. Default 1. */
  readonly sampling?: PerAxis;
  /** Return squared distances (no square root). Default false. */
  readonly squared?: boolean;
  /** Output type. Default `'float32'`. */
  readonly dtype?: FloatDtype;
}

/**
 * Exact Euclidean distance transform, `scipy.ndimage.distance_transform_edt` semantics: each
 * non-zero voxel gets the distance to the nearest zero voxel, zero voxels get 0. Anisotropic
 * voxels through `sampling`. Voxels outside the volume are not background; a volume with no
 * zero voxel is all `Infinity` (scipy returns arbitrary finite values there).
 * Felzenszwalb–Huttenlocher separable passes: O(N), one Float64 working copy.
 */
export function distanceTransform(mask: LabelArray, shape: Shape3, options: DistanceTransformOptions = {}): FloatArray {
  const n = checkVolume('mask', mask, shape);
  const sampling = perAxis('sampling', options.sampling ?? 1, Number.MIN_VALUE);
  const dtype = options.dtype ?? 'float32';
  const out = allocFloat(dtype, n);
  const f = dtype === 'float64' ? (out as Float64Array) : new Float64Array(n);
  const zero = typeof mask[0] === 'bigint' ? 0n : 0;
  for (let i = 0; i < n; i++) f[i] = mask[i] === zero ? 0 : Infinity;
  squaredEdtInPlace(f, shape, sampling);
  if (options.squared) {
    if (f !== out) out.set(f);
  } else {
    for (let i = 0; i < n; i++) out[i] = Math.sqrt(f[i]);
  }
  return out;
}
