import type { SearchSpace } from '../space/search-space';
import { GridSampler } from './grid.sampler';
import { RandomSampler } from './random.sampler';
import { RESAMPLING_DEFAULTS, ResamplingSampler } from './resampling.sampler';
import type { Sampler, SamplerSettings } from './sampler.types';
import { TPE_DEFAULTS, TpeSampler } from './tpe.sampler';

/**
 * The sampler of `settings.method` over `space`. Throws RangeError for a grid over a
 * continuous dimension (the study file checks this first, with a clearer message).
 */
export function createSampler(space: SearchSpace, settings: SamplerSettings): Sampler {
  switch (settings.method) {
    case 'grid':
      return new GridSampler(space, 'grid');
    case 'batch-grid':
      return new GridSampler(space, 'batch-grid', settings.batchSize ?? 1);
    case 'random':
      return new RandomSampler(space, settings.seed, settings.replacement ?? false);
    case 'resampling':
      return new ResamplingSampler(space, settings.seed, settings.direction, settings.roundSize ?? RESAMPLING_DEFAULTS.roundSize, settings.shrink ?? RESAMPLING_DEFAULTS.shrink);
    case 'tpe':
      return new TpeSampler(
        space, settings.seed, settings.direction,
        settings.startup ?? TPE_DEFAULTS.startup, settings.candidates ?? TPE_DEFAULTS.candidates, settings.gamma ?? TPE_DEFAULTS.gamma,
      );
  }
}
