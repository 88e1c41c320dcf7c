import type { NumericArray, Shape3 } from '../core/volume.types';
import { ImagingOptionError } from '../errors/imaging-errors';
import { convolveAxis } from '../filters/convolve-axis';
import { gaussianKernel1d } from '../filters/gaussian-kernel';

/** Derivative orders `(z, y, x)`, each 0, 1 or 2. */
export type Orders = readonly [number, number, number];

/**
 * Float64 scratch volumes of one length, reused: fresh large typed arrays cost a page fault per
 * 4 KiB on first touch (about as much as a filter pass on a small VM), so the feature stack takes
 * and returns its temporaries here. Arrays handed out hold stale values.
 */
export class ScratchPool {
  private readonly free: Float64Array[] = [];

  constructor(readonly length: number) {}

  /** An array of `length` values (contents unspecified). */
  take(): Float64Array {
    return this.free.pop() ?? new Float64Array(this.length);
  }

  /** Returns arrays for reuse; the caller must not use them afterwards. */
  give(...arrays: Float64Array[]): void {
    for (const a of arrays) if (a.length === this.length && !this.free.includes(a)) this.free.push(a);
  }
}

/**
 * Several Gaussian derivatives of one volume at one sigma, sharing the separable passes: one
 * z pass per distinct z order, one y pass per distinct (z, y) order pair, one x pass per
 * result. All ten orders up to 2 cost 19 passes instead of 30. Results are Float64 volumes in
 * the order of `orders`; each equals `gaussianFilter(input, shape, sigma, { order, dtype: 'float64' })`
 * exactly (same passes, same order). An axis with sigma 0 is not filtered (order must be 0 there).
 */
export function gaussianDerivativeSet(
  input: NumericArray,
  shape: Shape3,
  sigma: readonly [number, number, number],
  orders: readonly Orders[],
  truncate: number,
  pool: ScratchPool = new ScratchPool(shape[0] * shape[1] * shape[2]),
): Float64Array[] {
  for (const o of orders) {
    for (let a = 0; a < 3; a++) {
      if (sigma[a] === 0 && o[a] !== 0) throw new ImagingOptionError(`axis ${a}: a derivative (order ${o[a]}) needs sigma > 0`);
    }
  }
  const kernel = (a: number, order: number): Float64Array | null => (sigma[a] === 0 ? null : gaussianKernel1d(sigma[a], order, truncate));
  const pass = (src: NumericArray, a: 0 | 1 | 2, order: number): NumericArray => {
    const k = kernel(a, order);
    if (!k) return src;
    const dst = pool.take();
    convolveAxis(src, dst, shape, a, k);
    return dst;
  };
  const copy = (src: NumericArray): Float64Array => {
    const dst = pool.take();
    dst.set(src);
    return dst;
  };
  const results: Float64Array[] = new Array(orders.length);
  const zOrders = [...new Set(orders.map((o) => o[0]))];
  for (const oz of zOrders) {
    const afterZ = pass(input, 0, oz);
    const yOrders = [...new Set(orders.filter((o) => o[0] === oz).map((o) => o[1]))];
    for (const oy of yOrders) {
      const afterY = pass(afterZ, 1, oy);
      let used = false;
      orders.forEach((o, idx) => {
        if (o[0] !== oz || o[1] !== oy) return;
        const r = pass(afterY, 2, o[2]);
        if (r === afterY && !used && afterY !== afterZ && afterY !== input) {
          results[idx] = afterY as Float64Array; // no x pass (sigma_x 0): the y result is the answer
          used = true;
        } else results[idx] = r === afterY || r === input ? copy(r) : (r as Float64Array);
      });
      if (afterY !== afterZ && afterY !== input && !used) pool.give(afterY as Float64Array);
    }
    if (afterZ !== input) pool.give(afterZ as Float64Array);
  }
  return results;
}
