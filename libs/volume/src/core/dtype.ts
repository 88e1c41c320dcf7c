/**
 * The dtype table: element size, typed-array constructor, and each format's name
 * for the type. Byte order on disk is little-endian everywhere (the host is assumed
 * little-endian, as every platform Node supports for SABER is).
 */
import { VolumeDtypeError } from '../errors/volume-errors';
import type { Dtype, DtypeArrayMap, VolumeArray } from '../volume.types';

/** Constructor of a typed array of one dtype. */
export interface TypedArrayCtor<T extends VolumeArray = VolumeArray> {
  new (length: number): T;
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): T;
  readonly BYTES_PER_ELEMENT: number;
}

/** Every supported dtype, in a stable order. */
export const DTYPES: readonly Dtype[] = ['uint8', 'uint16', 'uint32', 'uint64', 'int8', 'int16', 'int32', 'int64', 'float32', 'float64'];

const CTORS: { [D in Dtype]: TypedArrayCtor<DtypeArrayMap[D]> } = {
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  uint64: BigUint64Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  int64: BigInt64Array,
  float32: Float32Array,
  float64: Float64Array,
};

/** True for a name in {@link DTYPES}. */
export function isDtype(value: unknown): value is Dtype {
  return typeof value === 'string' && (DTYPES as readonly string[]).includes(value);
}

/** The typed-array constructor of `dtype`. */
export function arrayCtor<D extends Dtype>(dtype: D): TypedArrayCtor<DtypeArrayMap[D]> {
  return CTORS[dtype];
}

/** Bytes per element. */
export function dtypeSize(dtype: Dtype): number {
  return CTORS[dtype].BYTES_PER_ELEMENT;
}

/** A zero-filled array of `length` elements. */
export function allocate(dtype: Dtype, length: number): VolumeArray {
  return new CTORS[dtype](length);
}

/** The dtype of a typed array, or undefined for other values (including `Uint8ClampedArray`). */
export function dtypeOf(data: unknown): Dtype | undefined {
  for (const d of DTYPES) if (data instanceof CTORS[d] && data.constructor === CTORS[d]) return d;
  return undefined;
}

/**
 * A typed view of little-endian `bytes`; copies only when `bytes` is not aligned to the
 * element size. Throws `VolumeCorruptError`-worthy mismatches to the caller via the result length.
 */
export function viewAs(dtype: Dtype, bytes: Uint8Array): VolumeArray {
  const ctor = CTORS[dtype];
  const size = ctor.BYTES_PER_ELEMENT;
  const length = Math.floor(bytes.byteLength / size);
  if (bytes.byteOffset % size === 0) return new ctor(bytes.buffer, bytes.byteOffset, length);
  const copy = new Uint8Array(length * size);
  copy.set(bytes.subarray(0, length * size));
  return new ctor(copy.buffer, 0, length);
}

/** The bytes of a typed array (a view, no copy). */
export function bytesOf(data: VolumeArray): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Throws `VolumeDtypeError` unless `dtype` is in `allowed`; `format` names the format in the message. */
export function requireDtype(uri: string, dtype: Dtype, allowed: readonly Dtype[], format: string): void {
  if (!allowed.includes(dtype)) {
    throw new VolumeDtypeError(uri, `dtype ${dtype} is not supported by ${format} (supported: ${allowed.join(', ')})`);
  }
}

/** numpy `descr` (little-endian) of each dtype, as in `.npy` headers. */
export const NUMPY_DESCR: { [D in Dtype]: string } = {
  uint8: '|u1',
  uint16: '<u2',
  uint32: '<u4',
  uint64: '<u8',
  int8: '|i1',
  int16: '<i2',
  int32: '<i4',
  int64: '<i8',
  float32: '<f4',
  float64: '<f8',
};

/** The dtype of a numpy kind letter (`u`, `i`, `f`) and byte size, if supported. */
export function dtypeFromKind(kind: string, size: number): Dtype | undefined {
  const name = kind === 'u' ? `uint${size * 8}` : kind === 'i' ? `int${size * 8}` : kind === 'f' ? `float${size * 8}` : '';
  return isDtype(name) ? name : undefined;
}
