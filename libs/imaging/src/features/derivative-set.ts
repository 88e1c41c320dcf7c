import type { NumericArray, Shape3 } from '../core/volume.types';
import { ImagingOptionError } from '../errors/imaging-errors';
import { convolveAxis } from '../filters/convolve-axis';
import { gaussianKernel1d } from '../filters/gaussian-kernel';
import { nativeKernels } from '../native/native-kernels';

/** Derivative orders `(z, y, x)`, each 0, 1 or 2. */
export type Orders = readonly [number, number, number];

/**
 * Float64 scratch volumes, reused: fresh large typed arrays cost a page fault per 4 KiB on first
 * touch (about as much as a filter pass on a small VM, more on some), so the feature stack takes
 * and returns its temporaries here, and a caller that computes features slab by slab keeps one
 * pool for all slabs. Arrays are kept per length; arrays handed out hold stale values.
 */
export class ScratchPool {
  private readonly free = new Map<number, Float64Array[]>();

  /** `length`: the length {@link take} hands out when not told. */
  constructor(readonly length = 0) {}

  /** An array of `length` values (contents unspecified). */
  take(length = this.length): Float64Array {
    return this.free.get(length)?.pop() ?? new Float64Array(length);
  }

  /** Returns arrays for reuse; the caller must not use them afterwards. */
  give(...arrays: Float64Array[]): void {
    for (const a of arrays) {
      const list = this.free.get(a.length) ?? [];
      if (!list.includes(a)) list.push(a);
      this.free.set(a.length, list);
    }
  }
}

/** `planes` `[a, b)` when they lie within `Z` planes; an {@link ImagingOptionError} otherwise. */
export function checkPlanes(planes: readonly [number, number], Z: number): readonly [number, number] {
  const [a, b] = planes;
  if (!(Number.isInteger(a) && Number.isInteger(b) && 0 <= a && a <= b && b <= Z)) throw new ImagingOptionError(`planes [${a}, ${b}) are not within the input's ${Z} planes`);
  return planes;
}

/** An {@link ImagingOptionError} for a derivative along an axis that is not smoothed (sigma 0). */
function checkOrders(sigma: readonly [number, number, number], orders: readonly Orders[]): void {
  for (const o of orders) {
    for (let a = 0; a < 3; a++) {
      if (sigma[a] === 0 && o[a] !== 0) throw new ImagingOptionError(`axis ${a}: a derivative (order ${o[a]}) needs sigma > 0`);
    }
  }
}

/**
 * Several Gaussian derivatives of one volume at one sigma, sharing the separable passes: one
 * z pass per distinct z order, one y pass per distinct (z, y) order pair, one x pass per
 * result. All ten orders up to 2 cost 19 passes instead of 30. Results are Float64 volumes in
 * the order of `orders`; each equals `gaussianFilter(input, shape, sigma, { order, dtype: 'float64' })`
 * exactly (same passes, same order). An axis with sigma 0 is not filtered (order must be 0 there).
 *
 * `planes` `[a, b)` restricts the results to those planes of `input` (each result holds
 * `(b - a) * Y * X` values): every pass computes those planes only, the z pass reading the
 * others as their context. The values equal the whole input's there.
 */
