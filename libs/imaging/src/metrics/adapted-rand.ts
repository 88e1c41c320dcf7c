import type { LabelArray } from '../core/volume.types';
import { contingencyTable } from './contingency';

/** Adapted Rand error and its precision and recall. */
export interface AdaptedRand {
  /** `1 - F`, F the harmonic mean of precision and recall. */
  readonly error: number;
  readonly precision: number;
  readonly recall: number;
}

/**
 * Adapted Rand error exactly as CREMI's `adapted_rand` (SNEMI3D definition). With `p_ij` the
 * voxel counts of ground-truth label `i` and segmentation label `j` over all `n` voxels:
 * ground-truth label 0 is left out (rows `i >= 1` only), segmentation label 0 inside the
 * ground truth counts as singletons, and
 * `sumA = sum_i (sum_j p_ij)^2`, `sumB = sum_{j>=1} (sum_{i>=1} p_ij)^2 + c / n`,
 * `sumAB = sum_{i>=1, j>=1} p_ij^2 + c / n`, where `c` counts voxels with `i >= 1, j = 0` and
 * `n` is every voxel (label 0 of the ground truth included);
 * precision `sumAB / sumB`, recall `sumAB / sumA`. A ground truth without any non-zero voxel
 * gives NaN (CREMI divides by zero there).
 */
export function adaptedRand(seg: LabelArray, gt: LabelArray): AdaptedRand {
  const t = contingencyTable(seg, gt, { ignoreSegmentation: [], ignoreGroundTruth: [0] });
  const n = seg.length;
  const zeroSeg = t.segValues.findIndex((v) => v === 0 || v === 0n);
  let sumAB = 0;
  let c = 0;
  for (let k = 0; k < t.cellCount.length; k++) {
    const v = t.cellCount[k];
    if (t.cellSeg[k] === zeroSeg) {
      c += v;
      continue;
    }
    sumAB += v * v;
  }
  let sumA = 0;
  for (let g = 0; g < t.gtTotals.length; g++) sumA += t.gtTotals[g] * t.gtTotals[g];
  let sumB = 0;
  for (let s = 0; s < t.segTotals.length; s++) {
    if (s === zeroSeg) continue;
    sumB += t.segTotals[s] * t.segTotals[s];
  }
  sumB += c / n;
  sumAB += c / n;
  const precision = sumAB / sumB;
  const recall = sumAB / sumA;
  const error = 1 - (2 * precision * recall) / (precision + recall);
  return { error, precision, recall };
}
