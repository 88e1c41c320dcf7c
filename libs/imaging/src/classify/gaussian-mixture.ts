import { ImagingOptionError, ImagingShapeError, ImagingValueError } from '../errors/imaging-errors';
import { mulberry32 } from './random';

/** Covariance model: a full `d x d` matrix per component, or a diagonal. */
export type CovarianceType = 'full' | 'diag';

/** Options of {@link fitGaussianMixture}. */
export interface GaussianMixtureOptions {
  /** Number of components. Default 2. */
  readonly components?: number;
  /** Default `'full'`. */
  readonly covariance?: CovarianceType;
  /** Most EM iterations. Default 100. */
  readonly maxIterations?: number;
  /** Stop when the mean log-likelihood per sample changes by less. Default 1e-3 (sklearn's `tol`). */
  readonly tolerance?: number;
  /** Added to every variance (sklearn's `reg_covar`). Default 1e-6. */
  readonly regularization?: number;
  /** Lloyd iterations of the k-means initialisation (after k-means++ seeding). Default 20. */
  readonly kmeansIterations?: number;
  /** Seed of the k-means++ draws. Default 1. */
  readonly seed?: number;
}

/** A fitted mixture. Components are sorted by the first coordinate of their mean, ascending. */
export interface GaussianMixtureModel {
  readonly components: number;
  readonly dims: number;
  readonly covariance: CovarianceType;
  /** Mixing weights, summing to 1. */
  readonly weights: Float64Array;
  /** `means[k * dims + j]`. */
  readonly means: Float64Array;
  /** Full: `cov[(k * dims + i) * dims + j]`; diag: `cov[k * dims + j]`. */
  readonly covariances: Float64Array;
  /** Mean log-likelihood per sample of the fitted model (natural log). */
  readonly logLikelihood: number;
  readonly iterations: number;
  readonly converged: boolean;
}

const LOG_2PI = Math.log(2 * Math.PI);
const EPS = 2.220446049250313e-16;

interface Compiled {
  K: number;
  covariance: CovarianceType;
  maxIterations: number;
  tolerance: number;
  regularization: number;
  kmeansIterations: number;
  seed: number;
}

function compile(o: GaussianMixtureOptions): Compiled {
  const K = o.components ?? 2;
  if (!Number.isInteger(K) || K < 1) throw new ImagingOptionError(`components must be an integer >= 1, got ${K}`);
  const covariance = o.covariance ?? 'full';
  if (covariance !== 'full' && covariance !== 'diag') throw new ImagingOptionError(`covariance must be 'full' or 'diag', got ${JSON.stringify(covariance)}`);
  const maxIterations = o.maxIterations ?? 100;
  if (!Number.isInteger(maxIterations) || maxIterations < 0) throw new ImagingOptionError(`maxIterations must be an integer >= 0, got ${maxIterations}`);
  const tolerance = o.tolerance ?? 1e-3;
  const regularization = o.regularization ?? 1e-6;
  if (!(tolerance >= 0) || !(regularization >= 0)) throw new ImagingOptionError('tolerance and regularization must be >= 0');
  const kmeansIterations = o.kmeansIterations ?? 20;
  if (!Number.isInteger(kmeansIterations) || kmeansIterations < 0) throw new ImagingOptionError(`kmeansIterations must be an integer >= 0, got ${kmeansIterations}`);
  return { K, covariance, maxIterations, tolerance, regularization, kmeansIterations, seed: o.seed ?? 1 };
}

function checkSamples(samples: ArrayLike<number>, dims: number): number {
  if (!Number.isInteger(dims) || dims < 1) throw new ImagingOptionError(`dims must be an integer >= 1, got ${dims}`);
  if (samples.length % dims !== 0) throw new ImagingShapeError(`samples hold ${samples.length} values, not a multiple of ${dims} dims`);
  for (let i = 0; i < samples.length; i++) if (!Number.isFinite(samples[i])) throw new ImagingValueError(`sample value ${i} is not finite`);
  return samples.length / dims;
}

