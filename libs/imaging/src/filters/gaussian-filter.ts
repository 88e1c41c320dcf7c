import { allocFloat, checkVolume, perAxis } from '../core/shape';
import type { FloatArray, FloatDtype, NumericArray, PerAxis, Shape3 } from '../core/volume.types';
import { ImagingOptionError } from '../errors/imaging-errors';
import { convolveAxis } from './convolve-axis';
import { DEFAULT_TRUNCATE, gaussianKernel1d } from './gaussian-kernel';

/** Options of {@link gaussianFilter}. */
export interface GaussianFilterOptions {
  /** Derivative order per axis `(z, y, x)`: 0 (smooth), 1 or 2. Default 0. */
  readonly order?: PerAxis;
  /** Kernel half-width in standard deviations. Default 4 (scipy). */
  readonly truncate?: number;
  /** Output type. Default `'float32'`. */
  readonly dtype?: FloatDtype;
  /** Array to write the result into (one per voxel, overwritten, returned); its type is the output type. */
  readonly out?: FloatArray;
}

/**
 * Separable Gaussian filter, `scipy.ndimage.gaussian_filter` semantics: per-axis sigma in
 * voxels (anisotropic data: `sigma_a = sigma_physical / voxelSize_a`), per-axis derivative
 * order (derivatives are per voxel, not per physical unit), border `mode='reflect'`, kernels
 * truncated at `floor(truncate * sigma + 0.5)` voxels. Axes with sigma 0 and order 0 are left
 * alone; sigma 0 with a derivative is refused (scipy silently ignores the derivative).
 * Passes run z, y, x; each computes in float64 and stores into the output array, as scipy does
 * (so with `dtype: 'float32'` values are rounded to float32 between passes, with 'float64'
 * never). Cost O(N * sum of kernel lengths); one output array, scratch of one plane.
 */
export function gaussianFilter(input: NumericArray, shape: Shape3, sigma: PerAxis, options: GaussianFilterOptions = {}): FloatArray {
  const n = checkVolume('input', input, shape);
  const sigmas = perAxis('sigma', sigma, 0);
  const orders = perAxis('order', options.order ?? 0, 0);
  const truncate = options.truncate ?? DEFAULT_TRUNCATE;
  if (options.out && (options.out.length !== n || (options.dtype && (options.out instanceof Float32Array ? 'float32' : 'float64') !== options.dtype))) {
    throw new ImagingOptionError(`out must be a ${options.dtype ?? 'float'} array of ${n} values`);
  }
  const out = options.out ?? allocFloat(options.dtype ?? 'float32', n);
  const kernels: (Float64Array | null)[] = [0, 1, 2].map((a) => {
    if (sigmas[a] === 0) {
      if (orders[a] !== 0) throw new ImagingOptionError(`axis ${a}: a derivative (order ${orders[a]}) needs sigma > 0`);
      return null;
    }
    return gaussianKernel1d(sigmas[a], orders[a], truncate);
  });
  // The first pass reads the input, the others filter `out` in place (see convolveAxis).
  let src: NumericArray = input;
  for (const axis of [0, 1, 2] as const) {
    const k = kernels[axis];
    if (!k) continue;
    convolveAxis(src, out, shape, axis, k);
    src = out;
  }
  if (src === input) out.set(input);
  return out;
}
