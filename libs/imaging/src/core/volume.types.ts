/**
 * Types shared by the kernels. Volumes are flat C-order typed arrays of shape `(Z, Y, X)`:
 * voxel `(z, y, x)` is `data[(z * Y + y) * X + x]`, as in `@saber/volume`.
 */

/** `(Z, Y, X)`, slowest axis first. */
export type Shape3 = readonly [number, number, number];

/** A per-axis value in `(z, y, x)` order (sigma, radius, voxel size), or one value for all axes. */
export type PerAxis = number | readonly [number, number, number];

/** Face (6), face+edge (18) or face+edge+corner (26) neighbourhood. */
export type Connectivity = 6 | 18 | 26;

/** The number typed arrays (every `@saber/volume` dtype except the 64-bit integers). */
export type NumericArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array;

/** The 64-bit integer arrays `@saber/volume` returns for `int64` / `uint64` volumes. */
export type BigIntArray = BigInt64Array | BigUint64Array;

/** Any label volume: number arrays and 64-bit integer arrays (compared by value, never cast). */
export type LabelArray = NumericArray | BigIntArray;

/** Floating-point output types of the float kernels. */
export type FloatDtype = 'float32' | 'float64';

/** A floating-point output array. */
export type FloatArray = Float32Array | Float64Array;

/** A labelling: `labels[i]` in `0..count`, 0 = background. */
export interface Labeling {
  /** One label per voxel, C order; 0 is background. */
  readonly labels: Uint32Array;
  /** Number of labels; they are exactly `1..count`. */
  readonly count: number;
}
