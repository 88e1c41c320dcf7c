import type { FloatArray, NumericArray, Shape3 } from '../core/volume.types';

/**
 * Index map of scipy's `mode='reflect'` (half-sample symmetric, `d c b a | a b c d | d c b a`)
 * for a line of `n` samples padded by `r` on each side: entry `t` is the source index of padded
 * position `t - r`. Reflection repeats, so kernels longer than the line work too.
 */
export function reflectIndexMap(n: number, r: number): Int32Array {
  const map = new Int32Array(n + 2 * r);
  const period = 2 * n;
  for (let t = 0; t < map.length; t++) {
    let i = (((t - r) % period) + period) % period;
    if (i >= n) i = period - 1 - i;
    map[t] = i;
  }
  return map;
}

/**
 * Convolves `src` with a 1-D kernel (`kernel[m]` at offset `m - r`) along `axis` (0 = z,
 * 1 = y, 2 = x), reflect border, into `dst` (same length; it may be `src` itself). Like scipy's
 * `correlate1d` (with the reversed kernel), a symmetric or antisymmetric kernel is applied as
 * `w0 * centre + sum_j w_j * (left_j ± right_j)`, outer taps first: half the multiplications,
 * the same rounding as scipy, and exact zeros for derivatives of constant data. The lines are
 * copied into a Float64 buffer (a row along x, a plane along y, a stripe of every plane along
 * z), filtered there in float64 and stored into `dst` (rounded to its type, as scipy stores
 * into its output array between passes). Every inner loop walks memory contiguously.
 */
export function convolveAxis(src: NumericArray, dst: FloatArray, shape: Shape3, axis: 0 | 1 | 2, kernel: Float64Array): void {
  const [Z, Y, X] = shape;
  if (Z * Y * X === 0) return;
  const r = (kernel.length - 1) >> 1;
  // Correlation weights: w[r + j] multiplies the sample at offset +j.
  const w = new Float64Array(kernel.length);
  for (let m = 0; m < kernel.length; m++) w[m] = kernel[kernel.length - 1 - m];
  const sym = symmetry(w, r);
  const YX = Y * X;
  if (axis === 2) {
    const map = reflectIndexMap(X, r);
    const pad = new Float64Array(X + 2 * r);
    const row = new Float64Array(X);
    for (let base = 0; base < Z * YX; base += X) {
      pad.set(src.subarray(base, base + X), r);
      for (let t = 0; t < r; t++) pad[t] = pad[map[t] + r];
      for (let t = X + r; t < pad.length; t++) pad[t] = pad[map[t] + r];
      filterRow(pad, row, X, w, r, sym);
      dst.set(row, base);
    }
    return;
  }
  // Along y: one plane at a time; along z: a stripe of STRIPE elements of every plane.
  const n = axis === 1 ? Y : Z;
  const map = reflectIndexMap(n, r);
  if (axis === 1) {
    const buf = new Float64Array(YX);
    const acc = new Float64Array(X);
    for (let base = 0; base < Z * YX; base += YX) {
      buf.set(src.subarray(base, base + YX));
      for (let o = 0; o < n; o++) {
        filterLines(buf, acc, X, X, o, map, w, r, sym);
        dst.set(acc, base + o * X);
      }
    }
    return;
  }
  const stripe = Math.min(STRIPE, YX);
  const buf = new Float64Array(Z * stripe);
  const acc = new Float64Array(stripe);
  for (let e0 = 0; e0 < YX; e0 += stripe) {
    const len = Math.min(stripe, YX - e0);
    for (let t = 0; t < Z; t++) buf.set(src.subarray(t * YX + e0, t * YX + e0 + len), t * len);
    const out = len === stripe ? acc : acc.subarray(0, len);
    for (let o = 0; o < n; o++) {
      filterLines(buf, out, len, len, o, map, w, r, sym);
      dst.set(out, o * YX + e0);
    }
  }
}

/** Elements of each plane taken per stripe along z (8 KiB of float64 per plane). */
const STRIPE = 1024;

/** Filters the padded row `pad` (`r` reflected samples each side) into `out[0..len)`. */
function filterRow(pad: Float64Array, out: Float64Array, len: number, w: Float64Array, r: number, sym: number): void {
  const wc = w[r];
  if (sym > 0) {
    for (let o = 0; o < len; o++) {
      const c = o + r;
      let s = pad[c] * wc;
      for (let j = r; j > 0; j--) s += (pad[c - j] + pad[c + j]) * w[r - j];
      out[o] = s;
    }
  } else if (sym < 0) {
    for (let o = 0; o < len; o++) {
      const c = o + r;
      let s = pad[c] * wc;
      for (let j = r; j > 0; j--) s += (pad[c - j] - pad[c + j]) * w[r - j];
      out[o] = s;
    }
  } else {
    for (let o = 0; o < len; o++) {
      let s = pad[o + r] * wc;
      for (let m = 0; m < w.length; m++) if (m !== r) s += pad[o + m] * w[m];
      out[o] = s;
    }
  }
}

/**
 * Output line `o` of lines stored `pitch` apart in `buf` (line `t` at `t * pitch`), each `len`
 * long, into `acc`: the weighted sum of lines `map[o + r + j]`, centre first, then outer taps first.
 */
function filterLines(buf: Float64Array, acc: Float64Array, len: number, pitch: number, o: number, map: Int32Array, w: Float64Array, r: number, sym: number): void {
  const wc = w[r];
  const c0 = map[o + r] * pitch;
  for (let e = 0; e < len; e++) acc[e] = buf[c0 + e] * wc;
  for (let j = -r; j < 0; j++) {
    const wj = w[r + j];
    const l0 = map[o + r + j] * pitch;
    const h0 = map[o + r - j] * pitch;
    if (sym > 0) for (let e = 0; e < len; e++) acc[e] += (buf[l0 + e] + buf[h0 + e]) * wj;
    else if (sym < 0) for (let e = 0; e < len; e++) acc[e] += (buf[l0 + e] - buf[h0 + e]) * wj;
    else {
      const wh = w[r - j];
      for (let e = 0; e < len; e++) acc[e] += buf[l0 + e] * wj + buf[h0 + e] * wh;
    }
  }
}

/** 1 when `w` is symmetric about its centre, -1 when antisymmetric, else 0 (scipy's test). */
function symmetry(w: Float64Array, r: number): 1 | -1 | 0 {
  let sym = true;
  let anti = true;
  for (let j = 1; j <= r; j++) {
    if (w[r + j] !== w[r - j]) sym = false;
    if (w[r + j] !== -w[r - j]) anti = false;
  }
  return sym ? 1 : anti ? -1 : 0;
}
