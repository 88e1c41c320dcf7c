import { ImagingOptionError, ImagingShapeError } from '../errors/imaging-errors';
import type { Connectivity, FloatArray, FloatDtype, LabelArray, PerAxis, Shape3 } from './volume.types';

/** Number of voxels of a shape after validating it: three non-negative integers. */
export function voxelCount(shape: Shape3): number {
  if (!Array.isArray(shape) || shape.length !== 3 || !shape.every((n) => Number.isInteger(n) && n >= 0)) {
    throw new ImagingShapeError(`shape must be three non-negative integers (z, y, x), got ${JSON.stringify(shape)}`);
  }
  return shape[0] * shape[1] * shape[2];
}

/** Validates the shape and that `data` holds exactly one value per voxel; returns the voxel count. */
export function checkVolume(name: string, data: ArrayLike<unknown>, shape: Shape3): number {
  const n = voxelCount(shape);
  if (data.length !== n) {
    throw new ImagingShapeError(`${name} has ${data.length} values, shape (${shape.join(', ')}) needs ${n}`);
  }
  return n;
}

/** Validates a connectivity option against the allowed set. */
export function checkConnectivity(connectivity: number, allowed: readonly Connectivity[] = [6, 18, 26]): Connectivity {
  if (!(allowed as readonly number[]).includes(connectivity)) {
    throw new ImagingOptionError(`connectivity must be one of ${allowed.join(', ')}, got ${connectivity}`);
  }
  return connectivity as Connectivity;
}

/** Expands a per-axis option to `[z, y, x]` and checks each value is finite and `>= min`. */
export function perAxis(name: string, value: PerAxis, min = 0): [number, number, number] {
  const v: number[] = typeof value === 'number' ? [value, value, value] : [...value];
  if (v.length !== 3 || !v.every((a) => typeof a === 'number' && Number.isFinite(a) && a >= min)) {
    throw new ImagingOptionError(`${name} must be a finite number >= ${min} or three of them (z, y, x), got ${JSON.stringify(value)}`);
  }
  return v as [number, number, number];
}

/** Allocates a zero-filled float array of `n` values. */
export function allocFloat(dtype: FloatDtype, n: number): FloatArray {
  if (dtype === 'float32') return new Float32Array(n);
  if (dtype === 'float64') return new Float64Array(n);
  throw new ImagingOptionError(`dtype must be 'float32' or 'float64', got ${JSON.stringify(dtype)}`);
}

/** True for `BigInt64Array` / `BigUint64Array`. */
export function isBigIntArray(a: LabelArray): a is BigInt64Array | BigUint64Array {
  return a instanceof BigInt64Array || a instanceof BigUint64Array;
}
