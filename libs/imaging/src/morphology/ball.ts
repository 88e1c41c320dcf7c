import { perAxis } from '../core/shape';
import type { PerAxis } from '../core/volume.types';

/**
 * Slack of the ball test: a lattice point is inside when `sum (d_a / r_a)^2 <= 1 + BALL_EPSILON`.
 * It absorbs rounding (1/9 + 4/9 + 4/9 must count as 1) and is far below the gap to the next
 * lattice point for any practical radius, so an integer isotropic radius `r` gives exactly
 * `skimage.morphology.ball(r)`.
 */
export const BALL_EPSILON = 1e-9;

/** A structuring element as parallel offset arrays `(dz[k], dy[k], dx[k])`, raster order. */
export interface StructuringElement {
  readonly dz: Int32Array;
  readonly dy: Int32Array;
  readonly dx: Int32Array;
  readonly size: number;
  /** Radius per axis `(z, y, x)` in voxels. */
  readonly radius: readonly [number, number, number];
}

/**
 * The ellipsoidal ball of radius `(rz, ry, rx)` voxels (one number: a sphere): every offset
 * with `(dz/rz)^2 + (dy/ry)^2 + (dx/rx)^2 <= 1`; an axis of radius 0 admits only offset 0
 * there (radius `[0, r, r]` is a 2-D disk in each z-slice). Radii may be fractional.
 */
export function ball(radius: PerAxis): StructuringElement {
  const r = perAxis('radius', radius, 0);
  const ext = r.map((v) => Math.floor(v + BALL_EPSILON));
  const dz: number[] = [];
  const dy: number[] = [];
  const dx: number[] = [];
  for (let z = -ext[0]; z <= ext[0]; z++) {
    for (let y = -ext[1]; y <= ext[1]; y++) {
      for (let x = -ext[2]; x <= ext[2]; x++) {
        if (inBall(z, y, x, r)) {
          dz.push(z);
          dy.push(y);
          dx.push(x);
        }
      }
    }
  }
  return { dz: Int32Array.from(dz), dy: Int32Array.from(dy), dx: Int32Array.from(dx), size: dz.length, radius: r };
}

/** The ball membership test of {@link ball}. */
export function inBall(dz: number, dy: number, dx: number, r: readonly [number, number, number]): boolean {
  return term(dz, r[0]) + term(dy, r[1]) + term(dx, r[2]) <= 1 + BALL_EPSILON;
}

function term(d: number, r: number): number {
  if (d === 0) return 0;
  return r === 0 ? Infinity : (d * d) / (r * r);
}