/**
 * Fits a Gaussian mixture by expectation-maximisation (Dempster et al. 1977), initialised like
 * sklearn's `GaussianMixture(init_params='kmeans')`: k-means++ seeding and Lloyd iterations give
 * hard responsibilities for the first M step. Samples are rows `x[i * dims + j]`. Stops after
 * `maxIterations` or when the mean log-likelihood changes by less than `tolerance`. Each
 * iteration is O(n * K * d^2); scratch n * K float64 responsibilities.
 */
export function fitGaussianMixture(samples: ArrayLike<number>, dims: number, options: GaussianMixtureOptions = {}): GaussianMixtureModel {
  const n = checkSamples(samples, dims);
  const c = compile(options);
  if (n < c.K) throw new ImagingValueError(`${n} samples cannot fit ${c.K} components`);
  const resp = kmeansResponsibilities(samples, n, dims, c);
  let model = mStep(samples, n, dims, resp, c.K, c.covariance, c.regularization, Number.NEGATIVE_INFINITY, 0, false);
  let prev = Number.NEGATIVE_INFINITY;
  let converged = false;
  let it = 0;
  while (it < c.maxIterations) {
    const ll = eStep(model, samples, n, resp);
    it++;
    model = mStep(samples, n, dims, resp, c.K, c.covariance, c.regularization, ll, it, false);
    if (Math.abs(ll - prev) < c.tolerance) {
      converged = true;
      break;
    }
    prev = ll;
  }
  const ll = eStep(model, samples, n, resp);
  return sortComponents({ ...model, logLikelihood: ll, iterations: it, converged });
}

/**
 * One EM iteration from `model`: responsibilities under `model` (E step), then the maximum-
 * likelihood weights, means and covariances for them (M step), with `regularization` added
 * to the variances. `logLikelihood` of the result is that of `model` (the one the E step used).
 */
export function gaussianMixtureStep(model: GaussianMixtureModel, samples: ArrayLike<number>, regularization = 1e-6): GaussianMixtureModel {
  const n = checkSamples(samples, model.dims);
  const resp = new Float64Array(n * model.components);
  const ll = eStep(model, samples, n, resp);
  return mStep(samples, n, model.dims, resp, model.components, model.covariance, regularization, ll, model.iterations + 1, false);
}

/** Posterior probability of every component for every sample: `out[i * K + k]`. */
export function gaussianMixturePosteriors(model: GaussianMixtureModel, samples: ArrayLike<number>, out?: Float32Array): Float32Array {
  const n = checkSamples(samples, model.dims);
  const K = model.components;
  const probs = out ?? new Float32Array(n * K);
  if (probs.length !== n * K) throw new ImagingShapeError(`output holds ${probs.length} values, ${n} samples x ${K} components need ${n * K}`);
  const resp = new Float64Array(K);
  const pre = precompute(model);
  for (let i = 0; i < n; i++) {
    logJoint(model, pre, samples, i, resp);
    normalize(resp, K);
    for (let k = 0; k < K; k++) probs[i * K + k] = resp[k];
  }
  return probs;
}

/** Mean log-likelihood per sample under the model (natural log). */
export function gaussianMixtureLogLikelihood(model: GaussianMixtureModel, samples: ArrayLike<number>): number {
  const n = checkSamples(samples, model.dims);
  return eStep(model, samples, n, new Float64Array(n * model.components));
}

interface Pre {
  /** Full: the lower Cholesky factor per component; diag: 1 / variance. */
  factor: Float64Array;
  /** log w_k - (d log 2π + log det Σ_k) / 2. */
  constant: Float64Array;
  z: Float64Array;
}

function precompute(m: GaussianMixtureModel): Pre {
  const { components: K, dims: d } = m;
  const constant = new Float64Array(K);
  let factor: Float64Array;
  if (m.covariance === 'full') {
    factor = new Float64Array(K * d * d);
    for (let k = 0; k < K; k++) {
      const logdet = cholesky(m.covariances, k * d * d, d, factor);
      constant[k] = Math.log(m.weights[k]) - 0.5 * (d * LOG_2PI + logdet);
    }
  } else {
    factor = new Float64Array(K * d);
    for (let k = 0; k < K; k++) {
      let logdet = 0;
      for (let j = 0; j < d; j++) {
        const v = m.covariances[k * d + j];
        if (!(v > 0)) throw new ImagingValueError(`component ${k}: variance ${j} is ${v}`);
        factor[k * d + j] = 1 / v;
        logdet += Math.log(v);
      }
      constant[k] = Math.log(m.weights[k]) - 0.5 * (d * LOG_2PI + logdet);
    }
  }
  return { factor, constant, z: new Float64Array(d) };
}

