import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bruteOffsets } from '../testing/brute-force';
import { prng } from '../testing/fixtures';
import { rankOrder } from './rank-order';
import { RankQueue } from './rank-queue';
import { neighborhood } from './neighborhood';
import { UnionFind } from './union-find';

describe('core', () => {
  it('ranks voxels by (value, index) like a stable sort, for every numeric dtype (ties, -0, ±Infinity)', () => {
    const rand = prng(71);
    const make = [
      (n: number) => Float32Array.from({ length: n }, () => (rand() < 0.1 ? -0 : Math.floor(rand() * 20) / 4 - 2.5)),
      (n: number) => Float64Array.from({ length: n }, () => (rand() < 0.05 ? (rand() < 0.5 ? Infinity : -Infinity) : (rand() - 0.5) * 1e300)),
      (n: number) => Float64Array.from({ length: n }, () => Math.floor(rand() * 5) + 1e-9 * Math.floor(rand() * 3)),
      (n: number) => Uint8Array.from({ length: n }, () => Math.floor(rand() * 256)),
      (n: number) => Int16Array.from({ length: n }, () => Math.floor(rand() * 65536) - 32768),
      (n: number) => Int32Array.from({ length: n }, () => Math.floor(rand() * 2 ** 32) - 2 ** 31),
      (n: number) => Uint32Array.from({ length: n }, () => Math.floor(rand() * 2 ** 32)),
    ];
    for (let trial = 0; trial < 70; trial++) {
      const n = Math.floor(rand() * 3000);
      const v = make[trial % make.length](n);
      const want = Array.from({ length: n }, (_, i) => i).sort((a, b) => (v[a] < v[b] ? -1 : v[a] > v[b] ? 1 : a - b));
      assert.deepEqual(Array.from(rankOrder(v)), want, `trial ${trial} (${v.constructor.name})`);
    }
  });

  it('pops queued ranks smallest first, across all bitset levels', () => {
    const rand = prng(72);
    for (const size of [1, 31, 32, 33, 1024, 1025, 2000]) {
      const q = new RankQueue(size);
      const keys = Array.from({ length: size }, (_, i) => i).filter(() => rand() < 0.5);
      const popped: number[] = [];
      // Interleave pushes and pops like a flood: push a few, pop one.
      const pending = [...keys].sort(() => rand() - 0.5);
      const inQueue = new Set<number>();
      while (pending.length || q.length) {
        for (let k = 0; k < 3 && pending.length; k++) {
          const r = pending.pop() as number;
          q.push(r);
          inQueue.add(r);
        }
        const r = q.pop();
        assert.equal(r, Math.min(...inQueue), `size ${size}`);
        inQueue.delete(r);
        popped.push(r);
      }
      assert.equal(popped.length, keys.length);
      assert.equal(q.pop(), -1);
    }
    // Four levels (40000 keys): push all in random order, pop all in order.
    const big = new RankQueue(40000);
    const all = Array.from({ length: 40000 }, (_, i) => i).sort(() => rand() - 0.5);
    for (const r of all) big.push(r);
    const out = new Uint32Array(40000);
    for (let k = 0; k < 40000; k++) out[k] = big.pop();
    assert.ok(out.every((r, k) => r === k));
  });

  it('lists 6/18/26 neighbourhoods and their raster-backward halves (3/9/13)', () => {
    for (const c of [6, 18, 26] as const) {
      const all = neighborhood(c);
      assert.deepEqual(Array.from({ length: all.size }, (_, k) => [all.dz[k], all.dy[k], all.dx[k]]), bruteOffsets(c));
      assert.equal(neighborhood(c, 'backward').size, c / 2);
    }
  });

  it('keeps the smaller root on union and flattens every element to its root', () => {
    const uf = new UnionFind(2);
    for (let i = 0; i < 6; i++) uf.make();
    uf.union(5, 6);
    uf.union(6, 2);
    uf.union(4, 3);
    assert.deepEqual(Array.from(uf.flatten().subarray(1, 7)), [1, 2, 3, 3, 2, 2]);
  });
});
