import type { LabelArray } from '../core/volume.types';
import { contingencyTable, type ContingencyOptions } from './contingency';

/** Variation of information, in bits. */
export interface VariationOfInformation {
  /** `H(S|G)`: over-segmentation (false splits). */
  readonly split: number;
  /** `H(G|S)`: under-segmentation (false merges). */
  readonly merge: number;
  /** `split + merge`. */
  readonly total: number;
}

/**
 * Variation of information between a segmentation `S` and a ground truth `G` (Meila 2003),
 * log base 2, as gala's `split_vi` and CREMI's `voi`: `split = H(S|G)`, `merge = H(G|S)`,
 * over the voxels whose labels are not ignored; by default ground-truth label 0 is ignored
 * (boundary / unlabelled) and every segmentation label, 0 included, counts. No counted voxel
 * gives 0 and 0. O(N) through {@link contingencyTable}.
 */
export function variationOfInformation(seg: LabelArray, gt: LabelArray, options: ContingencyOptions = {}): VariationOfInformation {
  const t = contingencyTable(seg, gt, options);
  let split = 0;
  let merge = 0;
  const n = t.total;
  for (let c = 0; c < t.cellCount.length; c++) {
    const nij = t.cellCount[c];
    const p = nij / n;
    split -= p * Math.log2(nij / t.gtTotals[t.cellGt[c]]);
    merge -= p * Math.log2(nij / t.segTotals[t.cellSeg[c]]);
  }
  // -0 for perfect agreement reads badly; entropies are never negative.
  split = Math.max(0, split);
  merge = Math.max(0, merge);
  return { split, merge, total: split + merge };
}
