import { ImagingShapeError } from '../errors/imaging-errors';
import type { FloatArray } from '../core/volume.types';
import { nativeKernels } from '../native/native-kernels';

/**
 * Eigenvalues of a field of symmetric 3x3 matrices given as six component arrays in the order
 * `[zz, zy, zx, yy, yx, xx]` (what `hessianOfGaussian` returns), written to `out[0..2]`
 * sorted **descending** per voxel (ilastik's order). Closed form (Smith 1961: trigonometric
 * solution of the characteristic cubic), float64 arithmetic; exact for diagonal matrices,
 * within about 1e-7 of the largest eigenvalue magnitude where eigenvalues nearly coincide.
 * With the native kernels (Float64 arrays) the results agree with this loop's within 1e-10 of
 * the largest eigenvalue (vectorized acos and cos; see the imaging README).
 */
export function symmetricEigenvalues3(components: readonly ArrayLike<number>[], out: readonly FloatArray[]): void {
  if (components.length !== 6 || out.length !== 3) throw new ImagingShapeError('symmetricEigenvalues3 needs 6 components [zz, zy, zx, yy, yx, xx] and 3 outputs');
  const [azz, azy, azx, ayy, ayx, axx] = components;
  const n = azz.length;
  for (const c of [...components, ...out]) if (c.length !== n) throw new ImagingShapeError('all components and outputs must have the same length');
  const [o0, o1, o2] = out;
  const native = nativeKernels();
  if (native && [...components, ...out].every((c) => c instanceof Float64Array)) {
    const f = components as Float64Array[];
    native.eigen3(f[0], f[1], f[2], f[3], f[4], f[5], o0 as Float64Array, o1 as Float64Array, o2 as Float64Array);
    return;
  }
  const TWO_PI_3 = (2 * Math.PI) / 3;
  for (let i = 0; i < n; i++) {
    const a = azz[i];
    const b = azy[i];
    const c = azx[i];
    const d = ayy[i];
    const e = ayx[i];
    const f = axx[i];
    const p1 = b * b + c * c + e * e;
    let l0: number;
    let l1: number;
    let l2: number;
    const q = (a + d + f) / 3;
    const da = a - q;
    const dd = d - q;
    const df = f - q;
    const p2 = da * da + dd * dd + df * df + 2 * p1;
    if (p1 === 0 || p2 === 0) {
      l0 = a;
      l1 = d;
      l2 = f;
    } else {
      const p = Math.sqrt(p2 / 6);
      const ip = 1 / p;
      // B = (A - qI) / p; r = det(B) / 2, clamped to [-1, 1] against rounding.
      const ba = da * ip;
      const bb = b * ip;
      const bc = c * ip;
      const bd = dd * ip;
      const be = e * ip;
      const bf = df * ip;
      let r = (ba * (bd * bf - be * be) - bb * (bb * bf - be * bc) + bc * (bb * be - bd * bc)) / 2;
      if (r < -1) r = -1;
      else if (r > 1) r = 1;
      const phi = Math.acos(r) / 3;
      l0 = q + 2 * p * Math.cos(phi);
      l2 = q + 2 * p * Math.cos(phi + TWO_PI_3);
      l1 = 3 * q - l0 - l2;
    }
    // Sort descending (the closed form already gives l0 >= l1 >= l2; the diagonal case does not).
    if (l0 < l1) {
      const t = l0;
      l0 = l1;
      l1 = t;
    }
    if (l1 < l2) {
      const t = l1;
      l1 = l2;
      l2 = t;
    }
    if (l0 < l1) {
      const t = l0;
      l0 = l1;
      l1 = t;
    }
    o0[i] = l0;
    o1[i] = l1;
    o2[i] = l2;
  }
}

/**
 * Eigenvalues of a field of symmetric 2x2 matrices `[yy, yx, xx]`, written to `out[0..1]`
 * sorted descending per voxel: `(a + c) / 2 ± sqrt(((a - c) / 2)^2 + b^2)`.
 */
export function symmetricEigenvalues2(components: readonly ArrayLike<number>[], out: readonly FloatArray[]): void {
  if (components.length !== 3 || out.length !== 2) throw new ImagingShapeError('symmetricEigenvalues2 needs 3 components [yy, yx, xx] and 2 outputs');
  const [ayy, ayx, axx] = components;
  const n = ayy.length;
  for (const c of [...components, ...out]) if (c.length !== n) throw new ImagingShapeError('all components and outputs must have the same length');
  const [o0, o1] = out;
  for (let i = 0; i < n; i++) {
    const a = ayy[i];
    const b = ayx[i];
    const c = axx[i];
    const m = (a + c) / 2;
    const h = (a - c) / 2;
    const s = Math.sqrt(h * h + b * b);
    o0[i] = m + s;
    o1[i] = m - s;
  }
}
