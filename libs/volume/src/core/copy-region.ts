/**
 * The one copy kernel every driver uses: move the voxels of a region between two
 * arrays that each hold some box of the volume, with explicit strides. Rows along the
 * last axis are copied with `TypedArray.set` when both sides are contiguous there.
 */
import type { BBox, VolumeArray } from '../volume.types';
import { bboxShape } from './bbox';

/** An array holding the voxels of `box`; `strides` in elements (default: C order of the box). */
export interface Block {
  data: VolumeArray;
  box: BBox;
  strides?: readonly number[];
}

type Indexable = { [i: number]: number | bigint };

/** Element strides of a C-order array of `shape`. */
export function cStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** Copies `region` (volume coordinates, inside both boxes) from `src` into `dst`. Both must share a dtype. */
export function copyRegion(src: Block, dst: Block, region: BBox): void {
  const n = region.start.length;
  const size = bboxShape(region);
  const ss = src.strides ?? cStrides(bboxShape(src.box));
  const ds = dst.strides ?? cStrides(bboxShape(dst.box));
  let sBase = 0;
  let dBase = 0;
  for (let i = 0; i < n; i++) {
    sBase += (region.start[i] - src.box.start[i]) * ss[i];
    dBase += (region.start[i] - dst.box.start[i]) * ds[i];
  }
  const rowLen = size[n - 1];
  const sRow = ss[n - 1];
  const dRow = ds[n - 1];
  const contiguous = sRow === 1 && dRow === 1;
  const s = src.data as unknown as Indexable & Float64Array;
  const d = dst.data as unknown as Indexable & Float64Array;
  const counter = new Array<number>(Math.max(n - 1, 0)).fill(0);
  let so = sBase;
  let doff = dBase;
  for (;;) {
    if (contiguous) {
      d.set(s.subarray(so, so + rowLen), doff);
    } else {
      for (let k = 0; k < rowLen; k++) d[doff + k * dRow] = s[so + k * sRow];
    }
    let axis = n - 2;
    while (axis >= 0) {
      counter[axis]++;
      so += ss[axis];
      doff += ds[axis];
      if (counter[axis] < size[axis]) break;
      so -= ss[axis] * size[axis];
      doff -= ds[axis] * size[axis];
      counter[axis] = 0;
      axis--;
    }
    if (axis < 0) return;
  }
}
