import type { Params } from '../space/dimension';

/** The sampling methods: the original's `grid`, `random`, `batch-grid`, plus `resampling` (the paper's) and `tpe`. */
export const SAMPLER_METHODS = ['grid', 'random', 'batch-grid', 'resampling', 'tpe'] as const;
/** One of {@link SAMPLER_METHODS}. */
export type SamplerMethod = (typeof SAMPLER_METHODS)[number];

/** Whether a larger or a smaller objective value is better. */
export type Direction = 'maximize' | 'minimize';

/** How a finished trial ended. */
export type TrialStatus = 'succeeded' | 'failed' | 'pruned';

/** A finished trial as the samplers see it. */
export interface Observation {
  /** Trial number (0-based). */
  trial: number;
  params: Params;
  status: TrialStatus;
  /** The objective value (only for `succeeded`). */
  value?: number;
}

/** What a sampler knows when it proposes trial `trial`. */
export interface SuggestInput {
  /** The trial to propose (0-based); trials are proposed in order. */
  trial: number;
  /** Every finished trial, in any order. */
  observations: readonly Observation[];
  /** Parameters of the trials proposed but not finished (running in parallel). */
  pending: readonly Params[];
}

/**
 * Proposes the parameters of the next trial. Samplers are pure: a proposal depends
 * only on the settings, the seed, the trial number and the trials it is shown, so a
 * restarted optimizer proposes the same values again and nothing else needs storing.
 */
export interface Sampler {
  readonly method: SamplerMethod;
  /** Most distinct trials it can propose (the grid's size), or Infinity. */
  readonly capacity: number;
  /**
   * Trials started together (batch-grid): a batch starts once every trial of the
   * previous one finished, as the original ran one DAG per batch. Undefined: no batches.
   */
  readonly batchSize?: number;
  /** The parameters of trial `input.trial`, or null when the space is exhausted. */
  suggest(input: SuggestInput): Params | null;
}

/** Settings shared by every sampler plus each method's own (see the study file's `sampler:` block). */
export interface SamplerSettings {
  method: SamplerMethod;
  /** Seed of every random draw (32-bit unsigned integer). */
  seed: number;
  direction: Direction;
  /** batch-grid: trials per batch. */
  batchSize?: number;
  /** random: draw with replacement, as the original did (default false: without). */
  replacement?: boolean;
  /** tpe: random trials before the model is used (default {@link TPE_DEFAULTS}.startup). */
  startup?: number;
  /** tpe: candidates drawn from the good density per proposal. */
  candidates?: number;
  /** tpe: fraction of the finished trials that form the good density. */
  gamma?: number;
  /** resampling: trials per round. */
  roundSize?: number;
  /** resampling: fraction the sampling range shrinks by per round (0.2 = 20 %). */
  shrink?: number;
}

/** Internal loss: smaller is better whatever the direction. */
export function lossOf(direction: Direction, value: number): number {
  return direction === 'maximize' ? -value : value;
}

/** The best succeeded observation, or undefined. Ties: the earlier trial. */
export function bestObservation(observations: readonly Observation[], direction: Direction): Observation | undefined {
  let best: Observation | undefined;
  for (const o of observations) {
    if (o.status !== 'succeeded' || o.value === undefined || !Number.isFinite(o.value)) continue;
    if (!best || lossOf(direction, o.value) < lossOf(direction, best.value!) || (o.value === best.value && o.trial < best.trial)) best = o;
  }
  return best;
}
