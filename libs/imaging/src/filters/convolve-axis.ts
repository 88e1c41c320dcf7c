import type { FloatArray, NumericArray, Shape3 } from '../core/volume.types';
import { ImagingOptionError } from '../errors/imaging-errors';
import { nativeKernels } from '../native/native-kernels';

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
 * into its output array between passes). Every inner loop walks memory contiguously. With the
 * native kernels the same loops run compiled (the same values).
 *
 * Along z, `planes` `[a, b)` computes those output planes only, into the first `b - a` planes
 * of `dst` (the other planes of `src` are their context).
 */
export function convolveAxis(src: NumericArray, dst: FloatArray, shape: Shape3, axis: 0 | 1 | 2, kernel: Float64Array, planes?: readonly [number, number]): void {
  const [Z, Y, X] = shape;
  const [z0, z1] = planes ?? [0, Z];
  if (!(Number.isInteger(z0) && Number.isInteger(z1) && 0 <= z0 && z0 <= z1 && z1 <= Z) || (axis !== 0 && (z0 !== 0 || z1 !== Z))) {
    throw new ImagingOptionError(`convolveAxis: planes [${z0}, ${z1}) are not within the ${Z} planes, or the axis is not z`);
  }
  if (Z * Y * X === 0) return;
  const r = (kernel.length - 1) >> 1;
  // Correlation weights: w[r + j] multiplies the sample at offset +j.
  const w = new Float64Array(kernel.length);
  for (let m = 0; m < kernel.length; m++) w[m] = kernel[kernel.length - 1 - m];
  const sym = symmetry(w, r);
  const native = nativeKernels();
  if (native) {
    native.convolveAxis(src, dst, Z, Y, X, axis, w, sym, z0, z1);
    return;
  }
  const YX = Y * X;
  if (axis === 2) {
    const map = reflectIndexMap(X, r);
    const pad = new Float64Array(X + 2 * r);
    const row = new Float64Array(X);
    // The padded row seen as 2r + 1 shifted lines (line t starts at pad[t]): the same
    // tap-by-tap sweeps as along y and z.
    const shifts = Int32Array.from({ length: 2 * r + 1 }, (_, t) => t);
    for (let base = 0; base < Z * YX; base += X) {
      pad.set(src.subarray(base, base + X), r);
      for (let t = 0; t < r; t++) pad[t] = pad[map[t] + r];
      for (let t = X + r; t < pad.length; t++) pad[t] = pad[map[t] + r];
      filterLines(pad, row, X, 1, 0, shifts, w, r, sym);
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
    for (let o = z0; o < z1; o++) {
      filterLines(buf, out, len, len, o, map, w, r, sym);
      dst.set(out, (o - z0) * YX + e0);
    }
  }
}

/** Elements of each plane taken per stripe along z (8 KiB of float64 per plane). */
const STRIPE = 1024;

/**
 * Output line `o` of lines stored `pitch` apart in `buf` (line `t` at `t * pitch`), each `len`
 * long, into `acc`: the weighted sum of lines `map[o + r + j]`, centre first, then outer taps
 * first, four taps per sweep over the line (in that order: `acc = acc + a + b + c + d`).
 */
function filterLines(buf: Float64Array, acc: Float64Array, len: number, pitch: number, o: number, map: Int32Array, w: Float64Array, r: number, sym: number): void {
  const wc = w[r];
  const c0 = map[o + r] * pitch;
  if (sym === 0) {
    for (let e = 0; e < len; e++) acc[e] = buf[c0 + e] * wc;
    for (let j = -r; j < 0; j++) {
      const wj = w[r + j];
      const wh = w[r - j];
      const l0 = map[o + r + j] * pitch;
      const h0 = map[o + r - j] * pitch;
      for (let e = 0; e < len; e++) acc[e] += buf[l0 + e] * wj + buf[h0 + e] * wh;
    }
    return;
  }
  const sg = sym > 0 ? 1 : -1;
  for (let e = 0; e < len; e++) acc[e] = buf[c0 + e] * wc;
  let j = -r;
  for (; j + 3 < 0; j += 4) {
    const w1 = w[r + j];
    const w2 = w[r + j + 1];
    const w3 = w[r + j + 2];
    const w4 = w[r + j + 3];
    const l1 = map[o + r + j] * pitch;
    const h1 = map[o + r - j] * pitch;
    const l2 = map[o + r + j + 1] * pitch;
    const h2 = map[o + r - j - 1] * pitch;
    const l3 = map[o + r + j + 2] * pitch;
    const h3 = map[o + r - j - 2] * pitch;
    const l4 = map[o + r + j + 3] * pitch;
    const h4 = map[o + r - j - 3] * pitch;
    for (let e = 0; e < len; e++) {
      acc[e] =
        acc[e] +
        (buf[l1 + e] + sg * buf[h1 + e]) * w1 +
        (buf[l2 + e] + sg * buf[h2 + e]) * w2 +
        (buf[l3 + e] + sg * buf[h3 + e]) * w3 +
        (buf[l4 + e] + sg * buf[h4 + e]) * w4;
    }
  }
  for (; j < 0; j++) {
    const wj = w[r + j];
    const l0 = map[o + r + j] * pitch;
    const h0 = map[o + r - j] * pitch;
    for (let e = 0; e < len; e++) acc[e] += (buf[l0 + e] + sg * buf[h0 + e]) * wj;
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
