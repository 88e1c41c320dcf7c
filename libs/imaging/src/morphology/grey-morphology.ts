import { checkVolume } from '../core/shape';
import type { NumericArray, PerAxis, Shape3 } from '../core/volume.types';
import { ball } from './ball';

/**
 * Grey erosion: each voxel becomes the minimum over the ball of {@link ball}(radius) around it,
 * restricted to voxels inside the volume (the border neither lowers nor raises anything).
 * Output has the input's type. The ball is cut into x-runs: for each `(dz, dy)` of the ball
 * the run `|dx| <= h(dz, dy)`; a sliding minimum of width `2h + 1` per row (van Herk /
 * Gil–Werman, O(1) per voxel) is computed once per distinct `h`, then the rows are combined.
 * Cost O(N * (distinct h + number of (dz, dy) runs)); three Float64 buffers.
 */
export function greyErosion<T extends NumericArray>(input: T, shape: Shape3, radius: PerAxis): T {
  return rank(input, shape, radius, false);
}

/** Grey dilation: the maximum over the ball, same conventions and cost as {@link greyErosion}. */
export function greyDilation<T extends NumericArray>(input: T, shape: Shape3, radius: PerAxis): T {
  return rank(input, shape, radius, true);
}

/** Grey opening: erosion, then dilation. */
export function greyOpening<T extends NumericArray>(input: T, shape: Shape3, radius: PerAxis): T {
  return greyDilation(greyErosion(input, shape, radius), shape, radius);
}

/** Grey closing: dilation, then erosion. */
export function greyClosing<T extends NumericArray>(input: T, shape: Shape3, radius: PerAxis): T {
  return greyErosion(greyDilation(input, shape, radius), shape, radius);
}

/** Erosion of `sign * input` (dilation = minus the erosion of minus the input). */
function rank<T extends NumericArray>(input: T, shape: Shape3, radius: PerAxis, dilate: boolean): T {
  const n = checkVolume('input', input, shape);
  const se = ball(radius);
  const [Z, Y, X] = shape;
  const sign = dilate ? -1 : 1;
  const src = new Float64Array(n);
  for (let i = 0; i < n; i++) src[i] = sign * input[i];
  const acc = Float64Array.from(src); // the centre is always in the ball
  // Runs: for each (dz, dy), the half-width h of the x-run.
  const halfWidth = new Map<string, { dz: number; dy: number; h: number }>();
  for (let k = 0; k < se.size; k++) {
    const key = `${se.dz[k]},${se.dy[k]}`;
    const run = halfWidth.get(key) ?? { dz: se.dz[k], dy: se.dy[k], h: 0 };
    run.h = Math.max(run.h, Math.abs(se.dx[k]));
    halfWidth.set(key, run);
  }
  const runs = [...halfWidth.values()];
  const widths = [...new Set(runs.map((r) => r.h))].sort((a, b) => a - b);
  const rowMin = new Float64Array(n);
  const YX = Y * X;
  for (const h of widths) {
    slidingMinRows(src, rowMin, Z * Y, X, h);
    for (const run of runs) {
      if (run.h !== h) continue;
      const { dz, dy } = run;
      for (let z = Math.max(0, -dz); z < Math.min(Z, Z - dz); z++) {
        for (let y = Math.max(0, -dy); y < Math.min(Y, Y - dy); y++) {
          const d0 = z * YX + y * X;
          const s0 = (z + dz) * YX + (y + dy) * X;
          for (let x = 0; x < X; x++) {
            const v = rowMin[s0 + x];
            if (v < acc[d0 + x]) acc[d0 + x] = v;
          }
        }
      }
    }
  }
  const out = new (input.constructor as new (n: number) => T)(n);
  for (let i = 0; i < n; i++) out[i] = sign * acc[i];
  return out;
}

/**
 * For each of `rows` rows of length `X`: `dst[x] = min(src[x - h .. x + h])`, clipped to the
 * row. Van Herk / Gil–Werman on a row padded with +Infinity: blocks of width `2h + 1`,
 * prefix minima forward, suffix minima backward, two lookups per output.
 */
function slidingMinRows(src: Float64Array, dst: Float64Array, rows: number, X: number, h: number): void {
  if (h === 0) {
    dst.set(src);
    return;
  }
  const w = 2 * h + 1;
  const L = X + 2 * h;
  const pad = new Float64Array(L);
  const fwd = new Float64Array(L);
  const bwd = new Float64Array(L);
  for (let row = 0; row < rows; row++) {
    const base = row * X;
    pad.fill(Infinity);
    for (let x = 0; x < X; x++) pad[h + x] = src[base + x];
    for (let t = 0; t < L; t++) fwd[t] = t % w === 0 ? pad[t] : Math.min(fwd[t - 1], pad[t]);
    for (let t = L - 1; t >= 0; t--) bwd[t] = t === L - 1 || (t + 1) % w === 0 ? pad[t] : Math.min(bwd[t + 1], pad[t]);
    for (let x = 0; x < X; x++) dst[base + x] = Math.min(bwd[x], fwd[x + w - 1]);
  }
}