export function gaussianDerivativeSet(
  input: NumericArray,
  shape: Shape3,
  sigma: readonly [number, number, number],
  orders: readonly Orders[],
  truncate: number,
  pool: ScratchPool = new ScratchPool(),
  planes: readonly [number, number] = [0, shape[0]],
): Float64Array[] {
  checkOrders(sigma, orders);
  const [Z, Y, X] = shape;
  const [p0, p1] = checkPlanes(planes, Z);
  const YX = Y * X;
  const n = (p1 - p0) * YX;
  const out: Shape3 = [p1 - p0, Y, X];
  const kernel = (a: number, order: number): Float64Array | null => (sigma[a] === 0 ? null : gaussianKernel1d(sigma[a], order, truncate));
  // Arrays this call took from the pool (results are handed out, the rest go back).
  const owned = new Set<NumericArray>();
  const pass = (src: NumericArray, a: 1 | 2, order: number): NumericArray => {
    const k = kernel(a, order);
    if (!k) return src;
    const dst = pool.take(n);
    convolveAxis(src, dst, out, a, k);
    owned.add(dst);
    return dst;
  };
  const copy = (src: NumericArray): Float64Array => {
    const dst = pool.take(n);
    dst.set(src);
    return dst;
  };
  if (orders.length === 1 && orders[0].every((k) => k === 0)) {
    // Smoothing alone: the y and x passes run in place on the z pass's result (or a copy of
    // the planes), so one array is touched instead of three.
    const g = pool.take(n);
    const kz = kernel(0, 0);
    if (kz) convolveAxis(input, g, shape, 0, kz, [p0, p1]);
    else g.set(input.subarray(p0 * YX, p1 * YX));
    const ky = kernel(1, 0);
    if (ky) convolveAxis(g, g, out, 1, ky);
    const kx = kernel(2, 0);
    if (kx) convolveAxis(g, g, out, 2, kx);
    return [g];
  }
  const results: Float64Array[] = new Array(orders.length);
  const zOrders = [...new Set(orders.map((o) => o[0]))];
  for (const oz of zOrders) {
    // The z pass of the planes [p0, p1) (the others are their context).
    const kz = kernel(0, oz);
    let whole: Float64Array | undefined;
    if (kz) {
      whole = pool.take(n);
      convolveAxis(input, whole, shape, 0, kz, [p0, p1]);
    }
    const afterZ = whole ?? (input.subarray(p0 * YX, p1 * YX) as NumericArray);
    const yOrders = [...new Set(orders.filter((o) => o[0] === oz).map((o) => o[1]))];
    for (const oy of yOrders) {
      const afterY = pass(afterZ, 1, oy);
      let used = false;
      orders.forEach((o, idx) => {
        if (o[0] !== oz || o[1] !== oy) return;
        const r = pass(afterY, 2, o[2]);
        if (r === afterY && !used && owned.has(afterY)) {
          results[idx] = afterY as Float64Array; // no x pass (sigma_x 0): the y result is the answer
          used = true;
        } else results[idx] = r === afterY ? copy(r) : (r as Float64Array);
      });
      if (owned.has(afterY) && !used) pool.give(afterY as Float64Array);
    }
    if (whole) pool.give(whole);
  }
  return results;
}

/** Per axis and order, the neighbour offsets and weights of a central difference. */
const DIFFERENCE: readonly (readonly (readonly [number, number])[])[] = [
  [[0, 1]],
  [[-1, -0.5], [1, 0.5]],
  [[-1, 1], [0, -2], [1, 1]],
];

/**
 * The same derivatives as {@link gaussianDerivativeSet}, from central differences of the
 * Gaussian-smoothed volume instead of derivative-of-Gaussian kernels (scikit-image's
 * `hessian_matrix(..., use_gaussian_derivatives=False)`): three separable passes and one
 * stencil per result instead of up to 19 passes. First order `(g[+1] - g[-1]) / 2`, second
 * `g[+1] - 2 g[0] + g[-1]`, mixed the product of two first-order stencils; a neighbour outside
 * the input is reflected (the voxel itself, as the filters' `reflect` border). The values are
 * not those of the Gaussian derivatives (they approach them as sigma grows); they reach one
 * voxel further than the smoothing (see featureHalo). Results are Float64 volumes of the planes
 * `[a, b)` in the order of `orders`; the smoothing is computed on the planes and one plane on
 * either side.
 */
