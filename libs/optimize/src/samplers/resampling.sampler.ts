import { Rng } from '../random/rng';
import { fromUnit, isNumeric, toUnit, type Params } from '../space/dimension';
import { discreteSize, pointKey, uniformPoint, type SearchSpace } from '../space/search-space';
import { RNG_PURPOSE } from './random.sampler';
import { bestObservation, type Direction, type Sampler, type SuggestInput } from './sampler.types';

/** Defaults of the resampling sampler. */
export const RESAMPLING_DEFAULTS = {
  /** Trials per round. */
  roundSize: 5,
  /** The sampling range shrinks by this fraction per round (the paper's 20 %). */
  shrink: 0.2,
} as const;

/** Draws per proposal before a repeated point of a finite space is accepted. */
const MAX_REDRAWS = 32;

/**
 * The paper's random resampling: the first round samples the whole space at random;
 * every later round samples uniformly in a window around the best trial so far, the
 * window's width (a fraction of each dimension's range, in the unit space of
 * {@link toUnit}) shrinking by `shrink` per round: `(1 − shrink)^round`. The window
 * is shifted, not cut, at the edges of the range, so it keeps its width. An
 * unordered categorical keeps the best value with probability `1 − width` and is
 * drawn uniformly otherwise. On a finite space a point already tried is drawn again
 * (up to 32 times).
 */
export class ResamplingSampler implements Sampler {
  readonly method = 'resampling' as const;
  readonly capacity: number;

  constructor(
    private readonly space: SearchSpace,
    private readonly seed: number,
    private readonly direction: Direction,
    readonly roundSize: number = RESAMPLING_DEFAULTS.roundSize,
    readonly shrink: number = RESAMPLING_DEFAULTS.shrink,
  ) {
    this.capacity = discreteSize(space) ?? Number.POSITIVE_INFINITY;
  }

  /** Width of the sampling window in round `round` (round 0 is the whole range). */
  windowWidth(round: number): number {
    return (1 - this.shrink) ** round;
  }

  suggest(input: SuggestInput): Params | null {
    const tried = new Set([...input.observations.map((o) => o.params), ...input.pending].map((p) => pointKey(this.space, p)));
    if (tried.size >= this.capacity) return null;
    const rng = new Rng(this.seed, RNG_PURPOSE.resampling, input.trial);
    const round = Math.floor(input.trial / this.roundSize);
    const best = round === 0 ? undefined : bestObservation(input.observations, this.direction);
    let point: Params = {};
    for (let draw = 0; draw < MAX_REDRAWS; draw++) {
      point = best ? this.around(best.params, this.windowWidth(round), rng) : uniformPoint(this.space, rng);
      if (this.capacity === Number.POSITIVE_INFINITY || !tried.has(pointKey(this.space, point))) break;
    }
    return point;
  }

  private around(center: Params, width: number, rng: Rng): Params {
    const out: Params = {};
    for (const d of this.space) {
      if (!isNumeric(d)) {
        out[d.name] = rng.float() < width ? fromUnit(d, rng.float()) : center[d.name]!;
        continue;
      }
      const c = toUnit(d, center[d.name]!);
      const lo = Math.max(0, Math.min(1 - width, c - width / 2));
      out[d.name] = fromUnit(d, lo + width * rng.float());
    }
    return out;
  }
}
