import type { LabelArray } from '@saber/imaging';

/**
 * Renumbers a labelling `1..count` in raster order of each label's first voxel (0 stays 0):
 * the numbering the stitcher and `connectedComponents` give, so two labellings of the same
 * partition become identical arrays. A lookup table for small unsigned labels, else a `Map`.
 */
export function relabelByFirstVoxel(labels: LabelArray): { labels: Uint32Array; count: number } {
  const out = new Uint32Array(labels.length);
  if (labels instanceof Uint32Array || labels instanceof Uint16Array || labels instanceof Uint8Array) {
    let max = 0;
    for (let i = 0; i < labels.length; i++) if (labels[i]! > max) max = labels[i]!;
    if (max <= 4 * labels.length + 1024) {
      const id = new Uint32Array(max + 1);
      let count = 0;
      for (let i = 0; i < labels.length; i++) {
        const l = labels[i]!;
        if (l === 0) continue;
        out[i] = id[l] || (id[l] = ++count);
      }
      return { labels: out, count };
    }
  }
  const ids = new Map<number | bigint, number>();
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (l === 0 || l === 0n) continue;
    let id = ids.get(l);
    if (id === undefined) ids.set(l, (id = ids.size + 1));
    out[i] = id;
  }
  return { labels: out, count: ids.size };
}
