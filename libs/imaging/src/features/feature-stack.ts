import { checkVolume, perAxis } from '../core/shape';
import type { NumericArray, PerAxis, Shape3 } from '../core/volume.types';
import { ImagingOptionError } from '../errors/imaging-errors';
import { DEFAULT_TRUNCATE, gaussianRadius } from '../filters/gaussian-kernel';
import { nativeKernels } from '../native/native-kernels';
import { checkPlanes, differenceDerivativeSet, gaussianDerivativeSet, ScratchPool, smoothedForDifferences, type Orders } from './derivative-set';
import { symmetricEigenvalues2, symmetricEigenvalues3 } from './symmetric-eigenvalues';

/** The per-scale feature families (ilastik's pixel-classification set). */
export type FeatureKind = 'gaussian' | 'gradientMagnitude' | 'laplacian' | 'differenceOfGaussians' | 'structureTensor' | 'hessian';

/** Every feature family, in the order they appear in a stack. */
export const FEATURE_KINDS: readonly FeatureKind[] = ['gaussian', 'gradientMagnitude', 'laplacian', 'differenceOfGaussians', 'structureTensor', 'hessian'];

/** ilastik's default scales without its largest (10): sigma in voxels. */
export const DEFAULT_FEATURE_SCALES: readonly number[] = [0.7, 1, 1.6, 3.5, 5];

/** Ratio of the smaller sigma of the difference of Gaussians (ilastik: 0.66). */
export const DOG_RATIO = 0.66;

/** Options of {@link featureStack}. */
export interface FeatureStackOptions {
  /** Scales (sigma, in voxels of the finest axis) of every family. Default {@link DEFAULT_FEATURE_SCALES}. */
  readonly scales?: readonly number[];
  /** Families computed at every scale, stacked in {@link FEATURE_KINDS} order. Default: all. */
  readonly features?: readonly FeatureKind[];
  /** Put the unfiltered intensity first. Default true. */
  readonly raw?: boolean;
  /** 3: volumetric filters; 2: each z-slice on its own (no smoothing or derivative along z). Default 3. */
  readonly dims?: 2 | 3;
  /** Voxel size per axis (relative); sigma along axis a is `scale / sampling_a`. Default 1. */
  readonly sampling?: PerAxis;
  /** Kernel half-width in sigmas. Default 4 (scipy). */
  readonly truncate?: number;
  /**
   * How gradients and Hessians are taken: `gaussian`, with derivative-of-Gaussian kernels
   * (ilastik, vigra; up to 19 separable passes a scale), or `differences`, as central
   * differences of the Gaussian-smoothed volume (scikit-image's default before 0.20; 3 passes
   * and a stencil a scale, one voxel more of reach). Default `gaussian`.
   */
  readonly derivatives?: Derivatives;
}

/** How {@link featureStack} takes derivatives (see {@link FeatureStackOptions.derivatives}). */
export type Derivatives = 'gaussian' | 'differences';

/** Every way of taking derivatives. */
export const DERIVATIVES: readonly Derivatives[] = ['gaussian', 'differences'];

/** A feature stack: `data[i * count + f]` is feature `f` of voxel `i` (voxel-major, C order). */
export interface FeatureStack {
  readonly data: Float32Array;
  /** One name per feature, e.g. `hessian_ev0_s1.6`. */
  readonly names: string[];
  /** Features per voxel. */
  readonly count: number;
  /** Number of voxels. */
  readonly voxels: number;
}

interface Compiled {
  scales: number[];
  kinds: Set<FeatureKind>;
  raw: boolean;
  dims: 2 | 3;
  sampling: [number, number, number];
  truncate: number;
  derivatives: Derivatives;
}

