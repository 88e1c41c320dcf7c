import type { NumericArray, Shape3 } from '../core/volume.types';

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
 * 1 = y, 2 = x), reflect border, into `dst` (same length, not aliasing `src`). Like scipy's
 * `correlate1d` (with the reversed kernel), a symmetric or antisymmetric kernel is applied as
 * `w0 * centre + sum_j w_j * (left_j ± right_j)`: half the multiplications, the same
 * rounding as scipy, and exact zeros for derivatives of constant data. Along x a padded copy
 * of each row is filtered; along y and z whole rows and planes are accumulated, so every
 * inner loop walks memory contiguously.
 */
export function convolveAxis(src: NumericArray, dst: Float64Array, shape: Shape3, axis: 0 | 1 | 2, kernel: Float64Array): void {
  const [Z, Y, X] = shape;
  const r = (kernel.length - 1) >> 1;
  // Correlation weights: w[r + j] multiplies the sample at offset +j.
  const w = new Float64Array(kernel.length);
  for (let m = 0; m < kernel.length; m++) w[m] = kernel[kernel.length - 1 - m];
  const sym = symmetry(w, r);
  const YX = Y * X;
  if (axis === 2) {
    const map = reflectIndexMap(X, r);
    const pad = new Float64Array(X + 2 * r);
    for (let base = 0; base < Z * YX; base += X) {
      for (let t = 0; t < pad.length; t++) pad[t] = src[base + map[t]];
      for (let o = 0; o < X; o++) {
        const c = o + r;
        let s = pad[c] * w[r];
        if (sym > 0) for (let j = -r; j < 0; j++) s += (pad[c + j] + pad[c - j]) * w[r + j];
        else if (sym < 0) for (let j = -r; j < 0; j++) s += (pad[c + j] - pad[c - j]) * w[r + j];
        else for (let m = 0; m < w.length; m++) if (m !== r) s += pad[o + m] * w[m];
        dst[base + o] = s;
      }
    }
    return;
  }
  const n = axis === 1 ? Y : Z;
  const stride = axis === 1 ? X : YX;
  const outer = axis === 1 ? Z : 1;
  const outerStride = axis === 1 ? YX : 0;
  const map = reflectIndexMap(n, r);
  for (let a = 0; a < outer; a++) {
    const base = a * outerStride;
    for (let o = 0; o < n; o++) {
      const d0 = base + o * stride;
      const c0 = base + map[o + r] * stride;
      const wc = w[r];
      for (let e = 0; e < stride; e++) dst[d0 + e] = src[c0 + e] * wc;
      for (let j = -r; j < 0; j++) {
        const wj = w[r + j];
        const l0 = base + map[o + r + j] * stride;
        const h0 = base + map[o + r - j] * stride;
        if (sym > 0) for (let e = 0; e < stride; e++) dst[d0 + e] += (src[l0 + e] + src[h0 + e]) * wj;
        else if (sym < 0) for (let e = 0; e < stride; e++) dst[d0 + e] += (src[l0 + e] - src[h0 + e]) * wj;
        else {
          const wh = w[r - j];
          for (let e = 0; e < stride; e++) dst[d0 + e] += src[l0 + e] * wj + src[h0 + e] * wh;
        }
      }
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
