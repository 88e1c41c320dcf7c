import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bruteOffsets } from '../testing/brute-force';
import { bruteAgglomerate } from '../testing/brute-force-extra';
import { prng, randomShape } from '../testing/fixtures';
import { agglomerateMeanBoundary } from './agglomerate';

describe('agglomerateMeanBoundary', () => {
  it('merges exactly like recomputing every mean from scratch on 60 random over-segmentations (6/18/26)', () => {
    const rand = prng(89);
    for (let trial = 0; trial < 60; trial++) {
      const shape = randomShape(rand, [5, 6, 7]);
      const n = shape[0] * shape[1] * shape[2];
      const labels = Uint32Array.from({ length: n }, () => (rand() < 0.1 ? 0 : 1 + Math.floor(rand() * 12)));
      // Boundary values in eighths keep every sum exact, so both sides see identical means and ties.
      const boundary = Float32Array.from({ length: n }, () => Math.floor(rand() * 8) / 8);
      const conn = ([6, 18, 26] as const)[trial % 3];
      const threshold = Math.floor(rand() * 8) / 8;
      const want = bruteAgglomerate(labels, shape, boundary, threshold, bruteOffsets(conn));
      const got = agglomerateMeanBoundary(labels, shape, boundary, threshold, { connectivity: conn });
      assert.deepEqual(Array.from(got.labels), want, `trial ${trial}`);
    }
  });

  it('merges two regions across a weak boundary and keeps them apart across a strong one', () => {
    // Three columns of labels 1 | 2 | 3; boundary 0.2 between 1 and 2, 0.9 between 2 and 3.
    const shape = [1, 1, 6] as const;
    const labels = Uint32Array.of(1, 1, 2, 2, 3, 3);
    const boundary = Float32Array.of(0, 0.2, 0.2, 0.9, 0.9, 0);
    const r = agglomerateMeanBoundary(labels, shape, boundary, 0.5);
    assert.deepEqual(Array.from(r.labels), [1, 1, 1, 1, 3, 3]);
    assert.equal(r.merges, 1);
    assert.deepEqual(Array.from(agglomerateMeanBoundary(labels, shape, boundary, 1).labels), [1, 1, 1, 1, 1, 1]);
  });
});