function compile(options: FeatureStackOptions): Compiled {
  const scales = [...(options.scales ?? DEFAULT_FEATURE_SCALES)];
  if (!scales.every((s) => typeof s === 'number' && Number.isFinite(s) && s > 0)) {
    throw new ImagingOptionError(`scales must be finite numbers > 0, got ${JSON.stringify(options.scales)}`);
  }
  const kinds = new Set(options.features ?? FEATURE_KINDS);
  for (const k of kinds) if (!FEATURE_KINDS.includes(k)) throw new ImagingOptionError(`unknown feature ${JSON.stringify(k)}; known: ${FEATURE_KINDS.join(', ')}`);
  const dims = options.dims ?? 3;
  if (dims !== 2 && dims !== 3) throw new ImagingOptionError(`dims must be 2 or 3, got ${JSON.stringify(dims)}`);
  const truncate = options.truncate ?? DEFAULT_TRUNCATE;
  if (!(truncate > 0) || !Number.isFinite(truncate)) throw new ImagingOptionError(`truncate must be finite and > 0, got ${truncate}`);
  const sampling = perAxis('sampling', options.sampling ?? 1, 0);
  if (sampling.some((s) => s === 0)) throw new ImagingOptionError('sampling must be > 0 on every axis');
  const derivatives = options.derivatives ?? 'gaussian';
  if (!DERIVATIVES.includes(derivatives)) throw new ImagingOptionError(`derivatives must be one of ${DERIVATIVES.join(', ')}, got ${JSON.stringify(options.derivatives)}`);
  return { scales, kinds, raw: options.raw ?? true, dims, sampling, truncate, derivatives };
}

/** Names of the features {@link featureStack} computes for these options, in stack order. */
export function featureNames(options: FeatureStackOptions = {}): string[] {
  const c = compile(options);
  const names: string[] = c.raw ? ['raw'] : [];
  const ev = c.dims === 3 ? [0, 1, 2] : [0, 1];
  for (const s of c.scales) {
    for (const kind of FEATURE_KINDS) {
      if (!c.kinds.has(kind)) continue;
      if (kind === 'gaussian') names.push(`gaussian_s${s}`);
      else if (kind === 'gradientMagnitude') names.push(`gradient_magnitude_s${s}`);
      else if (kind === 'laplacian') names.push(`laplacian_s${s}`);
      else if (kind === 'differenceOfGaussians') names.push(`dog_s${s}`);
      else if (kind === 'structureTensor') for (const k of ev) names.push(`structure_tensor_ev${k}_s${s}`);
      else for (const k of ev) names.push(`hessian_ev${k}_s${s}`);
    }
  }
  return names;
}

/**
 * Voxels of context per axis `(z, y, x)` a feature at the border of a block needs from outside
 * it to equal the whole-volume feature: the largest kernel radius (the structure tensor chains
 * two), plus the stencil's voxel when derivatives are `differences`. Blocks read with this halo
 * and cropped give the same features as the whole volume.
 */
export function featureHalo(options: FeatureStackOptions = {}): [number, number, number] {
  const c = compile(options);
  const stencil = c.derivatives === 'differences' && ['gradientMagnitude', 'laplacian', 'structureTensor', 'hessian'].some((k) => c.kinds.has(k as FeatureKind)) ? 1 : 0;
  const out: [number, number, number] = [0, 0, 0];
  for (let a = 0; a < 3; a++) {
    if (a === 0 && c.dims === 2) continue;
    for (const s of c.scales) {
      const sig = s / c.sampling[a];
      let r = gaussianRadius(sig, c.truncate);
      if (c.kinds.has('structureTensor')) r = gaussianRadius(sig / 2, c.truncate) + gaussianRadius(sig, c.truncate);
      out[a] = Math.max(out[a], r + stencil);
    }
  }
  return out;
}

/** Where {@link featureStack} works: which planes, with which scratch, into which array. */
export interface FeatureStackTarget {
  /**
   * Compute the features of planes `[a, b)` of the input only; the other planes are their
   * context (the features' reach along z, {@link featureHalo}), which the z passes of the
   * filters read; the values equal the whole input's in those planes.
   * Default: every plane.
   */
  readonly planes?: readonly [number, number];
  /** Scratch to take temporaries from and return them to: one pool for many calls faults its memory in once. */
  readonly pool?: ScratchPool;
  /** The stack's array when it has exactly the stack's length (planes' voxels x features); a new one otherwise. */
  readonly out?: Float32Array;
}

