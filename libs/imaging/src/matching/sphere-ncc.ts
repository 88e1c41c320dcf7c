import { allocFloat, checkVolume } from '../core/shape';
import type { FloatArray, FloatDtype, NumericArray, PerAxis, Shape3 } from '../core/volume.types';
import { ballRuns, ballSumInto } from './ball-sum';

/** Options of {@link sphereNcc}. */
export interface SphereNccOptions {
  /** Output type. Default `'float32'`. */
  readonly dtype?: FloatDtype;
}

/**
 * Normalized cross-correlation of the volume with a spherical template: the template is the ball
 * of `radius` (ones) inside its bounding box (zeros), and at every voxel the Pearson correlation
 * between the template and the box-shaped window centred there is reported, in [-1, 1]
 * (`skimage.feature.match_template` with `pad_input=True` and zero padding). Windows reaching out
 * of the volume see zeros there. A flat window (variance at most 1e-12 of its mean square) gives 0.
 * Computed from three sums per voxel: the ball sum ({@link ballSum}) and box sums of the input and
 * of its square (running sums), so the cost is that of one ball sum.
 */
export function sphereNcc(input: NumericArray, shape: Shape3, radius: PerAxis, options: SphereNccOptions = {}): FloatArray {
  const n = checkVolume('input', input, shape);
  const out = allocFloat(options.dtype ?? 'float32', n);
  if (n === 0) return out;
  const runs = ballRuns(radius);
  const E = runs.extent;
  const nB = (2 * E[0] + 1) * (2 * E[1] + 1) * (2 * E[2] + 1);
  const nT = runs.size;
  const varT = nT - (nT * nT) / nB;
  const sT = new Float64Array(n);
  ballSumInto(input, shape, runs, sT);
  const sB = new Float64Array(n);
  const sB2 = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = input[i];
    sB[i] = v;
    sB2[i] = v * v;
  }
  boxSumInPlace(sB, shape, E);
  boxSumInPlace(sB2, shape, E);
  for (let i = 0; i < n; i++) {
    const varI = sB2[i] - (sB[i] * sB[i]) / nB;
    if (!(varT > 0) || !(varI > 1e-12 * sB2[i]) || !(varI > 0)) {
      out[i] = 0;
      continue;
    }
    out[i] = (sT[i] - (nT * sB[i]) / nB) / Math.sqrt(varI * varT);
  }
  return out;
}

/** Sum over the box `[-E_a, E_a]` per axis around every voxel (zeros outside), in place. */
export function boxSumInPlace(a: Float64Array, shape: Shape3, E: readonly [number, number, number]): void {
  const [Z, Y, X] = shape;
  const line = new Float64Array(Math.max(Z, Y, X) + 1);
  const strides = [Y * X, X, 1];
  const lens = [Z, Y, X];
  for (let axis = 0; axis < 3; axis++) {
    const e = E[axis];
    if (e === 0) continue;
    const len = lens[axis];
    const st = strides[axis];
    const outerA = axis === 0 ? Y * X : axis === 1 ? Z * X : Z * Y;
    for (let o = 0; o < outerA; o++) {
      // Start of the line: axis 0 lines start at o (o < YX); axis 1 at z*YX + x; axis 2 at row*X.
      const base = axis === 0 ? o : axis === 1 ? Math.floor(o / X) * Y * X + (o % X) : o * X;
      line[0] = 0;
      for (let t = 0; t < len; t++) line[t + 1] = line[t] + a[base + t * st];
      for (let t = 0; t < len; t++) a[base + t * st] = line[Math.min(len, t + e + 1)] - line[Math.max(0, t - e)];
    }
  }
}
