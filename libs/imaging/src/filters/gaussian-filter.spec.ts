import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Shape3 } from '../core/volume.types';
import { ImagingOptionError } from '../errors/imaging-errors';
import { bruteConvolve3d, bruteReflect } from '../testing/brute-force';
import { maxAbsDiff, prng, randomShape } from '../testing/fixtures';
import { reflectIndexMap } from './convolve-axis';
import { gaussianGradient, gaussianGradientMagnitude, gaussianLaplace, hessianOfGaussian } from './gaussian-derivatives';
import { gaussianFilter } from './gaussian-filter';
import { gaussianKernel1d, gaussianRadius } from './gaussian-kernel';
import {
  SCIPY_GAUSSIAN_FILTER,
  SCIPY_GRADIENT_MAGNITUDE,
  SCIPY_KERNELS_SIGMA_1_3,
  SCIPY_LAPLACE,
  SCIPY_SHAPE,
} from './gaussian.scipy-reference';

const scipyInput = Float64Array.from({ length: 120 }, (_, i) => ((i * 7919) % 101) / 101);

describe('gaussian kernels and reflect border', () => {
  it('builds the kernels scipy builds (sigma 1.3, orders 0-2) within 1e-15', () => {
    assert.equal(gaussianRadius(1.3), 5);
    for (let order = 0; order < 3; order++) {
      assert.ok(maxAbsDiff(gaussianKernel1d(1.3, order), SCIPY_KERNELS_SIGMA_1_3[order]) <= 1e-15, `order ${order}`);
    }
  });

  it("maps padded positions like scipy's mode='reflect', also beyond one line length", () => {
    assert.deepEqual(Array.from(reflectIndexMap(3, 4)), [2, 2, 1, 0, 0, 1, 2, 2, 1, 0, 0]);
    assert.deepEqual(Array.from(reflectIndexMap(1, 2)), [0, 0, 0, 0, 0]);
    for (let n = 1; n < 6; n++) {
      const r = 7;
      assert.deepEqual(Array.from(reflectIndexMap(n, r)), Array.from({ length: n + 2 * r }, (_, t) => bruteReflect(t - r, n)));
    }
  });

  it('refuses sigma <= 0, orders other than 0-2, and a derivative on an axis of sigma 0', () => {
    assert.throws(() => gaussianKernel1d(0, 0), new ImagingOptionError('sigma must be finite and > 0, got 0'));
    assert.throws(() => gaussianKernel1d(1, 3), new ImagingOptionError('derivative order must be 0, 1 or 2, got 3'));
    assert.throws(() => gaussianFilter(new Float32Array(1), [1, 1, 1], [0, 1, 1], { order: [1, 0, 0] }), new ImagingOptionError('axis 0: a derivative (order 1) needs sigma > 0'));
    assert.throws(() => gaussianFilter(new Float32Array(1), [1, 1, 1], -1), ImagingOptionError);
  });
});

