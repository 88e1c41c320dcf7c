import { ImagingOptionError } from '../errors/imaging-errors';
import { nativeKernels } from '../native/native-kernels';

/** Unsigned integer labels: what {@link labelMax} and {@link mapLabels} read. */
export type UnsignedLabels = Uint8Array | Uint8ClampedArray | Uint16Array | Uint32Array;

/** True for the label arrays {@link labelMax} and {@link mapLabels} read. */
export function isUnsignedLabels(labels: ArrayBufferView): labels is UnsignedLabels {
  return labels instanceof Uint8Array || labels instanceof Uint8ClampedArray || labels instanceof Uint16Array || labels instanceof Uint32Array;
}

function unsigned(labels: ArrayBufferView, what: string): asserts labels is UnsignedLabels {
  if (!isUnsignedLabels(labels)) {
    throw new ImagingOptionError(`${what}: labels must be a Uint8Array, Uint8ClampedArray, Uint16Array or Uint32Array, got ${labels.constructor.name}`);
  }
}

/** The largest label (0 for none or an empty array). One sweep; the native loop is vectorized. */
export function labelMax(labels: UnsignedLabels): number {
  unsigned(labels, 'labelMax');
  const native = nativeKernels();
  if (native) return native.labelMax(labels);
  let max = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i]! > max) max = labels[i]!;
  return max;
}

/**
 * Maps labels through a table: `out[i] = ids[i] === 0 ? 0 : table[ids[i]]` (`table[0]` is never
 * read, so a table may be a window of a larger one). Returns -1, or the index of the first id
 * that is not below `table.length`; then nothing is written.
 */
export function mapLabels(ids: UnsignedLabels, table: Uint32Array, out: Uint32Array): number {
  unsigned(ids, 'mapLabels');
  if (out.length !== ids.length) throw new ImagingOptionError(`mapLabels: out holds ${out.length} labels, ids ${ids.length}`);
  const native = nativeKernels();
  if (native) return native.mapLabels(ids, table, out);
  const n = ids.length;
  const top = table.length;
  for (let i = 0; i < n; i++) if (ids[i]! >= top) return i;
  for (let i = 0; i < n; i++) {
    const l = ids[i]!;
    out[i] = l === 0 ? 0 : table[l]!;
  }
  return -1;
}
