import { Rng } from '../random/rng';
import { createSampler } from '../samplers/create-sampler';
import { bestObservation, lossOf, type Observation, type SamplerSettings } from '../samplers/sampler.types';
import type { Params } from '../space/dimension';
import type { SearchSpace } from '../space/search-space';

/** One trial of {@link optimizeFunction}. */
export interface FunctionTrial {
  trial: number;
  params: Params;
  value: number;
  /** Best value seen up to and including this trial. */
  bestSoFar: number;
}

/**
 * Runs a study on a plain function, in process, one trial at a time: the same
 * samplers as the optimizer service, without the bus. For benchmarks and tests.
 * The function's noise (if any) is drawn from a generator seeded by (seed, trial).
 */
export function optimizeFunction(
  space: SearchSpace,
  settings: SamplerSettings,
  fn: (params: Params, rng: Rng) => number,
  trials: number,
): FunctionTrial[] {
  const sampler = createSampler(space, settings);
  const observations: Observation[] = [];
  const out: FunctionTrial[] = [];
  for (let trial = 0; trial < trials; trial++) {
    const params = sampler.suggest({ trial, observations, pending: [] });
    if (!params) break;
    const value = fn(params, new Rng(settings.seed, 0x6e6f6973, trial));
    observations.push({ trial, params, status: 'succeeded', value });
    const best = bestObservation(observations, settings.direction)!;
    const prev = out.at(-1)?.bestSoFar;
    out.push({ trial, params, value, bestSoFar: prev === undefined || lossOf(settings.direction, best.value!) < lossOf(settings.direction, prev) ? best.value! : prev });
  }
  return out;
}