export function differenceDerivativeSet(
  input: NumericArray,
  shape: Shape3,
  sigma: readonly [number, number, number],
  orders: readonly Orders[],
  truncate: number,
  pool: ScratchPool = new ScratchPool(),
  planes: readonly [number, number] = [0, shape[0]],
): Float64Array[] {
  checkOrders(sigma, orders);
  const [, Y, X] = shape;
  const [p0, p1] = checkPlanes(planes, shape[0]);
  const { g, shape: gShape, z0 } = smoothedForDifferences(input, shape, sigma, truncate, pool, planes, orders.some((o) => o[0] > 0));
  const results = orders.map((o) => {
    const out = pool.take((p1 - p0) * Y * X);
    centralDifference(g, gShape, z0, p1 - p0, o, out);
    return out;
  });
  pool.give(g);
  return results;
}

/**
 * The Gaussian-smoothed volume central differences of planes `[a, b)` read: those planes and,
 * with `alongZ`, one more on either side (within the input). `g` (from `pool`) has `shape`;
 * plane `a` of the input is its plane `z0`.
 */
export function smoothedForDifferences(
  input: NumericArray,
  shape: Shape3,
  sigma: readonly [number, number, number],
  truncate: number,
  pool: ScratchPool,
  planes: readonly [number, number],
  alongZ: boolean,
): { g: Float64Array; shape: Shape3; z0: number } {
  const [Z, Y, X] = shape;
  const [p0, p1] = checkPlanes(planes, Z);
  const q0 = alongZ ? Math.max(0, p0 - 1) : p0;
  const q1 = alongZ ? Math.min(Z, p1 + 1) : p1;
  const [g] = gaussianDerivativeSet(input, shape, sigma, [[0, 0, 0]], truncate, pool, [q0, q1]);
  return { g, shape: [q1 - q0, Y, X], z0: p0 - q0 };
}

/**
 * `out` (planes `[z0, z0 + planes)` of `g`, `planes * Y * X` values) = the central difference of
 * `orders` of `g`: a sum over the (z, y) neighbour rows, in order, of the row weight times the
 * x stencil of that row.
 */
function centralDifference(g: Float64Array, shape: Shape3, z0: number, planes: number, orders: Orders, out: Float64Array): void {
  const [Z, Y, X] = shape;
  const native = nativeKernels();
  if (native) {
    if (Y * X > 0) native.centralDifference(g, Z, Y, X, z0, planes, orders[0], orders[1], orders[2], out);
    return;
  }
  const [sz, sy, sx] = orders.map((k) => DIFFERENCE[k]);
  const clamp = (i: number, n: number): number => (i < 0 ? 0 : i >= n ? n - 1 : i);
  const bases = new Int32Array(sz.length * sy.length);
  const weights = new Float64Array(sz.length * sy.length);
  const R = bases.length;
  const L = X - 1;
  for (let z = 0; z < planes; z++) {
    for (let y = 0; y < Y; y++) {
      let r = 0;
      for (const [dz, wz] of sz) {
        for (const [dy, wy] of sy) {
          bases[r] = (clamp(z0 + z + dz, Z) * Y + clamp(y + dy, Y)) * X;
          weights[r++] = wz * wy;
        }
      }
      const o = (z * Y + y) * X;
      out.fill(0, o, o + X);
      for (r = 0; r < R; r++) {
        const b = bases[r];
        const w = weights[r];
        if (sx.length === 1) {
          for (let x = 0; x < X; x++) out[o + x] += w * g[b + x];
        } else if (X === 1) {
          // One column: both neighbours are the voxel itself, so every x difference is 0.
        } else if (sx.length === 2) {
          const h = 0.5 * w;
          out[o] += h * (g[b + 1] - g[b]);
          for (let x = 1; x < L; x++) out[o + x] += h * (g[b + x + 1] - g[b + x - 1]);
          out[o + L] += h * (g[b + L] - g[b + L - 1]);
        } else {
          out[o] += w * (g[b + 1] - 2 * g[b] + g[b]);
          for (let x = 1; x < L; x++) out[o + x] += w * (g[b + x + 1] - 2 * g[b + x] + g[b + x - 1]);
          out[o + L] += w * (g[b + L] - 2 * g[b + L] + g[b + L - 1]);
        }
      }
    }
  }
}
