import { Rng } from '../random/rng';
import { choiceIndex, fromUnit, toUnit, valueCount, type Dimension, type Params } from '../space/dimension';
import { discreteSize, pointKey, uniformPoint, type SearchSpace } from '../space/search-space';
import { ParzenEstimator, type KernelDim } from './parzen';
import { RNG_PURPOSE } from './random.sampler';
import { lossOf, type Direction, type Observation, type Sampler, type SuggestInput } from './sampler.types';

/** Defaults of the TPE sampler. */
export const TPE_DEFAULTS = {
  /** Random trials before the model is used. */
  startup: 8,
  /** Candidates drawn from the good density per proposal (Optuna's n_ei_candidates). */
  candidates: 24,
  /** Fraction of the succeeded trials in the good group (at least 1, at most 25 trials). */
  gamma: 0.2,
} as const;

/** Most trials in the good group, as Optuna. */
const MAX_GOOD = 25;
/** Draws per proposal before a repeated point of a finite space is accepted. */
const MAX_REDRAWS = 32;

/**
 * Tree-structured Parzen Estimator (Bergstra et al. 2011), multivariate as in
 * Optuna: after `startup` random trials, the succeeded trials are split into the
 * best `gamma` fraction (good) and the rest (bad; failed and pruned trials and the
 * trials still running are added to the bad group, so that parallel proposals spread
 * out); `candidates` points are drawn from the good density l(x) and the one with the
 * largest l(x)/g(x) is proposed. Works in the unit space of {@link toUnit}: integers,
 * stepped floats and ordered ranges as cells of [0, 1], log-floats on a log scale,
 * categoricals with their own kernel.
 */
export class TpeSampler implements Sampler {
  readonly method = 'tpe' as const;
  readonly capacity: number;
  private readonly kernels: KernelDim[];

  constructor(
    private readonly space: SearchSpace,
    private readonly seed: number,
    private readonly direction: Direction,
    readonly startup: number = TPE_DEFAULTS.startup,
    readonly candidates: number = TPE_DEFAULTS.candidates,
    readonly gamma: number = TPE_DEFAULTS.gamma,
  ) {
    this.capacity = discreteSize(space) ?? Number.POSITIVE_INFINITY;
    this.kernels = space.map(kernelOf);
  }

  suggest(input: SuggestInput): Params | null {
    const tried = new Set([...input.observations.map((o) => o.params), ...input.pending].map((p) => pointKey(this.space, p)));
    if (tried.size >= this.capacity) return null;
    const finite = this.capacity !== Number.POSITIVE_INFINITY;
    const fresh = (p: Params) => !finite || !tried.has(pointKey(this.space, p));
    const rng = new Rng(this.seed, RNG_PURPOSE.tpe, input.trial);
    const succeeded = input.observations.filter((o) => o.status === 'succeeded' && o.value !== undefined && Number.isFinite(o.value));
    if (succeeded.length < Math.max(1, this.startup)) return this.random(rng, fresh);

    const ranked = [...succeeded].sort((a, b) => lossOf(this.direction, a.value!) - lossOf(this.direction, b.value!) || a.trial - b.trial);
    const nGood = Math.max(1, Math.min(MAX_GOOD, Math.ceil(this.gamma * ranked.length)));
    const byTrial = (a: Observation, b: Observation) => a.trial - b.trial;
    const good = ranked.slice(0, nGood).sort(byTrial);
    const bad = [...ranked.slice(nGood), ...input.observations.filter((o) => !succeeded.includes(o))].sort(byTrial);
    const l = new ParzenEstimator(this.kernels, good.map((o) => this.encode(o.params)));
    const g = new ParzenEstimator(this.kernels, [...bad.map((o) => this.encode(o.params)), ...input.pending.map((p) => this.encode(p))]);

    let best: { x: number[]; score: number } | undefined;
    for (let i = 0; i < this.candidates; i++) {
      const x = l.sample(rng);
      if (!fresh(this.decode(x))) continue;
      const score = l.logDensity(x) - g.logDensity(x);
      if (!best || score > best.score) best = { x, score };
    }
    return best ? this.decode(best.x) : this.random(rng, fresh);
  }

  private random(rng: Rng, fresh: (p: Params) => boolean): Params {
    let p = uniformPoint(this.space, rng);
    for (let i = 1; i < MAX_REDRAWS && !fresh(p); i++) p = uniformPoint(this.space, rng);
    return p;
  }

  private encode(params: Params): number[] {
    return this.space.map((d) => (d.kind === 'choice' && !d.ordered ? Math.max(0, choiceIndex(d, params[d.name]!)) : toUnit(d, params[d.name]!)));
  }

  private decode(x: readonly number[]): Params {
    const out: Params = {};
    this.space.forEach((d, i) => {
      out[d.name] = d.kind === 'choice' && !d.ordered ? d.values[x[i]!]!.value : fromUnit(d, x[i]!);
    });
    return out;
  }
}

function kernelOf(d: Dimension): KernelDim {
  if (d.kind === 'choice' && !d.ordered) return { kind: 'categorical', n: d.values.length };
  const n = valueCount(d);
  return n === undefined ? { kind: 'continuous' } : { kind: 'discrete', n };
}
