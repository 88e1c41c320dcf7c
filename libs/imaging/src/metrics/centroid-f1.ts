import { voxelCount } from '../core/shape';
import type { Shape3 } from '../core/volume.types';
import { ImagingOptionError } from '../errors/imaging-errors';
import { detectionScores, type DetectionScores } from './detection-scores';

/** A point `(z, y, x)` in voxel coordinates (centroids may be fractional). */
export type Point3 = readonly [number, number, number];

/** Options of {@link centroidF1}. */
export interface CentroidF1Options {
  /** Volume shape `(Z, Y, X)` the points lie in. */
  readonly shape: Shape3;
  /** Template (cell) size in voxels: the border margin and the matching distance. */
  readonly templateSize: number;
}

/**
 * Centroid-matching F1 of a cell detection (Dyer et al. 2017, the SABER/xbrain `f1_centroid3D`
 * protocol): points within one template size of the border are dropped from both lists
 * (a point is kept when `t < p_a < shape_a - t` on every axis, as xbrain's `pad3D`); then
 * predicted and true points are matched one-to-one greedily: all pairs at Euclidean distance
 * `<= t` in increasing distance (ties: lower truth index, then lower prediction index), a pair
 * taken when both ends are still free. Precision = matched / kept predictions, recall = matched
 * / kept truth (the standard definitions; xbrain's own formula for recall differs). O(P * T).
 */
export function centroidF1(predicted: readonly Point3[], truth: readonly Point3[], options: CentroidF1Options): DetectionScores {
  voxelCount(options.shape);
  const t = options.templateSize;
  if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) {
    throw new ImagingOptionError(`templateSize must be a finite number >= 0, got ${JSON.stringify(t)}`);
  }
  const pred = predicted.filter((p) => inside(p, options.shape, t));
  const gt = truth.filter((p) => inside(p, options.shape, t));
  const dist: number[] = [];
  const pairTruth: number[] = [];
  const pairPred: number[] = [];
  const t2 = t * t;
  for (let i = 0; i < gt.length; i++) {
    for (let j = 0; j < pred.length; j++) {
      const dz = gt[i][0] - pred[j][0];
      const dy = gt[i][1] - pred[j][1];
      const dx = gt[i][2] - pred[j][2];
      const d2 = dz * dz + dy * dy + dx * dx;
      if (d2 > t2) continue;
      dist.push(d2);
      pairTruth.push(i);
      pairPred.push(j);
    }
  }
  const order = Array.from(dist.keys()).sort((a, b) => dist[a] - dist[b] || pairTruth[a] - pairTruth[b] || pairPred[a] - pairPred[b]);
  const truthUsed = new Uint8Array(gt.length);
  const predUsed = new Uint8Array(pred.length);
  let matched = 0;
  for (const k of order) {
    if (truthUsed[pairTruth[k]] || predUsed[pairPred[k]]) continue;
    truthUsed[pairTruth[k]] = 1;
    predUsed[pairPred[k]] = 1;
    matched++;
  }
  return detectionScores(matched, pred.length, gt.length);
}

function inside(p: Point3, shape: Shape3, t: number): boolean {
  for (let a = 0; a < 3; a++) if (!(p[a] > t && p[a] < shape[a] - t)) return false;
  return true;
}