/** Writes the lower Cholesky factor of the `d x d` matrix at `a[off..]` into `out[off..]`; returns log det. */
function cholesky(a: Float64Array, off: number, d: number, out: Float64Array): number {
  let logdet = 0;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[off + i * d + j];
      for (let k = 0; k < j; k++) s -= out[off + i * d + k] * out[off + j * d + k];
      if (i === j) {
        if (!(s > 0)) throw new ImagingValueError('a covariance matrix is not positive definite');
        const l = Math.sqrt(s);
        out[off + i * d + i] = l;
        logdet += 2 * Math.log(l);
      } else out[off + i * d + j] = s / out[off + j * d + j];
    }
    for (let j = i + 1; j < d; j++) out[off + i * d + j] = 0;
  }
  return logdet;
}

/** `out[k] = log(w_k N(x_i | μ_k, Σ_k))` for every component. */
function logJoint(m: GaussianMixtureModel, pre: Pre, x: ArrayLike<number>, i: number, out: Float64Array): void {
  const { components: K, dims: d } = m;
  const base = i * d;
  const z = pre.z;
  for (let k = 0; k < K; k++) {
    let maha = 0;
    if (m.covariance === 'full') {
      // Solve L z = x - μ by forward substitution; maha = |z|^2.
      const off = k * d * d;
      for (let r = 0; r < d; r++) {
        let s = x[base + r] - m.means[k * d + r];
        for (let c = 0; c < r; c++) s -= pre.factor[off + r * d + c] * z[c];
        z[r] = s / pre.factor[off + r * d + r];
        maha += z[r] * z[r];
      }
    } else {
      for (let j = 0; j < d; j++) {
        const v = x[base + j] - m.means[k * d + j];
        maha += v * v * pre.factor[k * d + j];
      }
    }
    out[k] = pre.constant[k] - 0.5 * maha;
  }
}

/** Turns log joints into posteriors in place; returns the log of their sum. */
function normalize(a: Float64Array, K: number, off = 0): number {
  let max = -Infinity;
  for (let k = 0; k < K; k++) if (a[off + k] > max) max = a[off + k];
  let s = 0;
  for (let k = 0; k < K; k++) s += Math.exp(a[off + k] - max);
  const lse = max + Math.log(s);
  for (let k = 0; k < K; k++) a[off + k] = Math.exp(a[off + k] - lse);
  return lse;
}

function eStep(m: GaussianMixtureModel, x: ArrayLike<number>, n: number, resp: Float64Array): number {
  const K = m.components;
  const pre = precompute(m);
  const row = new Float64Array(K);
  let ll = 0;
  for (let i = 0; i < n; i++) {
    logJoint(m, pre, x, i, row);
    ll += normalize(row, K);
    resp.set(row, i * K);
  }
  return n > 0 ? ll / n : 0;
}

