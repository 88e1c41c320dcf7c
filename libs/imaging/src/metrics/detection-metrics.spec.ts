import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ImagingOptionError } from '../errors/imaging-errors';
import { centroidF1, type Point3 } from './centroid-f1';
import { detectionScores } from './detection-scores';
import { graphScores } from './graph-scores';

describe('centroidF1', () => {
  it('drops points within one template size of the border and matches one-to-one within it (hand-computed)', () => {
    const truth: Point3[] = [
      [5, 5, 5],
      [10, 10, 10],
      [1, 10, 10], // border: z <= 2
      [15, 15, 15],
      [2, 10, 10], // border: z must be > 2, strictly
    ];
    const predicted: Point3[] = [
      [5, 5, 6], // truth 0 at distance 1
      [10, 11, 11], // truth 1 at sqrt(2)
      [10, 10, 12], // truth 1 at 2, but truth 1 is taken
      [18.5, 10, 10], // border: z must be < 20 - 2
      [15, 15, 17.5], // truth 3 at 2.5 > 2
    ];
    const r = centroidF1(predicted, truth, { shape: [20, 20, 20], templateSize: 2 });
    assert.deepEqual({ m: r.matched, p: r.predicted, t: r.truth }, { m: 2, p: 4, t: 3 });
    assert.equal(r.precision, 0.5);
    assert.equal(r.recall, 2 / 3);
    assert.ok(Math.abs(r.f1 - 4 / 7) < 1e-15);
  });

  it('matches the closest pair first, not the first truth point', () => {
    const truth: Point3[] = [
      [10, 10, 10],
      [10, 10, 11.5],
    ];
    const r = centroidF1([[10, 10, 11]], truth, { shape: [30, 30, 30], templateSize: 2 });
    assert.equal(r.matched, 1);
    assert.equal(r.recall, 0.5);
    // Distance exactly the template size matches.
    assert.equal(centroidF1([[10, 10, 12]], [[10, 10, 10]], { shape: [30, 30, 30], templateSize: 2 }).f1, 1);
  });

  it('scores empty lists by the documented conventions and refuses a bad template size', () => {
    assert.deepEqual(centroidF1([], [], { shape: [9, 9, 9], templateSize: 1 }), { matched: 0, predicted: 0, truth: 0, precision: 1, recall: 1, f1: 1 });
    assert.equal(centroidF1([[4, 4, 4]], [], { shape: [9, 9, 9], templateSize: 1 }).f1, 0);
    assert.equal(centroidF1([], [[4, 4, 4]], { shape: [9, 9, 9], templateSize: 1 }).precision, 0);
    assert.throws(() => centroidF1([], [], { shape: [9, 9, 9], templateSize: -1 }), new ImagingOptionError('templateSize must be a finite number >= 0, got -1'));
  });
});

describe('graphScores', () => {
  it('gives edge-set precision/recall/F1, undirected by default, duplicates once', () => {
    const truth = [
      [1, 2],
      [2, 3],
      [3, 4],
    ] as const;
    const pred = [
      [2, 1],
      [3, 4],
      [4, 5],
      [3, 4],
    ] as const;
    const u = graphScores(pred, truth);
    assert.deepEqual(u, { matched: 2, predicted: 3, truth: 3, precision: 2 / 3, recall: 2 / 3, f1: 2 / 3 });
    const d = graphScores(pred, truth, { directed: true });
    assert.deepEqual([d.matched, d.predicted, d.truth, d.f1], [1, 3, 3, 1 / 3]);
  });

  it('keeps node ids of different types apart and scores empty graphs as perfect', () => {
    assert.equal(graphScores([['1', 2]], [[1, 2]]).matched, 0);
    assert.equal(graphScores([[1n, 'a']], [['a', 1n]]).matched, 1);
    assert.deepEqual(graphScores([], []), detectionScores(0, 0, 0));
    assert.equal(graphScores([], [[1, 2]]).f1, 0);
  });
});
