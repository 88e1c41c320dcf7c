import type { Direction } from '../samplers/sampler.types';

/** How the per-block values of a trial with a block sweep become its score. */
export const AGGREGATIONS = ['mean', 'sum', 'voxel-weighted'] as const;
/** One of {@link AGGREGATIONS}. */
export type Aggregation = (typeof AGGREGATIONS)[number];

/**
 * The trial's score from its blocks' values: `mean`, `sum`, or `voxel-weighted` (the
 * mean weighted by each block's core voxels, so that the truncated blocks at the
 * volume's edge count by their size). `weights` are the blocks' core voxel counts.
 */
export function aggregate(values: readonly number[], weights: readonly number[], how: Aggregation): number {
  if (values.length === 0) return Number.NaN;
  if (how === 'sum') return values.reduce((s, v) => s + v, 0);
  if (how === 'mean') return values.reduce((s, v) => s + v, 0) / values.length;
  let num = 0;
  let den = 0;
  values.forEach((v, i) => {
    num += v * weights[i]!;
    den += weights[i]!;
  });
  return num / den;
}

/** A partly finished block sweep: the values of the blocks done and the weights of the blocks still to come. */
export interface PartialTrial {
  values: readonly number[];
  weights: readonly number[];
  remainingWeights: readonly number[];
}

/**
 * The best score the trial can still reach: every remaining block at the metric's
 * best possible value (`bounds[1]` when maximizing, `bounds[0]` when minimizing).
 */
export function bestReachable(partial: PartialTrial, how: Aggregation, bounds: readonly [number, number], direction: Direction): number {
  const ideal = direction === 'maximize' ? bounds[1] : bounds[0];
  return aggregate([...partial.values, ...partial.remainingWeights.map(() => ideal)], [...partial.weights, ...partial.remainingWeights], how);
}

/**
 * True when the trial cannot beat `best` any more, whatever its remaining blocks
 * score within `bounds`: early stopping may then prune it. A tie is not a win.
 */
export function cannotBeat(partial: PartialTrial, best: number, how: Aggregation, bounds: readonly [number, number], direction: Direction): boolean {
  if (partial.remainingWeights.length === 0) return false;
  const reach = bestReachable(partial, how, bounds, direction);
  return direction === 'maximize' ? reach <= best : reach >= best;
}
