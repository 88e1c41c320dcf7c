import { isBigIntArray } from '../core/shape';
import type { LabelArray } from '../core/volume.types';

/** Labels renumbered densely. */
export interface CompactLabels {
  /** Per voxel: 0 when the label is ignored, else `1..count` in order of first appearance. */
  readonly ids: Uint32Array;
  /** Number of distinct kept labels. */
  readonly count: number;
  /** `values[id - 1]` is the original label of compact id `id`. */
  readonly values: (number | bigint)[];
}

/**
 * Renumbers any label volume (64-bit included, compared by value) to dense `1..count`, in
 * order of first appearance, with the labels in `ignore` mapped to 0. One pass with a `Map`
 * lookup per change of value (runs of equal labels cost one comparison).
 */
export function compactLabels(labels: LabelArray, ignore: readonly (number | bigint)[] = []): CompactLabels {
  const big = isBigIntArray(labels);
  const index = new Map<number | bigint, number>();
  for (const v of ignore) index.set(big ? BigInt(v) : Number(v), 0);
  const values: (number | bigint)[] = [];
  const n = labels.length;
  const ids = new Uint32Array(n);
  let last: number | bigint | undefined = undefined;
  let lastId = 0;
  for (let i = 0; i < n; i++) {
    const v = labels[i];
    if (v !== last) {
      let id = index.get(v);
      if (id === undefined) {
        values.push(v);
        id = values.length;
        index.set(v, id);
      }
      last = v;
      lastId = id;
    }
    ids[i] = lastId;
  }
  return { ids, count: values.length, values };
}