describe('gaussianFilter', () => {
  it('equals a brute-force 3-D convolution on 60 random volumes (anisotropic sigma, orders 0-2) within 1e-12', () => {
    const rand = prng(51);
    for (let trial = 0; trial < 60; trial++) {
      const shape = randomShape(rand, [6, 7, 8]);
      const n = shape[0] * shape[1] * shape[2];
      const input = Float32Array.from({ length: n }, () => rand() * 100);
      const sigma: [number, number, number] = [0, 1, 2].map(() => (rand() < 0.2 ? 0 : 0.4 + 2 * rand())) as [number, number, number];
      const order = sigma.map((s) => (s === 0 ? 0 : Math.floor(rand() * 3))) as [number, number, number];
      const kernels = sigma.map((s, a) => (s === 0 ? null : gaussianKernel1d(s, order[a])));
      const want = bruteConvolve3d(input, shape, kernels);
      const got = gaussianFilter(input, shape, sigma, { order, dtype: 'float64' });
      assert.ok(maxAbsDiff(got, want) <= 1e-12 * 100, `trial ${trial}: ${JSON.stringify({ shape, sigma, order })} off by ${maxAbsDiff(got, want)}`);
    }
  });

  it('matches scipy.ndimage.gaussian_filter on a (4, 5, 6) volume for 7 sigma/order cases within 1e-12', () => {
    for (const { sigma, order, values } of SCIPY_GAUSSIAN_FILTER) {
      const got = gaussianFilter(scipyInput, SCIPY_SHAPE, sigma, { order, dtype: 'float64' });
      assert.ok(maxAbsDiff(got, values) <= 1e-12, `sigma ${sigma} order ${order}: off by ${maxAbsDiff(got, values)}`);
      const got32 = gaussianFilter(scipyInput, SCIPY_SHAPE, sigma, { order });
      assert.ok(got32 instanceof Float32Array && maxAbsDiff(got32, values) <= 1e-6);
    }
  });

  it('matches scipy gaussian_gradient_magnitude and gaussian_laplace within 1e-12', () => {
    const sigma: [number, number, number] = [1.0, 0.7, 1.5];
    assert.ok(maxAbsDiff(gaussianGradientMagnitude(scipyInput, SCIPY_SHAPE, sigma, { dtype: 'float64' }), SCIPY_GRADIENT_MAGNITUDE) <= 1e-12);
    assert.ok(maxAbsDiff(gaussianLaplace(scipyInput, SCIPY_SHAPE, sigma, { dtype: 'float64' }), SCIPY_LAPLACE) <= 1e-12);
  });

  it('returns gradient and Hessian components in (z, y, x) order', () => {
    const shape: Shape3 = [4, 5, 6];
    const sigma: [number, number, number] = [1.0, 0.7, 1.5];
    const grad = gaussianGradient(scipyInput, shape, sigma, { dtype: 'float64' });
    assert.deepEqual(Array.from(grad[0]), Array.from(gaussianFilter(scipyInput, shape, sigma, { order: [1, 0, 0], dtype: 'float64' })));
    const hess = hessianOfGaussian(scipyInput, shape, sigma, { dtype: 'float64' });
    assert.equal(hess.length, 6);
    assert.ok(maxAbsDiff(hess[2], SCIPY_GAUSSIAN_FILTER[4].values) <= 1e-12); // zx = order [1, 0, 1]
  });

  it('writes into a given output array of the output type', () => {
    const out = new Float64Array(120).fill(7);
    const got = gaussianFilter(scipyInput, SCIPY_SHAPE, 1.5, { dtype: 'float64', out });
    assert.equal(got, out);
    assert.deepEqual(got, gaussianFilter(scipyInput, SCIPY_SHAPE, 1.5, { dtype: 'float64' }));
    assert.throws(() => gaussianFilter(scipyInput, SCIPY_SHAPE, 1.5, { dtype: 'float32', out }), ImagingOptionError);
  });

  it('smooths a constant volume to itself, leaves sigma 0 alone, and handles empty and single-voxel volumes', () => {
    const c = new Float32Array(60).fill(3.25);
    assert.ok(maxAbsDiff(gaussianFilter(c, [3, 4, 5], 2, { dtype: 'float64' }), c) <= 1e-14);
    assert.deepEqual(gaussianFilter(Uint8Array.of(1, 2, 3), [1, 1, 3], 0), Float32Array.of(1, 2, 3));
    assert.deepEqual(gaussianFilter(new Float32Array(0), [0, 4, 4], 1), new Float32Array(0));
    assert.deepEqual(Array.from(gaussianFilter(Float32Array.of(5), [1, 1, 1], 1.5)), [5]);
    assert.deepEqual(Array.from(gaussianFilter(Float32Array.of(5), [1, 1, 1], 1.5, { order: [0, 0, 1] })), [0]);
  });
});
