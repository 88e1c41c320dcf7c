/**
 * The `.npy` header (format versions 1.0, 2.0, 3.0): magic `\x93NUMPY`, version, header
 * length, then a Python dict literal `{'descr': '<u2', 'fortran_order': False, 'shape': (3, 4), }`
 * padded with spaces to a multiple of 64 bytes and ended by `\n`.
 */
import { dtypeFromKind, NUMPY_DESCR } from '../../core/dtype';
import { VolumeCorruptError, VolumeDtypeError, VolumeUnsupportedError } from '../../errors/volume-errors';
import type { Dtype } from '../../volume.types';

/** What a `.npy` header says. */
export interface NpyHeader {
  dtype: Dtype;
  /** numpy's shape, as written in the header. */
  shape: number[];
  fortranOrder: boolean;
  /** Byte offset of the data. */
  dataOffset: number;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

/** Bytes to read so that any header of up to 64 KiB is covered by `parseNpyHeader`. */
export const NPY_PROBE_BYTES = 65536 + 12;

/** Parses the header at the start of `bytes` (which may hold more). */
export function parseNpyHeader(uri: string, bytes: Uint8Array): NpyHeader {
  const corrupt = (problem: string) => new VolumeCorruptError(uri, 'header', problem);
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw corrupt('not a .npy file (bad magic)');
  const major = bytes[6];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let start: number;
  if (major === 1) {
    headerLen = dv.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw corrupt('truncated header');
    headerLen = dv.getUint32(8, true);
    start = 12;
  } else {
    throw new VolumeUnsupportedError(uri, `.npy format version ${major}.${bytes[7]} is not supported (1.0, 2.0, 3.0 are)`);
  }
  if (bytes.length < start + headerLen) throw corrupt('truncated header');
  const text = Buffer.from(bytes.subarray(start, start + headerLen)).toString(major === 3 ? 'utf8' : 'latin1');
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw corrupt(`unreadable header ${JSON.stringify(text.trim())}`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  if (shape.some((s) => !Number.isInteger(s) || s < 0)) throw corrupt(`bad shape (${shapeText})`);
  const m = /^([<>|=])([a-zA-Z])(\d+)$/.exec(descr);
  const dtype = m ? dtypeFromKind(m[2], Number(m[3])) : undefined;
  if (!m || !dtype) throw new VolumeDtypeError(uri, `numpy dtype '${descr}' is not supported (unsigned/signed integers and floats of 1-8 bytes are)`);
  if (m[1] === '>' && Number(m[3]) > 1) throw new VolumeUnsupportedError(uri, `big-endian numpy dtype '${descr}' is not supported`);
  return { dtype, shape, fortranOrder: fortran === 'True', dataOffset: start + headerLen };
}

/** A version 1.0 (or 2.0 when longer than 64 KiB) header for a C-order array. */
export function formatNpyHeader(dtype: Dtype, shape: readonly number[]): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${NUMPY_DESCR[dtype]}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const v1 = dict.length + 11 < 65536 - 64;
  const prefix = v1 ? 10 : 12;
  const total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  const out = new Uint8Array(total);
  out.set(MAGIC, 0);
  out[6] = v1 ? 1 : 2;
  out[7] = 0;
  const dv = new DataView(out.buffer);
  if (v1) dv.setUint16(8, total - prefix, true);
  else dv.setUint32(8, total - prefix, true);
  const body = `${dict}${' '.repeat(total - prefix - dict.length - 1)}\n`;
  out.set(Buffer.from(body, 'latin1'), prefix);
  return out;
}
