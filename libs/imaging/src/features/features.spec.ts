import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Shape3 } from '../core/volume.types';
import { ImagingOptionError } from '../errors/imaging-errors';
import { gaussianFilter } from '../filters/gaussian-filter';
import { gaussianKernel1d } from '../filters/gaussian-kernel';
import { bruteConvolve3d } from '../testing/brute-force';
import { bruteJacobiEigenvalues } from '../testing/brute-force-extra';
import { maxAbsDiff, prng, randomShape } from '../testing/fixtures';
import { differenceDerivativeSet, gaussianDerivativeSet, ScratchPool, type Orders } from './derivative-set';
import { featureHalo, featureNames, featureStack } from './feature-stack';
import { symmetricEigenvalues2, symmetricEigenvalues3 } from './symmetric-eigenvalues';

describe('symmetric eigenvalues', () => {
  it('equal Jacobi rotations on 2,000 random 3x3 and 2x2 matrices (descending, within 1e-7 of the scale)', () => {
    const rand = prng(3);
    const n = 2000;
    const c3 = Array.from({ length: 6 }, () => new Float64Array(n));
    const c2 = Array.from({ length: 3 }, () => new Float64Array(n));
    for (let i = 0; i < n; i++) {
      // Mix in degenerate cases: diagonal, repeated and zero eigenvalues.
      const kind = i % 5;
      for (let k = 0; k < 6; k++) c3[k][i] = kind === 0 && [1, 2, 4].includes(k) ? 0 : (rand() - 0.5) * 10;
      if (kind === 1) [c3[0][i], c3[3][i], c3[5][i], c3[1][i], c3[2][i], c3[4][i]] = [2, 2, 2, 0, 0, 0];
      for (let k = 0; k < 3; k++) c2[k][i] = kind === 0 && k === 1 ? 0 : (rand() - 0.5) * 10;
    }
    const e3 = [0, 1, 2].map(() => new Float64Array(n));
    const e2 = [0, 1].map(() => new Float64Array(n));
    symmetricEigenvalues3(c3, e3);
    symmetricEigenvalues2(c2, e2);
    for (let i = 0; i < n; i++) {
      const [a, b, c, d, e, f] = c3.map((v) => v[i]);
      const want = bruteJacobiEigenvalues([[a, b, c], [b, d, e], [c, e, f]]);
      const scale = Math.max(1, ...want.map(Math.abs));
      for (let k = 0; k < 3; k++) assert.ok(Math.abs(e3[k][i] - want[k]) <= 1e-7 * scale, `3x3 #${i}: ${[e3[0][i], e3[1][i], e3[2][i]]} vs ${want}`);
      const [p, q, r] = c2.map((v) => v[i]);
      const want2 = bruteJacobiEigenvalues([[p, q], [q, r]]);
      for (let k = 0; k < 2; k++) assert.ok(Math.abs(e2[k][i] - want2[k]) <= 1e-12 * Math.max(1, Math.abs(want2[0])), `2x2 #${i}`);
    }
  });
});

