import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ImagingShapeError } from '../errors/imaging-errors';
import { adaptedRand } from './adapted-rand';
import { compactLabels } from './compact-labels';
import { contingencyTable } from './contingency';
import { dice } from './dice';
import { variationOfInformation } from './variation-of-information';

/** Park–Miller sequence `s = s * 48271 mod (2^31 - 1)`, values `s mod m` (reproducible in Python). */
function parkMiller(seed: number, n: number, m: number): Uint32Array {
  const out = new Uint32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 48271) % 2147483647;
    out[i] = s % m;
  }
  return out;
}

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} != ${b}`);

describe('contingency table', () => {
  it('counts overlaps over non-ignored voxels in compact-id order (dense and Map paths agree)', () => {
    const t = contingencyTable(Uint32Array.from([7, 7, 9, 9, 7]), Uint32Array.from([0, 1, 1, 2, 2]));
    assert.equal(t.total, 4);
    assert.deepEqual(t.segValues, [7, 9]);
    assert.deepEqual(t.gtValues, [1, 2]);
    assert.deepEqual([Array.from(t.cellSeg), Array.from(t.cellGt), Array.from(t.cellCount)], [[0, 0, 1, 1], [0, 1, 0, 1], [1, 1, 1, 1]]);
    assert.deepEqual(Array.from(t.segTotals), [2, 2]);
    // 3000 x 3000 labels exceed the dense limit: the Map path must give the same cells.
    const n = 6000;
    const seg = Uint32Array.from({ length: n }, (_, i) => i % 3000);
    const gt = Uint32Array.from({ length: n }, (_, i) => 1 + ((i * 7) % 3000));
    const sparse = contingencyTable(seg, gt);
    assert.equal(sparse.total, n);
    assert.equal(sparse.cellCount.length, 3000);
    assert.ok(sparse.cellCount.every((c) => c === 2));
    for (let k = 1; k < sparse.cellSeg.length; k++) assert.ok(sparse.cellSeg[k] * 3000 + sparse.cellGt[k] > sparse.cellSeg[k - 1] * 3000 + sparse.cellGt[k - 1]);
    assert.throws(() => contingencyTable(new Uint8Array(2), new Uint8Array(3)), new ImagingShapeError('segmentation has 2 voxels, ground truth 3'));
  });

  it('compacts 64-bit labels by value, in order of first appearance, ignored labels to 0', () => {
    const big = 2n ** 62n;
    const c = compactLabels(BigUint64Array.from([big, 0n, big + 1n, big, 3n]), [0, 3]);
    assert.deepEqual(Array.from(c.ids), [1, 0, 2, 1, 0]);
    assert.deepEqual(c.values, [big, big + 1n]);
  });
});

describe('variationOfInformation', () => {
  it('gives hand-computed split/merge in bits, ignoring ground-truth label 0', () => {
    const gt = Uint32Array.from([1, 1, 1, 1, 2, 2, 2, 2]);
    assert.deepEqual(variationOfInformation(Uint32Array.from([1, 1, 2, 2, 3, 3, 3, 3]), gt), { split: 0.5, merge: 0, total: 0.5 });
    assert.deepEqual(variationOfInformation(new Uint32Array(8).fill(4), gt), { split: 0, merge: 1, total: 1 });
    assert.deepEqual(variationOfInformation(gt, gt), { split: 0, merge: 0, total: 0 });
    // Voxels with gt 0 drop out; remaining cells (S1,G1)=2, (S1,G2)=2, (S2,G2)=2 over 6 voxels: 2/3 and 2/3.
    const v = variationOfInformation(Uint32Array.from([5, 6, 1, 1, 1, 1, 2, 2]), Uint32Array.from([0, 0, 1, 1, 2, 2, 2, 2]));
    close(v.split, 2 / 3);
    close(v.merge, 2 / 3);
    // Ignoring segmentation label 1 leaves only (S2,G2): both 0.
    assert.deepEqual(variationOfInformation(Uint32Array.from([5, 6, 1, 1, 1, 1, 2, 2]), Uint32Array.from([0, 0, 1, 1, 2, 2, 2, 2]), { ignoreSegmentation: [1] }), { split: 0, merge: 0, total: 0 });
    assert.deepEqual(variationOfInformation(new Uint8Array(3), new Uint8Array(3)), { split: 0, merge: 0, total: 0 });
  });

  it('matches the gala/CREMI formula on 500 pseudo-random voxels (values computed with numpy)', () => {
    const v = variationOfInformation(parkMiller(1, 500, 7), parkMiller(2, 500, 5));
    close(v.split, 2.7746294719024034);
    close(v.merge, 1.9671159627996107);
  });
});

describe('adaptedRand', () => {
  it('gives the hand-computed CREMI value: precision 1, recall 49/78, error 29/127', () => {
    // gt 0 row dropped; seg 0 inside gt counts as c = 1 singleton voxel over n = 6 voxels.
    const r = adaptedRand(Uint32Array.from([3, 1, 1, 0, 2, 2]), Uint32Array.from([0, 1, 1, 1, 2, 2]));
    close(r.precision, 1);
    close(r.recall, 49 / 78);
    close(r.error, 29 / 127);
    assert.deepEqual(adaptedRand(Uint32Array.from([4, 4, 9]), Uint32Array.from([1, 1, 2])), { error: 0, precision: 1, recall: 1 });
  });

  it('matches CREMI adapted_rand on 500 pseudo-random voxels (values computed with its code)', () => {
    const r = adaptedRand(parkMiller(1, 500, 7), parkMiller(2, 500, 5));
    close(r.error, 0.8267843523765137);
    close(r.precision, 0.2593013236285347);
    close(r.recall, 0.13004266735457243);
  });

  it('is NaN when the ground truth has no labelled voxel, as CREMI', () => {
    const r = adaptedRand(Uint32Array.from([1, 2]), new Uint32Array(2));
    assert.ok(Number.isNaN(r.error) && Number.isNaN(r.precision) && Number.isNaN(r.recall));
  });
});

describe('dice', () => {
  it('gives 2|A∩B| / (|A| + |B|), 1 for two empty masks', () => {
    assert.equal(dice(Uint8Array.from([1, 1, 0, 0]), Uint8Array.from([1, 0, 1, 0])), 0.5);
    assert.equal(dice(Uint8Array.from([3, 0]), Float32Array.from([0.5, 0])), 1);
    assert.equal(dice(new Uint8Array(4), new Uint8Array(4)), 1);
    assert.equal(dice(Uint8Array.from([1, 0]), Uint8Array.from([0, 1])), 0);
    assert.equal(dice(BigUint64Array.from([1n, 0n, 1n]), Uint8Array.from([1, 1, 1])), 0.8);
  });
});
