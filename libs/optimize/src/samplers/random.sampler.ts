import { RandomPermutation } from '../random/permutation';
import { Rng } from '../random/rng';
import { discretePoint, discreteSize, uniformPoint, type SearchSpace } from '../space/search-space';
import type { Sampler, SuggestInput } from './sampler.types';

/** Purpose tags mixed into the seed, so that two uses of one seed draw different numbers. */
export const RNG_PURPOSE = { random: 1, permutation: 2, resampling: 3, tpe: 4 } as const;

/**
 * Random search. On a finite space (every dimension `int`, `choice` or stepped
 * `float`) it draws WITHOUT replacement by default: trial `i` is element `i` of a
 * seeded random permutation of the space, so `n` trials visit `n` distinct points and
 * exhaust the space exactly. With `replacement` (the original's behaviour) and on
 * continuous spaces each trial is an independent uniform draw.
 */
export class RandomSampler implements Sampler {
  readonly method = 'random' as const;
  readonly capacity: number;
  private readonly permutation?: RandomPermutation;

  constructor(
    private readonly space: SearchSpace,
    private readonly seed: number,
    replacement = false,
  ) {
    const n = discreteSize(space);
    if (n !== undefined && !replacement) {
      this.permutation = new RandomPermutation(n, new Rng(seed, RNG_PURPOSE.permutation).uint32());
      this.capacity = n;
    } else {
      this.capacity = Number.POSITIVE_INFINITY;
    }
  }

  suggest(input: SuggestInput) {
    if (this.permutation) return input.trial < this.capacity ? discretePoint(this.space, this.permutation.at(input.trial)) : null;
    return uniformPoint(this.space, new Rng(this.seed, RNG_PURPOSE.random, input.trial));
  }
}