describe('gaussianDerivativeSet', () => {
  it('equals gaussianFilter bit for bit for all ten orders up to 2, in 3-D and per slice', () => {
    const rand = prng(5);
    const shape: Shape3 = [5, 6, 7];
    const input = Float32Array.from({ length: 210 }, () => rand());
    const all: Orders[] = [[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1], [2, 0, 0], [1, 1, 0], [1, 0, 1], [0, 2, 0], [0, 1, 1], [0, 0, 2]];
    const got = gaussianDerivativeSet(input, shape, [1.2, 0.8, 1.5], all, 4);
    all.forEach((order, k) => assert.deepEqual(got[k], gaussianFilter(input, shape, [1.2, 0.8, 1.5], { order, dtype: 'float64' }), `order ${order}`));
    const flat = all.filter((o) => o[0] === 0);
    const got2 = gaussianDerivativeSet(input, shape, [0, 0.8, 1.5], flat, 4);
    flat.forEach((order, k) => assert.deepEqual(got2[k], gaussianFilter(input, shape, [0, 0.8, 1.5], { order, dtype: 'float64' })));
    // Smoothing alone (its passes run in place): the same values.
    for (const sigma of [[1.2, 0.8, 1.5], [0, 0.8, 1.5], [1.1, 0, 0]] as const) {
      assert.deepEqual(gaussianDerivativeSet(input, shape, sigma, [[0, 0, 0]], 4)[0], gaussianFilter(input, shape, sigma, { dtype: 'float64' }), `smoothing ${sigma}`);
      assert.deepEqual(gaussianDerivativeSet(input, shape, sigma, [[0, 0, 0]], 4, new ScratchPool(), [1, 4])[0], (gaussianFilter(input, shape, sigma, { dtype: 'float64' }) as Float64Array).subarray(42, 4 * 42), `smoothing ${sigma} planes [1, 4)`);
    }
    assert.throws(() => gaussianDerivativeSet(input, shape, [0, 1, 1], [[1, 0, 0]], 4), ImagingOptionError);
  });

  it('restricted to planes [a, b), equals those planes of the whole result bit for bit', () => {
    const rand = prng(6);
    const shape: Shape3 = [9, 6, 7];
    const YX = 42;
    const input = Float32Array.from({ length: 9 * YX }, () => rand());
    const all: Orders[] = [[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1], [2, 0, 0], [1, 1, 0], [1, 0, 1], [0, 2, 0], [0, 1, 1], [0, 0, 2]];
    const pool = new ScratchPool();
    for (const sigma of [[1.2, 0.8, 1.5], [0, 0.8, 1.5], [1.1, 0, 0]] as const) {
      const orders = all.filter((o) => o.every((k, a) => sigma[a] > 0 || k === 0));
      const whole = gaussianDerivativeSet(input, shape, sigma, orders, 4);
      for (const [a, b] of [[0, 9], [0, 3], [4, 5], [6, 9], [2, 2]] as const) {
        const part = gaussianDerivativeSet(input, shape, sigma, orders, 4, pool, [a, b]);
        orders.forEach((o, k) => assert.deepEqual(part[k], whole[k].subarray(a * YX, b * YX), `sigma ${sigma} order ${o} planes [${a}, ${b})`));
        pool.give(...part);
      }
    }
    assert.throws(() => gaussianDerivativeSet(input, shape, [1, 1, 1], [[0, 0, 0]], 4, pool, [3, 10]), /planes \[3, 10\) are not within the input's 9 planes/);
    assert.throws(() => gaussianDerivativeSet(input, shape, [1, 1, 1], [[0, 0, 0]], 4, pool, [5, 4]), ImagingOptionError);
  });
});

describe('differenceDerivativeSet', () => {
  const all: Orders[] = [[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1], [2, 0, 0], [1, 1, 0], [1, 0, 1], [0, 2, 0], [0, 1, 1], [0, 0, 2]];
  /** Central differences of `g` per voxel, from the formulas: neighbours clamped to the volume. */
  const direct = (g: Float64Array, shape: Shape3, o: Orders): Float64Array => {
    const [Z, Y, X] = shape;
    const at = (z: number, y: number, x: number): number => g[(Math.min(Z - 1, Math.max(0, z)) * Y + Math.min(Y - 1, Math.max(0, y))) * X + Math.min(X - 1, Math.max(0, x))];
    const d = (k: number, f: (s: number) => number): number => (k === 0 ? f(0) : k === 1 ? (f(1) - f(-1)) / 2 : f(1) - 2 * f(0) + f(-1));
    const out = new Float64Array(g.length);
    for (let z = 0; z < Z; z++) for (let y = 0; y < Y; y++) for (let x = 0; x < X; x++) out[(z * Y + y) * X + x] = d(o[0], (a) => d(o[1], (b) => d(o[2], (c) => at(z + a, y + b, x + c))));
    return out;
  };

  it('are the central differences of the Gaussian-smoothed volume, edges reflected (within 1e-12), for all ten orders, in 3-D and per slice', () => {
    const rand = prng(41);
    for (const [shape, sigma] of [[[5, 6, 7], [1.2, 0.8, 1.5]], [[4, 5, 1], [1, 1, 1]], [[3, 4, 6], [0, 0.9, 1.1]]] as [Shape3, [number, number, number]][]) {
      const input = Float32Array.from({ length: shape[0] * shape[1] * shape[2] }, () => rand());
      const g = gaussianFilter(input, shape, sigma, { dtype: 'float64' }) as Float64Array;
      const orders = all.filter((o) => o.every((k, a) => sigma[a] > 0 || k === 0));
      const got = differenceDerivativeSet(input, shape, sigma, orders, 4);
      orders.forEach((o, k) => assert.ok(maxAbsDiff(got[k], direct(g, shape, o)) <= 1e-12, `${shape} order ${o}: off by ${maxAbsDiff(got[k], direct(g, shape, o))}`));
    }
    assert.throws(() => differenceDerivativeSet(Float32Array.of(1), [1, 1, 1], [0, 1, 1], [[1, 0, 0]], 4), ImagingOptionError);
  });

  it('give the exact Hessian of a quadratic away from the edges', () => {
    const shape: Shape3 = [24, 24, 24];
    const q = (z: number, y: number, x: number): number => 0.5 * z * z + 2 * y * y - 1.5 * x * x + 0.25 * z * y - x * z + 3 * y;
    const input = Float64Array.from({ length: 24 ** 3 }, (_, i) => q(Math.floor(i / 576), Math.floor(i / 24) % 24, i % 24));
    const want = new Map<string, number>([['2,0,0', 1], ['0,2,0', 4], ['0,0,2', -3], ['1,1,0', 0.25], ['1,0,1', -1], ['0,1,1', 0]]);
    const orders = [...want.keys()].map((k) => k.split(',').map(Number) as unknown as Orders);
    const got = differenceDerivativeSet(input, shape, [1, 1, 1], orders, 4);
    // The smoothing's reach (4) plus the stencil's voxel from every face.
    const i = (12 * 24 + 12) * 24 + 12;
    orders.forEach((o, k) => assert.ok(Math.abs(got[k][i] - (want.get(o.join(',')) as number)) < 1e-9, `order ${o}: ${got[k][i]}`));
    for (let z = 5; z < 19; z++) for (let y = 5; y < 19; y++) for (let x = 5; x < 19; x++) assert.ok(Math.abs(got[0][(z * 24 + y) * 24 + x] - 1) < 1e-9);
  });

  it('restricted to planes [a, b), equal those planes of the whole result bit for bit', () => {
    const rand = prng(43);
    const shape: Shape3 = [9, 6, 7];
    const YX = 42;
    const input = Float32Array.from({ length: 9 * YX }, () => rand());
    const pool = new ScratchPool();
    for (const sigma of [[1.2, 0.8, 1.5], [0, 0.8, 1.5]] as const) {
      const orders = all.filter((o) => o.every((k, a) => sigma[a] > 0 || k === 0));
      const whole = differenceDerivativeSet(input, shape, sigma, orders, 4);
      for (const [a, b] of [[0, 9], [0, 3], [4, 5], [6, 9], [2, 2]] as const) {
        const part = differenceDerivativeSet(input, shape, sigma, orders, 4, pool, [a, b]);
        orders.forEach((o, k) => assert.deepEqual(part[k], whole[k].subarray(a * YX, b * YX), `sigma ${sigma} order ${o} planes [${a}, ${b})`));
        pool.give(...part);
      }
    }
  });
});

describe('ScratchPool', () => {
  it('hands a returned array out again for its length only, and each array once', () => {
    const pool = new ScratchPool(4);
    const a = pool.take();
    const b = pool.take(6);
    assert.equal(a.length, 4);
    assert.equal(b.length, 6);
    pool.give(a, b, a);
    assert.equal(pool.take(6), b);
    assert.equal(pool.take(), a);
    assert.notEqual(pool.take(), a);
  });
});

/** Every feature of the stack from direct 3-D convolutions and Jacobi eigenvalues. */
function bruteFeatures(input: Float32Array, shape: Shape3, scales: number[], dims: 2 | 3): number[][] {
  const n = input.length;
  const conv = (sigma: number[], order: number[]): number[] =>
    bruteConvolve3d(input, shape, sigma.map((s, a) => (s === 0 ? null : gaussianKernel1d(s, order[a]))));
  const cols: number[][] = [Array.from(input)];
  const axes = dims === 3 ? [0, 1, 2] : [1, 2];
  for (const s of scales) {
    const sig = dims === 3 ? [s, s, s] : [0, s, s];
    const unitOrder = (a: number, b?: number): number[] => [0, 1, 2].map((k) => (k === a ? 1 : 0) + (k === b ? 1 : 0));
    const g = conv(sig, [0, 0, 0]);
    cols.push(g);
    const grad = axes.map((a) => conv(sig, unitOrder(a)));
    cols.push(g.map((_, i) => Math.sqrt(grad.reduce((t, d) => t + d[i] * d[i], 0))));
    const hess = axes.map((a) => axes.map((b) => conv(sig, unitOrder(a, b))));
    cols.push(g.map((_, i) => axes.reduce((t, _a, k) => t + hess[k][k][i], 0)));
    const small = conv(sig.map((v) => v * 0.66), [0, 0, 0]);
    cols.push(g.map((v, i) => v - small[i]));
    const inner = axes.map((a) => conv(sig.map((v) => v / 2), unitOrder(a)));
    const st = axes.map((_, a) =>
      axes.map((_b, b) => {
        const p = Float64Array.from({ length: n }, (_c, i) => inner[a][i] * inner[b][i]);
        return bruteConvolve3d(p, shape, sig.map((v) => (v === 0 ? null : gaussianKernel1d(v, 0))));
      }),
    );
    const eig = (m: number[][][]): number[][] => {
      const ev = Array.from({ length: n }, (_, i) => bruteJacobiEigenvalues(m.map((r) => r.map((c) => c[i]))));
      return axes.map((_, k) => ev.map((e) => e[k]));
    };
    cols.push(...eig(st), ...eig(hess));
  }
  return cols;
}

describe('featureStack', () => {
  it('equals direct 3-D convolutions and Jacobi eigenvalues on 8 random volumes (3-D and per slice, within 1e-5)', () => {
    const rand = prng(17);
    for (let trial = 0; trial < 8; trial++) {
      const shape = randomShape(rand, [5, 6, 7]);
      const n = shape[0] * shape[1] * shape[2];
      const input = Float32Array.from({ length: n }, () => rand());
      const dims = trial % 2 === 0 ? 3 : 2;
      const scales = [0.7, 1.3];
      const stack = featureStack(input, shape, { scales, dims });
      const want = bruteFeatures(input, shape, scales, dims);
      assert.equal(stack.count, want.length);
      assert.equal(stack.names.length, want.length);
      for (let f = 0; f < stack.count; f++) {
        const col = Array.from({ length: n }, (_, i) => stack.data[i * stack.count + f]);
        const scale = Math.max(1, ...want[f].map(Math.abs));
        assert.ok(maxAbsDiff(col, want[f]) <= 1e-5 * scale, `trial ${trial} (${shape}, dims ${dims}) feature ${stack.names[f]} off by ${maxAbsDiff(col, want[f])}`);
      }
    }
  });

  it('names features in stack order and selects families', () => {
    assert.deepEqual(featureNames({ scales: [1], features: ['gaussian', 'hessian'], dims: 2 }), ['raw', 'gaussian_s1', 'hessian_ev0_s1', 'hessian_ev1_s1']);
    assert.equal(featureNames({ scales: [1, 2] }).length, 1 + 2 * 10);
    assert.equal(featureNames({ scales: [1, 2], dims: 2, raw: false }).length, 2 * 8);
    const s = featureStack(Float32Array.of(1, 2, 3, 4), [1, 2, 2], { scales: [1], features: ['gaussian'], raw: false });
    assert.deepEqual(s.names, ['gaussian_s1']);
    assert.equal(s.data.length, 4);
    assert.throws(() => featureNames({ scales: [0] }), ImagingOptionError);
    assert.throws(() => featureNames({ features: ['sobel' as never] }), ImagingOptionError);
    assert.throws(() => featureNames({ derivatives: 'sobel' as never }), /derivatives must be one of gaussian, differences, got "sobel"/);
  });

  it('computes only planes [a, b) with `planes`: the whole stack’s values there, bit for bit, also into a reused array and pool', () => {
    const rand = prng(29);
    const shape: Shape3 = [14, 9, 11];
    const YX = 99;
    const input = Float32Array.from({ length: 14 * YX }, () => rand());
    const pool = new ScratchPool();
    for (const opts of [
      { scales: [0.7, 1.6], dims: 3 as const },
      { scales: [1.2], dims: 2 as const },
      { scales: [1], dims: 3 as const, sampling: [2, 1, 1] as [number, number, number], raw: false },
      { scales: [0.7, 1.6], dims: 3 as const, derivatives: 'differences' as const },
    ]) {
      const whole = featureStack(input, shape, opts);
      const F = whole.count;
      let out: Float32Array | undefined;
      for (const [a, b] of [[0, 4], [4, 8], [8, 12], [12, 14], [0, 14], [5, 5]] as const) {
        const part = featureStack(input, shape, opts, { planes: [a, b], pool, out });
        assert.equal(part.voxels, (b - a) * YX);
        assert.deepEqual(part.data, whole.data.subarray(a * YX * F, b * YX * F), `${JSON.stringify(opts)} planes [${a}, ${b})`);
        if (out && out.length === part.data.length) assert.equal(part.data, out, 'the given array of the right length is filled');
        out = part.data;
      }
    }
    assert.throws(() => featureStack(input, shape, { scales: [1] }, { planes: [0, 15] }), /planes \[0, 15\) are not within the input's 14 planes/);
  });

  it('gives the whole-volume features inside a block read with featureHalo (one voxel more for differences)', () => {
    const rand = prng(23);
    const shape: Shape3 = [24, 22, 24];
    const input = Float32Array.from({ length: 24 * 22 * 24 }, () => rand());
    for (const derivatives of ['gaussian', 'differences'] as const) {
      const opts = { scales: [1, 1.6], dims: 3 as const, derivatives };
      const halo = featureHalo(opts);
      const r = gaussianHaloOf(1.6) + (derivatives === 'differences' ? 1 : 0);
      assert.deepEqual(halo, [r, r, r]);
      assert.deepEqual(featureHalo({ ...opts, features: ['gaussian'] }), [4, 4, 4].map((v) => Math.floor(v * 1.6 + 0.5)), 'no derivatives, no stencil');
      const whole = featureStack(input, shape, opts);
      // Block z in [halo, halo + 2) read with its halo: z in [0, 2 + 2 * halo).
      const z0 = halo[0];
      const bz = 2 + 2 * halo[0];
      const block = input.slice(0, bz * 22 * 24);
      // Only the z axis is cut here; the y and x axes are whole.
      const part = featureStack(block, [bz, 22, 24], opts);
      const F = whole.count;
      for (let z = 0; z < 2; z++) {
        for (let i = 0; i < 22 * 24; i++) {
          for (let f = 0; f < F; f++) {
            const a = whole.data[((z0 + z) * 22 * 24 + i) * F + f];
            const b = part.data[((z0 + z) * 22 * 24 + i) * F + f];
            assert.ok(Math.abs(a - b) <= 1e-5 * Math.max(1, Math.abs(a)), `${derivatives} z ${z} i ${i} ${whole.names[f]}: ${a} vs ${b}`);
          }
        }
      }
    }
  });

  it('needs every voxel of featureHalo with differences: one plane less of context changes the Hessian there', () => {
    const rand = prng(24);
    const shape: Shape3 = [20, 10, 12];
    const YX = 120;
    const input = Float32Array.from({ length: 20 * YX }, () => rand());
    const opts = { scales: [1.6], features: ['hessian' as const], raw: false, derivatives: 'differences' as const };
    const [r] = featureHalo(opts);
    assert.equal(r, Math.floor(4 * 1.6 + 0.5) + 1);
    const whole = featureStack(input, shape, opts);
    const plane = (stack: { data: Float32Array }, z: number): Float32Array => stack.data.subarray(z * YX * 3, (z + 1) * YX * 3);
    // Plane 10 with r planes of context below it, then with r - 1.
    assert.deepEqual(plane(featureStack(input.subarray((10 - r) * YX), [10 + r, 10, 12], opts), r), plane(whole, 10));
    assert.notDeepEqual(plane(featureStack(input.subarray((11 - r) * YX), [9 + r, 10, 12], opts), r - 1), plane(whole, 10));
  });
});

function gaussianHaloOf(s: number): number {
  return Math.floor(4 * (s / 2) + 0.5) + Math.floor(4 * s + 0.5);
}
