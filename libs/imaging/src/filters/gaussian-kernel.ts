import { ImagingOptionError } from '../errors/imaging-errors';

/** Default truncation of Gaussian kernels, in standard deviations (scipy's `truncate=4.0`). */
export const DEFAULT_TRUNCATE = 4;

/** Kernel radius scipy uses: `floor(truncate * sigma + 0.5)` voxels. */
export function gaussianRadius(sigma: number, truncate = DEFAULT_TRUNCATE): number {
  return Math.floor(truncate * sigma + 0.5);
}

/**
 * Sampled Gaussian (order 0) or its first/second derivative (order 1, 2), as
 * `scipy.ndimage._filters._gaussian_kernel1d`: `k[m]` is the value at `x = m - radius` of
 * `q(x) * phi(x)`, where `phi` is the sampled Gaussian normalised to sum 1 over the support
 * and `q` the derivative polynomial (`-x / s^2`, `x^2 / s^4 - 1 / s^2`). Filtering
 * convolves with `k` (`out[i] = sum_t k(t) * in[i - t]`), so order 1 is positive on a rising
 * ramp.
 */
export function gaussianKernel1d(sigma: number, order: number, truncate = DEFAULT_TRUNCATE): Float64Array {
  if (!(sigma > 0) || !Number.isFinite(sigma)) throw new ImagingOptionError(`sigma must be finite and > 0, got ${sigma}`);
  if (!(order === 0 || order === 1 || order === 2)) throw new ImagingOptionError(`derivative order must be 0, 1 or 2, got ${order}`);
  if (!(truncate > 0) || !Number.isFinite(truncate)) throw new ImagingOptionError(`truncate must be finite and > 0, got ${truncate}`);
  const radius = gaussianRadius(sigma, truncate);
  const sigma2 = sigma * sigma;
  const k = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let m = 0; m < k.length; m++) {
    const x = m - radius;
    k[m] = Math.exp((-0.5 / sigma2) * x * x);
    sum += k[m];
  }
  // Polynomial coefficients q[e] of x^e, from q = (D + P)^order [1, 0, ...] as scipy builds them.
  let q = [1, 0, 0];
  for (let it = 0; it < order; it++) {
    const next = [0, 0, 0];
    for (let e = 0; e < 3; e++) {
      if (e + 1 < 3) next[e] += (e + 1) * q[e + 1];
      if (e >= 1) next[e] += q[e - 1] * (-1 / sigma2);
    }
    q = next;
  }
  for (let m = 0; m < k.length; m++) {
    const x = m - radius;
    const poly = order === 0 ? 1 : q[0] + q[1] * x + q[2] * x * x;
    k[m] = (k[m] / sum) * poly;
  }
  return k;
}
