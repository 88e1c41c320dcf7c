import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ImagingValueError } from '../errors/imaging-errors';
import { bruteGmmStep } from '../testing/brute-force-extra';
import { prng } from '../testing/fixtures';
import { gaussianDraw } from './random';
import { fitGaussianMixture, gaussianMixtureLogLikelihood, gaussianMixturePosteriors, gaussianMixtureStep, type GaussianMixtureModel } from './gaussian-mixture';

function samples(rand: () => number, n: number, comps: { w: number; mean: number[]; sd: number[] }[]): Float64Array {
  const d = comps[0].mean.length;
  const x = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    let u = rand();
    let k = 0;
    while (k < comps.length - 1 && u > comps[k].w) u -= comps[k++].w;
    for (let j = 0; j < d; j++) x[i * d + j] = comps[k].mean[j] + comps[k].sd[j] * gaussianDraw(rand);
  }
  return x;
}

describe('Gaussian mixture (EM)', () => {
  it('does one EM step exactly like the textbook formulas (full covariances, 10 random models)', () => {
    const rand = prng(67);
    for (let trial = 0; trial < 10; trial++) {
      const d = 1 + (trial % 3);
      const K = 2 + (trial % 2);
      const n = 50;
      const x = Float64Array.from({ length: n * d }, () => rand() * 4);
      const rows = Array.from({ length: n }, (_, i) => Array.from(x.subarray(i * d, (i + 1) * d)));
      const weights = Array.from({ length: K }, () => 0.2 + rand());
      const ws = weights.reduce((a, b) => a + b, 0);
      const means = Array.from({ length: K }, () => Array.from({ length: d }, () => rand() * 4));
      const covs = Array.from({ length: K }, () => {
        const a = Array.from({ length: d }, () => Array.from({ length: d }, () => rand() - 0.5));
        return Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => a[i].reduce((s, _v, k) => s + a[i][k] * a[j][k], 0) + (i === j ? 0.5 : 0)));
      });
      const model: GaussianMixtureModel = {
        components: K,
        dims: d,
        covariance: 'full',
        weights: Float64Array.from(weights.map((w) => w / ws)),
        means: Float64Array.from(means.flat()),
        covariances: Float64Array.from(covs.flat(2)),
        logLikelihood: 0,
        iterations: 0,
        converged: false,
      };
      const got = gaussianMixtureStep(model, x, 1e-6);
      const want = bruteGmmStep(rows, weights.map((w) => w / ws), means, covs, 1e-6);
      const close = (a: ArrayLike<number>, b: number[], what: string): void => {
        for (let i = 0; i < b.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= 1e-9 * Math.max(1, Math.abs(b[i])), `trial ${trial} ${what}[${i}]: ${a[i]} vs ${b[i]}`);
      };
      close(got.weights, want.weights, 'weights');
      close(got.means, want.means.flat(), 'means');
      close(got.covariances, want.covs.flat(2), 'covariances');
      close([got.logLikelihood], [want.logLikelihood], 'log-likelihood');
      // The diagonal model is the full one with the off-diagonal terms dropped.
      const diag: GaussianMixtureModel = { ...model, covariance: 'diag', covariances: Float64Array.from(covs.flatMap((c) => c.map((r, i) => r[i]))) };
      const wantDiag = bruteGmmStep(rows, weights.map((w) => w / ws), means, covs.map((c) => c.map((r, i) => r.map((v, j) => (i === j ? v : 0)))), 1e-6);
      const gotDiag = gaussianMixtureStep(diag, x, 1e-6);
      close(gotDiag.means, wantDiag.means.flat(), 'diag means');
      close(gotDiag.covariances, wantDiag.covs.flatMap((c) => c.map((r, i) => r[i])), 'diag variances');
    }
  });

  it('recovers three well separated 2-D components (weights, means, variances) and sorts them by the first mean', () => {
    const rand = prng(71);
    const truth = [
      { w: 0.5, mean: [5, 0], sd: [0.5, 1] },
      { w: 0.3, mean: [0, 3], sd: [1, 0.3] },
      { w: 0.2, mean: [10, 5], sd: [0.7, 0.7] },
    ];
    const x = samples(rand, 6000, truth);
    for (const covariance of ['full', 'diag'] as const) {
      const m = fitGaussianMixture(x, 2, { components: 3, covariance, seed: 2 });
      assert.ok(m.converged);
      const order = [1, 0, 2];
      order.forEach((t, k) => {
        assert.ok(Math.abs(m.weights[k] - truth[t].w) < 0.03, `${covariance} weight ${k}: ${m.weights[k]}`);
        for (let j = 0; j < 2; j++) assert.ok(Math.abs(m.means[k * 2 + j] - truth[t].mean[j]) < 0.1, `${covariance} mean ${k},${j}`);
        const v0 = covariance === 'full' ? m.covariances[k * 4] : m.covariances[k * 2];
        assert.ok(Math.abs(Math.sqrt(v0) - truth[t].sd[0]) < 0.08, `${covariance} sd ${k}`);
      });
      const post = gaussianMixturePosteriors(m, Float64Array.of(0, 3, 10, 5));
      assert.ok(post[0] > 0.99 && post[3 + 2] > 0.99);
      assert.ok(Math.abs(gaussianMixtureLogLikelihood(m, x) - m.logLikelihood) < 1e-12);
    }
  });

  it('is deterministic for a seed and refuses bad input', () => {
    const rand = prng(73);
    const x = samples(rand, 500, [{ w: 0.5, mean: [0], sd: [1] }, { w: 0.5, mean: [4], sd: [1] }]);
    assert.deepEqual(fitGaussianMixture(x, 1, { seed: 5 }), fitGaussianMixture(x, 1, { seed: 5 }));
    assert.throws(() => fitGaussianMixture(Float64Array.of(1, NaN), 1), ImagingValueError);
    assert.throws(() => fitGaussianMixture(Float64Array.of(1), 1, { components: 2 }), ImagingValueError);
  });
});
