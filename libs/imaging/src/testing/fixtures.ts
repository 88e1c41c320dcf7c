import { mulberry32 } from '../classify/random';
import type { Shape3 } from '../core/volume.types';

/** Deterministic PRNG (mulberry32) in [0, 1), for reproducible random test volumes. */
export const prng = mulberry32;

/** A random 0/1 mask with the given foreground fraction. */
export function randomMask(rand: () => number, shape: Shape3, fraction: number): Uint8Array {
  const m = new Uint8Array(shape[0] * shape[1] * shape[2]);
  for (let i = 0; i < m.length; i++) m[i] = rand() < fraction ? 1 : 0;
  return m;
}

/** Random integer labels in `0..max`. */
export function randomLabels(rand: () => number, shape: Shape3, max: number): Uint32Array {
  const m = new Uint32Array(shape[0] * shape[1] * shape[2]);
  for (let i = 0; i < m.length; i++) m[i] = Math.floor(rand() * (max + 1));
  return m;
}

/** A random shape with each axis in `1..max`. */
export function randomShape(rand: () => number, max: readonly [number, number, number]): Shape3 {
  return [1 + Math.floor(rand() * max[0]), 1 + Math.floor(rand() * max[1]), 1 + Math.floor(rand() * max[2])];
}

/** Linear index of `(z, y, x)`. */
export function at(shape: Shape3, z: number, y: number, x: number): number {
  return (z * shape[1] + y) * shape[2] + x;
}

/** Largest absolute difference between two arrays of equal length. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    const d = Math.abs(a[i] - b[i]);
    if (d > m || Number.isNaN(d)) m = Number.isNaN(d) ? Infinity : d;
  }
  return m;
}
