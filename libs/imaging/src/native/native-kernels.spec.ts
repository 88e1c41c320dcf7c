import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { trainRandomForest, predictForest, type RandomForestModel } from '../classify/random-forest';
import type { NumericArray, Shape3 } from '../core/volume.types';
import { ImagingOptionError, ImagingValueError } from '../errors/imaging-errors';
import { differenceDerivativeSet, gaussianDerivativeSet, ScratchPool, type Orders } from '../features/derivative-set';
import { featureNames, featureStack } from '../features/feature-stack';
import { symmetricEigenvalues3 } from '../features/symmetric-eigenvalues';
import { convolveAxis } from '../filters/convolve-axis';
import { gaussianKernel1d } from '../filters/gaussian-kernel';
import { ballRuns, ballSumInto } from '../matching/ball-sum';
import { detectCells } from '../matching/detect-cells';
import { labelMax, mapLabels, type UnsignedLabels } from '../labeling/label-map';
import { bruteBallSum } from '../testing/brute-force-extra';
import { prng, randomShape } from '../testing/fixtures';
import { nativeKernels, useImagingKernels } from './native-kernels';

/** `fn` with the TypeScript loops and with the native ones (the addon must be built: `npm run build`). */
function both<T>(fn: () => T): { js: T; native: T } {
  useImagingKernels('js');
  const js = fn();
  useImagingKernels('native');
  const native = fn();
  return { js, native };
}

after(() => useImagingKernels('auto'));

