import { allocFloat, checkVolume } from '../core/shape';
import type { FloatArray, NumericArray, PerAxis, Shape3 } from '../core/volume.types';
import { gaussianFilter, type GaussianFilterOptions } from './gaussian-filter';

/** Options of the derivative filters (the derivative orders are fixed by each filter). */
export type GaussianDerivativeOptions = Omit<GaussianFilterOptions, 'order' | 'out'>;

const AXES = [
  [1, 0, 0],
  [0, 1, 0],
  [0, 0, 1],
] as const;

/** First Gaussian derivatives `[d/dz, d/dy, d/dx]`, each a {@link gaussianFilter} with order 1 on one axis. */
export function gaussianGradient(input: NumericArray, shape: Shape3, sigma: PerAxis, options: GaussianDerivativeOptions = {}): FloatArray[] {
  return AXES.map((order) => gaussianFilter(input, shape, sigma, { ...options, order }));
}

/**
 * Gradient magnitude `sqrt(sum_a (d/da)^2)`, as `scipy.ndimage.gaussian_gradient_magnitude`.
 */
export function gaussianGradientMagnitude(input: NumericArray, shape: Shape3, sigma: PerAxis, options: GaussianDerivativeOptions = {}): FloatArray {
  const n = checkVolume('input', input, shape);
  const out = allocFloat(options.dtype ?? 'float32', n);
  const acc = new Float64Array(n);
  for (const order of AXES) {
    const d = gaussianFilter(input, shape, sigma, { ...options, order, dtype: 'float64' });
    for (let i = 0; i < n; i++) acc[i] += d[i] * d[i];
  }
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(acc[i]);
  return out;
}

/** Laplacian of Gaussian `sum_a d2/da2`, as `scipy.ndimage.gaussian_laplace`. */
export function gaussianLaplace(input: NumericArray, shape: Shape3, sigma: PerAxis, options: GaussianDerivativeOptions = {}): FloatArray {
  const n = checkVolume('input', input, shape);
  const out = allocFloat(options.dtype ?? 'float32', n);
  const acc = new Float64Array(n);
  for (const [z, y, x] of AXES) {
    const d = gaussianFilter(input, shape, sigma, { ...options, order: [2 * z, 2 * y, 2 * x], dtype: 'float64' });
    for (let i = 0; i < n; i++) acc[i] += d[i];
  }
  out.set(acc);
  return out;
}

/**
 * Hessian of Gaussian, the six distinct second derivatives in the order
 * `[zz, zy, zx, yy, yx, xx]` (orders `[2,0,0]`, `[1,1,0]`, `[1,0,1]`, `[0,2,0]`, `[0,1,1]`, `[0,0,2]`).
 */
export function hessianOfGaussian(input: NumericArray, shape: Shape3, sigma: PerAxis, options: GaussianDerivativeOptions = {}): FloatArray[] {
  const orders: [number, number, number][] = [
    [2, 0, 0],
    [1, 1, 0],
    [1, 0, 1],
    [0, 2, 0],
    [0, 1, 1],
    [0, 0, 2],
  ];
  return orders.map((order) => gaussianFilter(input, shape, sigma, { ...options, order }));
}
