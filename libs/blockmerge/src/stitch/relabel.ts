import type { LabelArray } from '@saber/imaging';

/**
 * Renumbers a labelling `1..count` in raster order of each label's first voxel (0 stays 0):
 * the numbering the stitcher and `connectedComponents` give, so two labellings of the same
 * partition become identical arrays. Uses a `Map` from label to new id.
 */
export function relabelByFirstVoxel(labels: LabelArray): { labels: Uint32Array; count: number } {
  const out = new Uint32Array(labels.length);
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
