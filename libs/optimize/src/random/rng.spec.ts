import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RandomPermutation } from './permutation';
import { Rng } from './rng';

describe('Rng', () => {
  it('gives the same sequence for the same seed and another for another seed', () => {
    const a = new Rng(42, 7);
    const b = new Rng(42, 7);
    const c = new Rng(42, 8);
    const xs = Array.from({ length: 5 }, () => a.uint32());
    assert.deepEqual(Array.from({ length: 5 }, () => b.uint32()), xs);
    assert.notDeepEqual(Array.from({ length: 5 }, () => c.uint32()), xs);
  });

  it('draws floats in [0, 1) with mean 1/2 and normals with mean 0 and variance 1', () => {
    const r = new Rng(1);
    let sum = 0;
    let sq = 0;
    let nsum = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const u = r.float();
      assert.ok(u >= 0 && u < 1);
      sum += u;
      const z = r.normal();
      nsum += z;
      sq += z * z;
    }
    assert.ok(Math.abs(sum / n - 0.5) < 0.01, `mean ${sum / n}`);
    assert.ok(Math.abs(nsum / n) < 0.03 && Math.abs(sq / n - 1) < 0.05, `normal mean ${nsum / n}, variance ${sq / n}`);
  });
});

describe('RandomPermutation', () => {
  it('is a permutation of [0, n) for every n up to 300, and depends on its key', () => {
    for (let n = 1; n <= 300; n++) {
      const p = new RandomPermutation(n, 99);
      const seen = Array.from({ length: n }, (_, i) => p.at(i)).sort((a, b) => a - b);
      assert.deepEqual(seen, Array.from({ length: n }, (_, i) => i), `n = ${n}`);
    }
    const a = Array.from({ length: 50 }, (_, i) => new RandomPermutation(50, 1).at(i));
    const b = Array.from({ length: 50 }, (_, i) => new RandomPermutation(50, 2).at(i));
    assert.notDeepEqual(a, b);
  });
});
