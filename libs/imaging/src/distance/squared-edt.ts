import type { Shape3 } from '../core/volume.types';

/**
 * In-place separable squared Euclidean distance transform (Felzenszwalb & Huttenlocher 2012,
 * "Distance Transforms of Sampled Functions"). On entry `f[i]` is 0 at the sites and
 * `Infinity` elsewhere (any finite values work: the result is
 * `min_j f[j] + sum_a (w_a * (i_a - j_a))^2`); on exit it is the squared distance to the
 * nearest site, `Infinity` when there is none. `spacing[a]` is the distance between
 * neighbouring voxels along axis `a` (z, y, x); an axis of spacing `Infinity` is skipped (no
 * distance is measured across it). One pass per axis, O(N), scratch O(max(Z, Y, X)).
 */
export function squaredEdtInPlace(f: Float64Array, shape: Shape3, spacing: readonly [number, number, number]): void {
  const [Z, Y, X] = shape;
  const len = Math.max(Z, Y, X);
  const line = new Float64Array(len);
  const out = new Float64Array(len);
  const v = new Int32Array(len);
  const bound = new Float64Array(len + 1);
  const YX = Y * X;
  // x: contiguous rows.
  if (spacing[2] !== Infinity && X > 1) {
    for (let base = 0; base < Z * YX; base += X) {
      for (let x = 0; x < X; x++) line[x] = f[base + x];
      envelope(line, X, spacing[2], out, v, bound);
      for (let x = 0; x < X; x++) f[base + x] = out[x];
    }
  }
  // y: stride X.
  if (spacing[1] !== Infinity && Y > 1) {
    for (let z = 0; z < Z; z++) {
      for (let x = 0; x < X; x++) {
        const base = z * YX + x;
        for (let y = 0; y < Y; y++) line[y] = f[base + y * X];
        envelope(line, Y, spacing[1], out, v, bound);
        for (let y = 0; y < Y; y++) f[base + y * X] = out[y];
      }
    }
  }
  // z: stride Y * X.
  if (spacing[0] !== Infinity && Z > 1) {
    for (let p = 0; p < YX; p++) {
      for (let z = 0; z < Z; z++) line[z] = f[p + z * YX];
      envelope(line, Z, spacing[0], out, v, bound);
      for (let z = 0; z < Z; z++) f[p + z * YX] = out[z];
    }
  }
}

/**
 * 1-D lower envelope of the parabolas `(w * (p - q))^2 + f[q]` for the finite `f[q]`,
 * sampled at `p = 0..n-1` into `d`. `v` and `bound` are scratch (n and n + 1 long).
 */
function envelope(f: Float64Array, n: number, w: number, d: Float64Array, v: Int32Array, bound: Float64Array): void {
  let k = -1;
  for (let q = 0; q < n; q++) {
    const fq = f[q];
    if (fq === Infinity) continue;
    const pq = q * w;
    const hq = fq + pq * pq;
    if (k < 0) {
      k = 0;
      v[0] = q;
      bound[0] = -Infinity;
      bound[1] = Infinity;
      continue;
    }
    let s = 0;
    for (;;) {
      const r = v[k];
      const pr = r * w;
      s = (hq - (f[r] + pr * pr)) / (2 * (pq - pr));
      if (s > bound[k]) break;
      k--;
    }
    k++;
    v[k] = q;
    bound[k] = s;
    bound[k + 1] = Infinity;
  }
  if (k < 0) {
    for (let p = 0; p < n; p++) d[p] = Infinity;
    return;
  }
  k = 0;
  for (let p = 0; p < n; p++) {
    const pp = p * w;
    while (bound[k + 1] < pp) k++;
    const r = v[k];
    const dr = pp - r * w;
    d[p] = dr * dr + f[r];
  }
}