function mStep(
  x: ArrayLike<number>,
  n: number,
  d: number,
  resp: Float64Array,
  K: number,
  covariance: CovarianceType,
  reg: number,
  logLikelihood: number,
  iterations: number,
  converged: boolean,
): GaussianMixtureModel {
  const nk = new Float64Array(K);
  const means = new Float64Array(K * d);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < K; k++) {
      const r = resp[i * K + k];
      if (r === 0) continue;
      nk[k] += r;
      for (let j = 0; j < d; j++) means[k * d + j] += r * x[i * d + j];
    }
  }
  for (let k = 0; k < K; k++) {
    nk[k] += 10 * EPS; // sklearn: keeps empty components finite
    for (let j = 0; j < d; j++) means[k * d + j] /= nk[k];
  }
  const full = covariance === 'full';
  const cov = new Float64Array(full ? K * d * d : K * d);
  const diff = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < K; k++) {
      const r = resp[i * K + k];
      if (r === 0) continue;
      for (let j = 0; j < d; j++) diff[j] = x[i * d + j] - means[k * d + j];
      if (full) {
        const off = k * d * d;
        for (let a = 0; a < d; a++) {
          const ra = r * diff[a];
          for (let b = 0; b <= a; b++) cov[off + a * d + b] += ra * diff[b];
        }
      } else for (let j = 0; j < d; j++) cov[k * d + j] += r * diff[j] * diff[j];
    }
  }
  for (let k = 0; k < K; k++) {
    if (full) {
      const off = k * d * d;
      for (let a = 0; a < d; a++) {
        for (let b = 0; b <= a; b++) {
          const v = cov[off + a * d + b] / nk[k] + (a === b ? reg : 0);
          cov[off + a * d + b] = v;
          cov[off + b * d + a] = v;
        }
      }
    } else for (let j = 0; j < d; j++) cov[k * d + j] = cov[k * d + j] / nk[k] + reg;
  }
  let total = 0;
  for (let k = 0; k < K; k++) total += nk[k];
  const weights = nk.map((v) => v / total);
  return { components: K, dims: d, covariance, weights, means, covariances: cov, logLikelihood, iterations, converged };
}

/** k-means++ seeding, Lloyd iterations, then one-hot responsibilities of the nearest centre. */
function kmeansResponsibilities(x: ArrayLike<number>, n: number, d: number, c: Compiled): Float64Array {
  const K = c.K;
  const rand = mulberry32(c.seed);
  const centres = new Float64Array(K * d);
  const dist = new Float64Array(n).fill(Infinity);
  const sq = (i: number, k: number): number => {
    let s = 0;
    for (let j = 0; j < d; j++) {
      const v = x[i * d + j] - centres[k * d + j];
      s += v * v;
    }
    return s;
  };
  let first = Math.floor(rand() * n);
  for (let k = 0; k < K; k++) {
    for (let j = 0; j < d; j++) centres[k * d + j] = x[first * d + j];
    let total = 0;
    for (let i = 0; i < n; i++) {
      const s = sq(i, k);
      if (s < dist[i]) dist[i] = s;
      total += dist[i];
    }
    // Next centre with probability proportional to the squared distance (any point if all are 0).
    let u = rand() * total;
    first = n - 1;
    for (let i = 0; i < n; i++) {
      u -= dist[i];
      if (u < 0) {
        first = i;
        break;
      }
    }
  }
  const assign = new Int32Array(n);
  const sums = new Float64Array(K * d);
  const counts = new Float64Array(K);
  for (let it = 0; it <= c.kmeansIterations; it++) {
    let changed = false;
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bd = Infinity;
      for (let k = 0; k < K; k++) {
        const s = sq(i, k);
        if (s < bd) {
          bd = s;
          best = k;
        }
      }
      if (assign[i] !== best) changed = true;
      assign[i] = best;
    }
    if (it === c.kmeansIterations || (!changed && it > 0)) break;
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      counts[assign[i]]++;
      for (let j = 0; j < d; j++) sums[assign[i] * d + j] += x[i * d + j];
    }
    for (let k = 0; k < K; k++) if (counts[k] > 0) for (let j = 0; j < d; j++) centres[k * d + j] = sums[k * d + j] / counts[k];
  }
  const resp = new Float64Array(n * K);
  for (let i = 0; i < n; i++) resp[i * K + assign[i]] = 1;
  return resp;
}

function sortComponents(m: GaussianMixtureModel): GaussianMixtureModel {
  const { components: K, dims: d } = m;
  const order = Array.from({ length: K }, (_, k) => k).sort((a, b) => m.means[a * d] - m.means[b * d] || a - b);
  const cs = m.covariance === 'full' ? d * d : d;
  const weights = new Float64Array(K);
  const means = new Float64Array(K * d);
  const covariances = new Float64Array(K * cs);
  order.forEach((k, to) => {
    weights[to] = m.weights[k];
    means.set(m.means.subarray(k * d, (k + 1) * d), to * d);
    covariances.set(m.covariances.subarray(k * cs, (k + 1) * cs), to * cs);
  });
  return { ...m, weights, means, covariances };
}