describe('native imaging kernels', () => {
  it('are built (npm run build compiles them where cc and Node headers exist) and can be switched off', () => {
    assert.equal(useImagingKernels('native'), 'native');
    assert.ok(nativeKernels());
    assert.equal(useImagingKernels('js'), 'js');
    assert.equal(nativeKernels(), null);
    assert.equal(useImagingKernels('auto'), 'native');
  });

  it('reject an unknown kind and name a missing or unloadable addon when native is required (auto falls back to the TypeScript loops)', () => {
    assert.throws(() => useImagingKernels('fast' as never), (e: Error) => e instanceof ImagingOptionError && /auto, native, js.*"fast"/.test(e.message));
    const missing = join(__dirname, 'no-such-addon.node');
    assert.throws(() => useImagingKernels('native', missing), (e: Error) => e instanceof ImagingOptionError && e.message.includes(missing) && /npm run build/.test(e.message));
    assert.equal(useImagingKernels('auto', missing), 'js');
    assert.equal(nativeKernels(), null);
    // A file that is not a loadable addon (a broken build, another platform's).
    const dir = mkdtempSync(join(tmpdir(), 'imaging-native-'));
    try {
      const broken = join(dir, 'broken.node');
      writeFileSync(broken, 'not an ELF file');
      assert.throws(() => useImagingKernels('native', broken), (e: Error) => e instanceof ImagingOptionError && e.message.includes(`${broken} does not load`));
      assert.equal(useImagingKernels('auto', broken), 'js');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    assert.equal(useImagingKernels('auto'), 'native');
  });

  it('convolveAxis: the same values as the TypeScript loops, bit for bit, for every source and output type, axis and kernel symmetry, in place too', () => {
    const rand = prng(101);
    const makers: ((n: number) => NumericArray)[] = [
      (n) => Float64Array.from({ length: n }, () => rand() * 100 - 50),
      (n) => Float32Array.from({ length: n }, () => rand() * 10),
      (n) => Uint8Array.from({ length: n }, () => Math.floor(rand() * 256)),
      (n) => Uint16Array.from({ length: n }, () => Math.floor(rand() * 65536)),
      (n) => Int16Array.from({ length: n }, () => Math.floor(rand() * 65536) - 32768),
      (n) => Int32Array.from({ length: n }, () => Math.floor(rand() * 2e9) - 1e9),
    ];
    const asymmetric = Float64Array.of(0.1, 0.7, -0.3, 0.25, 0.05);
    let cases = 0;
    for (let trial = 0; trial < 60; trial++) {
      // Lines shorter than the kernel too (reflection repeats).
      const shape = randomShape(rand, [9, 11, 13]);
      const n = shape[0] * shape[1] * shape[2];
      const src = makers[trial % makers.length](n);
      const sigma = 0.5 + rand() * 3;
      const kernels = [gaussianKernel1d(sigma, 0, 4), gaussianKernel1d(sigma, 1, 4), gaussianKernel1d(sigma, 2, 4), asymmetric];
      for (const kernel of kernels) {
        for (const axis of [0, 1, 2] as const) {
          // Float64 and Float32 outputs; in place too (the source is a copy of the output type).
          for (const make of [(k: number) => new Float64Array(k), (k: number) => new Float32Array(k)]) {
            const { js, native } = both(() => {
              const dst = make(n);
              convolveAxis(src, dst, shape, axis, kernel);
              const inPlace = make(n);
              inPlace.set(src);
              convolveAxis(inPlace, inPlace, shape, axis, kernel);
              return [dst, inPlace];
            });
            assert.deepEqual(native, js, `trial ${trial}, shape ${shape}, axis ${axis}, ${kernel.length} taps, ${make(0).constructor.name}`);
            cases++;
          }
        }
      }
    }
    assert.equal(cases, 1440);
  });

  it('convolveAxis along z on planes [a, b): those planes of the whole result, bit for bit, both ways; other axes refuse planes', () => {
    const rand = prng(102);
    const shape: Shape3 = [12, 7, 9];
    const YX = 63;
    const src = Float32Array.from({ length: 12 * YX }, () => rand());
    const kernel = gaussianKernel1d(1.7, 1, 4);
    const whole = new Float64Array(12 * YX);
    convolveAxis(src, whole, shape, 0, kernel);
    for (const [a, b] of [[0, 12], [3, 8], [0, 1], [11, 12], [5, 5]] as const) {
      const { js, native } = both(() => {
        const dst = new Float64Array((b - a) * YX);
        convolveAxis(src, dst, shape, 0, kernel, [a, b]);
        return dst;
      });
      assert.deepEqual(js, whole.subarray(a * YX, b * YX), `planes [${a}, ${b})`);
      assert.deepEqual(native, js, `planes [${a}, ${b})`);
    }
    for (const kind of ['js', 'native'] as const) {
      useImagingKernels(kind);
      assert.throws(() => convolveAxis(src, whole, shape, 1, kernel, [0, 5]), /planes \[0, 5\) are not within the 12 planes, or the axis is not z/);
      assert.throws(() => convolveAxis(src, whole, shape, 0, kernel, [4, 13]), ImagingOptionError);
    }
    useImagingKernels('auto');
  });

  it('symmetricEigenvalues3: within 1e-10 of the TypeScript closed form (scaled by the largest eigenvalue), exact on diagonal matrices, NaN where a component is NaN or infinite', () => {
    const rand = prng(7);
    const n = 5000;
    const c = Array.from({ length: 6 }, () => new Float64Array(n));
    for (let i = 0; i < n; i++) {
      const kind = i % 7;
      for (let k = 0; k < 6; k++) c[k][i] = kind === 0 && [1, 2, 4].includes(k) ? 0 : (rand() - 0.5) * 10 ** Math.floor(rand() * 6 - 3);
      if (kind === 1) [c[0][i], c[3][i], c[5][i], c[1][i], c[2][i], c[4][i]] = [2, 2, 2, 0, 0, 0];
      if (kind === 2) c[Math.floor(rand() * 6)][i] = [NaN, Infinity, -Infinity][i % 3];
    }
    const { js, native } = both(() => {
      const out = [0, 1, 2].map(() => new Float64Array(n));
      symmetricEigenvalues3(c, out);
      return out;
    });
    for (let i = 0; i < n; i++) {
      const want = [js[0][i], js[1][i], js[2][i]];
      const got = [native[0][i], native[1][i], native[2][i]];
      if (i % 7 === 2) {
        assert.deepEqual(got.map(Number.isNaN), want.map(Number.isNaN), `#${i}: ${got} vs ${want}`);
        continue;
      }
      if (i % 7 === 0 || i % 7 === 1) {
        assert.deepEqual(got, want, `diagonal #${i}`);
        continue;
      }
      const scale = Math.max(...want.map(Math.abs));
      for (let k = 0; k < 3; k++) assert.ok(Math.abs(got[k] - want[k]) <= 1e-10 * scale, `#${i}: ${got} vs ${want}`);
    }
  });

  it('gaussianDerivativeSet on planes [a, b): the passes read and write views into larger arrays, bit for bit', () => {
    const rand = prng(12);
    const shape: Shape3 = [11, 8, 13];
    const input = Float32Array.from({ length: 11 * 8 * 13 }, () => rand());
    const orders: Orders[] = [[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1], [2, 0, 0], [1, 1, 0], [0, 2, 0], [0, 1, 1], [0, 0, 2]];
    for (const planes of [[3, 7], [0, 11], [9, 11]] as const) {
      const { js, native } = both(() => gaussianDerivativeSet(input, shape, [1.3, 0.9, 1.6], orders, 4, new ScratchPool(), planes));
      assert.equal(native[0].length, (planes[1] - planes[0]) * 8 * 13);
      native.forEach((r, k) => assert.deepEqual(r, js[k], `planes [${planes}] order ${orders[k]}`));
    }
  });

  it('differenceDerivativeSet: the same central differences as the TypeScript loops, bit for bit, on planes, per slice and one voxel wide', () => {
    const rand = prng(14);
    const orders: Orders[] = [[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1], [2, 0, 0], [1, 1, 0], [1, 0, 1], [0, 2, 0], [0, 1, 1], [0, 0, 2]];
    for (const [shape, sigma, planes] of [
      [[11, 8, 13], [1.3, 0.9, 1.6], [3, 7]],
      [[11, 8, 13], [1.3, 0.9, 1.6], [0, 11]],
      [[6, 5, 9], [0, 1, 1.2], [2, 6]],
      [[5, 4, 1], [1, 1, 1], [0, 5]],
      [[5, 1, 6], [1, 1, 1], [1, 4]],
    ] as [Shape3, [number, number, number], [number, number]][]) {
      const input = Float32Array.from({ length: shape[0] * shape[1] * shape[2] }, () => rand());
      const valid = orders.filter((o) => o.every((k, a) => sigma[a] > 0 || k === 0));
      const { js, native } = both(() => differenceDerivativeSet(input, shape, sigma, valid, 4, new ScratchPool(), planes));
      native.forEach((r, k) => assert.deepEqual(r, js[k], `${shape} planes [${planes}] order ${valid[k]}`));
    }
  });

  it('featureStack: every feature but the eigenvalues bit for bit, the eigenvalues within 1e-12 of the largest, with either derivatives', () => {
    const rand = prng(11);
    const shape: Shape3 = [9, 14, 17];
    const input = Float32Array.from({ length: 9 * 14 * 17 }, () => rand());
    const all = ['gaussian', 'gradientMagnitude', 'laplacian', 'differenceOfGaussians', 'structureTensor', 'hessian'] as const;
    // The last four take the native sweep of differenceFeatures (no difference of Gaussians or structure tensor).
    for (const [derivatives, features, planes] of [
      ['gaussian', all, [0, 9]],
      ['differences', all, [0, 9]],
      ['differences', ['gaussian', 'gradientMagnitude', 'laplacian', 'hessian'], [0, 9]],
      ['differences', ['gaussian', 'laplacian', 'hessian'], [2, 7]],
      ['differences', ['hessian'], [8, 9]],
      ['differences', ['gaussian'], [3, 5]],
    ] as const) {
      const options = { scales: [0.7, 1.6], features, derivatives };
      const { js, native } = both(() => featureStack(input, shape, options, { planes }));
      const names = featureNames(options);
      assert.equal(js.count, names.length);
      for (let f = 0; f < names.length; f++) {
        const a = Array.from({ length: js.voxels }, (_, i) => js.data[i * js.count + f]);
        const b = Array.from({ length: js.voxels }, (_, i) => native.data[i * js.count + f]);
        if (!names[f].includes('_ev')) {
          assert.deepEqual(b, a, `${derivatives} ${features} ${names[f]}`);
          continue;
        }
        const scale = Math.max(...a.map(Math.abs));
        // Float32 storage: a value 1e-12 away may round to the neighbouring float.
        for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= Math.max(1e-12 * scale, Math.abs(a[i]) * 2 ** -23), `${derivatives} ${features} ${names[f]} voxel ${i}`);
      }
    }
  });

  it('predictForest: the same probabilities as the TypeScript walk, NaN features included', () => {
    const rand = prng(23);
    const F = 6;
    const n = 3001; // not a multiple of the native lanes or chunk
    const x = Float32Array.from({ length: n * F }, () => rand());
    const labels = Uint8Array.from({ length: n }, (_, i) => (x[i * F] + x[i * F + 3] > 1 ? 2 : x[i * F + 1] > 0.5 ? 1 : 0));
    const model: RandomForestModel = trainRandomForest(x, F, labels, { trees: 7, maxDepth: 9, seed: 4 });
    const test = Float32Array.from({ length: 20_000 * F }, (_, i) => (i % 97 === 0 ? NaN : rand()));
    const { js, native } = both(() => predictForest(model, test));
    assert.deepEqual(native, js);
    // A stump and a lone leaf (depth 0).
    const stump: RandomForestModel = {
      classes: 2,
      features: 1,
      trees: [
        { feature: Int32Array.of(0, -1, -1), threshold: Float32Array.of(0.5, 0, 0), left: Int32Array.of(1, 0, 0), value: Float32Array.of(0, 0, 1, 0, 0, 1) },
        { feature: Int32Array.of(-1), threshold: Float32Array.of(0), left: Int32Array.of(0), value: Float32Array.of(0.25, 0.75) },
      ],
    };
    const pair = both(() => predictForest(stump, Float32Array.of(0.2, 0.5, 0.9, NaN)));
    assert.deepEqual(pair.native, pair.js);
    assert.deepEqual(Array.from(pair.native), [0.625, 0.375, 0.625, 0.375, 0.125, 0.875, 0.125, 0.875]);
    // A child index out of range is an error, not a read outside the arrays.
    const broken: RandomForestModel = { ...stump, trees: [{ ...stump.trees[0], left: Int32Array.of(2, 0, 0) }] };
    useImagingKernels('native');
    assert.throws(() => predictForest(broken, Float32Array.of(0.2)), (e: Error) => e instanceof ImagingValueError && /tree 0 node 0 .* children 2, 3 \(of 3 nodes/.test(e.message));
  });

  it('ballSum and detectCells: the same sums and cells as the TypeScript loops (and the brute-force sum)', () => {
    const rand = prng(31);
    for (let trial = 0; trial < 12; trial++) {
      // Volumes thinner than the ball along some axes too.
      const shape = randomShape(rand, [14, 16, 18]);
      const n = shape[0] * shape[1] * shape[2];
      const input = Float32Array.from({ length: n }, () => (rand() < 0.3 ? rand() : 0));
      const r = 1 + Math.floor(rand() * 5);
      const runs = ballRuns(r);
      for (const make of [(k: number) => new Float64Array(k), (k: number) => new Float32Array(k)]) {
        const { js, native } = both(() => {
          const out = make(n);
          ballSumInto(input, shape, runs, out);
          return out;
        });
        assert.deepEqual(native, js, `trial ${trial} r ${r}`);
      }
      const brute = bruteBallSum(input, shape, r);
      const nat = both(() => {
        const out = new Float64Array(n);
        ballSumInto(input, shape, runs, out);
        return out;
      }).native;
      for (let i = 0; i < n; i++) assert.ok(Math.abs(nat[i] - brute[i]) < 1e-9, `trial ${trial} voxel ${i}`);
      const d = both(() => detectCells(input, shape, { threshold: 0.1, stop: 0.05, templateSize: 2 * r + 1, dilation: 2, maxCells: 20 }));
      assert.deepEqual(d.native.cells, d.js.cells, `trial ${trial} cells`);
      assert.deepEqual(d.native.labels, d.js.labels, `trial ${trial} labels`);
      const o = { threshold: 0.1, stop: 0.05, templateSize: 2 * r + 1, dilation: 2, maxCells: 20, overwrite: true };
      const over = both(() => {
        const own = input.slice();
        return { cells: detectCells(own, shape, o).cells, own };
      });
      assert.deepEqual(over.native, over.js, `trial ${trial} overwrite: cells and cleared map (Float32 work)`);
      assert.deepEqual(over.native.cells, d.js.cells, `trial ${trial} overwrite`);
    }
  });
  it('labelMax and mapLabels: the same maxima and mapped labels as the TypeScript loops, and the same first bad id', () => {
    const rand = prng(41);
    const kinds = [Uint8Array, Uint8ClampedArray, Uint16Array, Uint32Array] as const;
    for (let trial = 0; trial < 24; trial++) {
      const Ctor = kinds[trial % kinds.length]!;
      const n = 1 + Math.floor(rand() * 3000);
      const top = 1 + Math.floor(rand() * (Ctor === Uint32Array ? 70000 : Ctor === Uint16Array ? 3000 : 200));
      const ids: UnsignedLabels = new Ctor(n);
      // Mostly background, as label volumes are; the last trials put one id past the table.
      for (let i = 0; i < n; i++) ids[i] = rand() < 0.6 ? 0 : Math.floor(rand() * top);
      const table = new Uint32Array(top).map(() => Math.floor(rand() * 0xffffffff));
      const brokenAt = trial >= 16 ? Math.floor(rand() * n) : -1;
      if (brokenAt >= 0) ids[brokenAt] = top + (trial % 3);
      let max = 0;
      for (const v of ids) max = Math.max(max, v);
      const expected = new Uint32Array(n).map((_, i) => (ids[i] === 0 ? 0 : table[ids[i]!]!));
      let firstBad = -1;
      for (let i = 0; i < n && firstBad < 0; i++) if (ids[i]! >= top) firstBad = i;
      const r = both(() => {
        const out = new Uint32Array(n);
        return { max: labelMax(ids), bad: mapLabels(ids, table, out), out };
      });
      for (const [kind, got] of Object.entries(r)) {
        assert.equal(got.max, max, `trial ${trial} ${kind} labelMax`);
        assert.equal(got.bad, firstBad, `trial ${trial} ${kind} first id past the table`);
        assert.deepEqual(got.out, firstBad < 0 ? expected : new Uint32Array(n), `trial ${trial} ${kind} mapped labels`);
      }
    }
    assert.equal(labelMax(new Uint16Array(0)), 0);
    assert.throws(() => labelMax(new Float32Array(3) as never), /labelMax: labels must be a Uint8Array, Uint8ClampedArray, Uint16Array or Uint32Array, got Float32Array/);
    assert.throws(() => mapLabels(new Uint8Array(3), new Uint32Array(2), new Uint32Array(2)), /mapLabels: out holds 2 labels, ids 3/);
  });
});
