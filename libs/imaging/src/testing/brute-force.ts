/**
 * Deliberately naive reference implementations, for the kernel tests only: direct
 * definitions, no shared code with the kernels (own neighbourhoods, own border handling).
 */
import type { LabelArray, NumericArray, Shape3 } from '../core/volume.types';

/** Offsets `[dz, dy, dx]` of a 6/18/26 neighbourhood, straight from the definition. */
export function bruteOffsets(connectivity: number): [number, number, number][] {
  const maxOrder = connectivity === 6 ? 1 : connectivity === 18 ? 2 : 3;
  const out: [number, number, number][] = [];
  for (let z = -1; z <= 1; z++)
    for (let y = -1; y <= 1; y++)
      for (let x = -1; x <= 1; x++) {
        const o = Math.abs(z) + Math.abs(y) + Math.abs(x);
        if (o > 0 && o <= maxOrder) out.push([z, y, x]);
      }
  return out;
}

function neighbours(shape: Shape3, i: number, offsets: [number, number, number][]): number[] {
  const [Z, Y, X] = shape;
  const x = i % X;
  const y = Math.floor(i / X) % Y;
  const z = Math.floor(i / (X * Y));
  const out: number[] = [];
  for (const [dz, dy, dx] of offsets) {
    const nz = z + dz;
    const ny = y + dy;
    const nx = x + dx;
    if (nz >= 0 && nz < Z && ny >= 0 && ny < Y && nx >= 0 && nx < X) out.push((nz * Y + ny) * X + nx);
  }
  return out;
}

/** Breadth-first labelling; components numbered in raster order of their first voxel. */
export function bruteLabel(
  values: LabelArray,
  shape: Shape3,
  connectivity: number,
  sameValue: boolean,
  isForeground: (v: number | bigint) => boolean,
): { labels: number[]; count: number } {
  const offsets = bruteOffsets(connectivity);
  const labels = new Array<number>(values.length).fill(0);
  let count = 0;
  for (let s = 0; s < values.length; s++) {
    if (labels[s] !== 0 || !isForeground(values[s])) continue;
    labels[s] = ++count;
    const queue = [s];
    while (queue.length) {
      const i = queue.shift() as number;
      for (const j of neighbours(shape, i, offsets)) {
        if (labels[j] !== 0 || !isForeground(values[j])) continue;
        if (sameValue && values[j] !== values[i]) continue;
        labels[j] = count;
        queue.push(j);
      }
    }
  }
  return { labels, count };
}

/** Squared distance of every voxel to the nearest zero voxel, by exhaustive search. */
export function bruteSquaredEdt(mask: ArrayLike<number>, shape: Shape3, sampling: readonly [number, number, number]): number[] {
  const [Z, Y, X] = shape;
  const out: number[] = [];
  for (let z = 0; z < Z; z++)
    for (let y = 0; y < Y; y++)
      for (let x = 0; x < X; x++) {
        if (mask[(z * Y + y) * X + x] === 0) {
          out.push(0);
          continue;
        }
        let best = Infinity;
        for (let c = 0; c < Z; c++)
          for (let b = 0; b < Y; b++)
            for (let a = 0; a < X; a++) {
              if (mask[(c * Y + b) * X + a] !== 0) continue;
              const d = ((z - c) * sampling[0]) ** 2 + ((y - b) * sampling[1]) ** 2 + ((x - a) * sampling[2]) ** 2;
              if (d < best) best = d;
            }
        out.push(best);
      }
  return out;
}

/**
 * Seeded watershed with the documented rule and a linear-scan queue: pop the pending voxel of
 * smallest (value, index), label its unlabelled in-mask neighbours with its label, queue them.
 */
