import { gridPoint, gridSize, type SearchSpace } from '../space/search-space';
import type { Sampler, SamplerMethod, SuggestInput } from './sampler.types';

/**
 * The original's grid: every point of the cartesian product once, in order (the last
 * dimension fastest). `batch-grid` is the same order, started `batchSize` at a time.
 */
export class GridSampler implements Sampler {
  readonly capacity: number;

  constructor(
    private readonly space: SearchSpace,
    readonly method: Extract<SamplerMethod, 'grid' | 'batch-grid'> = 'grid',
    readonly batchSize?: number,
  ) {
    const n = gridSize(space);
    if (n === undefined) throw new RangeError('GridSampler: every dimension needs a finite set of values (a step or points)');
    this.capacity = n;
  }

  suggest(input: SuggestInput) {
    return input.trial < this.capacity ? gridPoint(this.space, input.trial) : null;
  }
}
