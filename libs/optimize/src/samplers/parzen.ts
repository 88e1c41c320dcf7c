import type { Rng } from '../random/rng';

/**
 * A Parzen (kernel density) estimator over a mixed unit space, as in TPE (Bergstra
 * et al. 2011) with Optuna's multivariate choices: one mixture component per
 * observation plus a prior component; numeric dimensions get a Gaussian kernel
 * truncated to [0, 1] (discrete ones are scored by the mass of the value's cell),
 * unordered categorical dimensions a smoothed one-hot distribution.
 */

/** How the estimator treats one dimension. */
export type KernelDim =
  | { kind: 'continuous' }
  /** `n` equal cells of [0, 1]. */
  | { kind: 'discrete'; n: number }
  /** `n` unordered categories (values are indices). */
  | { kind: 'categorical'; n: number };

/** Weight of the prior component relative to one observation. */
const PRIOR_WEIGHT = 1;
/** Bandwidth scale (Optuna's SIGMA0_MAGNITUDE). */
const SIGMA0 = 0.2;
/** Observations beyond this count get decreasing weights, oldest first (Optuna's default_weights). */
const FLAT_WEIGHTS = 25;

interface Component {
  weight: number;
  mu: number[];
  sigma: number[];
  /** Per categorical dimension: probability of each category (undefined for numeric dims). */
  probs: Array<number[] | undefined>;
}

/** The density of a group of points; see the module comment. */
export class ParzenEstimator {
  private readonly components: Component[];

  /** @param points in trial order, each a vector over `dims` (unit values, or category indices) */
  constructor(
    private readonly dims: readonly KernelDim[],
    points: readonly number[][],
  ) {
    const n = points.length;
    const weights = observationWeights(n);
    const sigma = Math.min(1, Math.max(1 / Math.min(100, 1 + n), SIGMA0 * Math.max(n, 1) ** (-1 / (dims.length + 4))));
    this.components = points.map((p, i) => ({
      weight: weights[i]!,
      mu: p.map((v, d) => (dims[d]!.kind === 'categorical' ? 0 : v)),
      sigma: dims.map(() => sigma),
      probs: dims.map((dim, d) => {
        if (dim.kind !== 'categorical') return undefined;
        const probs = new Array<number>(dim.n).fill(PRIOR_WEIGHT / dim.n);
        probs[p[d]!]! += 1;
        const total = 1 + PRIOR_WEIGHT;
        return probs.map((x) => x / total);
      }),
    }));
    this.components.push({
      weight: PRIOR_WEIGHT,
      mu: dims.map(() => 0.5),
      sigma: dims.map(() => 1),
      probs: dims.map((dim) => (dim.kind === 'categorical' ? new Array<number>(dim.n).fill(1 / dim.n) : undefined)),
    });
    const total = this.components.reduce((s, c) => s + c.weight, 0);
    for (const c of this.components) c.weight /= total;
  }

  /** A point drawn from the mixture. */
  sample(rng: Rng): number[] {
    const c = this.components[rng.weighted(this.components.map((x) => x.weight))]!;
    return this.dims.map((dim, d) => {
      if (dim.kind === 'categorical') return rng.weighted(c.probs[d]!);
      const u = truncatedNormal(rng, c.mu[d]!, c.sigma[d]!);
      return dim.kind === 'discrete' ? (Math.min(dim.n - 1, Math.floor(u * dim.n)) + 0.5) / dim.n : u;
    });
  }

  /** Log density (log mass for discrete and categorical dimensions) of `x`. */
  logDensity(x: readonly number[]): number {
    const terms = this.components.map((c) => {
      let s = Math.log(c.weight);
      this.dims.forEach((dim, d) => {
        if (dim.kind === 'categorical') s += Math.log(c.probs[d]![x[d]!]!);
        else if (dim.kind === 'discrete') {
          const k = Math.min(dim.n - 1, Math.floor(x[d]! * dim.n));
          s += logCellMass(k / dim.n, (k + 1) / dim.n, c.mu[d]!, c.sigma[d]!);
        } else s += logTruncatedDensity(x[d]!, c.mu[d]!, c.sigma[d]!);
      });
      return s;
    });
    return logSumExp(terms);
  }
}

/** Optuna's default_weights: flat for the latest 25 observations, a linear ramp for older ones. */
function observationWeights(n: number): number[] {
  if (n < FLAT_WEIGHTS) return new Array<number>(n).fill(1);
  const ramp = n - FLAT_WEIGHTS;
  return [...Array.from({ length: ramp }, (_, i) => 1 / n + ((1 - 1 / n) * i) / Math.max(1, ramp - 1)), ...new Array<number>(FLAT_WEIGHTS).fill(1)];
}

function truncatedNormal(rng: Rng, mu: number, sigma: number): number {
  for (let i = 0; i < 100; i++) {
    const v = mu + sigma * rng.normal();
    if (v >= 0 && v <= 1) return v;
  }
  return Math.max(0, Math.min(1, mu));
}

const SQRT2 = Math.SQRT2;
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

function normalCdf(z: number): number {
  return 0.5 * erfc(-z / SQRT2);
}

function logTruncatedDensity(x: number, mu: number, sigma: number): number {
  const z = (x - mu) / sigma;
  const mass = normalCdf((1 - mu) / sigma) - normalCdf(-mu / sigma);
  return -0.5 * z * z - LOG_SQRT_2PI - Math.log(sigma) - Math.log(Math.max(mass, 1e-300));
}

function logCellMass(a: number, b: number, mu: number, sigma: number): number {
  const mass = normalCdf((b - mu) / sigma) - normalCdf((a - mu) / sigma);
  const total = normalCdf((1 - mu) / sigma) - normalCdf(-mu / sigma);
  return Math.log(Math.max(mass, 1e-300)) - Math.log(Math.max(total, 1e-300));
}

/** Complementary error function (Numerical Recipes erfcc, relative error < 1.2e-7). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

function logSumExp(xs: readonly number[]): number {
  let m = Number.NEGATIVE_INFINITY;
  for (const x of xs) if (x > m) m = x;
  if (m === Number.NEGATIVE_INFINITY) return m;
  let s = 0;
  for (const x of xs) s += Math.exp(x - m);
  return m + Math.log(s);
}