/**
 * ilastik-like pixel features of a volume (Sommer et al. 2011), per scale `s`:
 * - `gaussian`: Gaussian smoothing at `s`;
 * - `gradientMagnitude`: `|∇(G_s * I)|`;
 * - `laplacian`: Laplacian of Gaussian, the trace of the Hessian;
 * - `differenceOfGaussians`: `G_s * I - G_{0.66 s} * I`;
 * - `structureTensor`: eigenvalues (descending) of the gradient outer product at inner scale
 *   `s / 2`, smoothed at outer scale `s`;
 * - `hessian`: eigenvalues (descending) of the Hessian of Gaussian at `s`.
 * With `derivatives: 'differences'` the gradients and Hessians are central differences of the
 * smoothed volume instead (see differenceDerivativeSet).
 * Filters are `gaussianFilter`'s (scipy semantics, reflect border, float64 arithmetic); with
 * `dims: 2` every z-slice is filtered on its own and tensors are 2x2. Returns a voxel-major
 * Float32 matrix with {@link featureNames} columns. Memory: the stack plus about 12 float64
 * volumes of scratch at a time; feed large volumes slab by slab (`target.planes`, with the
 * context of {@link featureHalo} along z) or by blocks.
 */
export function featureStack(input: NumericArray, shape: Shape3, options: FeatureStackOptions = {}, target: FeatureStackTarget = {}): FeatureStack {
  checkVolume('input', input, shape);
  const c = compile(options);
  const names = featureNames(options);
  const F = names.length;
  const [Z, Y, X] = shape;
  const YX = Y * X;
  const planes = checkPlanes(target.planes ?? [0, Z], Z);
  const [p0, p1] = planes;
  const n = (p1 - p0) * YX;
  const data = target.out?.length === n * F ? target.out : new Float32Array(n * F);
  const pool = target.pool ?? new ScratchPool();
  const derivativeSet = c.derivatives === 'differences' ? differenceDerivativeSet : gaussianDerivativeSet;
  let col = 0;
  const native = nativeKernels();
  // Columns are stored a few at a time: each store sweeps the whole (voxel-major) stack.
  const put = (...columns: ArrayLike<number>[]): void => {
    if (native && n > 0 && columns.every((v) => v instanceof Float64Array)) native.interleave(columns as Float64Array[], data, col, F);
    else for (let c = 0; c < columns.length; c++) for (let i = 0, j = col + c, v = columns[c]; i < n; i++, j += F) data[j] = v[i];
    col += columns.length;
  };
  if (c.raw) put(input.subarray(p0 * YX, p1 * YX));
  const d3 = c.dims === 3;
  const first: Orders[] = d3 ? [[1, 0, 0], [0, 1, 0], [0, 0, 1]] : [[0, 1, 0], [0, 0, 1]];
  const second: Orders[] = d3
    ? [[2, 0, 0], [1, 1, 0], [1, 0, 1], [0, 2, 0], [0, 1, 1], [0, 0, 2]]
    : [[0, 2, 0], [0, 1, 1], [0, 0, 2]];
  // Central differences in 3-D without the difference of Gaussians and the structure tensor: each
  // scale's columns in one native sweep from the smoothed volume (no derivative volumes).
  const fused = native && n > 0 && c.derivatives === 'differences' && d3 && !c.kinds.has('differenceOfGaussians') && !c.kinds.has('structureTensor');
  for (const s of c.scales) {
    const sigma: [number, number, number] = [d3 ? s / c.sampling[0] : 0, s / c.sampling[1], s / c.sampling[2]];
    if (fused) {
      const kinds = (['gaussian', 'gradientMagnitude', 'laplacian', 'hessian'] as const).reduce((m, k, bit) => (c.kinds.has(k) ? m | (1 << bit) : m), 0);
      if (kinds === 0) continue;
      const { g, shape: [gz], z0 } = smoothedForDifferences(input, shape, sigma, c.truncate, pool, planes, kinds !== 1);
      native.differenceFeatures(g, gz, Y, X, z0, p1 - p0, kinds, data, col, F);
      col += (kinds & 1) + ((kinds >> 1) & 1) + ((kinds >> 2) & 1) + 3 * ((kinds >> 3) & 1);
      pool.give(g);
      continue;
    }
    const wantGrad = c.kinds.has('gradientMagnitude');
    const wantHess = c.kinds.has('laplacian') || c.kinds.has('hessian');
    const orders: Orders[] = [[0, 0, 0]];
    if (wantGrad) orders.push(...first);
    if (wantHess) orders.push(...second);
    const d = derivativeSet(input, shape, sigma, orders, c.truncate, pool, planes);
    const smooth = d[0];
    const grad = wantGrad ? d.slice(1, 1 + first.length) : [];
    const hess = wantHess ? d.slice(1 + grad.length) : [];
    // The scalar features of this scale, stored together.
    const scalars: Float64Array[] = [];
    if (c.kinds.has('gaussian')) scalars.push(smooth);
    if (wantGrad) {
      const m = pool.take(n).fill(0);
      for (const g of grad) for (let i = 0; i < n; i++) m[i] += g[i] * g[i];
      for (let i = 0; i < n; i++) m[i] = Math.sqrt(m[i]);
      scalars.push(m);
      pool.give(...grad);
    }
    if (c.kinds.has('laplacian')) {
      // Trace: zz + yy + xx (3-D) or yy + xx (2-D), summed in that order like gaussianLaplace.
      const diag = d3 ? [hess[0], hess[3], hess[5]] : [hess[0], hess[2]];
      const l = pool.take(n).fill(0);
      for (const h of diag) for (let i = 0; i < n; i++) l[i] += h[i];
      scalars.push(l);
    }
    if (c.kinds.has('differenceOfGaussians')) {
      const small = gaussianDerivativeSet(input, shape, [sigma[0] * DOG_RATIO, sigma[1] * DOG_RATIO, sigma[2] * DOG_RATIO], [[0, 0, 0]], c.truncate, pool, planes)[0];
      for (let i = 0; i < n; i++) small[i] = smooth[i] - small[i];
      scalars.push(small);
    }
    if (scalars.length > 0) put(...scalars);
    pool.give(smooth, ...scalars);
    if (c.kinds.has('structureTensor')) {
      // The gradient products are smoothed along z too: they are needed on the planes plus
      // the outer smoothing's reach (clamped to the input), the gradients likewise.
      const inner: [number, number, number] = [sigma[0] / 2, sigma[1] / 2, sigma[2] / 2];
      const reach = sigma[0] === 0 ? 0 : gaussianRadius(sigma[0], c.truncate);
      const [m0, m1] = [Math.max(0, p0 - reach), Math.min(Z, p1 + reach)];
      const g = derivativeSet(input, shape, inner, first, c.truncate, pool, [m0, m1]);
      const products: Float64Array[] = [];
      const p = pool.take((m1 - m0) * YX);
      for (let a = 0; a < g.length; a++) {
        for (let b = a; b < g.length; b++) {
          const ga = g[a];
          const gb = g[b];
          for (let i = 0; i < p.length; i++) p[i] = ga[i] * gb[i];
          products.push(gaussianDerivativeSet(p, [m1 - m0, Y, X], sigma, [[0, 0, 0]], c.truncate, pool, [p0 - m0, p1 - m0])[0]);
        }
      }
      pool.give(p, ...g);
      putEigenvalues(products, d3, n, put, pool);
      pool.give(...products);
    }
    if (c.kinds.has('hessian')) putEigenvalues(hess, d3, n, put, pool);
    pool.give(...hess);
  }
  return { data, names, count: F, voxels: n };
}

function putEigenvalues(tensor: Float64Array[], d3: boolean, n: number, put: (...columns: ArrayLike<number>[]) => void, pool: ScratchPool): void {
  const ev = (d3 ? [0, 1, 2] : [0, 1]).map(() => pool.take(n));
  if (d3) symmetricEigenvalues3(tensor, ev);
  else symmetricEigenvalues2(tensor, ev);
  put(...ev);
  pool.give(...ev);
}
