import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ImagingShapeError, ImagingValueError } from '../errors/imaging-errors';
import { bruteBestSplit } from '../testing/brute-force-extra';
import { prng } from '../testing/fixtures';
import { forestFromJson, forestToJson } from './forest-json';
import { predictForest, trainRandomForest, type DecisionTree } from './random-forest';

function dataset(rand: () => number, n: number, F: number, K: number): { x: Float32Array; y: Uint8Array; rows: number[][] } {
  const rows: number[][] = [];
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    rows.push(Array.from({ length: F }, () => Math.fround(rand())));
    y[i] = Math.min(K - 1, Math.floor((rows[i][0] + 0.3 * rows[i][F - 1] + 0.2 * rand()) * K * 0.7));
  }
  return { x: Float32Array.from(rows.flat()), y, rows };
}

/** Leaf reached by a sample, walking the tree from its definition. */
function walk(tree: DecisionTree, row: ArrayLike<number>): number {
  let k = 0;
  while (tree.feature[k] !== -1) k = row[tree.feature[k]] <= tree.threshold[k] ? tree.left[k] : tree.left[k] + 1;
  return k;
}

describe('trainRandomForest', () => {
  it('splits the root exactly like an exhaustive Gini search on 40 random data sets (stumps, all features, no bagging)', () => {
    const rand = prng(53);
    for (let trial = 0; trial < 40; trial++) {
      const n = 5 + Math.floor(rand() * 40);
      const F = 1 + Math.floor(rand() * 4);
      const K = 2 + (trial % 3);
      const { x, y, rows } = dataset(rand, n, F, K);
      const model = trainRandomForest(x, F, y, { trees: 1, maxDepth: 1, featuresPerSplit: F, bins: 256, bootstrap: false });
      const want = bruteBestSplit(rows, Array.from(y), model.classes);
      const tree = model.trees[0];
      if (!want) {
        assert.equal(tree.feature[0], -1, `trial ${trial}: expected a leaf`);
        continue;
      }
      assert.equal(tree.feature[0], want.feature, `trial ${trial} feature`);
      assert.equal(tree.threshold[0], want.threshold, `trial ${trial} threshold`);
      // Leaves hold the class frequencies of their side.
      for (const side of [0, 1]) {
        const leaf = tree.left[0] + side;
        const ids = rows.map((r, i) => i).filter((i) => (rows[i][want.feature] <= want.threshold ? 0 : 1) === side);
        for (let c = 0; c < model.classes; c++) {
          const freq = ids.filter((i) => y[i] === c).length / ids.length;
          assert.ok(Math.abs(tree.value[leaf * model.classes + c] - freq) < 1e-6);
        }
      }
    }
  });

  it('fits distinct training points exactly when fully grown, and predicts what walking the trees gives', () => {
    const rand = prng(59);
    const { x, y, rows } = dataset(rand, 300, 5, 3);
    const full = trainRandomForest(x, 5, y, { trees: 1, maxDepth: 64, featuresPerSplit: 5, bins: 256, bootstrap: false });
    const p = predictForest(full, x);
    for (let i = 0; i < 300; i++) assert.equal(p[i * full.classes + y[i]], 1, `sample ${i}`);
    const forest = trainRandomForest(x, 5, y, { trees: 7, seed: 3 });
    const probs = predictForest(forest, x);
    for (let i = 0; i < 300; i++) {
      for (let c = 0; c < forest.classes; c++) {
        const want = forest.trees.reduce((s, t) => s + t.value[walk(t, rows[i]) * forest.classes + c], 0) / 7;
        assert.ok(Math.abs(probs[i * forest.classes + c] - want) < 1e-6);
      }
    }
    assert.ok(forest.oobAccuracy !== undefined && forest.oobAccuracy > 0.5 && forest.oobAccuracy <= 1);
  });

  it('is deterministic for a seed, learns a noisy boundary, and round-trips through JSON', () => {
    const rand = prng(61);
    const { x, y } = dataset(rand, 4000, 6, 2);
    const a = trainRandomForest(x, 6, y, { trees: 10, seed: 9 });
    const b = trainRandomForest(x, 6, y, { trees: 10, seed: 9 });
    assert.deepEqual(forestToJson(a), forestToJson(b));
    assert.ok((a.oobAccuracy as number) > 0.85, `oob ${a.oobAccuracy}`);
    const back = forestFromJson(JSON.parse(JSON.stringify(forestToJson(a))));
    assert.deepEqual(predictForest(back, x), predictForest(a, x));
    assert.throws(() => forestFromJson({ format: 'other' }), ImagingValueError);
  });

  it('refuses mismatched shapes, NaN features and negative labels', () => {
    assert.throws(() => trainRandomForest(new Float32Array(5), 2, [0, 1]), ImagingShapeError);
    assert.throws(() => trainRandomForest(Float32Array.of(NaN, 1), 1, [0, 1]), ImagingValueError);
    assert.throws(() => trainRandomForest(Float32Array.of(0, 1), 1, [0, -1]), ImagingValueError);
  });
});
