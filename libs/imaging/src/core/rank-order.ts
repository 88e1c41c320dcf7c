import type { NumericArray } from './volume.types';

/**
 * Voxel indices sorted by `(value, index)`: `order[k]` is the voxel of rank `k`. Values are
 * mapped to order-preserving unsigned keys (IEEE-754 bit trick, `-0` folded into `+0`) and
 * sorted by a stable LSD radix sort with 16-bit digits, so equal values stay in index order.
 * Types whose values are all exact in float32 (float32 and the 8/16-bit integers) use 32-bit
 * keys (2 passes, 16 bytes of scratch per voxel); float64 and 32-bit integers use 64-bit keys
 * (up to 4 passes, 24 bytes per voxel). Passes whose digit is the same for every voxel are
 * skipped. O(N) per pass. NaN must be excluded by the caller (it would sort above +Infinity).
 */
export function rankOrder(values: NumericArray): Uint32Array {
  const n = values.length;
  const wide = values instanceof Float64Array || values instanceof Int32Array || values instanceof Uint32Array;
  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  if (!wide) {
    const key = new Uint32Array(n);
    const f = new Float32Array(1);
    const u = new Uint32Array(f.buffer);
    for (let i = 0; i < n; i++) {
      f[0] = values[i] + 0; // -0 + 0 === +0
      const b = u[0];
      key[i] = b & 0x80000000 ? ~b >>> 0 : (b | 0x80000000) >>> 0;
    }
    return radixSort(idx, [key]);
  }
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  const f = new Float64Array(1);
  const u = new Uint32Array(f.buffer);
  for (let i = 0; i < n; i++) {
    f[0] = values[i] + 0;
    const h = u[1];
    if (h & 0x80000000) {
      hi[i] = ~h >>> 0;
      lo[i] = ~u[0] >>> 0;
    } else {
      hi[i] = (h | 0x80000000) >>> 0;
      lo[i] = u[0];
    }
  }
  return radixSort(idx, [lo, hi]);
}

/** Stable LSD radix sort of `idx` by the key words (least significant word first). */
function radixSort(idx: Uint32Array, words: Uint32Array[]): Uint32Array {
  const n = idx.length;
  let a: Uint32Array = idx;
  let b: Uint32Array = new Uint32Array(n);
  let w: Uint32Array[] = words;
  let w2: Uint32Array[] = words.map(() => new Uint32Array(n));
  const count = new Uint32Array(65536);
  for (let pass = 0; pass < 2 * words.length; pass++) {
    const word = w[pass >> 1];
    const shift = (pass & 1) * 16;
    count.fill(0);
    for (let i = 0; i < n; i++) count[(word[i] >>> shift) & 0xffff]++;
    if (n === 0 || count[(word[0] >>> shift) & 0xffff] === n) continue;
    let sum = 0;
    for (let d = 0; d < 65536; d++) {
      const c = count[d];
      count[d] = sum;
      sum += c;
    }
    const w0 = w[0];
    const d0 = w2[0];
    if (w.length === 1) {
      for (let i = 0; i < n; i++) {
        const p = count[(word[i] >>> shift) & 0xffff]++;
        b[p] = a[i];
        d0[p] = w0[i];
      }
    } else {
      const w1 = w[1];
      const d1 = w2[1];
      for (let i = 0; i < n; i++) {
        const p = count[(word[i] >>> shift) & 0xffff]++;
        b[p] = a[i];
        d0[p] = w0[i];
        d1[p] = w1[i];
      }
    }
    [a, b] = [b, a];
    [w, w2] = [w2, w];
  }
  return a;
}