export function bruteWatershed(
  landscape: ArrayLike<number>,
  shape: Shape3,
  seeds: ArrayLike<number>,
  connectivity: number,
  mask?: ArrayLike<number>,
): number[] {
  const offsets = bruteOffsets(connectivity);
  const n = landscape.length;
  const out = new Array<number>(n).fill(0);
  const pending = new Set<number>();
  const ok = (i: number) => !mask || mask[i] !== 0;
  for (let i = 0; i < n; i++) {
    if (seeds[i] !== 0 && ok(i)) {
      out[i] = seeds[i];
      pending.add(i);
    }
  }
  while (pending.size) {
    let best = -1;
    for (const i of pending) {
      if (best < 0 || landscape[i] < landscape[best] || (landscape[i] === landscape[best] && i < best)) best = i;
    }
    pending.delete(best);
    for (const j of neighbours(shape, best, offsets)) {
      if (out[j] !== 0 || !ok(j)) continue;
      out[j] = out[best];
      pending.add(j);
    }
  }
  return out;
}

/** Regional minima from the definition: flood each plateau, check its outer neighbours. */
export function bruteRegionalMinima(landscape: ArrayLike<number>, shape: Shape3, connectivity: number, mask?: ArrayLike<number>): { labels: number[]; count: number } {
  const offsets = bruteOffsets(connectivity);
  const n = landscape.length;
  const ok = (i: number) => !mask || mask[i] !== 0;
  const seen = new Array<boolean>(n).fill(false);
  const labels = new Array<number>(n).fill(0);
  let count = 0;
  for (let s = 0; s < n; s++) {
    if (seen[s] || !ok(s)) continue;
    const v = landscape[s];
    const plateau = [s];
    seen[s] = true;
    let minimum = true;
    for (let q = 0; q < plateau.length; q++) {
      for (const j of neighbours(shape, plateau[q], offsets)) {
        if (!ok(j)) continue;
        if (landscape[j] < v) minimum = false;
        if (landscape[j] === v && !seen[j]) {
          seen[j] = true;
          plateau.push(j);
        }
      }
    }
    if (minimum) {
      count++;
      for (const j of plateau) labels[j] = count;
    }
  }
  return { labels, count };
}

/** scipy `reflect` index of `i` on an axis of length `n`. */
export function bruteReflect(i: number, n: number): number {
  for (;;) {
    if (i < 0) i = -i - 1;
    else if (i >= n) i = 2 * n - 1 - i;
    else return i;
  }
}

/** Direct 3-D convolution with the outer product of three 1-D kernels (null = identity), reflect border. */
export function bruteConvolve3d(input: ArrayLike<number>, shape: Shape3, kernels: readonly (Float64Array | null)[]): number[] {
  const [Z, Y, X] = shape;
  const k = kernels.map((kk) => kk ?? Float64Array.of(1));
  const r = k.map((kk) => (kk.length - 1) / 2);
  const out: number[] = [];
  for (let z = 0; z < Z; z++)
    for (let y = 0; y < Y; y++)
      for (let x = 0; x < X; x++) {
        let s = 0;
        for (let a = -r[0]; a <= r[0]; a++)
          for (let b = -r[1]; b <= r[1]; b++)
            for (let c = -r[2]; c <= r[2]; c++) {
              const w = k[0][a + r[0]] * k[1][b + r[1]] * k[2][c + r[2]];
              s += w * input[(bruteReflect(z - a, Z) * Y + bruteReflect(y - b, Y)) * X + bruteReflect(x - c, X)];
            }
        out.push(s);
      }
  return out;
}

/** Min (erosion) or max (dilation) over the in-volume offsets, by direct search. */
export function bruteRank(input: NumericArray | number[], shape: Shape3, offsets: readonly [number, number, number][], max: boolean): number[] {
  const [Z, Y, X] = shape;
  const out: number[] = [];
  for (let z = 0; z < Z; z++)
    for (let y = 0; y < Y; y++)
      for (let x = 0; x < X; x++) {
        let best = max ? -Infinity : Infinity;
        for (const [dz, dy, dx] of offsets) {
          const nz = z + dz;
          const ny = y + dy;
          const nx = x + dx;
          if (nz < 0 || nz >= Z || ny < 0 || ny >= Y || nx < 0 || nx >= X) continue;
          const v = input[(nz * Y + ny) * X + nx];
          best = max ? Math.max(best, v) : Math.min(best, v);
        }
        out.push(best);
      }
  return out;
}
