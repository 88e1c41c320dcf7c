/**
 * Test helpers shared by the drivers' specs: temporary directories, deterministic random
 * volumes of every dtype, and a brute-force box extraction to compare reads against.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allocate, arrayCtor } from '../core/dtype';
import type { BBox, Dtype, VolumeArray } from '../volume.types';

/** A fresh temporary directory; `cleanup` removes it. */
export async function tempDir(prefix = 'saber-volume-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** mulberry32: a small deterministic PRNG in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `length` random values covering the dtype's range (64-bit values above 2^53 included). */
export function randomArray(dtype: Dtype, length: number, seed = 1): VolumeArray {
  const rand = prng(seed);
  const out = allocate(dtype, length);
  const bits = arrayCtor(dtype).BYTES_PER_ELEMENT * 8;
  for (let i = 0; i < length; i++) {
    if (dtype === 'uint64') (out as BigUint64Array)[i] = (BigInt(Math.floor(rand() * 2 ** 32)) << 32n) | BigInt(Math.floor(rand() * 2 ** 32));
    else if (dtype === 'int64') (out as BigInt64Array)[i] = BigInt.asIntN(64, (BigInt(Math.floor(rand() * 2 ** 32)) << 32n) | BigInt(Math.floor(rand() * 2 ** 32)));
    else if (dtype.startsWith('float')) (out as Float64Array)[i] = (rand() - 0.5) * 1e6;
    else if (dtype.startsWith('uint')) (out as Uint32Array)[i] = Math.floor(rand() * 2 ** bits);
    else (out as Int32Array)[i] = Math.floor(rand() * 2 ** bits) - 2 ** (bits - 1);
  }
  return out;
}

/** The voxels of `box` from a C-order array of `shape`, one voxel at a time (the reference for reads). */
export function extractBox(data: VolumeArray, shape: readonly number[], box: BBox): VolumeArray {
  const size = box.start.map((s, i) => box.stop[i] - s);
  const n = size.reduce((a, b) => a * b, 1);
  const out = new (data.constructor as new (n: number) => VolumeArray)(n);
  const idx = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < n; k++) {
    let rem = k;
    for (let a = shape.length - 1; a >= 0; a--) {
      idx[a] = box.start[a] + (rem % size[a]);
      rem = Math.floor(rem / size[a]);
    }
    let off = 0;
    for (let a = 0; a < shape.length; a++) off = off * shape[a] + idx[a];
    (out as unknown as Float64Array)[k] = (data as unknown as Float64Array)[off];
  }
  return out;
}

/** Writes `values` (C order, `box`'s shape) into `data` of `shape`, one voxel at a time. */
export function pasteBox(data: VolumeArray, shape: readonly number[], box: BBox, values: VolumeArray): void {
  const size = box.start.map((s, i) => box.stop[i] - s);
  const idx = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < values.length; k++) {
    let rem = k;
    for (let a = shape.length - 1; a >= 0; a--) {
      idx[a] = box.start[a] + (rem % size[a]);
      rem = Math.floor(rem / size[a]);
    }
    let off = 0;
    for (let a = 0; a < shape.length; a++) off = off * shape[a] + idx[a];
    (data as unknown as Float64Array)[off] = (values as unknown as Float64Array)[k];
  }
}
